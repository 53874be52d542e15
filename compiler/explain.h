/* rhc explain: one field of the spec as the embedded schema describes it
 * (type, default, allowed values, pattern, range, description, example,
 * and the fields under it), like kubectl explain. */
#ifndef RHC_EXPLAIN_H
#define RHC_EXPLAIN_H
#include <stdbool.h>

#include "buf.h"
#include "diag.h"
#include "schema.h"

/* Explains PATH (dotted; "name[]" or "name[N]" steps into a list's items:
 * "nodes[].roles"; "" is the whole spec) into OUT. False, with an error in
 * D (and a "did you mean" hint when one is close), when no field is there. */
bool explain_path(const struct schema *root, const char *path, struct buf *out, struct diags *d);

#endif
