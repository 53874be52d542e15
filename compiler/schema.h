/* The spec's JSON Schema (schema/rhc-v1.schema.json), compiled once and
 * enforced at run time: it is the one source of truth for fields, types,
 * defaults, enums and patterns. Supported keywords: $schema $id $defs $ref
 * title description examples type properties required additionalProperties
 * default enum pattern format(ipv4, ipv6) anyOf minimum maximum minLength
 * maxLength items minItems maxItems uniqueItems, and x-rhc-expects (the words
 * used when a value does not match). Any other keyword is a schema error, so
 * nothing in the schema can be silently unenforced. */
#ifndef RHC_SCHEMA_H
#define RHC_SCHEMA_H
#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "node.h"
#include "val.h"

struct schema;

/* Compiles the schema tree ROOT (loaded from FILE). The result is allocated in
 * A, except compiled patterns, which schema_free releases. NULL on errors. */
struct schema *schema_compile(struct arena *a, const char *file, const struct node *root,
			      struct diags *d);
void schema_free(struct schema *s);

/* Check pass, part 1: types DOC by the schema and fills defaults. Returns the
 * resolved spec (allocated in A), or NULL when errors were added to D. */
struct val *schema_apply(const struct schema *s, struct arena *a, const char *file,
			 const struct node *doc, struct diags *d);

/* The schema of top-level array property KEY when its items can be typed
 * one at a time while the spec is read (load_yaml_stream), else NULL. */
const struct schema *schema_stream_items(const struct schema *s, const char *key);
/* Types ITEM, item INDEX of SEQ (the value of top-level KEY, whose schema
 * ARRAY is), into SEQ->typed and SEQ->typed_errors; apply_array takes them
 * over when schema_apply reaches SEQ. */
void schema_apply_item(const struct schema *array, struct arena *a, const char *file,
		       const char *key, size_t index, const struct node *item, struct node *seq,
		       struct diags *d);

/* What the schema says about one value, for rhc explain. Nodes and strings
 * point into the compiled schema. */
struct schema_info {
	const char *types[6]; /* "string", "integer", ... (anyOf branches too) */
	size_t ntypes;
	const char *description, *expects, *pattern;
	const struct node *dflt, *enums, *examples; /* NULL when absent */
	bool has_min, has_max;
	long long min, max;
	long long min_len, max_len, min_items, max_items; /* -1 when absent */
	bool unique;
	bool ipv4, ipv6; /* format, of it or of an anyOf branch */
	const struct schema *items; /* arrays */
	size_t nprops;              /* objects */
};
void schema_describe(const struct schema *s, struct schema_info *out);
/* Property I of object schema S: its schema, *NAME and whether it is
 * required; NULL past the last. */
const struct schema *schema_property(const struct schema *s, size_t i, const char **name,
				     bool *required);

/* Property names of the object schema at dotted PATH (for tests and hints). */
size_t schema_property_count(const struct schema *s, const char *path);

#endif
