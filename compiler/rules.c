#include "rules.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"
#include "versions.h"

struct rules {
	const struct val *spec;
	const char *file;
	struct diags *d;
	struct stack st;
};

static struct loc at(const struct rules *r, const struct val *v)
{
	return (struct loc){r->file, v && v->line ? v->line : 1, v && v->line ? v->col : 1,
			    v && v->line ? v->width : 0};
}

/* A value's spot, or its nearest located ancestor's, so a defaulted value
 * still points somewhere useful. */
static const struct val *located(const struct val *v, const struct val *fallback)
{
	return v && v->line ? v : fallback;
}

/* Addresses compare as addresses: "::1" and "0:0::1" are the same node. */
static void address_key(const char *s, unsigned char key[17])
{
	memset(key, 0, 17);
	if (inet_pton(AF_INET, s, key + 1) == 1)
		key[0] = 4;
	else if (inet_pton(AF_INET6, s, key + 1) == 1)
		key[0] = 6;
}

struct unique_field {
	const char *field;
	bool address;
};

static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The bytes two nodes are compared by: the name, or the parsed address. */
static const void *unique_key(const struct unique_field *f, const struct val *node,
			      unsigned char buf[17], size_t *len)
{
	const struct val *v = val_get(node, f->field);
	const char *s = v && v->kind == VAL_STR ? v->s : "";
	if (!f->address) {
		*len = strlen(s);
		return s;
	}
	address_key(s, buf);
	*len = 17;
	return buf;
}

struct seen_node {
	const struct val *node; /* NULL: empty slot */
	uint32_t index;
	uint32_t hash; /* a key is recomputed only when the hashes agree */
};

/* One pass with an open-addressing hash table (16 bytes per slot, at most half
 * full): linear in the node count, and a few MB at 100,000 nodes. Each
 * duplicate is reported against the nearest earlier node with that key. */
static void check_unique(struct rules *r, const struct val *nodes, const struct unique_field *f)
{
	size_t cap = 16;
	while (cap < 2 * (size_t)nodes->count)
		cap *= 2;
	struct seen_node *t = calloc(cap, sizeof(*t));
	if (!t)
		abort();
	size_t i = 0;
	for (const struct val *node = nodes->first; node; node = node->next, i++) {
		unsigned char kb[17], eb[17];
		size_t klen, elen;
		const void *key = unique_key(f, node, kb, &klen);
		uint64_t h = fnv1a(key, klen);
		size_t slot = h & (cap - 1);
		for (; t[slot].node; slot = (slot + 1) & (cap - 1)) {
			if (t[slot].hash != (uint32_t)(h >> 32))
				continue;
			const void *e = unique_key(f, t[slot].node, eb, &elen);
			if (elen == klen && !memcmp(e, key, klen))
				break;
		}
		if (t[slot].node) {
			char path[64];
			snprintf(path, sizeof(path), "nodes[%zu].%s", i, f->field);
			const struct val *v = val_get(node, f->field);
			diags_error(r->d, at(r, located(v, node)), path, "%s '%s' is already used by nodes[%zu]",
				    f->address ? "address" : "name", val_path_str(node, f->field),
				    (size_t)t[slot].index);
			const struct val *first = t[slot].node;
			snprintf(path, sizeof(path), "nodes[%zu].%s", (size_t)t[slot].index, f->field);
			diags_note(r->d, at(r, located(val_get(first, f->field), first)), path,
				   "first used here");
		}
		t[slot] = (struct seen_node){node, (uint32_t)i, (uint32_t)(h >> 32)};
	}
	free(t);
}

