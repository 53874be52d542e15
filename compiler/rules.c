#include "rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "versions.h"

struct rules {
	const struct val *spec;
	const char *file;
	struct diags *d;
};

static struct loc at(const struct rules *r, const struct val *v)
{
	return (struct loc){r->file, v && v->line ? v->line : 1, v && v->line ? v->col : 1};
}

/* A value's spot, or its nearest located ancestor's, so a defaulted value
 * still points somewhere useful. */
static const struct val *located(const struct val *v, const struct val *fallback)
{
	return v && v->line ? v : fallback;
}

struct keyed {
	unsigned char key[17]; /* family byte + address, or a name */
	const char *name;
	const struct val *node;
	size_t index;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = x->name ? strcmp(x->name, y->name) : memcmp(x->key, y->key, sizeof(x->key));
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
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

/* Sorting keeps this linear-ish for 100,000 nodes. */
static void check_unique(struct rules *r, const struct val *nodes, const char *field, bool address)
{
	size_t n = nodes->count, i = 0;
	struct keyed *k = calloc(n ? n : 1, sizeof(*k));
	if (!k)
		abort();
	for (const struct val *node = nodes->first; node; node = node->next, i++) {
		const char *s = val_path_str(node, field);
		k[i].node = node;
		k[i].index = i;
		if (address)
			address_key(s, k[i].key);
		else
			k[i].name = s;
	}
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (i = 1; i < n; i++) {
		bool same = address ? !memcmp(k[i].key, k[i - 1].key, sizeof(k[i].key))
				    : !strcmp(k[i].name, k[i - 1].name);
		if (!same)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "nodes[%zu].%s", k[i].index, field);
		const struct val *v = val_get(k[i].node, field);
		diags_error(r->d, at(r, located(v, k[i].node)), path,
			    "%s '%s' is already used by nodes[%zu]", address ? "address" : "name",
			    val_path_str(k[i].node, field), k[i - 1].index);
	}
	free(k);
}

static void check_nodes(struct rules *r)
{
	const struct val *nodes = val_get(r->spec, "nodes");
	if (!nodes)
		return;
	check_unique(r, nodes, "name", false);
	check_unique(r, nodes, "address", true);
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

static void check_distro(struct rules *r)
{
	const struct val *distro = val_path(r->spec, "kubernetes.distro");
	if (distro && !strcmp(distro->s, "rke2"))
		diags_error(r->d, at(r, located(distro, r->spec)), "kubernetes.distro",
			    "distro 'rke2' is not supported yet by this rhc; use rke1");
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

/* rke decides which Kubernetes versions exist; kubectl may be one minor away. */
static void check_kubernetes_versions(struct rules *r)
{
	const struct val *rke = val_path(r->spec, "tools.rke");
	const struct val *k8s = val_path(r->spec, "kubernetes.version");
	const struct val *kubectl = val_path(r->spec, "tools.kubectl");
	if (!rke || !k8s || !kubectl)
		return;
	const struct rke_release *rel = rke_release_for(rke->s);
	const char *version = k8s->s, *source = "kubernetes.version";
	if (!rel) {
		diags_warning(r->d, at(r, located(rke, r->spec)), "tools.rke",
			      "rke %s is not in rhc's table; its Kubernetes versions cannot be checked",
			      rke->s);
	} else if (k8s->len && !rke_knows(rel, k8s->s)) {
		struct buf known = {0};
		for (const char *const *k = rel->kubernetes; *k; k++)
			buf_printf(&known, "%s%s", known.len ? ", " : "", *k);
		diags_error(r->d, at(r, located(k8s, r->spec)), "kubernetes.version",
			    "rke %s cannot install Kubernetes '%s'; it knows %s", rke->s, k8s->s,
			    known.data);
		buf_free(&known);
		return;
	} else if (!k8s->len) {
		version = rel->default_kubernetes;
		source = "the default of rke";
	}
	struct semver a, b;
	if (!*version || !semver_parse(kubectl->s, &a) || !semver_parse(version, &b))
		return;
	long skew = labs(a.minor - b.minor);
	if (a.major != b.major)
		diags_warning(r->d, at(r, located(kubectl, r->spec)), "tools.kubectl",
			      "kubectl %s is for Kubernetes %ld.x; the cluster runs %s", kubectl->s, a.major, version);
	else if (skew > 1)
		diags_warning(r->d, at(r, located(kubectl, r->spec)), "tools.kubectl",
			      "kubectl %s is %ld minor versions from Kubernetes %s (%s%s%s); kubectl supports one minor of skew",
			      kubectl->s, skew, version, source, rel && !k8s->len ? " " : "",
			      rel && !k8s->len ? rke->s : "");
}

void rules_check(const struct val *spec, const char *file, struct diags *d)
{
	struct rules r = {spec, file, d};
	check_distro(&r);
	check_nodes(&r);
	check_tls(&r);
	check_helm(&r);
	check_kubernetes_versions(&r);
}
