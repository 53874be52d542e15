/* The compiler as a library: spec bytes -> checked spec -> artefacts.
 * Runs the passes in order; a pass runs only on a clean result of the last. */
#ifndef RHC_COMPILE_H
#define RHC_COMPILE_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"
#include "render.h"
#include "val.h"

#define SCHEMA_ASSET "schema/rhc-v1.schema.json"

/* Loads and checks a spec (load, schema, rules). Returns the resolved spec in
 * A, or NULL when D has errors. FILE names the spec in diagnostics. */
struct val *compile_check(struct arena *a, const char *file, const char *data, size_t len,
			  struct diags *d);

/* The schema and rules part of compile_check, on a tree already parsed (from
 * YAML, or from spec.json by verify's JSON reader). */
struct val *compile_check_tree(struct arena *a, const char *file, const struct node *doc,
			       struct diags *d);

/* A checked spec, ready to render: the arena owns spec and view (the
 * lowered view model, made by the first compile_render). */
struct compiled {
	struct arena a;
	const struct val *spec;
	const struct val *view;
	char spec_sha256[65]; /* of the spec's bytes, for MANIFEST */
};

/* compile_check into C. False when D has errors; compile_free
 * releases C either way. C keeps no pointer into DATA, which the caller
 * may free on return. Nothing is rendered yet, so a caller opens its
 * output (a temp dir) only for a spec that checked clean. */
bool compile_prepare(struct compiled *c, const char *file, const char *data, size_t len,
		     struct diags *d);
/* Lowers C (once) and renders every artefact into OUT (render_all). */
bool compile_render(struct compiled *c, struct sink *out, struct diags *d);
void compile_free(struct compiled *c);

/* rhc explain PATH: the embedded schema's account of one field as text in
 * OUT (explain.h). False, with the reason in D, for an unknown path. */
bool compile_explain(const char *path, struct buf *out, struct diags *d);

/* prepare + render into memory: OUT gets every artefact sorted by path, or
 * nothing when D has errors. For tests and fuzzing; rhc build streams. */
bool compile_build(const char *file, const char *data, size_t len, struct artefacts *out,
		   struct diags *d);

#endif
