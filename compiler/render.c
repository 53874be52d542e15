#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "sha256.h"
#include "template.h"

/* One row per artefact: where it goes, which template makes it, how values
 * are escaped there, and when it exists. Templates are grouped by what they
 * serve: common/ every distro, rke1/ RKE1, rke2/ RKE2 and K3s alike (the
 * view says which). FOREACH names a view list: one file per item, the
 * item's KEY filling the {} of PATH. */
struct artefact_rule {
	const char *path;
	const char *template;
	enum escape_kind kind;
	int mode;
	const char *foreach;
	const char *key;
	const char *when; /* a view boolean that must hold, or NULL */
};

static const struct artefact_rule rules[] = {
	{"tools.sh", "templates/common/tools.sh.tmpl", ESC_SH, 0755, NULL, NULL, "registry.online"},
	{"nginx.conf", "templates/common/nginx.conf.tmpl", ESC_NGINX, 0644, NULL, NULL, NULL},
	{"lb-nginx.sh", "templates/common/lb-nginx.sh.tmpl", ESC_SH, 0755, NULL, NULL, NULL},
	{"rancher-cluster.yml", "templates/rke1/rancher-cluster.yml.tmpl", ESC_YAML, 0644, NULL, NULL, "cluster.rke1"},
	{"nodes/{}/config.yaml", "templates/rke2/config.yaml.tmpl", ESC_YAML, 0644, "cluster.nodes", "name", "cluster.per_node"},
	{"nodes/{}/install.sh", "templates/rke2/install.sh.tmpl", ESC_SH, 0755, "cluster.nodes", "name", "cluster.per_node"},
	{"cluster.sh", "templates/rke2/cluster.sh.tmpl", ESC_SH, 0755, NULL, NULL, "cluster.per_node"},
	{"manifests/coredns-hosts.yaml", "templates/rke2/coredns-hosts-rke2.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, "cluster.coredns_rke2"},
	{"manifests/coredns-hosts.yaml", "templates/rke2/coredns-hosts-k3s.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, "cluster.coredns_k3s"},
	{"registries.yaml", "templates/rke2/registries.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, "registry.node_file"},
	{"images.txt", "templates/common/images.txt.tmpl", ESC_COMMENT, 0644, NULL, NULL, "registry.enabled"},
	{"helm.sh", "templates/common/helm.sh.tmpl", ESC_SH, 0755, NULL, NULL, NULL},
	{"values/cert-manager.yaml", "templates/common/values-cert-manager.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, "certManager.needed"},
	{"values/rancher.yaml", "templates/common/values-rancher.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, NULL},
	{"patches/{}.json", "templates/common/patch.json.tmpl", ESC_JSON, 0644, "hostAliases.patches", "workload", NULL},
	{"patch.sh", "templates/common/patch.sh.tmpl", ESC_SH, 0755, NULL, NULL, NULL},
	{"RUNBOOK.md", "templates/common/RUNBOOK.md.tmpl", ESC_MD, 0644, NULL, NULL, NULL},
	{"rehearsal/kind-config.yaml", "templates/common/kind-config.yaml.tmpl", ESC_YAML, 0644, NULL, NULL, "rehearsal.kind_config"},
	{"rehearsal/run.sh", "templates/common/rehearsal-run.sh.tmpl", ESC_SH, 0755, NULL, NULL, "rehearsal.enabled"},
};

/* A file on its way to the sink, hashed as its bytes go. */
struct stream {
	struct sink *sink;
	struct sha256 sha;
	bool sink_failed;
	struct buf b; /* streaming, SINK_CHUNK bytes */
};

/* MANIFEST's rows: the digest of every file written so far. */
struct digest {
	char *path;
	char hex[65];
};

struct render {
	struct sink *sink;
	struct diags *d;
	struct digest *digests;
	size_t count;
	bool sink_failed; /* stop: nothing more can be written */
};

static bool stream_flush(void *ctx, const char *data, size_t len)
{
	struct stream *st = ctx;
	sha256_update(&st->sha, data, len);
	if (!st->sink->write(st->sink, data, len))
		st->sink_failed = true;
	return !st->sink_failed;
}

/* Starts PATH in the sink; the caller writes into st->b, then stream_end. */
static bool stream_begin(struct render *r, struct stream *st, const char *path, int mode)
{
	if (!r->sink->begin(r->sink, path, mode)) {
		r->sink_failed = true;
		return false;
	}
	*st = (struct stream){.sink = r->sink};
	sha256_init(&st->sha);
	buf_init_stream(&st->b, SINK_CHUNK, stream_flush, st);
	return true;
}

static void add_digest(struct render *r, const char *path, struct sha256 *sha)
{
	struct digest *v = realloc(r->digests, (r->count + 1) * sizeof(*v));
	char *p = strdup(path);
	if (!v || !p)
		abort();
	r->digests = v;
	v[r->count].path = p;
	sha256_final_hex(sha, v[r->count].hex);
	r->count++;
}

/* Finishes PATH: OK says its content rendered; WHAT names it in an "output
 * too large" error. True when the whole file reached the sink. */
static bool stream_end(struct render *r, struct stream *st, const char *path, const char *what,
		       bool ok)
{
	/* A file whose content failed is abandoned, not flushed. */
	bool flushed = ok && buf_flush(&st->b);
	if (st->sink_failed)
		r->sink_failed = true;
	else if (ok && !flushed)
		diags_error(r->d, (struct loc){what, 0, 0, 0}, NULL, "output too large");
	ok = flushed;
	buf_free(&st->b);
	if (!r->sink->end(r->sink, ok)) {
		r->sink_failed = true;
		ok = false;
	}
	if (ok)
		add_digest(r, path, &st->sha);
	return ok;
}

static bool render_one(struct render *r, const struct artefact_rule *rule, const char *path,
		       const struct val *const *scopes, size_t nscopes)
{
	const struct asset *t = asset_find(rule->template);
	if (!t) {
		diags_error(r->d, (struct loc){rule->template, 0, 0, 0}, NULL, "template is not embedded");
		return false;
	}
	struct stream st;
	if (!stream_begin(r, &st, path, rule->mode))
		return false;
	bool ok = template_render(t->name, t->data, t->len, rule->kind, scopes, nscopes, &st.b, r->d);
	return stream_end(r, &st, path, t->name, ok);
}

static bool render_spec_json(struct render *r, const struct val *spec)
{
	struct stream st;
	if (!stream_begin(r, &st, "spec.json", 0644))
		return false;
	val_write_json(spec, &st.b);
	return stream_end(r, &st, "spec.json", "spec.json", true);
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct digest *)x)->path, ((const struct digest *)y)->path);
}

/* MANIFEST: the version, the spec's digest, then every other file's, sorted. */
static bool render_manifest(struct render *r, const char *spec_sha256)
{
	qsort(r->digests, r->count, sizeof(*r->digests), by_path);
	struct stream st;
	if (!stream_begin(r, &st, "MANIFEST", 0644))
		return false;
	buf_printf(&st.b, "rhc %s\nspec %s\n", RHC_VERSION, spec_sha256);
	for (size_t i = 0; i < r->count; i++)
		buf_printf(&st.b, "%s  %s\n", r->digests[i].hex, r->digests[i].path);
	return stream_end(r, &st, "MANIFEST", "MANIFEST", true);
}

/* Every template artefact, in table order. False after any error. */
static bool render_templates(struct render *r, const struct val *view)
{
	bool ok = true;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && !r->sink_failed; i++) {
		const struct artefact_rule *rule = &rules[i];
		if (rule->when && !val_path_bool(view, rule->when))
			continue;
		if (!rule->foreach) {
			const struct val *scopes[] = {view};
			ok &= render_one(r, rule, rule->path, scopes, 1);
			continue;
		}
		const struct val *list = val_path(view, rule->foreach);
		for (const struct val *item = list ? list->first : NULL; item && !r->sink_failed;
		     item = item->next) {
			char path[256];
			const char *hole = strstr(rule->path, "{}");
			snprintf(path, sizeof(path), "%.*s%s%s", (int)(hole - rule->path), rule->path,
				 val_path_str(item, rule->key), hole + 2);
			const struct val *scopes[] = {view, item};
			ok &= render_one(r, rule, path, scopes, 2);
		}
	}
	return ok;
}

bool render_all(const struct val *view, const struct val *spec, const char *spec_sha256,
		struct sink *out, struct diags *d)
{
	struct render r = {.sink = out, .d = d};
	bool ok = render_templates(&r, view);
	if (!r.sink_failed)
		ok &= render_spec_json(&r, spec);
	if (ok && !r.sink_failed)
		ok = render_manifest(&r, spec_sha256);
	for (size_t i = 0; i < r.count; i++)
		free(r.digests[i].path);
	free(r.digests);
	return ok && !r.sink_failed;
}
