/* The fast front end: a scanner for the block-style YAML subset specs are
 * written in (load_fast.c lists it), feeding the same tree builder as
 * libfyaml's reader in load.c. libfyaml stays the authority: for anything
 * outside the subset the scanner answers "unsupported" and load.c parses the
 * input again with libfyaml, which also gives every diagnostic. */
#ifndef RHC_LOAD_FAST_H
#define RHC_LOAD_FAST_H
#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

/* Feeds T from DATA (LEN bytes of UTF-8 without NUL, BOM already skipped).
 * True when the whole input was in the subset and T holds the tree libfyaml
 * would have produced (a mapping root). False means "unsupported": T is
 * half-built and must be discarded, and any diagnostics the stream callbacks
 * reported meanwhile must be rolled back. The scanner reports none itself. */
bool load_fast(struct tree *t, const char *data, size_t len);

#endif
