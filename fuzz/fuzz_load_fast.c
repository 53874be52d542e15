/* Differential: the fast front end (load_fast.c) against libfyaml, the
 * authority. Whenever the scanner accepts an input, its tree must equal the
 * one libfyaml's reader builds, node by node: kind, plain flag, text bytes,
 * line and column of every node and key, counts. And the automatic choice
 * (scanner, falling back to libfyaml) with stream callbacks that report on
 * every item must end exactly as libfyaml alone does: the same items handed
 * over and the same diagnostics, however far the scanner got first.
 * abort() on any difference. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field the front ends set, one node a line. */
static void put_node(struct buf *b, const struct node *n, int depth)
{
	if (n->key) {
		const struct node *k = n->key;
		buf_printf(b, "%*skey %d %d:%d+%d %zu:", depth, "", k->plain, k->line, k->col, k->width,
			   k->len);
		buf_put(b, k->text, k->len);
		buf_putc(b, '\n');
	}
	buf_printf(b, "%*s%s %d %d:%d+%d %zu %zu:", depth, "", node_kind_name(n->kind), n->plain,
		   n->line, n->col, n->width, n->len, n->count);
	buf_put(b, n->text ? n->text : "", n->text ? n->len : 0);
	buf_putc(b, '\n');
	size_t children = 0;
	for (const struct node *c = n->first; c; c = c->next, children++)
		put_node(b, c, depth + 1);
	if (children != n->count)
		abort(); /* count disagrees with the list */
}

static void same(const struct buf *fast, const struct buf *ref, const char *what)
{
	if (fast->len == ref->len && (!fast->len || !memcmp(fast->data, ref->data, fast->len)))
		return;
	fprintf(stderr, "%s differ\n--- fast:\n%.*s--- libfyaml:\n%.*s", what, (int)fast->len,
		fast->data ? fast->data : "", (int)ref->len, ref->data ? ref->data : "");
	abort();
}

/* The scanner alone: when it accepts, libfyaml must build the same tree. */
static void check_trees(const char *data, size_t size)
{
	struct arena fa = {0}, la = {0};
	struct diags fd = {0}, ld = {0};
	struct node *fast = load_yaml_front(&fa, "t.yml", data, size, &fd, NULL, LOAD_FRONT_FAST);
	if (fast) {
		if (fd.count || fd.errors || fast->kind != NODE_MAP)
			abort();
		struct node *ref =
			load_yaml_front(&la, "t.yml", data, size, &ld, NULL, LOAD_FRONT_LIBFYAML);
		if (!ref) {
			struct buf text = {0};
			diags_format_text(&ld, &text);
			fprintf(stderr, "fast accepted what libfyaml rejects:\n%s", text.data);
			abort();
		}
		struct buf f = {0}, r = {0};
		put_node(&f, fast, 0);
		put_node(&r, ref, 0);
		same(&f, &r, "trees");
		buf_free(&f);
		buf_free(&r);
	}
	diags_free(&fd);
	diags_free(&ld);
	arena_free(&fa);
	arena_free(&la);
}

/* Stream callbacks as compile.c's: every top-level list is streamed; each
 * item is written down under its sequence and draws a warning, and every
 * third an error. What was written for a sequence of a tree the scanner
 * gave up on is left out, as compile.c's results are (they live in the
 * abandoned tree's sequence nodes). */
struct recorded {
	const struct node *seq;
	struct buf text;
};

struct recorder {
	struct recorded seqs[64];
	size_t count;
	struct diags *d;
};

static const void *want_all(void *ctx, const char *key)
{
	(void)key;
	return ctx;
}

static struct recorded *recorded_for(struct recorder *r, const struct node *seq)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->seqs[i].seq == seq)
			return &r->seqs[i];
	if (r->count == sizeof(r->seqs) / sizeof(r->seqs[0]))
		return NULL;
	r->seqs[r->count].seq = seq;
	return &r->seqs[r->count++];
}

static void record_item(void *ctx, const void *state, struct node *seq, const char *key,
			size_t index, const struct node *item)
{
	struct recorder *r = ctx;
	(void)state;
	struct recorded *rec = recorded_for(r, seq);
	if (rec) {
		buf_printf(&rec->text, "%s[%zu]\n", key, index);
		put_node(&rec->text, item, 1);
	}
	struct loc at = {"t.yml", item->line, item->col, 0};
	diags_warning(r->d, at, key, "item %zu", index);
	if (index % 3 == 2) {
		diags_error(r->d, at, key, "item %zu is third", index);
		seq->typed_errors++;
	}
}

static void load_streamed(const char *data, size_t size, enum load_front front, struct buf *out)
{
	struct arena a = {0};
	struct diags d = {0};
	struct recorder r = {.d = &d};
	struct load_stream stream = {.want = want_all, .item = record_item, .ctx = &r};
	struct node *root = load_yaml_front(&a, "t.yml", data, size, &d, &stream, front);
	buf_printf(out, "root %d, %zu errors, %zu warnings\n", root != NULL, d.errors, d.warnings);
	for (const struct node *v = root ? root->first : NULL; v; v = v->next) {
		buf_printf(out, "%s: %s %zu\n", v->key->text, node_kind_name(v->kind), v->count);
		struct recorded *rec = v->kind == NODE_SEQ ? recorded_for(&r, v) : NULL;
		if (rec)
			buf_put(out, rec->text.data ? rec->text.data : "", rec->text.len);
	}
	diags_format_text(&d, out);
	for (size_t i = 0; i < r.count; i++)
		buf_free(&r.seqs[i].text);
	diags_free(&d);
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_trees((const char *)data, size);
	struct buf fast = {0}, ref = {0};
	load_streamed((const char *)data, size, LOAD_FRONT_AUTO, &fast);
	load_streamed((const char *)data, size, LOAD_FRONT_LIBFYAML, &ref);
	same(&fast, &ref, "streamed loads");
	buf_free(&fast);
	buf_free(&ref);
	return 0;
}
