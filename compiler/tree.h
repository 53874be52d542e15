/* The tree builder both YAML front ends feed (load.c's libfyaml reader and
 * load_fast.c's block-style scanner): scalars and container open/close in
 * document order become a struct node tree with locations. Items of a
 * sequence under a top-level key may be handed to a stream callback as each
 * completes and then dropped, so a 100,000-node spec never holds its whole
 * tree and its typed form at once. */
#ifndef RHC_TREE_H
#define RHC_TREE_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "load.h"
#include "node.h"

struct tree {
	struct arena *a; /* the kept tree */
	struct arena item; /* a streamed item's subtree, reset after each */
	const char *file;
	struct diags *d;
	const struct load_stream *stream;
	struct node *stack[LOAD_MAX_DEPTH + 1];
	int depth;
	struct node *pending_key; /* a mapping's key, waiting for its value */
	struct node *root;
	struct node *streamed; /* the sequence whose items go to stream->item */
	const void *stream_state; /* what stream->want returned for it */
	struct node last_item; /* where the streamed sequence's last item was */
	bool failed;
	bool refused; /* a load_stream limit: final, whichever front end read it */
};

void tree_init(struct tree *t, struct arena *a, const char *file, struct diags *d,
	       const struct load_stream *stream);
/* Releases the item arena; the kept tree stays in A. */
void tree_finish(struct tree *t);
/* LINE 0 means the front end has no location: the node is placed next to
 * its neighbours (its key, the item before it, or its container). TEXT is
 * copied. WIDTH: the characters the scalar spans on its line, quotes
 * included, 0 when unknown (for a diagnostic's tilde run). */
bool tree_scalar(struct tree *t, const char *text, size_t len, bool plain, int line, int col,
		 int width);
bool tree_open(struct tree *t, enum node_kind kind, int line, int col);
bool tree_close(struct tree *t);
/* Records an error at LINE:COL (1:1 when LINE is 0) and stops the build. */
void tree_error(struct tree *t, int line, int col, const char *msg);

#endif