static void check_nodes(struct rules *r)
{
	const struct val *nodes = val_get(r->spec, "nodes");
	if (!nodes)
		return;
	check_unique(r, nodes, &(struct unique_field){"name", false});
	check_unique(r, nodes, &(struct unique_field){"address", true});
	static const char *const roles[] = {"etcd", "controlplane", "worker"};
	size_t counts[3] = {0, 0, 0};
	for (const struct val *node = nodes->first; node; node = node->next)
		for (int k = 0; k < 3; k++)
			counts[k] += val_list_has(val_get(node, "roles"), roles[k]);
	for (int k = 0; k < 3; k++)
		if (!counts[k])
			diags_error(r->d, at(r, nodes), "nodes", "no node has the role '%s'; at least one must",
				    roles[k]);
	if (counts[0] && counts[0] % 2 == 0)
		diags_warning(r->d, at(r, nodes), "nodes",
			      "%zu etcd nodes: an even count tolerates no more failures than %zu; use an odd number",
			      counts[0], counts[0] - 1);
}

/* Which values of kubernetes.cni and .ingress each distro takes
 * (SPEC.md "Current stacks"; rke2-docs reference/server_config.md lists
 * canal, calico and cilium; k3s runs flannel or none). */
struct distro_choice {
	const char *distro;
	const char *cni;     /* space-separated */
	const char *ingress; /* space-separated */
};
static const struct distro_choice distro_choices[] = {
	{"rke1", "default", "default nginx"},
	{"rke2", "default canal calico cilium", "default nginx traefik none"},
	{"k3s", "default flannel none", "default traefik none"},
};

static bool word_in(const char *words, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = words; *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && !strncmp(p, w, n))
			return true;
		p += k + (p[k] == ' ');
	}
	return false;
}

static const struct val *kube(const struct rules *r, const char *field)
{
	char path[64];
	snprintf(path, sizeof(path), "kubernetes.%s", field);
	return val_path(r->spec, path);
}

static void check_choice(struct rules *r, const char *distro, const char *field, const char *allowed)
{
	const struct val *v = kube(r, field);
	char path[64], list[128];
	snprintf(path, sizeof(path), "kubernetes.%s", field);
	size_t n = 0;
	for (const char *p = allowed; *p && n + 3 < sizeof(list); p++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, *p == ' ' ? ", " : "%c", *p);
	if (v && !word_in(allowed, v->s))
		diags_error(r->d, at(r, located(v, r->spec)), path,
			    "%s '%s' is not available with distro %s; it takes %s", field, v->s, distro, list);
}

/* rke2/k3s: the release names its distro; one missing from rhc's table
 * cannot be checked, as for rke. */
static void check_release(struct rules *r, const char *distro)
{
	const struct val *v = kube(r, "version");
	const char *suffix = distro_release_suffix(distro);
	if (!v || !v->len || !suffix)
		return;
	if (!strstr(v->s, suffix)) {
		diags_error(r->d, at(r, located(v, r->spec)), "kubernetes.version",
			    "'%s' is not a %s release; %s releases look like %s", v->s, distro, distro,
			    distro_newest_release(distro)->release);
		return;
	}
	if (!distro_release_for(distro, v->s))
		diags_warning(r->d, at(r, located(v, r->spec)), "kubernetes.version",
			      "%s %s is not in rhc's table (newest known: %s); its defaults cannot be checked",
			      distro, v->s, distro_newest_release(distro)->release);
}

/* The load balancer adds the API ports itself: rke2 9345 and 6443, k3s 6443. */
static void check_api_ports(struct rules *r, const char *distro)
{
	const struct val *ports = val_path(r->spec, "loadBalancer.ports");
	bool rke2 = !strcmp(distro, "rke2");
	size_t i = 0;
	for (const struct val *p = ports ? ports->first : NULL; p; p = p->next, i++) {
		char path[48];
		snprintf(path, sizeof(path), "loadBalancer.ports[%zu]", i);
		if (p->i == 6443 || (rke2 && p->i == 9345))
			diags_error(r->d, at(r, located(p, ports)), path,
				    "port %lld is the %s the load balancer already forwards to the %s servers; list only ingress ports here",
				    p->i, p->i == 6443 ? "Kubernetes API" : "RKE2 supervisor port", distro);
	}
}

