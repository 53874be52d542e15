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

bool compile_build(const char *file, const char *data, size_t len, struct artefacts *out,
		   struct diags *d)
{
	struct arena a = {0};
	bool ok = false;
	struct val *spec = compile_check(&a, file, data, len, d);
	if (spec) {
		char hex[65];
		sha256_hex(data, len, hex);
		struct val *view = lower_spec(&a, spec);
		ok = render_all(view, spec, hex, out, d);
	}
	if (!ok)
		artefacts_free(out);
	arena_free(&a);
	return ok;
}
