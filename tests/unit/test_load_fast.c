/* load_fast.c: what the fast scanner accepts (with the exact locations
 * libfyaml's reader gives), what it must leave to libfyaml, and the fallback
 * once stream callbacks have already reported on items. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "load.h"
#include "node.h"

/* Every field either front end sets, one node a line. */
static void put_node(struct buf *b, const struct node *n, int depth)
{
	if (n->key)
		buf_printf(b, "%*skey %d %d:%d '%s'\n", depth, "", n->key->plain, n->key->line,
			   n->key->col, n->key->text);
	buf_printf(b, "%*s%s %d %d:%d %zu %zu '%s'\n", depth, "", node_kind_name(n->kind), n->plain,
		   n->line, n->col, n->len, n->count, n->text ? n->text : "");
	for (const struct node *c = n->first; c; c = c->next)
		put_node(b, c, depth + 1);
}

static char *tree_text(const struct node *root)
{
	struct buf b = {0};
	if (root)
		put_node(&b, root, 0);
	else
		buf_puts(&b, "(none)");
	return buf_take(&b, NULL);
}

/* Loads YAML with the scanner alone; it must accept, and build what
 * libfyaml builds. */
static const struct node *load_fast_only(struct arena *a, const char *yaml, size_t len)
{
	struct diags d = {0};
	const struct node *root = load_yaml_front(a, "t.yml", yaml, len, &d, NULL, LOAD_FRONT_FAST);
	if (!root)
		fail_msg("the scanner refused:\n%s", yaml);
	assert_int_equal(d.count, 0);
	struct arena ra = {0};
	const struct node *ref = load_yaml_front(&ra, "t.yml", yaml, len, &d, NULL, LOAD_FRONT_LIBFYAML);
	char *got = tree_text(root), *want = tree_text(ref);
	if (strcmp(got, want))
		fail_msg("scanner:\n%s\nlibfyaml:\n%s", got, want);
	free(got);
	free(want);
	arena_free(&ra);
	diags_free(&d);
	return root;
}

static const struct node *member(const struct node *m, const char *key)
{
	assert_int_equal(m->kind, NODE_MAP);
	for (const struct node *v = m->first; v; v = v->next)
		if (!strcmp(v->key->text, key))
			return v;
	fail_msg("no key '%s'", key);
	return NULL;
}

static void expect_node(const struct node *n, enum node_kind kind, int line, int col)
{
	assert_int_equal(n->kind, kind);
	if (n->line != line || n->col != col)
		fail_msg("%s at %d:%d, expected %d:%d", node_kind_name(kind), n->line, n->col, line, col);
}

static void expect_scalar(const struct node *n, const char *text, bool plain, int line, int col)
{
	expect_node(n, NODE_SCALAR, line, col);
	assert_string_equal(n->text, text);
	assert_int_equal(n->len, strlen(text));
	if (n->plain != plain)
		fail_msg("'%s': plain is %d", text, n->plain);
}

static const char spec[] = "# a comment\n"
			   "\n"
			   "apiVersion: rhc/v1   # trailing comment\n"
			   "name: \"quoted # not a comment\"\n"
			   "nodes:\n"
			   "  - name: node-0\n"
			   "    roles: [etcd, 'controlplane', []]\n"
			   "  - {name: n1, address: 10.0.0.1}\n"
			   "  -\n"
			   "  - - nested\n"
			   "    - x:y\n"
			   "compact:\n"
			   "- a#b\n"
			   "- caf\xc3\xa9 \xe4\xb8\xad\n"
			   "empty:\n"
			   "map:\n"
			   "    deep: {}\n"
			   "last: ''\n";