static void check_etcd_schedule(struct rules *r)
{
	const struct val *snapshot = val_path(r->spec, "kubernetes.etcd.snapshot");
	const struct val *creation = val_path(r->spec, "kubernetes.etcd.creation");
	const struct val *retention = val_path(r->spec, "kubernetes.etcd.retention");
	if (!snapshot || !snapshot->b || !creation || !retention)
		return;
	char cron[32];
	long count;
	const char *why;
	/* creation against itself: only creation can be wrong */
	if (!etcd_schedule(creation->s, creation->s, cron, sizeof(cron), &count, &why))
		diags_error(r->d, at(r, located(creation, r->spec)), "kubernetes.etcd.creation", "'%s' %s",
			    creation->s, why);
	else if (!etcd_schedule(creation->s, retention->s, cron, sizeof(cron), &count, &why))
		diags_error(r->d, at(r, located(retention, r->spec)), "kubernetes.etcd.retention",
			    "'%s' %s ('%s')", retention->s, why, creation->s);
}

static void check_distro(struct rules *r)
{
	const struct val *distro = kube(r, "distro");
	if (!distro)
		return;
	for (size_t i = 0; i < sizeof(distro_choices) / sizeof(distro_choices[0]); i++) {
		const struct distro_choice *c = &distro_choices[i];
		if (strcmp(c->distro, distro->s))
			continue;
		check_choice(r, c->distro, "cni", c->cni);
		check_choice(r, c->distro, "ingress", c->ingress);
	}
	if (!strcmp(distro->s, "rke1"))
		return;
	check_release(r, distro->s);
	check_api_ports(r, distro->s);
	check_etcd_schedule(r);
}

/* hostAliases.mode: enabled false means off, so any other explicit mode
 * contradicts it; coredns needs a cluster whose CoreDNS rhc configures. */
static void check_host_aliases(struct rules *r)
{
	const struct val *enabled = val_path(r->spec, "hostAliases.enabled");
	const struct val *mode = val_path(r->spec, "hostAliases.mode");
	const struct val *distro = kube(r, "distro");
	if (!enabled || !mode || !distro)
		return;
	if (!enabled->b && strcmp(mode->s, "off") && strcmp(mode->s, "default"))
		diags_error(r->d, at(r, located(mode, r->spec)), "hostAliases.mode",
			    "mode '%s' with enabled: false; enabled: false means off (drop one of them)", mode->s);
	if (!strcmp(mode->s, "coredns") && !strcmp(distro->s, "rke1"))
		diags_error(r->d, at(r, located(mode, r->spec)), "hostAliases.mode",
			    "mode 'coredns' needs distro rke2 or k3s; rke1 takes patch or off");
}

static void check_tls(struct rules *r)
{
	const struct val *tls = val_path(r->spec, "rancher.tls");
	const struct val *email = val_path(r->spec, "rancher.letsEncrypt.email");
	if (tls && !strcmp(tls->s, "letsEncrypt") && email && !email->len)
		diags_error(r->d, at(r, located(tls, r->spec)), "rancher.letsEncrypt.email",
			    "tls 'letsEncrypt' needs an email address for the ACME account");
}

static void check_helm(struct rules *r)
{
	const struct val *helm = val_path(r->spec, "tools.helm");
	struct semver v;
	if (helm && semver_parse(helm->s, &v) && !helm_procedure_for(&v))
		diags_error(r->d, at(r, located(helm, r->spec)), "tools.helm",
			    "Helm %s is not supported; rhc knows Helm 2, 3 and 4", helm->s);
}

/* kubectl may be one minor away from the cluster's Kubernetes VERSION, which
 * SOURCE names in the warning. */
