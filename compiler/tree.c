#include "tree.h"

#include <stdio.h>
#include <string.h>

void tree_init(struct tree *t, struct arena *a, const char *file, struct diags *d,
	       const struct load_stream *stream)
{
	*t = (struct tree){.a = a, .file = file, .d = d, .stream = stream};
}

void tree_finish(struct tree *t)
{
	arena_free(&t->item);
}

void tree_error(struct tree *t, int line, int col, const char *msg)
{
	struct loc loc = {t->file, line ? line : 1, line ? col : 1, 0};
	diags_error(t->d, loc, NULL, "%s", msg);
	t->failed = true;
}

/* Inside a streamed item, nodes go to the item arena. */
static struct arena *node_arena(struct tree *t)
{
	/* the streamed sequence is stack[1] while it is open */
	return t->streamed ? &t->item : t->a;
}

static void place_unlocated(struct tree *t, struct node *n)
{
	/* libfyaml gives an empty scalar no token: use the key it belongs to,
	 * else the item before it, else its container. */
	const struct node *near = NULL;
	const struct node *parent = t->depth > 0 ? t->stack[t->depth - 1] : NULL;
	if (parent)
		near = t->pending_key ? t->pending_key : parent->last ? parent->last : parent;
	n->line = near ? near->line : 1;
	n->col = near ? near->col : 1;
	if (parent && parent->kind == NODE_SEQ && near == parent->last && near &&
	    near->kind == NODE_SCALAR && n->kind == NODE_SCALAR) {
		/* an empty block item after a one-line item: its '-' is on the next line */
		n->line++;
		n->col = n->col > 2 ? n->col - 2 : 1;
	}
}

/* A top-level key's sequence whose items the stream wants, if the key is
 * not a duplicate (only the first occurrence is typed, as schema_apply does). */
static void maybe_stream(struct tree *t, struct node *seq)
{
	if (!t->stream || t->depth != 1 || t->stack[0]->kind != NODE_MAP || !seq->key)
		return;
	for (const struct node *m = t->stack[0]->first; m; m = m->next)
		if (m != seq && !strcmp(m->key->text, seq->key->text))
			return;
	t->stream_state = t->stream->want(t->stream->ctx, seq->key->text);
	if (t->stream_state)
		t->streamed = seq;
}

/* The dotted path of open container TO, as the schema names it
 * (loadBalancer.ports, nodes[2].roles): a limit error then says which list
 * it means. An item's index is its list's count while it is open. Keys are
 * cut to 32 bytes and the path to LEN, so a hostile key cannot grow it. */
static void stack_path(const struct tree *t, const struct node *to, char *out, size_t len)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = 1; i < t->depth && at < len; i++) {
		const struct node *n = t->stack[i], *up = t->stack[i - 1];
		int w;
		if (up->kind == NODE_SEQ)
			w = snprintf(out + at, len - at, "[%zu]", up->count ? up->count - 1 : 0);
		else if (n->key)
			w = snprintf(out + at, len - at, "%s%.32s", at ? "." : "", n->key->text);
		else
			w = 0;
		at = w < 0 || (size_t)w >= len - at ? len - 1 : at + (size_t)w;
		if (n == to)
			break;
	}
}

/* The stream's limits (load.h), checked as each item or key arrives. */
static bool within_limits(struct tree *t, const struct node *parent)
{
	const struct load_stream *s = t->stream;
	if (!s)
		return true;
	size_t max = parent->kind == NODE_MAP ? s->max_keys : parent == t->streamed ? s->max_streamed_items : s->max_items;
	if (!max || parent->count <= max)
		return true;
	char path[160], msg[260];
	stack_path(t, parent, path, sizeof(path));
	snprintf(msg, sizeof(msg), "%s%sa %s of more than %zu %s; refused as it is read", path, *path ? ": " : "",
		 parent->kind == NODE_MAP ? "mapping" : "list", max, parent->kind == NODE_MAP ? "keys" : "items");
	tree_error(t, parent->line, parent->col, msg);
	t->refused = true;
	return false;
}

/* Places a new node under the current container. Mapping keys must be scalars. */
static bool attach(struct tree *t, struct node *n, int line, int col)
{
	n->line = line;
	n->col = col;
	if (line == 0)
		place_unlocated(t, n);
	if (t->depth == 0) {
		if (t->root) {
			tree_error(t, n->line, n->col, "more than one root node");
			return false;
		}
		t->root = n;
		return true;
	}
	struct node *parent = t->stack[t->depth - 1];
	if (parent->kind == NODE_MAP && !t->pending_key) {
		if (n->kind != NODE_SCALAR) {
			tree_error(t, n->line, n->col, "a mapping key must be a plain string");
			return false;
		}
		t->pending_key = n;
		return true;
	}
	if (parent->kind == NODE_MAP) {
		n->key = t->pending_key;
		t->pending_key = NULL;
	}
	node_append(parent, n);
	return within_limits(t, parent);
}

/* An item of the streamed sequence is complete: hand it over, drop it. */
static void item_done(struct tree *t, struct node *seq)
{
	struct node *item = seq->last;
	t->stream->item(t->stream->ctx, t->stream_state, seq, seq->key->text, seq->count - 1, item);
	/* The sequence keeps its count; its items are gone but for a copy of
	 * the last one's place, which locates an empty item after it. */
	t->last_item = (struct node){.kind = item->kind, .line = item->line, .col = item->col};
	seq->first = seq->last = &t->last_item;
	arena_reset(&t->item);
}

bool tree_scalar(struct tree *t, const char *text, size_t len, bool plain, int line, int col,
		 int width)
{
	struct arena *a = node_arena(t);
	struct node *n = arena_alloc(a, sizeof(*n));
	n->kind = NODE_SCALAR;
	n->plain = plain;
	n->text = arena_strndup(a, text ? text : "", text ? len : 0);
	n->len = text ? len : 0;
	n->width = line && width > 0 && width <= UINT16_MAX ? (uint16_t)width : 0;
	if (!attach(t, n, line, col))
		return false;
	if (t->depth > 0 && t->stack[t->depth - 1] == t->streamed)
		item_done(t, t->streamed);
	return true;
}

bool tree_open(struct tree *t, enum node_kind kind, int line, int col)
{
	struct node *n = arena_alloc(node_arena(t), sizeof(*n));
	n->kind = kind;
	if (t->depth >= LOAD_MAX_DEPTH) {
		diags_error(t->d, (struct loc){t->file, line ? line : 1, line ? col : 1, 0}, NULL,
			    "nesting deeper than %d levels", LOAD_MAX_DEPTH);
		t->failed = true;
		return false;
	}
	if (!attach(t, n, line, col))
		return false;
	if (kind == NODE_SEQ && !t->streamed)
		maybe_stream(t, n);
	t->stack[t->depth++] = n;
	return true;
}

bool tree_close(struct tree *t)
{
	struct node *n = t->stack[--t->depth];
	if (n == t->streamed) {
		t->streamed = NULL;
		return true;
	}
	if (t->depth > 0 && t->stack[t->depth - 1] == t->streamed)
		item_done(t, t->streamed);
	return true;
}
