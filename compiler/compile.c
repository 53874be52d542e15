#include "compile.h"

#include <string.h>

#include "assets.h"
#include "explain.h"
#include "json.h"
#include "load.h"
#include "lower.h"
#include "rules.h"
#include "schema.h"
#include "sha256.h"

const struct asset *asset_find(const char *name)
{
	for (const struct asset *a = rhc_assets; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

/* The embedded schema, compiled into A; NULL after errors. */
static struct schema *load_schema(struct arena *a, struct diags *d)
{
	const struct asset *sa = asset_find(SCHEMA_ASSET);
	/* JSON, read by the JSON reader: libfyaml took 60% of a small build's
	 * instructions parsing it */
	struct node *sroot = sa ? json_parse(a, sa->name, sa->data, sa->len, d) : NULL;
	struct schema *schema = sroot ? schema_compile(a, sa->name, sroot, d) : NULL;
	if (!sa)
		diags_error(d, (struct loc){SCHEMA_ASSET, 0, 0, 0}, NULL, "schema is not embedded");
	return schema;
}

static struct val *check_tree(const struct schema *schema, struct arena *a, const char *file,
			      const struct node *doc, struct diags *d)
{
	size_t before = d->errors;
	struct val *spec = schema_apply(schema, a, file, doc, d);
	if (!spec)
		return NULL;
	rules_check(spec, file, d);
	return d->errors == before ? spec : NULL;
}

struct val *compile_check_tree(struct arena *a, const char *file, const struct node *doc,
			       struct diags *d)
{
	struct schema *schema = load_schema(a, d);
	struct val *spec = schema ? check_tree(schema, a, file, doc, d) : NULL;
	schema_free(schema);
	return spec;
}

/* Types each item of a large top-level list as the loader completes it. */
struct item_typer {
	const struct schema *schema;
	struct arena *a;
	const char *file;
	struct diags *d;
};

static const void *want_items(void *ctx, const char *key)
{
	const struct item_typer *it = ctx;
	return schema_stream_items(it->schema, key);
}

static void type_item(void *ctx, const void *state, struct node *seq, const char *key,
		      size_t index, const struct node *item)
{
	const struct item_typer *it = ctx;
	schema_apply_item(state, it->a, it->file, key, index, item, seq, it->d);
}

struct val *compile_check(struct arena *a, const char *file, const char *data, size_t len,
			  struct diags *d)
{
	struct schema *schema = load_schema(a, d);
	if (!schema)
		return NULL;
	/* The YAML tree lives only until the schema has typed it, and the items
	 * of a long list (nodes) only until each is typed: the resolved spec
	 * copies what it keeps. */
	struct arena tree = {0};
	struct item_typer typer = {schema, a, file, d};
	struct load_stream stream = {want_items, type_item, &typer, LOAD_MAX_ITEMS, LOAD_MAX_STREAMED_ITEMS,
				     LOAD_MAX_KEYS};
	struct node *doc = load_yaml_stream(&tree, file, data, len, d, &stream);
	struct val *spec = doc ? check_tree(schema, a, file, doc, d) : NULL;
	arena_free(&tree);
	schema_free(schema);
	return spec;
}

bool compile_prepare(struct compiled *c, const char *file, const char *data, size_t len,
		     struct diags *d)
{
	*c = (struct compiled){0};
	struct val *spec = compile_check(&c->a, file, data, len, d);
	if (!spec)
		return false;
	sha256_hex(data, len, c->spec_sha256);
	c->spec = spec;
	return true;
}

bool compile_render(struct compiled *c, struct sink *out, struct diags *d)
{
	/* Lowered here, not in compile_prepare, so a caller can free the spec
	 * text first: the view of a 100,000-node spec is 14 MB more. */
	if (!c->view)
		c->view = lower_spec(&c->a, c->spec);
	return render_all(c->view, c->spec, c->spec_sha256, out, d);
}

void compile_free(struct compiled *c)
{
	arena_free(&c->a);
	*c = (struct compiled){0};
}

bool compile_explain(const char *path, struct buf *out, struct diags *d)
{
	struct arena a = {0};
	struct schema *schema = load_schema(&a, d);
	bool ok = schema && explain_path(schema, path, out, d);
	schema_free(schema);
	arena_free(&a);
	return ok;
}

bool compile_build(const char *file, const char *data, size_t len, struct artefacts *out,
		   struct diags *d)
{
	struct compiled c;
	struct collector col;
	collector_init(&col, out);
	bool ok = compile_prepare(&c, file, data, len, d) && compile_render(&c, &col.sink, d);
	if (!ok)
		artefacts_free(out);
	compile_free(&c);
	return ok;
}