static void check_kubectl_skew(struct rules *r, const struct val *kubectl, const char *version,
			       const char *source)
{
	struct semver a, b;
	if (!*version || !semver_parse(kubectl->s, &a) || !semver_parse(version, &b))
		return;
	long skew = labs(a.minor - b.minor);
	if (a.major != b.major)
		diags_warning(r->d, at(r, located(kubectl, r->spec)), "tools.kubectl",
			      "kubectl %s is for Kubernetes %ld.x; the cluster runs %s", kubectl->s, a.major, version);
	else if (skew > 1)
		diags_warning(r->d, at(r, located(kubectl, r->spec)), "tools.kubectl",
			      "kubectl %s is %ld minor versions from Kubernetes %s (%s); kubectl supports one minor of skew",
			      kubectl->s, skew, version, source);
}

/* rke decides which Kubernetes versions exist; an rke2/k3s release names its
 * own. kubectl may be one minor away. */
static void check_kubernetes_versions(struct rules *r)
{
	const struct val *rke = val_path(r->spec, "tools.rke");
	const struct val *k8s = val_path(r->spec, "kubernetes.version");
	const struct val *kubectl = val_path(r->spec, "tools.kubectl");
	const struct val *distro = val_path(r->spec, "kubernetes.distro");
	if (!rke || !k8s || !kubectl || !distro)
		return;
	if (strcmp(distro->s, "rke1")) {
		/* the release the stack resolved, and where it came from */
		if (*r->st.kube_text)
			check_kubectl_skew(r, kubectl, r->st.kube_text, r->st.kube_source);
		return;
	}
	const struct rke_release *rel = rke_release_for(rke->s);
	if (!rel) {
		diags_warning(r->d, at(r, located(rke, r->spec)), "tools.rke",
			      "rke %s is not in rhc's table; its Kubernetes versions cannot be checked",
			      rke->s);
	} else if (k8s->len && !rke_knows(rel, k8s->s)) {
		struct buf known = {0};
		const char *newest = NULL;
		for (const char *const *k = rel->kubernetes; *k; k++) {
			buf_printf(&known, "%s%s", known.len ? ", " : "", *k);
			newest = *k;
		}
		struct semver want, top;
		bool newer = !semver_parse(k8s->s, &want) || !semver_parse(newest, &top) ||
			     want.major != top.major || want.minor > top.minor;
		if (newer) {
			diags_error(r->d, at(r, located(k8s, r->spec)), "kubernetes.version",
				    "rke %s cannot install Kubernetes '%s'; it knows %s", rke->s, k8s->s,
				    known.data);
			buf_free(&known);
			return;
		}
		/* rke keeps older versions for upgrades: accepted, not offered */
		diags_warning(r->d, at(r, located(k8s, r->spec)), "kubernetes.version",
			      "rke %s does not offer Kubernetes '%s' (it offers %s); older strings are kept for upgrades and may still be refused",
			      rke->s, k8s->s, known.data);
		buf_free(&known);
		return;
	}
	if (k8s->len)
		check_kubectl_skew(r, kubectl, k8s->s, "kubernetes.version");
	else if (rel) {
		char source[96];
		snprintf(source, sizeof(source), "the default of rke %s", rke->s);
		check_kubectl_skew(r, kubectl, rel->default_kubernetes, source);
	}
}

/* The spot of spec FIELD, or the nearest located ancestor's. */
static struct loc field_at(const struct rules *r, const char *field)
{
	const struct val *v = val_path(r->spec, field);
	char parent[64];
	snprintf(parent, sizeof(parent), "%s", field);
	for (char *dot; (!v || !v->line) && (dot = strrchr(parent, '.'));) {
		*dot = '\0';
		const struct val *p = val_path(r->spec, parent);
		if (p && p->line)
			v = p;
	}
	return at(r, located(v, r->spec));
}