static void test_accepted(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct node *root = load_fast_only(&a, S(spec));
	expect_node(root, NODE_MAP, 3, 1);
	assert_int_equal(root->count, 7);
	expect_scalar(member(root, "apiVersion")->key, "apiVersion", true, 3, 1);
	expect_scalar(member(root, "apiVersion"), "rhc/v1", true, 3, 13);
	/* quoted scalars are located at their opening quote */
	expect_scalar(member(root, "name"), "quoted # not a comment", false, 4, 7);

	const struct node *nodes = member(root, "nodes");
	expect_node(nodes, NODE_SEQ, 6, 3);
	assert_int_equal(nodes->count, 4);
	const struct node *n0 = nodes->first;
	expect_node(n0, NODE_MAP, 6, 5);
	expect_scalar(member(n0, "name")->key, "name", true, 6, 5);
	expect_scalar(member(n0, "name"), "node-0", true, 6, 11);
	const struct node *roles = member(n0, "roles");
	expect_node(roles, NODE_SEQ, 7, 12);
	expect_scalar(roles->first, "etcd", true, 7, 13);
	expect_scalar(roles->first->next, "controlplane", false, 7, 19);
	expect_node(roles->last, NODE_SEQ, 7, 35);
	assert_int_equal(roles->last->count, 0);
	const struct node *n1 = n0->next;
	expect_node(n1, NODE_MAP, 8, 5);
	expect_scalar(member(n1, "address"), "10.0.0.1", true, 8, 25);
	/* an empty item has no location of its own: the tree places it by the
	 * item before it, as for libfyaml */
	const struct node *empty_item = n1->next;
	expect_scalar(empty_item, "", true, 8, 5);
	const struct node *inner = empty_item->next;
	expect_node(inner, NODE_SEQ, 10, 5);
	expect_scalar(inner->first, "nested", true, 10, 7);
	expect_scalar(inner->last, "x:y", true, 11, 7);

	const struct node *compact = member(root, "compact");
	expect_node(compact, NODE_SEQ, 13, 1);
	expect_scalar(compact->first, "a#b", true, 13, 3);
	/* columns count characters */
	expect_scalar(compact->last, "caf\xc3\xa9 \xe4\xb8\xad", true, 14, 3);

	/* an empty value takes its key's place */
	expect_scalar(member(root, "empty"), "", true, 15, 1);
	const struct node *map = member(root, "map");
	expect_node(map, NODE_MAP, 17, 5);
	expect_node(member(map, "deep"), NODE_MAP, 17, 11);
	expect_scalar(member(root, "last"), "", false, 18, 7);
	arena_free(&a);
}

static void test_accepted_edges(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		size_t len;
	} rows[] = {
		{S("a: 1")}, /* no final newline */
		{S("a:")},
		{S("  a: 1\n  b:\n    - x\n")}, /* an indented root */
		{S("a:\n- x\n-   y\nb: 2\n")},
		{S("a:\n  -\n  -\nb:\n")},
		{S("a:\n  - - - x\n      - y\n    - z\n  - w\n")},
		{S("a:\n  - k:\n    - 1\n    l: 2\n")},
		{S("a: [ x , \"y\" ,[z],{k: v} ]  # c\n")},
		{S("a: {k: [1, 2], l: {m: n}}\n")},
		{S("a: x  y  \n")},
		{S("a: \"\xc3\xa9\" # \xc3\xa9\t\n")},
		{S("a: 1\na: 2\n")}, /* duplicate keys are the schema's to report */
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0};
		load_fast_only(&a, rows[i].yaml, rows[i].len);
		arena_free(&a);
	}
}

/* Each of these the scanner leaves to libfyaml, which accepts some and
 * rejects others; either way load_yaml's answer is libfyaml's. */
static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		size_t len;
	} rows[] = {
		{S("")},
		{S("# only a comment\n")},
		{S("---\na: 1\n")},
		{S("a: 1\n...\n")},
		{S("%YAML 1.2\n---\na: 1\n")},
		{S("a: 1\r\nb: 2\r\n")},
		{S("a:\t1\n")},
		{S("a:\n\t- 1\n")},
		{S("a: x\ty\n")},
		{S("a: x\x7fy\n")},
		{S("a: x\xc2\x85y\n")},
		{S("a: x\xe2\x80\xa8y\n")},
		{S("a: \xef\xbb\xbfx\n")},
		{S("- a\n")},
		{S("hello\n")},
		{S("a: &x 1\n")},
		{S("a: *x\n")},
		{S("a: !!str 1\n")},
		{S("a: |\n  x\n")},
		{S("a: >\n  x\n")},
		{S("a: x\n  y\n")},
		{S("a:\n  x\n")},
		{S("a: 'x\n  y'\n")},
		{S("a: \"x\\ty\"\n")},
		{S("a: 'it''s'\n")},
		{S("\"a\": 1\n")},
		{S("'a': 1\n")},
		{S("? a\n: 1\n")},
		{S("a b: 1\n")},
		{S("-a: 1\n")},
		{S(".a: 1\n")},
		{S("a : 1\n")},
		{S("a: -1\n")},
		{S("a: :x\n")},
		{S("a: ?x\n")},
		{S("a: @x\n")},
		{S("a: `x\n")},
		{S("a: %x\n")},
		{S("a: b: c\n")},
		{S("a: b:\n")},
		{S("a: [1,\n  2]\n")},
		{S("a: [1, ]\n")},
		{S("a: [a: b]\n")},
		{S("a: [x:y]\n")},
		{S("a: {b}\n")},
		{S("a: {b: }\n")},
		{S("a: {b:c}\n")},
		{S("a: [1]x\n")},
		{S("a: \"x\"y\n")},
		{S("a: \"x\"#c\n")},
		{S("a: 1\n b: 2\n")},
		{S("a:\n    b: 1\n  c: 2\n")},
		{S("a:\n-\nb: 1\n")}, /* libfyaml rejects an empty item here */
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0}, b = {0};
		struct diags fd = {0}, ad = {0}, ld = {0};
		if (load_yaml_front(&a, "t.yml", rows[i].yaml, rows[i].len, &fd, NULL, LOAD_FRONT_FAST))
			fail_msg("row %zu accepted: %s", i, rows[i].yaml);
		assert_int_equal(fd.count, 0);
		const struct node *got = load_yaml(&a, "t.yml", rows[i].yaml, rows[i].len, &ad);
		const struct node *want = load_yaml_front(&b, "t.yml", rows[i].yaml, rows[i].len, &ld,
							  NULL, LOAD_FRONT_LIBFYAML);
		char *g = tree_text(got), *w = tree_text(want);
		assert_string_equal(g, w);
		struct buf gd = {0}, wd = {0};
		diags_format_text(&ad, &gd);
		diags_format_text(&ld, &wd);
		assert_string_equal(gd.data ? gd.data : "", wd.data ? wd.data : "");
		free(g);
		free(w);
		buf_free(&gd);
		buf_free(&wd);
		diags_free(&fd);
		diags_free(&ad);
		diags_free(&ld);
		arena_free(&a);
		arena_free(&b);
	}
}

