/* Pass 1, load: bytes -> struct node tree. The only file that includes libfyaml.h. */
#ifndef RHC_LOAD_H
#define RHC_LOAD_H
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"

#define LOAD_MAX_BYTES ((size_t)64 << 20) /* 64 MiB */
#define LOAD_MAX_DEPTH 32
/* A spec's lists and mappings, refused as read (the schema's own limits are
 * far lower: 64 ports, 100,000 nodes, a few dozen keys per object). */
#define LOAD_MAX_ITEMS 10000
#define LOAD_MAX_STREAMED_ITEMS 200000
#define LOAD_MAX_KEYS 1000

struct val;

/* Typing a large sequence item by item while it is read (see tree.h). */
struct load_stream {
	/* A sequence opens as the value of top-level KEY: non-NULL to receive
	 * its items; the value is passed back to item. */
	const void *(*want)(void *ctx, const char *key);
	/* Item INDEX of SEQ is complete; ITEM and its subtree are freed after
	 * the call. Results go into SEQ->typed and SEQ->typed_errors. */
	void (*item)(void *ctx, const void *state, struct node *seq, const char *key, size_t index,
		     const struct node *item);
	void *ctx;
	/* Refused as the loader goes (0: no limit), so a 40 MB list or millions
	 * of keys cost neither time nor memory: items of a sequence whose items
	 * are kept, of one whose items are streamed, and keys of one mapping. */
	size_t max_items;
	size_t max_streamed_items;
	size_t max_keys;
};

/* Parses DATA (LEN bytes) named FILE into a tree allocated in A. Returns the
 * root mapping, or NULL after adding errors to D. FILE must outlive the tree.
 * Rejects NUL bytes, invalid UTF-8, anchors, aliases, tags, more than one
 * document, a root that is not a mapping, and nesting past LOAD_MAX_DEPTH. */
struct node *load_yaml(struct arena *a, const char *file, const char *data, size_t len,
		       struct diags *d);
/* load_yaml, handing items of top-level sequences to STREAM (may be NULL). */
struct node *load_yaml_stream(struct arena *a, const char *file, const char *data, size_t len,
			      struct diags *d, const struct load_stream *stream);

/* Which reader turns the bytes into the tree. LOAD_FRONT_AUTO (what
 * load_yaml_stream does): the fast scanner of load_fast.c for the block-style
 * subset specs use, libfyaml for everything else. The other two, for tests
 * and the differential fuzz target: LOAD_FRONT_FAST returns NULL with no
 * diagnostic for input outside the subset; LOAD_FRONT_LIBFYAML never tries
 * the scanner. */
enum load_front { LOAD_FRONT_AUTO, LOAD_FRONT_FAST, LOAD_FRONT_LIBFYAML };
struct node *load_yaml_front(struct arena *a, const char *file, const char *data, size_t len,
			     struct diags *d, const struct load_stream *stream,
			     enum load_front front);

#endif
