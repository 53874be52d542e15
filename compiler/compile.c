#include "compile.h"

#include <string.h>

#include "assets.h"
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

struct val *compile_check_tree(struct arena *a, const char *file, const struct node *doc,
			       struct diags *d)
{
	const struct asset *sa = asset_find(SCHEMA_ASSET);
	struct node *sroot = sa ? load_yaml(a, sa->name, sa->data, sa->len, d) : NULL;
	struct schema *schema = sroot ? schema_compile(a, sa->name, sroot, d) : NULL;
	if (!schema) {
		if (!sa)
			diags_error(d, (struct loc){SCHEMA_ASSET, 0, 0}, NULL, "schema is not embedded");
		return NULL;
	}
	size_t before = d->errors;
	struct val *spec = schema_apply(schema, a, file, doc, d);
	schema_free(schema);
	if (!spec)
		return NULL;
	rules_check(spec, file, d);
	return d->errors == before ? spec : NULL;
}

struct val *compile_check(struct arena *a, const char *file, const char *data, size_t len,
			  struct diags *d)
{
	/* The YAML tree lives only until the schema has typed it: the resolved
	 * spec copies what it keeps, so a large spec's tree is freed early. */
	struct arena tree = {0};
	struct node *doc = load_yaml(&tree, file, data, len, d);
	struct val *spec = doc ? compile_check_tree(a, file, doc, d) : NULL;
	arena_free(&tree);
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
	c->view = lower_spec(&c->a, spec);
	return true;
}

bool compile_render(const struct compiled *c, struct sink *out, struct diags *d)
{
	return render_all(c->view, c->spec, c->spec_sha256, out, d);
}

void compile_free(struct compiled *c)
{
	arena_free(&c->a);
	*c = (struct compiled){0};
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
