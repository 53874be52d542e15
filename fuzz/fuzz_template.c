/* The template engine on any template text, against a small view holding
 * hostile values: no crash, no hang, and output only when no error. */
#include <stdint.h>
#include <stdlib.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct val *view(struct arena *a)
{
	struct val *v = val_new(a, VAL_MAP);
	val_set_str(a, v, "name", "rancher");
	val_set_str(a, v, "evil", "a'b\"c$(d)`e`\n{f};g#h");
	val_set_str(a, v, "empty", "");
	val_set_int(a, v, "port", 443);
	val_set_bool(a, v, "yes", true);
	struct val *list = val_add(v, "items", val_new(a, VAL_LIST));
	for (int i = 0; i < 3; i++) {
		struct val *m = val_add(list, NULL, val_new(a, VAL_MAP));
		val_set_int(a, m, "port", 80 + i);
		val_add(m, "inner", val_new(a, VAL_LIST));
	}
	struct val *map = val_add(v, "lb", val_new(a, VAL_MAP));
	val_set_str(a, map, "host", "[2001:db8::1]");
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct arena a = {0};
	struct diags d = {0};
	struct buf out = {0};
	const struct val *scopes[] = {view(&a)};
	bool ok = template_render("fuzz.tmpl", (const char *)data + 1, size - 1,
				  (enum escape_kind)(data[0] % ESC_COUNT), scopes, 1, &out, &d);
	if (ok != (d.errors == 0))
		abort();
	buf_free(&out);
	diags_free(&d);
	arena_free(&a);
	return 0;
}