static void chart_problem(void *ctx, enum stack_severity sev, const char *field, const char *msg)
{
	struct rules *r = ctx;
	const struct val *k8s = val_path(r->spec, "kubernetes.version");
	if (!strcmp(field, "kubernetes.version") && (!k8s || !k8s->line))
		field = "tools.rke"; /* the cluster runs rke's default */
	if (sev == STACK_ERROR)
		diags_error(r->d, field_at(r, field), field, "%s", msg);
	else
		diags_warning(r->d, field_at(r, field), field, "%s", msg);
}

/* The Rancher chart (pinned or chosen) against Helm, Kubernetes and
 * cert-manager. */
static void check_chart(struct rules *r)
{
	const struct stack *st = &r->st;
	if (!st->hp)
		return; /* check_helm said why */
	if (st->chart_known) {
		stack_check_chart(st, &st->chart, st->chart_text, chart_problem, r);
		return;
	}
	if (!*st->chart_text && strcmp(val_path_str(r->spec, "rancher.repo"), "alpha")) {
		/* why: the oldest chart's problems (newer ones only add to them) */
		size_t n;
		const struct rancher_line *lines = rancher_lines(&n);
		struct semver oldest;
		if (chart_version_parse(lines[0].newest, &oldest))
			stack_check_chart(st, &oldest, lines[0].newest, chart_problem, r);
	}
	if (*st->chart_text || strcmp(val_path_str(r->spec, "rancher.repo"), "alpha"))
		diags_error(r->d, field_at(r, "rancher.chartVersion"), "rancher.chartVersion",
			    *st->chart_text ? "'%s' is not a chart version"
					    : "no Rancher chart in rhc's table can be installed by Helm %s on Kubernetes %s; check tools.helm and kubernetes.version",
			    *st->chart_text ? st->chart_text : st->helm_text,
			    *st->kube_text ? st->kube_text : "(unknown)");
	else
		diags_warning(r->d, field_at(r, "rancher.repo"), "rancher.chartVersion",
			      "the alpha repo's charts are not in rhc's table: the chart stays unpinned and unchecked; pin rancher.chartVersion");
}

/* cert-manager's own chart against the cluster and Helm. */
static void check_cert_manager_chart(struct rules *r)
{
	const struct stack *st = &r->st;
	if (!st->cert_manager)
		return;
	const struct cert_manager_chart *c = cert_manager_chart_for(&st->cm);
	const char *v = val_path_str(r->spec, "certManager.version");
	struct semver min;
	if (c && c->kube_min && st->kube_known && semver_parse(c->kube_min, &min) &&
	    semver_cmp(&st->kube, &min) < 0)
		diags_error(r->d, field_at(r, "certManager.version"), "certManager.version",
			    "the cert-manager %s chart declares kubeVersion >= %s (deploy/charts/cert-manager/Chart.template.yaml); Helm refuses it on Kubernetes %s",
			    v, c->kube_min + 1, st->kube_text);
	if (c && c->api_v2 && st->hp && st->hp->refuses_api_v2)
		diags_error(r->d, field_at(r, "certManager.version"), "certManager.version",
			    "Helm %s refuses the cert-manager %s chart: its Chart.yaml has apiVersion v2 (from v1.15.0)",
			    st->helm_text, v);
}

/* Workloads the chart line does not have, and the Let's Encrypt and
 * agent TLS settings the line needs. */
