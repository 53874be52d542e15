/* Strict JSON (RFC 8259) reader: the embedded schema, and for verify the
 * artefacts rhc writes as JSON (patches, spec.json) and Kubernetes API
 * answers. Produces the same struct node tree as the YAML loader (node.h),
 * so checks walk one kind of tree. Scalars: strings have plain=false; numbers, true, false and
 * null have plain=true and their source text. */
#ifndef RHC_JSON_H
#define RHC_JSON_H
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"

#define JSON_MAX_DEPTH 64

/* Parses DATA (LEN bytes, named FILE) into a tree allocated in A. Returns the
 * root value, or NULL after adding errors to D at FILE:LINE:COL (1-based,
 * column in characters). Rejects: anything but one JSON value (surrounded by
 * optional whitespace), trailing commas, comments, single quotes, unescaped
 * control characters in strings, invalid escapes, lone surrogates in \u
 * escapes, invalid UTF-8, NUL bytes, numbers JSON does not allow (leading
 * zeros, '+', '.5', '5.', hex, NaN, Infinity), nesting past JSON_MAX_DEPTH,
 * and duplicate keys in an object ("duplicate key 'k' (first at line L)").
 * Strings are unescaped into UTF-8 (a "\u0000" escape is rejected: rhc's
 * strings are C strings). Object members keep their order.
 * A byte order mark is refused too (rhc writes none). Every duplicate key is
 * reported, then NULL returned; any other error is reported alone. */
struct node *json_parse(struct arena *a, const char *file, const char *data, size_t len,
			struct diags *d);

#endif