/* Stream callbacks that report on every item, as schema typing does. */
struct typer {
	size_t calls;
	struct diags *d;
};

static const void *want_nodes(void *ctx, const char *key)
{
	return strcmp(key, "nodes") ? NULL : ctx;
}

static void type_item(void *ctx, const void *state, struct node *seq, const char *key,
		      size_t index, const struct node *item)
{
	struct typer *t = ctx;
	(void)state;
	t->calls++;
	diags_error(t->d, (struct loc){"t.yml", item->line, item->col, 0}, key, "item %zu is bad", index);
	seq->typed_errors++;
}

/* Three items are streamed (and reported on) before the scanner meets a
 * block scalar and gives up; libfyaml then reads it all again. */
static void test_fallback_after_stream(void **state)
{
	(void)state;
	static const char yaml[] = "nodes:\n"
				   "  - name: a\n"
				   "  - name: b\n"
				   "  - name: c\n"
				   "  - name: d\n"
				   "note: |\n"
				   "  block scalars are libfyaml's\n";
	struct arena a = {0};
	struct diags d = {0};
	/* a diagnostic from before the load stays */
	diags_warning(&d, (struct loc){"t.yml", 0, 0, 0}, NULL, "before");
	struct typer t = {.d = &d};
	struct load_stream stream = {.want = want_nodes, .item = type_item, .ctx = &t};
	const struct node *root = load_yaml_stream(&a, "t.yml", S(yaml), &d, &stream);
	assert_non_null(root);
	/* four items reported by the scanner's run, then four by libfyaml's */
	assert_int_equal(t.calls, 8);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.count, 5);
	struct buf text = {0};
	diags_format_text(&d, &text);
	assert_string_equal(text.data, "t.yml: warning: before\n"
				       "t.yml:2:5: error: nodes: item 0 is bad\n"
				       "t.yml:3:5: error: nodes: item 1 is bad\n"
				       "t.yml:4:5: error: nodes: item 2 is bad\n"
				       "t.yml:5:5: error: nodes: item 3 is bad\n");
	/* libfyaml's tree: its sequence carries libfyaml's item count, the
	 * block scalar its text */
	const struct node *nodes = member(root, "nodes");
	assert_int_equal(nodes->count, 4);
	assert_int_equal(nodes->typed_errors, 4);
	expect_scalar(member(root, "note"), "block scalars are libfyaml's\n", false, 7, 1);
	buf_free(&text);
	diags_free(&d);
	arena_free(&a);
}

/* Past DIAGS_MAX_KEPT the dropped count rolls back too. */
static void test_rollback_dropped(void **state)
{
	(void)state;
	struct diags d = {0};
	for (int i = 0; i < DIAGS_MAX_KEPT - 1; i++)
		diags_warning(&d, (struct loc){"t.yml", 1, 1, 0}, NULL, "w%d", i);
	struct diags_mark m = diags_mark(&d);
	for (int i = 0; i < 5; i++)
		diags_error(&d, (struct loc){"t.yml", 1, 1, 0}, NULL, "e%d", i);
	assert_int_equal(d.count, DIAGS_MAX_KEPT);
	assert_int_equal(d.dropped, 4);
	diags_rollback(&d, m);
	assert_int_equal(d.count, DIAGS_MAX_KEPT - 1);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, DIAGS_MAX_KEPT - 1);
	assert_int_equal(d.dropped, 0);
	diags_error(&d, (struct loc){"t.yml", 1, 1, 0}, NULL, "after");
	assert_string_equal(d.items[d.count - 1].message, "after");
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_accepted_edges),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_fallback_after_stream),
		cmocka_unit_test(test_rollback_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
