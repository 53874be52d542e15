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