static void check_rancher_line(struct rules *r)
{
	const struct stack *st = &r->st;
	const struct val *wl = val_path(r->spec, "hostAliases.workloads");
	const char *mode = val_path_str(r->spec, "hostAliases.mode");
	const bool patch_mode = !strcmp(mode, "patch") ||
				(!strcmp(mode, "default") && !strcmp(val_path_str(r->spec, "kubernetes.distro"), "rke1"));
	size_t i = 0;
	for (const struct val *w = wl && patch_mode ? wl->first : NULL; w; w = w->next, i++) {
		const struct rancher_workload *row = rancher_workload(w->s);
		if (!row || stack_workload_exists(st, w->s))
			continue;
		char path[64];
		snprintf(path, sizeof(path), "hostAliases.workloads[%zu]", i);
		diags_error(r->d, at(r, located(w, wl)), path,
			    "%s was removed in Rancher 2.%ld; chart %s (line 2.%ld) has no such workload to patch",
			    w->s, row->removed, *st->chart_text ? st->chart_text : "(unpinned)", st->line_minor);
	}
	const char *tls = val_path_str(r->spec, "rancher.tls");
	const bool le = !strcmp(tls, "letsEncrypt");
	const char *tls_mode = val_path_str(r->spec, "rancher.agentTLSMode");
	const bool has_mode = st->chart_known && rancher_chart_has(&st->chart, CHART_AGENT_TLS_MODE);
	if (*tls_mode && st->chart_known && !has_mode)
		diags_warning(r->d, field_at(r, "rancher.agentTLSMode"), "rancher.agentTLSMode",
			      "Rancher chart %s has no agentTLSMode value (from %s); the setting is not passed",
			      st->chart_text, rancher_chart_fact_since(&st->chart, CHART_AGENT_TLS_MODE));
	/* an unknown value is dropped by Helm without a word: the password
	 * would never be set, and the first visitor of the UI picks one */
	if (*val_path_str(r->spec, "rancher.bootstrapPasswordEnv") && st->chart_known &&
	    !rancher_chart_has(&st->chart, CHART_BOOTSTRAP_PASSWORD))
		diags_error(r->d, field_at(r, "rancher.bootstrapPasswordEnv"), "rancher.bootstrapPasswordEnv",
			    "Rancher chart %s has no bootstrapPassword value (from %s): Rancher asks for the admin password at the first login; remove rancher.bootstrapPasswordEnv",
			    st->chart_text, rancher_chart_fact_since(&st->chart, CHART_BOOTSTRAP_PASSWORD));
	if (le && !strcmp(tls_mode, "strict") && has_mode)
		diags_warning(r->d, field_at(r, "rancher.agentTLSMode"), "rancher.agentTLSMode",
			      "with agent TLS mode strict, Let's Encrypt needs privateCA=true and its CA uploaded, or agents fail to connect (Rancher docs, Install/Upgrade on a Kubernetes Cluster); leave it empty for system-store");
	const struct val *cls = val_path(r->spec, "rancher.ingressClass");
	if (cls && cls->len && st->chart_known &&
	    !rancher_chart_has(&st->chart, CHART_INGRESS_CLASS_NAME) &&
	    !(le && rancher_chart_has(&st->chart, CHART_LE_INGRESS_CLASS)))
		diags_warning(r->d, field_at(r, "rancher.ingressClass"), "rancher.ingressClass",
			      "Rancher chart %s has no ingress class value (ingress.ingressClassName from %s); the class is not passed",
			      st->chart_text, rancher_chart_fact_since(&st->chart, CHART_INGRESS_CLASS_NAME));
	if (le && val_path_bool(r->spec, "hostAliases.enabled") && strcmp(mode, "off"))
		diags_warning(r->d, field_at(r, "rancher.tls"), "rancher.tls",
			      "Let's Encrypt validates %s over HTTP-01 through public DNS, but hostAliases says no DNS resolves it; the certificate will not be issued unless it does",
			      val_path_str(r->spec, "rancher.hostname"));
}

/* charts.source dir and mirror install the versions the spec names: a file
 * is named by its version (rancher-2.14.4.tgz) and a mirror holds the
 * versions its operator put there, so neither may follow a default that
 * moves with rhc's table. A cert-manager whose procedure applies a CRD
 * manifest from a URL (up to 0.14) cannot install from files: the
 * manifest is not in the chart. */
