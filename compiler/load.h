/* Pass 1, load: bytes -> struct node tree. The only file that includes libfyaml.h. */
#ifndef RHC_LOAD_H
#define RHC_LOAD_H
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"

#define LOAD_MAX_BYTES ((size_t)64 << 20) /* 64 MiB */
#define LOAD_MAX_DEPTH 32

/* Parses DATA (LEN bytes) named FILE into a tree allocated in A. Returns the
 * root mapping, or NULL after adding errors to D. FILE must outlive the tree.
 * Rejects NUL bytes, invalid UTF-8, anchors, aliases, tags, more than one
 * document, a root that is not a mapping, and nesting past LOAD_MAX_DEPTH. */
struct node *load_yaml(struct arena *a, const char *file, const char *data, size_t len,
		       struct diags *d);

#endif
