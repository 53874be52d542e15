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

static const struct helm_procedure helm_procedures[] = {
	{2, 0, true, false},
	{3, 0, false, false},
	{3, 2, false, true},
	{4, 0, false, true},
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

static const char *const rke_v0_2_8[] = {"v1.12.10-rancher1-2", "v1.13.10-rancher1-2",
					 "v1.14.6-rancher1-1", "v1.15.3-rancher1-1", NULL};

static const struct rke_release rke_releases[] = {
	{"v0.2.8", "v1.14.6-rancher1-1", rke_v0_2_8},
};

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
 * distro, then release. */
static const struct distro_release distro_releases[] = {
	{"rke2", "v1.32.13+rke2r2", "1.45.205"},
	{"rke2", "v1.33.13+rke2r2", "1.46.201"},
	{"rke2", "v1.34.10+rke2r1", "1.46.201"},
	{"rke2", "v1.35.7+rke2r1", "1.46.201"},
	{"rke2", "v1.36.3+rke2r1", "1.46.201"},
	{"k3s", "v1.34.9+k3s1", NULL},
	{"k3s", "v1.35.6+k3s1", NULL},
	{"k3s", "v1.36.1+k3s1", NULL},
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