static void check_charts(struct rules *r)
{
	const struct val *source = val_path(r->spec, "charts.source");
	const struct val *url = val_path(r->spec, "charts.url");
	if (!source || !url)
		return;
	const bool mirror = !strcmp(source->s, "mirror"), dir = !strcmp(source->s, "dir");
	if (mirror && !url->len)
		diags_error(r->d, at(r, located(source, r->spec)), "charts.url",
			    "charts.source 'mirror' needs charts.url, the chart repository serving both charts");
	if (!mirror && url->len)
		diags_warning(r->d, at(r, located(url, r->spec)), "charts.url",
			      "charts.url is used only with charts.source mirror; source is '%s'", source->s);
	if (!mirror && !dir)
		return;
	const char *what = dir ? "the file named by its version" : "that version from charts.url";
	const struct val *cv = val_path(r->spec, "rancher.chartVersion");
	if (cv && !cv->len)
		diags_error(r->d, at(r, located(source, r->spec)), "rancher.chartVersion",
			    "charts.source '%s' needs rancher.chartVersion pinned in the spec: helm.sh installs %s",
			    source->s, what);
	if (!r->st.cert_manager)
		return;
	const struct val *cm = val_path(r->spec, "certManager.version");
	if (cm && !cm->line)
		diags_error(r->d, at(r, located(source, r->spec)), "certManager.version",
			    "charts.source '%s' needs certManager.version pinned in the spec: helm.sh installs %s",
			    source->s, what);
	const struct cert_manager_procedure *p = cert_manager_procedure_for(&r->st.cm);
	char crds[256];
	cert_manager_crds_url(p, val_path_str(r->spec, "certManager.version"), &r->st.cm, crds, sizeof(crds));
	if (dir && *crds)
		diags_error(r->d, field_at(r, "certManager.version"), "certManager.version",
			    "cert-manager %s applies its CRDs from %s, which is not in the chart file; charts.source 'dir' needs cert-manager v0.15.0 or later (its chart installs the CRDs)",
			    val_path_str(r->spec, "certManager.version"), crds);
}

/* registry.*: what an address, an air-gapped build and the China mirror
 * need. RKE1 is refused rather than served by rke's private_registries:
 * it reached end of life on 2025-07-31, Rancher 2.12+ cannot manage it, and
 * its air-gapped path (rke's system images, private_registries in
 * cluster.yml) is one rhc cannot test against a current release. */
