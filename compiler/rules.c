#include "rules.h"

#include <arpa/inet.h>
#include <stdint.h>
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
