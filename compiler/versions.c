#include "versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool semver_parse(const char *s, struct semver *v)
{
	char *end;
	if (*s++ != 'v')
		return false;
	long *parts[3] = {&v->major, &v->minor, &v->patch};
	for (int i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return false;
		*parts[i] = strtol(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return false;
	}
	return *s == '\0' || *s == '-' || *s == '+';
}

bool chart_version_parse(const char *s, struct semver *v)
{
	char buf[80];
	if (!s || strlen(s) + 2 > sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s%s", *s == 'v' ? "" : "v", s);
	return semver_parse(buf, v);
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

#define TILLER_GHCR "ghcr.io/helm/tiller"

/* Sources, helm/helm at each tag: cmd/helm/install.go, upgrade.go (flags),
 * pkg/engine/engine.go (`lookup` from v3.1.0, never in Helm 2),
 * pkg/chartutil/load.go (v2.15.0 refuses apiVersion != v1, helm#6180).
 * tiller image: gcr.io/kubernetes-helm was deleted (helm/helm#10120); the
 * Helm FAQ "Tiller installations stopped working and access is denied"
 * says `helm init --tiller-image ghcr.io/helm/tiller:vX`. kube_below:
 * every chart Helm 2 can render (Rancher <= 2.5) gives it a beta Ingress
 * (Rancher chart/templates/ingress.yaml; tiller's Capabilities carry no
 * group/version/Kind, helm@v2.17.0 pkg/tiller/release_server.go), and
 * Kubernetes 1.22 serves neither beta Ingress API (kubernetes.io
 * deprecation guide, "Ingress v1.22"). */
static const struct helm_procedure helm_procedures[] = {
	{2, 0, true, false, false, false, TILLER_GHCR, "v1.22.0"},
	{2, 15, true, false, false, true, TILLER_GHCR, "v1.22.0"},
	{3, 0, false, false, false, false, NULL, NULL},
	{3, 1, false, false, true, false, NULL, NULL},
	{3, 2, false, true, true, false, NULL, NULL},
	{4, 0, false, true, true, false, NULL, NULL},
};

const struct helm_procedure *helm_procedure_for(const struct semver *v)
{
	const struct helm_procedure *best = NULL;
	for (size_t i = 0; i < sizeof(helm_procedures) / sizeof(helm_procedures[0]); i++) {
		const struct helm_procedure *p = &helm_procedures[i];
		if (p->major == v->major && p->from_minor <= v->minor)
			best = p;
	}
	return best;
}

/* Source: cert-manager/cert-manager at each tag, deploy/manifests/
 * (00-crds.yaml up to v0.14; the namespace label up to v0.10) and
 * deploy/charts/cert-manager/values.yaml (installCRDs from v0.15.0,
 * crds.enabled from v1.15.0). */
#define CM_RELEASE_BRANCH "https://raw.githubusercontent.com/jetstack/cert-manager/release-0."
#define CM_RELEASE_CRDS "/deploy/manifests/00-crds.yaml"

/* Ordered by .from; the last row whose .from <= v applies. */
static const struct cert_manager_procedure cert_manager_procedures[] = {
	{{0, 0, 0}, CM_CRDS_MANIFEST_LABEL, CM_RELEASE_BRANCH, false, CM_RELEASE_CRDS},
	{{0, 11, 0}, CM_CRDS_MANIFEST, CM_RELEASE_BRANCH, false, CM_RELEASE_CRDS},
	{{0, 14, 0}, CM_CRDS_MANIFEST, "https://github.com/jetstack/cert-manager/releases/download/",
	 true, "/cert-manager.crds.yaml"},
	{{0, 15, 0}, CM_CRDS_INSTALL_CRDS, NULL, false, NULL},
	{{1, 15, 0}, CM_CRDS_ENABLED, NULL, false, NULL},
};

const struct cert_manager_procedure *cert_manager_procedure_for(const struct semver *v)
{
	const struct cert_manager_procedure *best = NULL;
	for (size_t i = 0; i < sizeof(cert_manager_procedures) / sizeof(cert_manager_procedures[0]); i++)
		if (semver_cmp(&cert_manager_procedures[i].from, v) <= 0)
			best = &cert_manager_procedures[i];
	return best;
}

void cert_manager_crds_url(const struct cert_manager_procedure *p, const char *version,
			   const struct semver *v, char *out, size_t len)
{
	out[0] = '\0';
	if (!p->crds_prefix)
		return;
	if (p->url_takes_version)
		snprintf(out, len, "%s%s%s", p->crds_prefix, version, p->crds_suffix);
	else
		snprintf(out, len, "%s%ld%s", p->crds_prefix, v->minor, p->crds_suffix);
}

/* Source: cert-manager/cert-manager at each tag,
 * deploy/charts/cert-manager/values.yaml: image.repository,
 * webhook.image.repository and cainjector.image.repository in every
 * release rhc installs (v0.10/v0.11: cainjector a subchart, the same key
 * from the parent); startupapicheck from v1.5.0, its image
 * quay.io/jetstack/cert-manager-ctl until v1.13.x and
 * cert-manager-startupapicheck from v1.14.0; acmesolver.image.repository
 * from v1.11.0. From v1.20.0 the chart composes images from
 * imageRegistry/imageNamespace/image.name, and *.image.repository is still
 * the "full repository override" that wins (v1.20.0 values.yaml:171-207). */
static const struct cert_manager_image cert_manager_image_rows[] = {
	{"", "quay.io/jetstack/cert-manager-controller", {0, 0, 0}, {0, 0, 0}, false},
	{"webhook", "quay.io/jetstack/cert-manager-webhook", {0, 0, 0}, {0, 0, 0}, false},
	{"cainjector", "quay.io/jetstack/cert-manager-cainjector", {0, 0, 0}, {0, 0, 0}, false},
	{"startupapicheck", "quay.io/jetstack/cert-manager-ctl", {1, 5, 0}, {1, 14, 0}, false},
	{"startupapicheck", "quay.io/jetstack/cert-manager-startupapicheck", {1, 14, 0}, {0, 0, 0}, false},
	{"acmesolver", "quay.io/jetstack/cert-manager-acmesolver", {1, 11, 0}, {0, 0, 0}, true},
};

const struct cert_manager_image *cert_manager_images(size_t *n)
{
	*n = sizeof(cert_manager_image_rows) / sizeof(cert_manager_image_rows[0]);
	return cert_manager_image_rows;
}

bool cert_manager_image_in(const struct cert_manager_image *img, const struct semver *v)
{
	static const struct semver open = {0, 0, 0};
	return semver_cmp(&img->from, v) <= 0 && (!semver_cmp(&img->until, &open) || semver_cmp(v, &img->until) < 0);
}

/* Source: cert-manager/cert-manager at each tag,
 * deploy/charts/cert-manager/Chart.template.yaml: kubeVersion from v1.9,
 * apiVersion v2 from v1.15.0. */
static const struct cert_manager_chart cert_manager_charts[] = {
	{{0, 0, 0}, NULL, false},
	{{1, 9, 0}, "v1.19.0", false},
	{{1, 10, 0}, "v1.20.0", false},
	{{1, 11, 0}, "v1.21.0", false},
	{{1, 12, 0}, "v1.22.0", false},
	{{1, 15, 0}, "v1.22.0", true},
};

const struct cert_manager_chart *cert_manager_chart_for(const struct semver *v)
{
	const struct cert_manager_chart *best = NULL;
	for (size_t i = 0; i < sizeof(cert_manager_charts) / sizeof(cert_manager_charts[0]); i++)
		if (semver_cmp(&cert_manager_charts[i].from, v) <= 0)
			best = &cert_manager_charts[i];
	return best;
}

/* Rancher chart lines. "R@TAG:PATH" is rancher/rancher at that tag.
 * newest: the newest GA tag of the line in rancher/rancher (2026-08).
 * Workloads: R@v2.5.0 pkg/controllers/management/clusterdeploy
 * (commit 079c473dea: no agents in the local cluster, `if
 * cluster.Spec.Internal { return nil }`; the node agent only in RKE1
 * clusters, pkg/systemtemplate/template.go `{{ if .IsRKE }}`); the node
 * agent removed in v2.12.0 (commit ded559961a, rancher/rancher#50612).
 * Agent TLS: R@v2.9.0 pkg/settings/setting.go, agent-tls-mode strict
 * WithDefaultOnUpgrade(system-store); docs "TLS Settings", Agent TLS
 * Enforcement: "In Rancher v2.9.0 and later, this setting defaults to
 * strict on new installs". Minimum Kubernetes and Helm: the release notes
 * of v2.5.0 ("Rancher HA cluster should be upgraded to Kubernetes 1.17+",
 * "Rancher install or upgrade must occur with Helm 3.2.x+", #29213); the
 * chart itself has no lower bound (Chart.yaml kubeVersion is "< X" only).
 * v2.12.0's release notes: "Kubernetes v1.30 is no longer supported. Before
 * upgrading to Rancher v2.12.0, ensure all clusters are running Kubernetes
 * v1.31 or later". The other lines' minimums live in the SUSE support
 * matrix, which rhc cannot cite: rancher_kube_min carries the last
 * documented minimum forward (no line supports an older Kubernetes than
 * the line before it). */
#define RN_250 "github.com/rancher/rancher/releases/tag/v2.5.0, Install/Upgrade Notes"
#define RN_2120 "github.com/rancher/rancher/releases/tag/v2.12.0, Important"
/* rke1_local: the line is documented to run on an RKE1 (local) cluster.
 * Rancher 2.12 stops managing RKE1 clusters (R@v2.12.0
 * chart/scripts/pre-upgrade-hook.sh: "Rancher v2.12+ does not support
 * RKE1", refusing upgrades while RKE1 cluster resources exist), and from
 * 2.13 the install docs list only K3s, RKE2, EKS, AKS and GKE for the
 * cluster Rancher runs on (rancher/rancher-docs versioned_docs/version-2.13
 * /getting-started/installation-and-upgrade/install-upgrade-on-a-kubernetes-
 * cluster/install-upgrade-on-a-kubernetes-cluster.md, "Kubernetes Cluster");
 * 2.12 is the last line whose docs still describe the RKE1 path. The
 * chart's own README still names RKE1 up to v2.15.0 (a stale sentence, not
 * a statement of support).
 * is_default: 2.14, whose newest chart 2.14.4 an empty chartVersion pins
 * when the stack can install it. Its chart admits Kubernetes < 1.36
 * (R@v2.14.4 chart/Chart.yaml), so every default release (v1.34) and the
 * v1.35 ones; 2.15.0 is the line's first and only GA (R@v2.15.0, no 2.15.1).
 * Every GA tag is published to the `latest` repo (R@v2.14.4 scripts/version:
 * release tags -> CHART_REPO=latest); `stable` gets a chart only when the
 * promote-to-stable workflow copies it (scripts/chart/copy), which on
 * 2026-08-21 had last marked v2.14.3 (README.md "stable v2.14.3", PR
 * #55848): hence the schema's repo default `latest`. */
static const struct rancher_line rancher_line_rows[] = {
	{3, "2.3.11", NULL, NULL, NULL, NULL, true, true, false, true, false},
	{4, "2.4.18", NULL, NULL, NULL, NULL, true, true, false, true, false},
	{5, "2.5.17", "v1.17.0", RN_250, "v3.2.0", RN_250, false, true, false, true, false},
	{6, "2.6.14", NULL, NULL, "v3.2.0", RN_250, false, true, false, true, false},
	{7, "2.7.18", NULL, NULL, "v3.2.0", RN_250, false, true, false, true, false},
	{8, "2.8.15", NULL, NULL, "v3.2.0", RN_250, false, true, false, true, false},
	{9, "2.9.12", NULL, NULL, "v3.2.0", RN_250, false, true, true, true, false},
	{10, "2.10.12", NULL, NULL, "v3.2.0", RN_250, false, true, true, true, false},
	{11, "2.11.16", NULL, NULL, "v3.2.0", RN_250, false, true, true, true, false},
	{12, "2.12.12", "v1.31.0", RN_2120, "v3.2.0", RN_250, false, false, true, true, false},
	{13, "2.13.8", NULL, NULL, "v3.2.0", RN_250, false, false, true, false, false},
	{14, "2.14.4", NULL, NULL, "v3.2.0", RN_250, false, false, true, false, true},
	{15, "2.15.0", NULL, NULL, "v3.2.0", RN_250, false, false, true, false, false},
};
#define NLINES (sizeof(rancher_line_rows) / sizeof(rancher_line_rows[0]))

const struct rancher_line *rancher_lines(size_t *n)
{
	*n = NLINES;
	return rancher_line_rows;
}

const struct rancher_line *rancher_kube_min(const struct rancher_line *line)
{
	const struct rancher_line *doc = NULL;
	for (const struct rancher_line *l = rancher_line_rows; l <= line && l < rancher_line_rows + NLINES; l++)
		if (l->kube_min)
			doc = l;
	return doc;
}

const struct rancher_line *rancher_default_line(void)
{
	for (size_t i = 0; i < NLINES; i++)
		if (rancher_line_rows[i].is_default)
			return &rancher_line_rows[i];
	return NULL;
}

const struct rancher_line *rancher_last_rke1_line(void)
{
	const struct rancher_line *last = NULL;
	for (size_t i = 0; i < NLINES; i++)
		if (rancher_line_rows[i].rke1_local)
			last = &rancher_line_rows[i];
	return last;
}

const struct rancher_line *rancher_line_for(const struct semver *chart)
{
	if (chart->major != 2)
		return NULL;
	for (size_t i = 0; i < NLINES; i++)
		if (rancher_line_rows[i].minor == chart->minor)
			return &rancher_line_rows[i];
	return NULL;
}

/* A fact holds from FROM on in FROM's line and in every later line. Facts
 * that came to two lines at different patches have a row per line. */
static const struct chart_fact_row {
	enum chart_fact fact;
	const char *from;
} chart_facts[] = {
	/* `git grep -w lookup TAG -- chart/templates`: none up to v2.5.17,
	 * from v2.6.0 on (R@v2.6.0 chart/templates/secret.yaml:8) */
	{CHART_LOOKUP, "2.6.0"},
	/* commit 713da95c2f "bumping chart apiVersion as its not helm2
	 * compatibile": R@v2.6.11 and R@v2.7.2 chart/Chart.yaml */
	{CHART_API_V2, "2.6.11"},
	{CHART_API_V2, "2.7.2"},
	/* chart/templates/ingress.yaml: extensions/v1beta1 unconditionally up to
	 * v2.5.4; networking.k8s.io/v1 when the API server has it from R@v2.5.5 */
	{CHART_INGRESS_V1, "2.5.5"},
	/* R@v2.3.4 chart/templates/issuer-rancher.yaml: cert-manager.io/v1alpha2
	 * besides certmanager.k8s.io/v1alpha1 (which cert-manager 0.11 removed) */
	{CHART_CM_IO, "2.3.4"},
	/* R@v2.14.0: only cert-manager.io/v1 left in chart/templates */
	{CHART_CM_V1_ONLY, "2.14.0"},
	/* chart/values.yaml at each tag */
	{CHART_LE_INGRESS_CLASS, "2.4.3"},
	{CHART_INGRESS_CLASS_NAME, "2.6.7"},
	{CHART_BOOTSTRAP_PASSWORD, "2.6.0"},
	{CHART_AGENT_TLS_MODE, "2.8.6"},
	{CHART_IMAGE_VALUES, "2.12.3"},
	{CHART_NETWORK_EXPOSURE, "2.14.0"},
};
#define NFACTS (sizeof(chart_facts) / sizeof(chart_facts[0]))

/* The row deciding F for CHART: the latest row at or before CHART's line,
 * else the first row of F. *FROM gets its version. */
static const struct chart_fact_row *fact_row(const struct semver *chart, enum chart_fact f,
					     struct semver *from)
{
	const struct chart_fact_row *best = NULL, *first = NULL;
	for (size_t i = 0; i < NFACTS; i++) {
		const struct chart_fact_row *r = &chart_facts[i];
		struct semver v;
		if (r->fact != f || !chart_version_parse(r->from, &v))
			continue;
		if (!first)
			first = r;
		if (v.major == chart->major && v.minor <= chart->minor) {
			best = r;
			*from = v;
		}
	}
	if (!best && first)
		chart_version_parse(first->from, from);
	return best ? best : first;
}

bool rancher_chart_has(const struct semver *chart, enum chart_fact f)
{
	struct semver from;
	return fact_row(chart, f, &from) && semver_cmp(&from, chart) <= 0;
}

const char *rancher_chart_fact_since(const struct semver *chart, enum chart_fact f)
{
	struct semver from;
	const struct chart_fact_row *r = fact_row(chart, f, &from);
	return r ? r->from : NULL;
}

/* chart/Chart.yaml `kubeVersion` at the tags where it changed, and at the
 * first and newest tag of every line (no line has a lower bound). Sources:
 * R@TAG:chart/Chart.yaml for each tag named. */
static const struct {
	struct semver from;
	const char *below;
} kube_bounds[] = {
	{{2, 3, 0}, NULL},	   {{2, 3, 11}, NULL},	      {{2, 4, 0}, NULL},
	{{2, 4, 13}, "v1.20.0"}, {{2, 4, 18}, "v1.20.0"},   {{2, 5, 0}, NULL},
	{{2, 5, 5}, "v1.20.0"},	 {{2, 5, 6}, NULL},	      {{2, 5, 17}, NULL},
	{{2, 6, 0}, "v1.22.0"},	 {{2, 6, 14}, "v1.25.0"},   {{2, 7, 0}, "v1.25.0"},
	{{2, 7, 18}, "v1.28.0"}, {{2, 8, 0}, "v1.28.0"},    {{2, 8, 3}, "v1.29.0"},
	{{2, 8, 15}, "v1.29.0"}, {{2, 9, 0}, "v1.31.0"},    {{2, 9, 12}, "v1.31.0"},
	{{2, 10, 0}, "v1.32.0"}, {{2, 10, 12}, "v1.32.0"},  {{2, 11, 0}, "v1.33.0"},
	{{2, 11, 16}, "v1.33.0"}, {{2, 12, 0}, "v1.34.0"},  {{2, 12, 12}, "v1.34.0"},
	{{2, 13, 0}, "v1.35.0"}, {{2, 13, 8}, "v1.35.0"},   {{2, 14, 0}, "v1.36.0"},
	{{2, 14, 4}, "v1.36.0"}, {{2, 15, 0}, "v1.37.0"},
};

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void rancher_chart_kube_below(const struct semver *chart, const char **below, bool *certain)
{
	size_t n = sizeof(kube_bounds) / sizeof(kube_bounds[0]), at = n;
	for (size_t i = 0; i < n; i++)
		if (semver_cmp(&kube_bounds[i].from, chart) <= 0)
			at = i;
	*below = NULL;
	*certain = false;
	if (at == n || kube_bounds[at].from.minor != chart->minor || chart->major != 2)
		return; /* outside the table */
	*below = kube_bounds[at].below;
	const bool exact = !semver_cmp(&kube_bounds[at].from, chart);
	const bool last = at + 1 == n || kube_bounds[at + 1].from.minor != chart->minor;
	/* past the newest tag: what the newest had; between tags: only if both agree */
	*certain = exact || last || same_text(kube_bounds[at].below, kube_bounds[at + 1].below);
}

/* local_until and removed: see the workload sources above the lines. */
static const struct rancher_workload workload_rows[] = {
	{"rancher", "deployment", 0, 0},
	{"cattle-cluster-agent", "deployment", 5, 0},
	{"cattle-node-agent", "daemonset", 5, 12},
};

const struct rancher_workload *rancher_workloads(size_t *n)
{
	*n = sizeof(workload_rows) / sizeof(workload_rows[0]);
	return workload_rows;
}

const struct rancher_workload *rancher_workload(const char *name)
{
	for (size_t i = 0; i < sizeof(workload_rows) / sizeof(workload_rows[0]); i++)
		if (!strcmp(workload_rows[i].name, name))
			return &workload_rows[i];
	return NULL;
}

bool rancher_workload_in_local(const struct rancher_workload *w, long line)
{
	return !w->local_until || line < w->local_until;
}

bool rancher_workload_exists(const struct rancher_workload *w, long line)
{
	return !w->removed || line < w->removed;
}

/* rke: the Kubernetes versions each release offers, oldest first, and its
 * default. v0.2.x: vendor/github.com/rancher/types/apis/management.cattle.io
 * /v3/k8s_defaults.go (K8sVersionsCurrent, DefaultK8s); v0.3.x, v1.0.x:
 * vendored kontainer-driver-metadata/rke; v1.1+: data/data.json, all at
 * rancher/rke@TAG. v1.6.7 and later: the "RKE Kubernetes versions" block of
 * github.com/rancher-archives/rke/releases/tag/TAG (written by
 * scripts/create-releasenote.sh from `rke config --list-version --all`);
 * v1.8.4: the upstream notes quoted in openSUSE's rke.changes. rke keeps
 * older versions for upgrades (metadata.go "store all for upgrades"): those
 * are accepted, not offered. */
static const char *const rke_v0_2_8[] = {"v1.12.10-rancher1-2", "v1.13.10-rancher1-2",
					 "v1.14.6-rancher1-1", "v1.15.3-rancher1-1", NULL};
static const char *const rke_v0_2_11[] = {"v1.13.12-rancher1-1", "v1.14.10-rancher1-0",
					  "v1.15.12-rancher1-1", NULL};
static const char *const rke_v0_3_2[] = {"v1.14.8-rancher1-1", "v1.15.5-rancher1-2",
					 "v1.16.2-rancher1-1", NULL};
static const char *const rke_v1_0_16[] = {"v1.15.12-rancher2-3", "v1.16.15-rancher1-2",
					  "v1.17.17-rancher1-1", NULL};
static const char *const rke_v1_1_19[] = {"v1.15.12-rancher2-8", "v1.16.15-rancher1-4",
					  "v1.17.17-rancher2-2", "v1.18.20-rancher1-1", NULL};
static const char *const rke_v1_2_23[] = {"v1.17.17-rancher2-4", "v1.18.20-rancher1-3",
					  "v1.19.16-rancher2-1", "v1.20.15-rancher2-1", NULL};
static const char *const rke_v1_3_24[] = {
	"v1.18.20-rancher1-3", "v1.19.16-rancher2-1", "v1.20.15-rancher2-2", "v1.21.14-rancher1-1",
	"v1.22.17-rancher1-2", "v1.23.16-rancher2-3", "v1.24.17-rancher1-1", NULL};
static const char *const rke_v1_4_22[] = {"v1.23.16-rancher2-3", "v1.24.17-rancher1-1",
					  "v1.25.16-rancher2-3", "v1.26.15-rancher1-1",
					  "v1.27.16-rancher1-1", NULL};
static const char *const rke_v1_5_14[] = {"v1.25.16-rancher2-3", "v1.26.15-rancher1-1",
					  "v1.27.16-rancher1-1", "v1.28.14-rancher1-1", NULL};
static const char *const rke_v1_6_7[] = {"v1.27.16-rancher1-1", "v1.28.15-rancher1-1",
					 "v1.29.13-rancher1-1", "v1.30.9-rancher1-1", NULL};
static const char *const rke_v1_7_3[] = {"v1.28.15-rancher1-1", "v1.29.13-rancher1-1",
					 "v1.30.9-rancher1-1", "v1.31.5-rancher1-1", NULL};
static const char *const rke_v1_8_4[] = {"v1.30.13-rancher1-1", "v1.31.9-rancher1-1",
					 "v1.32.5-rancher1-1", NULL};
static const char *const rke_v1_8_10[] = {"v1.30.14-rancher1-1", "v1.31.14-rancher1-1",
					  "v1.32.11-rancher1-1", NULL};
static const char *const rke_v1_8_13[] = {"v1.30.14-rancher1-1", "v1.31.14-rancher1-1",
					  "v1.32.13-rancher1-2", NULL};
/* the last rke: "Version 1.8 is the final release in the RKE 1.x series" */
static const char *const rke_v1_8_14[] = {"v1.30.14-rancher1-1", "v1.31.14-rancher1-1",
					  "v1.32.13-rancher1-3", NULL};

static const struct rke_release rke_releases[] = {
	{"v0.2.8", "v1.14.6-rancher1-1", rke_v0_2_8},
	{"v0.2.11", "v1.15.12-rancher1-1", rke_v0_2_11},
	{"v0.3.2", "v1.15.5-rancher1-2", rke_v0_3_2},
	{"v1.0.16", "v1.17.17-rancher1-1", rke_v1_0_16},
	{"v1.1.19", "v1.18.20-rancher1-1", rke_v1_1_19},
	{"v1.2.23", "v1.20.15-rancher2-1", rke_v1_2_23},
	{"v1.3.24", "v1.24.17-rancher1-1", rke_v1_3_24},
	{"v1.4.22", "v1.27.16-rancher1-1", rke_v1_4_22},
	{"v1.5.14", "v1.28.14-rancher1-1", rke_v1_5_14},
	{"v1.6.7", "v1.30.9-rancher1-1", rke_v1_6_7},
	{"v1.7.3", "v1.31.5-rancher1-1", rke_v1_7_3},
	{"v1.8.4", "v1.32.5-rancher1-1", rke_v1_8_4},
	{"v1.8.10", "v1.32.11-rancher1-1", rke_v1_8_10},
	{"v1.8.13", "v1.32.13-rancher1-2", rke_v1_8_13},
	{"v1.8.14", "v1.32.13-rancher1-3", rke_v1_8_14},
};

const struct rke_release *rke_releases_all(size_t *n)
{
	*n = sizeof(rke_releases) / sizeof(rke_releases[0]);
	return rke_releases;
}

const struct rke_release *rke_release_for(const char *version)
{
	for (size_t i = 0; i < sizeof(rke_releases) / sizeof(rke_releases[0]); i++)
		if (!strcmp(rke_releases[i].rke, version))
			return &rke_releases[i];
	return NULL;
}

bool rke_knows(const struct rke_release *r, const char *kubernetes)
{
	for (const char *const *k = r->kubernetes; *k; k++)
		if (!strcmp(*k, kubernetes))
			return true;
	return false;
}

void tool_urls_for(const char *os, const char *arch, const char *kubectl, const char *rke,
		   const char *helm, struct tool_urls *out)
{
	snprintf(out->kubectl, sizeof(out->kubectl), "https://dl.k8s.io/release/%s/bin/%s/%s/kubectl",
		 kubectl, os, arch);
	snprintf(out->rke_file, sizeof(out->rke_file), "rke_%s-%s", os, arch);
	snprintf(out->rke, sizeof(out->rke), "https://github.com/rancher/rke/releases/download/%s/%s",
		 rke, out->rke_file);
	/* every release since the Drone era uploads sha256sum.txt, "SUM NAME"
	 * per line (rancher/rke .drone.yml checksum; from v1.4.22
	 * .github/workflows/workflow.yaml "Generate sha256 file for release") */
	snprintf(out->rke_sums, sizeof(out->rke_sums),
		 "https://github.com/rancher/rke/releases/download/%s/sha256sum.txt", rke);
	snprintf(out->helm_tarball, sizeof(out->helm_tarball), "helm-%s-%s-%s.tar.gz", helm, os, arch);
	snprintf(out->helm, sizeof(out->helm), "https://get.helm.sh/%s", out->helm_tarball);
	snprintf(out->helm_member, sizeof(out->helm_member), "%s-%s/helm", os, arch);
}

/* RKE2: the newest release of each minor in the rke2 docs' release notes
 * (github.com/rancher/rke2-docs docs/release-notes/v1.3X.X.md and
 * release-notes-old/v1.32.X.md, as of 2026-08-20), with the rke2-coredns
 * chart each ships (the notes' component table, and rancher/rke2@TAG
 * charts/chart_versions.yaml). Every row's chart has the same default
 * servers block (rancher/rke2-charts charts/rke2-coredns/rke2-coredns/
 * 1.45.205 and 1.46.201 values.yaml), which manifests/coredns-hosts.yaml
 * restates. K3s: the newest GA release pages found per minor
 * (github.com/k3s-io/k3s/releases/tag/v1.34.9+k3s1, v1.35.6+k3s1,
 * v1.36.1+k3s1; v1.36.2+k3s1 was still a pre-release there). Ordered by
 * distro, then release.
 * is_default, one row per distro: what an empty kubernetes.version installs.
 * The v1.34 releases: Rancher 2.14 (the default chart) admits Kubernetes
 * < 1.36 (R@v2.14.4 chart/Chart.yaml), cert-manager 1.20 and 1.21 both
 * support 1.34 (cert-manager.io "Supported Releases"), and the test suite
 * rehearses on a v1.34 control plane (tests/cluster/versions.env). */
static const struct distro_release distro_releases[] = {
	{"rke2", "v1.32.13+rke2r2", "1.45.205", false},
	{"rke2", "v1.33.13+rke2r2", "1.46.201", false},
	{"rke2", "v1.34.10+rke2r1", "1.46.201", true},
	{"rke2", "v1.35.7+rke2r1", "1.46.201", false},
	{"rke2", "v1.36.3+rke2r1", "1.46.201", false},
	{"k3s", "v1.34.9+k3s1", NULL, true},
	{"k3s", "v1.35.6+k3s1", NULL, false},
	{"k3s", "v1.36.1+k3s1", NULL, false},
};

const struct distro_release *distro_release_for(const char *distro, const char *release)
{
	for (size_t i = 0; i < sizeof(distro_releases) / sizeof(distro_releases[0]); i++)
		if (!strcmp(distro_releases[i].distro, distro) && !strcmp(distro_releases[i].release, release))
			return &distro_releases[i];
	return NULL;
}

const struct distro_release *distro_newest_release(const char *distro)
{
	const struct distro_release *best = NULL;
	for (size_t i = 0; i < sizeof(distro_releases) / sizeof(distro_releases[0]); i++)
		if (!strcmp(distro_releases[i].distro, distro))
			best = &distro_releases[i];
	return best;
}

const struct distro_release *distro_default_release(const char *distro)
{
	for (size_t i = 0; i < sizeof(distro_releases) / sizeof(distro_releases[0]); i++)
		if (!strcmp(distro_releases[i].distro, distro) && distro_releases[i].is_default)
			return &distro_releases[i];
	return NULL;
}

const struct distro_release *distro_release_at(size_t i)
{
	return i < sizeof(distro_releases) / sizeof(distro_releases[0]) ? &distro_releases[i] : NULL;
}

const char *distro_release_suffix(const char *distro)
{
	if (!strcmp(distro, "rke2"))
		return "+rke2r";
	if (!strcmp(distro, "k3s"))
		return "+k3s";
	return NULL;
}

/* What each distro installs by default; the last row whose distro matches
 * and whose .from <= the release applies. RKE2 switched to Traefik for new
 * clusters in v1.36 (rke2-docs docs/reference/ingress_migration.md, and the
 * v1.36.X release notes: "The default ingress-controller is now traefik");
 * K3s has shipped Traefik from the start (docs.k3s.io networking); RKE1
 * deploys ingress-nginx (rancher/docs rke config-options/ingress-controller). */
struct ingress_row {
	const char *distro;
	struct semver from;
	const char *ingress;
};
static const struct ingress_row ingress_rows[] = {
	{"rke1", {0, 0, 0}, "nginx"},
	{"rke2", {0, 0, 0}, "nginx"},
	{"rke2", {1, 36, 0}, "traefik"},
	{"k3s", {0, 0, 0}, "traefik"},
};

const char *distro_default_ingress(const char *distro, const struct semver *release)
{
	const char *best = "nginx";
	for (size_t i = 0; i < sizeof(ingress_rows) / sizeof(ingress_rows[0]); i++)
		if (!strcmp(ingress_rows[i].distro, distro) && semver_cmp(&ingress_rows[i].from, release) <= 0)
			best = ingress_rows[i].ingress;
	return best;
}

/* Seconds in a Go duration of h, m, s and ms parts (the schema's goDuration),
 * or -1 when it overflows or is malformed. Milliseconds are kept as a
 * fraction that never makes whole hours. */
static long long duration_ms(const char *s)
{
	long long total = 0;
	while (*s) {
		char *end;
		long long n = strtoll(s, &end, 10);
		if (end == s)
			return -1;
		long long unit;
		if (!strncmp(end, "ms", 2)) {
			unit = 1;
			end += 2;
		} else if (*end == 'h' || *end == 'm' || *end == 's') {
			unit = *end == 'h' ? 3600000 : *end == 'm' ? 60000 : 1000;
			end++;
		} else {
			return -1;
		}
		if (n > (1LL << 40))
			return -1;
		total += n * unit;
		s = end;
	}
	return total;
}

bool etcd_schedule(const char *creation, const char *retention, char *cron, size_t cron_len,
		   long *count, const char **why)
{
	long long c = duration_ms(creation), r = duration_ms(retention);
	const long long hour = 3600000;
	if (c <= 0 || c % hour || 24 % (c / hour)) {
		*why = "must be a whole number of hours that divides 24 (1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h): RKE2 and K3s take a cron schedule";
		return false;
	}
	if (r <= 0 || r % c) {
		*why = "must be a whole multiple of creation: RKE2 and K3s keep a number of snapshots, retention / creation";
		return false;
	}
	snprintf(cron, cron_len, "0 */%lld * * *", c / hour);
	*count = (long)(r / c);
	return true;
}