static void check_registry(struct rules *r)
{
	const struct val *addr = val_path(r->spec, "registry.address");
	const struct val *ca = val_path(r->spec, "registry.caFile");
	const struct val *gap = val_path(r->spec, "registry.airgapped");
	const struct val *cn = val_path(r->spec, "registry.installMirror");
	const struct val *distro = kube(r, "distro");
	if (!addr || !ca || !gap || !cn || !distro)
		return;
	const struct val *reg = val_path(r->spec, "registry");
	const char *port = strchr(addr->s, ':');
	if (port && strtol(port + 1, NULL, 10) > 65535)
		diags_error(r->d, at(r, located(addr, reg)), "registry.address", "port %s is above 65535", port + 1);
	if (ca->len && !addr->len)
		diags_error(r->d, at(r, located(ca, reg)), "registry.caFile",
			    "a CA file without registry.address: there is no registry to trust it for");
	const bool airgapped = !strcmp(gap->s, "true") || (!strcmp(gap->s, "default") && addr->len);
	if (airgapped && !addr->len)
		diags_error(r->d, at(r, located(gap, reg)), "registry.airgapped",
			    "an air-gapped install needs registry.address: every image must come from a private registry");
	const bool rke1 = !strcmp(distro->s, "rke1");
	if (rke1 && (addr->len || airgapped))
		diags_error(r->d, at(r, located(addr->len ? addr : gap, reg)), "registry.address",
			    "a private registry needs distro rke2 or k3s; RKE1 (end of life 2025-07-31) is not served: rhc writes no private_registries into rancher-cluster.yml");
	if (rke1 && !strcmp(cn->s, "cn"))
		diags_error(r->d, at(r, located(cn, reg)), "registry.installMirror",
			    "installMirror 'cn' mirrors the rke2 and k3s installers; rke1 has none");
	if (!airgapped)
		return;
	if (!strcmp(cn->s, "cn"))
		diags_error(r->d, at(r, located(cn, reg)), "registry.installMirror",
			    "installMirror 'cn' downloads from rancher-mirror.rancher.cn, a public host; an air-gapped install takes the installer from the nodes (set airgapped: false to use the mirror)");
	if (!strcmp(val_path_str(r->spec, "charts.source"), "repo"))
		diags_error(r->d, field_at(r, "charts.source"), "charts.source",
			    "an air-gapped install cannot reach the public chart repositories; set charts.source to dir or mirror");
	if (r->st.hp && r->st.hp->tiller)
		diags_error(r->d, field_at(r, "tools.helm"), "tools.helm",
			    "Helm 2 cannot install air-gapped: helm init pulls tiller from ghcr.io and fetches the stable repository; use Helm 3");
	if (!strcmp(val_path_str(r->spec, "rancher.tls"), "letsEncrypt"))
		diags_error(r->d, field_at(r, "rancher.tls"), "rancher.tls",
			    "Let's Encrypt needs its ACME server and public DNS, which an air-gapped install cannot reach; use tls rancher, secret or external");
	if (r->st.cert_manager) {
		const struct cert_manager_procedure *p = cert_manager_procedure_for(&r->st.cm);
		char crds[256];
		cert_manager_crds_url(p, val_path_str(r->spec, "certManager.version"), &r->st.cm, crds, sizeof(crds));
		if (*crds && strcmp(val_path_str(r->spec, "charts.source"), "dir"))
			diags_error(r->d, field_at(r, "certManager.version"), "certManager.version",
				    "cert-manager %s applies its CRDs from %s, which an air-gapped install cannot reach; use cert-manager v0.15.0 or later (its chart installs the CRDs)",
				    val_path_str(r->spec, "certManager.version"), crds);
	}
}

/* rke dials nodes at fmt.Sprintf("%s:%s", address, port), without
 * brackets, and builds etcd endpoints the same way (rancher/rke
 * hosts/dialer.go:77, services/etcd_util.go:38 at v0.2.8, v1.6.3 and
 * release/v1.7): an IPv6 address becomes "2001:db8::11:22", which Go's
 * net.Dial refuses. */
static void check_rke_ipv6(struct rules *r)
{
	if (strcmp(val_path_str(r->spec, "kubernetes.distro"), "rke1"))
		return;
	const struct val *nodes = val_get(r->spec, "nodes");
	size_t i = 0;
	for (const struct val *n = nodes ? nodes->first : NULL; n; n = n->next, i++) {
		static const char *const fields[] = {"address", "internalAddress"};
		for (size_t k = 0; k < 2; k++) {
			const struct val *a = val_get(n, fields[k]);
			if (!a || a->kind != VAL_STR || !strchr(a->s, ':'))
				continue;
			char path[64];
			snprintf(path, sizeof(path), "nodes[%zu].%s", i, fields[k]);
			diags_error(r->d, at(r, located(a, n)), path,
				    "rke cannot reach IPv6 address '%s': it joins host and port without brackets (hosts/dialer.go), so SSH and etcd fail; use the node's IPv4 address (rke dials host names, not IPv6 literals)",
				    a->s);
		}
	}
}

void rules_check(const struct val *spec, const char *file, struct diags *d)
{
	struct rules r = {.spec = spec, .file = file, .d = d};
	stack_read(spec, &r.st);
	check_distro(&r);
	check_host_aliases(&r);
	check_nodes(&r);
	check_rke_ipv6(&r);
	check_tls(&r);
	check_helm(&r);
	check_kubernetes_versions(&r);
	check_chart(&r);
	check_cert_manager_chart(&r);
	check_rancher_line(&r);
	check_charts(&r);
	check_registry(&r);
}
