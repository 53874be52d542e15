#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "sha256.h"
#include "template.h"

/* One row per artefact: where it goes, which template makes it, how values
 * are escaped there. FOREACH names a view list: one file per item, the
 * item's "workload" filling the {} of PATH. */
struct artefact_rule {
	const char *path;
	const char *template;
	enum escape_kind kind;
	int mode;
	const char *foreach;
	const char *when; /* a view boolean that must hold, or NULL */
};

static const struct artefact_rule rules[] = {
	{"tools.sh", "templates/tools.sh.tmpl", ESC_SH, 0755, NULL, NULL},
	{"nginx.conf", "templates/nginx.conf.tmpl", ESC_NGINX, 0644, NULL, NULL},
	{"lb-nginx.sh", "templates/lb-nginx.sh.tmpl", ESC_SH, 0755, NULL, NULL},
	{"rancher-cluster.yml", "templates/rancher-cluster.yml.tmpl", ESC_YAML, 0644, NULL, "tools.rke"},
	{"helm.sh", "templates/helm.sh.tmpl", ESC_SH, 0755, NULL, NULL},
	{"patches/{}.json", "templates/patch.json.tmpl", ESC_JSON, 0644, "hostAliases.patches", NULL},
	{"patch.sh", "templates/patch.sh.tmpl", ESC_SH, 0755, NULL, NULL},
	{"RUNBOOK.md", "templates/RUNBOOK.md.tmpl", ESC_MD, 0644, NULL, NULL},
	{"rehearsal/kind-config.yaml", "templates/kind-config.yaml.tmpl", ESC_YAML, 0644, NULL, "rehearsal.enabled"},
	{"rehearsal/run.sh", "templates/rehearsal-run.sh.tmpl", ESC_SH, 0755, NULL, "rehearsal.enabled"},
};

static void add(struct artefacts *a, const char *path, char *data, size_t len, int mode)
{
	struct artefact *v = realloc(a->items, (a->count + 1) * sizeof(*v));
	char *p = strdup(path);
	if (!v || !p)
		abort();
	a->items = v;
	a->items[a->count++] = (struct artefact){p, data, len, mode};
}

static bool render_one(const struct artefact_rule *r, const char *path,
		       const struct val *const *scopes, size_t nscopes, struct artefacts *out,
		       struct diags *d)
{
	const struct asset *t = asset_find(r->template);
	if (!t) {
		diags_error(d, (struct loc){r->template, 0, 0}, NULL, "template is not embedded");
		return false;
	}
	struct buf b = {0};
	bool ok = template_render(t->name, t->data, t->len, r->kind, scopes, nscopes, &b, d);
	if (ok && buf_failed(&b)) {
		diags_error(d, (struct loc){t->name, 0, 0}, NULL, "output too large");
		ok = false;
	}
	if (!ok) {
		buf_free(&b);
		return false;
	}
	size_t len;
	char *data = buf_take(&b, &len);
	add(out, path, data, len, r->mode);
	return true;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct artefact *)x)->path, ((const struct artefact *)y)->path);
}

static void add_manifest(struct artefacts *out, const char *spec_sha256)
{
	qsort(out->items, out->count, sizeof(*out->items), by_path);
	struct buf b = {0};
	buf_printf(&b, "rhc %s\nspec %s\n", RHC_VERSION, spec_sha256);
	for (size_t i = 0; i < out->count; i++) {
		char hex[65];
		sha256_hex(out->items[i].data, out->items[i].len, hex);
		buf_printf(&b, "%s  %s\n", hex, out->items[i].path);
	}
	size_t len;
	char *data = buf_take(&b, &len);
	add(out, "MANIFEST", data, len, 0644);
	qsort(out->items, out->count, sizeof(*out->items), by_path);
}

bool render_all(const struct val *view, const struct val *spec, const char *spec_sha256,
		struct artefacts *out, struct diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct artefact_rule *r = &rules[i];
		if (r->when && !val_path_bool(view, r->when))
			continue;
		if (!r->foreach) {
			const struct val *scopes[] = {view};
			ok &= render_one(r, r->path, scopes, 1, out, d);
			continue;
		}
		const struct val *list = val_path(view, r->foreach);
		for (const struct val *item = list ? list->first : NULL; item; item = item->next) {
			char path[256];
			const char *hole = strstr(r->path, "{}");
			snprintf(path, sizeof(path), "%.*s%s%s", (int)(hole - r->path), r->path,
				 val_path_str(item, "workload"), hole + 2);
			const struct val *scopes[] = {view, item};
			ok &= render_one(r, path, scopes, 2, out, d);
		}
	}
	struct buf json = {0};
	val_write_json(spec, &json);
	size_t len;
	char *data = buf_take(&json, &len);
	add(out, "spec.json", data, len, 0644);
	if (ok)
		add_manifest(out, spec_sha256);
	return ok;
}

void artefacts_free(struct artefacts *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->items[i].path);
		free(a->items[i].data);
	}
	free(a->items);
	a->items = NULL;
	a->count = 0;
}
