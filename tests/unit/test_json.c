/* json.c: the tree a good document gives (kinds, text, plain flag, 1-based
 * locations, member order), and every refusal with its exact diagnostic. */
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
#include "json.h"
#include "node.h"

/* Parses a copy of DATA exactly LEN bytes long (no NUL after it, so a read
 * past the end shows under ASan); diagnostics as text go to *DIAGS (caller
 * frees), the error count to *ERRORS. */
static struct node *parse(struct arena *a, const char *data, size_t len, char **diags,
			  size_t *errors)
{
	char *copy = exact_copy(data, len);
	struct diags d = {0};
	struct node *root = json_parse(a, "t.json", copy, len, &d);
	*diags = diags_text(&d);
	*errors = d.errors;
	diags_free(&d);
	free(copy);
	return root;
}

/* The member KEY of object M (asserts it exists). */
static const struct node *member(const struct node *m, const char *key)
{
	assert_int_equal(m->kind, NODE_MAP);
	for (const struct node *v = m->first; v; v = v->next) {
		assert_non_null(v->key);
		if (!strcmp(v->key->text, key))
			return v;
	}
	fail_msg("no key '%s'", key);
	return NULL;
}

static void expect_scalar(const struct node *n, const char *text, size_t len, bool plain, int line,
			  int col)
{
	assert_non_null(n);
	assert_int_equal(n->kind, NODE_SCALAR);
	assert_int_equal(n->len, len);
	assert_memory_equal(n->text, text, len);
	assert_int_equal(n->text[len], '\0');
	if (n->plain != plain)
		fail_msg("'%s': plain is %d", text, n->plain);
	if (n->line != line || n->col != col)
		fail_msg("'%s' at %d:%d, expected %d:%d", text, n->line, n->col, line, col);
}

#define EXPECT(n, lit, plain, line, col) expect_scalar(n, lit, sizeof(lit) - 1, plain, line, col)

static void expect_container(const struct node *n, enum node_kind kind, size_t count, int line,
			     int col)
{
	assert_non_null(n);
	assert_int_equal(n->kind, kind);
	assert_int_equal(n->count, count);
	if (n->line != line || n->col != col)
		fail_msg("container at %d:%d, expected %d:%d", n->line, n->col, line, col);
	size_t seen = 0;
	for (const struct node *c = n->first; c; c = c->next) {
		seen++;
		if (!c->next)
			assert_ptr_equal(c, n->last);
		if (kind == NODE_MAP)
			assert_non_null(c->key);
		else
			assert_null(c->key);
	}
	assert_int_equal(seen, count);
}

static const char good[] = "{\n"
			   "  \"name\": \"rancher\",\n"
			   "  \"n\": -1.5e3,\n"
			   "  \"ok\": true, \"no\": false,\n"
			   "  \"nil\": null,\n"
			   "  \"list\": [0, \"two\", [], {}],\n"
			   "  \"esc\": \"\\u00e9\\ud83d\\ude00\\n\\\"\\\\\\/\\b\\f\\r\\t\",\n"
			   "  \"\xc3\xa9\": \"\xe2\x82\xac x\"\n"
			   "}\n";

static void test_good_object(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors;
	const struct node *root = parse(&a, S(good), &diags, &errors);
	assert_string_equal(diags, "");
	assert_int_equal(errors, 0);
	expect_container(root, NODE_MAP, 8, 1, 1);
	assert_null(root->key);

	/* members keep their order; keys are quoted scalars at their quote */
	static const char *const order[] = {"name", "n", "ok", "no", "nil", "list", "esc", "\xc3\xa9"};
	const struct node *v = root->first;
	for (size_t i = 0; i < NROWS(order); i++, v = v->next)
		assert_string_equal(v->key->text, order[i]);

	const struct node *name = member(root, "name");
	EXPECT(name->key, "name", false, 2, 3);
	EXPECT(name, "rancher", false, 2, 11);
	EXPECT(member(root, "n"), "-1.5e3", true, 3, 8);
	EXPECT(member(root, "ok"), "true", true, 4, 9);
	EXPECT(member(root, "no"), "false", true, 4, 21);
	EXPECT(member(root, "nil"), "null", true, 5, 10);

	const struct node *list = member(root, "list");
	expect_container(list, NODE_SEQ, 4, 6, 11);
	EXPECT(list->first, "0", true, 6, 12);
	EXPECT(list->first->next, "two", false, 6, 15);
	expect_container(list->first->next->next, NODE_SEQ, 0, 6, 22);
	expect_container(list->last, NODE_MAP, 0, 6, 26);
	assert_null(list->last->first);

	EXPECT(member(root, "esc"), "\xc3\xa9\xf0\x9f\x98\x80\n\"\\/\b\f\r\t", false, 7, 10);
	/* columns count characters: the key is one character, two bytes */
	const struct node *e = member(root, "\xc3\xa9");
	EXPECT(e->key, "\xc3\xa9", false, 8, 3);
	EXPECT(e, "\xe2\x82\xac x", false, 8, 8);
	free(diags);
	arena_free(&a);
}

static void test_good_scalars(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *text;
		bool plain;
		int line;
		int col;
	} rows[] = {
		{S("\"x\""), "x", false, 1, 1},
		{S("\"\""), "", false, 1, 1},
		{S("0"), "0", true, 1, 1},
		{S("-0"), "-0", true, 1, 1},
		{S("1e5"), "1e5", true, 1, 1},
		{S("1E+5"), "1E+5", true, 1, 1},
		{S("0.5e-10"), "0.5e-10", true, 1, 1},
		{S("123456789012345678901234567890"), "123456789012345678901234567890", true, 1, 1},
		{S(" \t\r\n\n  42 \n"), "42", true, 3, 3},
		{S("null"), "null", true, 1, 1},
		{S("\"\\u0041\\u00DF\\uFFFF\""), "A\xc3\x9f\xef\xbf\xbf", false, 1, 1},
		{S("\"\x7f\""), "\x7f", false, 1, 1},
		{S("\"\xf4\x8f\xbf\xbf\""), "\xf4\x8f\xbf\xbf", false, 1, 1},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0};
		char *diags;
		size_t errors;
		const struct node *n = parse(&a, rows[i].in, rows[i].n, &diags, &errors);
		if (*diags)
			fail_msg("row %zu: %s", i, diags);
		expect_scalar(n, rows[i].text, strlen(rows[i].text), rows[i].plain, rows[i].line,
			      rows[i].col);
		free(diags);
		arena_free(&a);
	}
}

struct bad {
	const char *in;
	size_t n;
	const char *want;
};

static void run_bad(const struct bad *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct arena a = {0};
		char *diags;
		size_t errors;
		const struct node *root = parse(&a, rows[i].in, rows[i].n, &diags, &errors);
		if (root)
			fail_msg("row %zu (%s): accepted", i, rows[i].want);
		if (strcmp(diags, rows[i].want))
			fail_msg("row %zu:\n got: %s want: %s", i, diags, rows[i].want);
		assert_int_equal(errors, 1); /* the first error only */
		free(diags);
		arena_free(&a);
	}
}

static void test_syntax_errors(void **state)
{
	(void)state;
	static const struct bad rows[] = {
		{S(""), "t.json:1:1: error: expected a value, found end of input\n"},
		{S("  \n "), "t.json:2:2: error: expected a value, found end of input\n"},
		{S("["), "t.json:1:2: error: expected a value, found end of input\n"},
		{S("[1,]"), "t.json:1:3: error: trailing comma before ']'\n"},
		{S("{\"a\": 1,\n}"), "t.json:1:8: error: trailing comma before '}'\n"},
		{S("[1 2]"), "t.json:1:4: error: expected ',' or ']', found '2'\n"},
		{S("{\"a\" 1}"), "t.json:1:6: error: expected ':' after the key, found '1'\n"},
		{S("{1:2}"), "t.json:1:2: error: expected a string key or '}', found '1'\n"},
		{S("{\"a\":1,2}"), "t.json:1:8: error: expected a string key, found '2'\n"},
		{S("{\"a\":1"), "t.json:1:7: error: expected ',' or '}', found end of input\n"},
		{S("{\"a\":1]"), "t.json:1:7: error: expected ',' or '}', found ']'\n"},
		{S("1 2"), "t.json:1:3: error: expected end of input after the JSON value, found '2'\n"},
		{S("{}\n}"), "t.json:2:1: error: expected end of input after the JSON value, found '}'\n"},
		{S("{\n  \"a\": [1,\n    2,,\n  ]\n}"),
		 "t.json:3:7: error: expected a value, found ','\n"},
		/* columns count characters, not bytes */
		{S("[\"\xc3\xa9\", x]"),
		 "t.json:1:7: error: invalid literal 'x' (JSON has true, false and null)\n"},
		{S("// c\n1"), "t.json:1:1: error: comments are not allowed in JSON\n"},
		{S("[1 /* c */]"), "t.json:1:4: error: comments are not allowed in JSON\n"},
		{S("'a'"), "t.json:1:1: error: single quotes are not allowed; JSON strings use double quotes\n"},
		{S("{'a': 1}"),
		 "t.json:1:2: error: single quotes are not allowed; JSON strings use double quotes\n"},
		{S("[/]"), "t.json:1:2: error: expected a value, found '/'\n"},
		{S("[\x01]"), "t.json:1:2: error: expected a value, found U+0001\n"},
		{S("\xef\xbb\xbf{}"), "t.json:1:1: error: expected a value, found U+FEFF\n"},
		{S("True"), "t.json:1:1: error: invalid literal 'True' (JSON has true, false and null)\n"},
		{S("nul"), "t.json:1:1: error: invalid literal 'nul' (JSON has true, false and null)\n"},
		{S("[truex]"), "t.json:1:2: error: invalid literal 'truex' (JSON has true, false and null)\n"},
		{S("undefined"),
		 "t.json:1:1: error: invalid literal 'undefined' (JSON has true, false and null)\n"},
	};
	run_bad(rows, NROWS(rows));
}

static void test_string_errors(void **state)
{
	(void)state;
	static const struct bad rows[] = {
		{S("\"abc"), "t.json:1:1: error: unterminated string\n"},
		{S("[\"abc\\"), "t.json:1:2: error: unterminated string\n"},
		{S("\"a\x01" "b\""), "t.json:1:3: error: control character U+0001 must be escaped in a string\n"},
		{S("\"a\nb\""), "t.json:1:3: error: control character U+000A must be escaped in a string\n"},
		{S("\"a\tb\""), "t.json:1:3: error: control character U+0009 must be escaped in a string\n"},
		{S("\"a\\x\""), "t.json:1:3: error: invalid escape '\\x' in a string\n"},
		{S("\"a\\'\""), "t.json:1:3: error: invalid escape '\\'' in a string\n"},
		{S("\"\\\x01\""),
		 "t.json:1:2: error: invalid escape in a string: '\\' must be followed by one of \"\\/bfnrtu\n"},
		{S("\"\\u12G4\""), "t.json:1:2: error: invalid \\u escape: expected 4 hex digits\n"},
		{S("\"\\u12\""), "t.json:1:2: error: invalid \\u escape: expected 4 hex digits\n"},
		{S("\"\\u12"), "t.json:1:2: error: invalid \\u escape: expected 4 hex digits\n"},
		{S("\"\\ud800\""), "t.json:1:2: error: lone surrogate \\uD800 in a string\n"},
		{S("\"x\\udbff\\u0041\""), "t.json:1:3: error: lone surrogate \\uDBFF in a string\n"},
		{S("\"\\ud800\\ud800\""), "t.json:1:2: error: lone surrogate \\uD800 in a string\n"},
		{S("\"\\udc00\""), "t.json:1:2: error: lone surrogate \\uDC00 in a string\n"},
		{S("\"\\u0000\""), "t.json:1:2: error: \\u0000 is not allowed: rhc strings cannot hold NUL\n"},
		{S("\"a\0b\""), "t.json:1:3: error: NUL byte in the input\n"},
		{S("[1]\0"), "t.json:1:4: error: NUL byte in the input\n"},
		{S("\0"), "t.json:1:1: error: NUL byte in the input\n"},
		{S("\"\xff\""), "t.json:1:2: error: invalid UTF-8 (byte 0xff)\n"},
		{S("\"\xc3\""), "t.json:1:2: error: invalid UTF-8 (byte 0xc3)\n"},
		{S("\"\xc3"), "t.json:1:2: error: invalid UTF-8 (byte 0xc3)\n"},
		{S("\"a\x80\""), "t.json:1:3: error: invalid UTF-8 (byte 0x80)\n"},
		{S("\"\xc0\xaf\""), "t.json:1:2: error: invalid UTF-8 (byte 0xc0)\n"},    /* overlong */
		{S("\"\xed\xa0\x80\""), "t.json:1:2: error: invalid UTF-8 (byte 0xed)\n"}, /* surrogate */
		{S("\"\xf4\x90\x80\x80\""), "t.json:1:2: error: invalid UTF-8 (byte 0xf4)\n"}, /* > U+10FFFF */
		{S("[\xff]"), "t.json:1:2: error: invalid UTF-8 (byte 0xff)\n"},
		{S("{\"a\xfe\": 1}"), "t.json:1:4: error: invalid UTF-8 (byte 0xfe)\n"},
	};
	run_bad(rows, NROWS(rows));
}

static void test_number_errors(void **state)
{
	(void)state;
	static const struct bad rows[] = {
		{S("01"), "t.json:1:1: error: invalid number '01': leading zeros are not allowed\n"},
		{S("[-007]"), "t.json:1:2: error: invalid number '-007': leading zeros are not allowed\n"},
		{S("+1"), "t.json:1:1: error: invalid number '+1': '+' is not allowed\n"},
		{S(".5"), "t.json:1:1: error: invalid number '.5': a digit must come before '.'\n"},
		{S("[5.]"), "t.json:1:2: error: invalid number '5.': a digit must follow '.'\n"},
		{S("5.e3"), "t.json:1:1: error: invalid number '5.e3': a digit must follow '.'\n"},
		{S("1e"), "t.json:1:1: error: invalid number '1e': a digit must follow the exponent\n"},
		{S("1e+"), "t.json:1:1: error: invalid number '1e+': a digit must follow the exponent\n"},
		{S("-"), "t.json:1:1: error: invalid number '-': a digit must follow '-'\n"},
		{S("- 1"), "t.json:1:1: error: invalid number '-': a digit must follow '-'\n"},
		{S("0x1F"), "t.json:1:1: error: invalid number '0x1F': hexadecimal is not allowed\n"},
		{S("NaN"), "t.json:1:1: error: invalid number 'NaN': JSON has no NaN or Infinity\n"},
		{S("Infinity"), "t.json:1:1: error: invalid number 'Infinity': JSON has no NaN or Infinity\n"},
		{S("-Infinity"), "t.json:1:1: error: invalid number '-Infinity': a digit must follow '-'\n"},
		{S("1.5.3"), "t.json:1:1: error: invalid number '1.5.3'\n"},
		{S("[12abc]"), "t.json:1:2: error: invalid number '12abc'\n"},
		{S("1_000"), "t.json:1:1: error: invalid number '1_000'\n"},
		/* a long number is cut in the message */
		{S("12345678901234567890123456789012345678901234567890x"),
		 "t.json:1:1: error: invalid number '1234567890123456789012345678901234567890...'\n"},
	};
	run_bad(rows, NROWS(rows));
}

/* DEPTH arrays, one inside the other. */
static char *nested(size_t depth, size_t *len)
{
	char *s = malloc(2 * depth + 1);
	assert_non_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[2 * depth] = '\0';
	*len = 2 * depth;
	return s;
}

static void test_depth(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors, len;
	char *s = nested(JSON_MAX_DEPTH, &len);
	const struct node *root = parse(&a, s, len, &diags, &errors);
	assert_string_equal(diags, "");
	const struct node *n = root;
	for (int i = 1; i < JSON_MAX_DEPTH; i++) {
		expect_container(n, NODE_SEQ, 1, 1, i);
		n = n->first;
	}
	expect_container(n, NODE_SEQ, 0, 1, JSON_MAX_DEPTH);
	free(diags);
	free(s);

	s = nested(JSON_MAX_DEPTH + 1, &len);
	assert_null(parse(&a, s, len, &diags, &errors));
	assert_string_equal(diags, "t.json:1:65: error: nesting deeper than 64 levels\n");
	free(diags);
	free(s);

	/* objects count too, and a deep input stops at the limit, not the end */
	size_t big = 100000;
	s = malloc(big * 6);
	assert_non_null(s);
	for (size_t i = 0; i < big; i++)
		memcpy(s + 6 * i, "{\"a\":[", 6);
	assert_null(parse(&a, s, big * 6, &diags, &errors));
	assert_string_equal(diags, "t.json:1:193: error: nesting deeper than 64 levels\n");
	free(diags);
	free(s);
	arena_free(&a);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors;
	/* every duplicate is reported, inner ones too, and parsing goes on */
	assert_null(parse(&a,
			  S("{\"a\": 1,\n"
			    " \"b\": {\"x\": 1, \"x\": 2},\n"
			    " \"a\": 3, \"a\": 4, \"A\": 5}"),
			  &diags, &errors));
	assert_string_equal(diags, "t.json:2:16: error: duplicate key 'x' (first at line 2)\n"
				   "t.json:2:8: note: first here\n"
				   "t.json:3:2: error: duplicate key 'a' (first at line 1)\n"
				   "t.json:1:2: note: first here\n"
				   "t.json:3:10: error: duplicate key 'a' (first at line 1)\n"
				   "t.json:1:2: note: first here\n");
	assert_int_equal(errors, 3);
	free(diags);

	/* keys compare unescaped; the message shows control characters escaped */
	assert_null(parse(&a, S("{\"a\\nb\": 1,\n\"a\\u000ab\": 2}"), &diags, &errors));
	assert_string_equal(diags, "t.json:2:1: error: duplicate key 'a\\u000ab' (first at line 1)\n"
				   "t.json:1:2: note: first here\n");
	free(diags);

	/* a long key is cut in the message, never inside a character */
	assert_null(parse(&a,
			  S("{\"012345678901234567890123456789012345678\xc3\xa9!\": 1,\n"
			    "\"012345678901234567890123456789012345678\xc3\xa9!\": 2}"),
			  &diags, &errors));
	assert_string_equal(diags, "t.json:2:1: error: duplicate key "
				   "'012345678901234567890123456789012345678...' (first at line 1)\n"
				   "t.json:1:2: note: first here\n");
	free(diags);

	/* a duplicate and then a syntax error: both reported */
	assert_null(parse(&a, S("{\"a\": 1, \"a\": 2,}"), &diags, &errors));
	assert_string_equal(diags, "t.json:1:10: error: duplicate key 'a' (first at line 1)\n"
				   "t.json:1:2: note: first here\n"
				   "t.json:1:16: error: trailing comma before '}'\n");
	assert_int_equal(errors, 2);
	free(diags);

	/* the same key in sibling objects is no duplicate */
	assert_non_null(parse(&a, S("[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": 3}}]"), &diags, &errors));
	assert_string_equal(diags, "");
	free(diags);
	arena_free(&a);
}

/* An object of N members "k0".."k(N-1)", one per line, then EXTRA. */
static char *many_keys(size_t n, const char *extra, size_t *len)
{
	struct buf b = {0};
	buf_puts(&b, "{");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s\"k%zu\": %zu\n", i ? "," : "", i, i);
	buf_puts(&b, extra);
	buf_puts(&b, "}");
	assert_false(buf_failed(&b));
	return buf_take(&b, len);
}

static void test_many_keys(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors, len;

	/* 100,000 distinct keys: accepted, in order (and not in quadratic time) */
	char *s = many_keys(100000, "", &len);
	const struct node *root = parse(&a, s, len, &diags, &errors);
	assert_string_equal(diags, "");
	expect_container(root, NODE_MAP, 100000, 1, 1);
	EXPECT(root->first->key, "k0", false, 1, 2);
	EXPECT(root->last->key, "k99999", false, 100000, 2);
	EXPECT(root->last, "99999", true, 100000, 12);
	free(diags);
	free(s);

	/* past the linear scan, duplicates are still found, early and late keys */
	s = many_keys(100000, ",\"k5\": 0, \"k99998\": 0, \"k100000\": 0\n", &len);
	assert_null(parse(&a, s, len, &diags, &errors));
	assert_string_equal(diags, "t.json:100001:2: error: duplicate key 'k5' (first at line 6)\n"
				   "t.json:6:2: note: first here\n"
				   "t.json:100001:11: error: duplicate key 'k99998' (first at line 99999)\n"
				   "t.json:99999:2: note: first here\n");
	free(diags);
	free(s);

	/* around the switch from scan to hash set */
	for (size_t n = 1; n < 40; n++) {
		for (size_t dup = 0; dup < n; dup++) {
			char extra[64];
			snprintf(extra, sizeof(extra), ",\"k%zu\": 0", dup);
			s = many_keys(n, extra, &len);
			assert_null(parse(&a, s, len, &diags, &errors));
			assert_int_equal(errors, 1);
			char want[128];
			snprintf(want, sizeof(want), "duplicate key 'k%zu' (first at line %zu)\n", dup,
				 dup + 1);
			if (!strstr(diags, want))
				fail_msg("n=%zu dup=%zu: %s", n, dup, diags);
			free(diags);
			free(s);
		}
	}

	/* one key 100,000 times: every repeat counted, the output capped */
	struct buf b = {0};
	buf_puts(&b, "{");
	for (size_t i = 0; i < 100000; i++)
		buf_puts(&b, i ? ",\"a\":0" : "\"a\":0");
	buf_puts(&b, "}");
	s = buf_take(&b, &len);
	assert_null(parse(&a, s, len, &diags, &errors));
	assert_int_equal(errors, 99999);
	assert_non_null(strstr(diags, "t.json:1:8: error: duplicate key 'a' (first at line 1)\n"));
	free(diags);
	free(s);
	arena_free(&a);
}

/* Every prefix of these inputs, each in a buffer of its exact length: no
 * crash, no read past the end, and a refusal always says why. */
static void test_prefixes(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S(good)},
		{S("[\"\\ud83d\\ude00\", -0.5e+7, true, false, null, {\"a\": [{}]}]")},
		{S("\"\xf0\x9f\x98\x80\xc3\xa9\"")},
		{S("{\"a\":1,\"a\":2}")},
	};
	for (size_t r = 0; r < NROWS(rows); r++) {
		for (size_t n = 0; n <= rows[r].n; n++) {
			struct arena a = {0};
			char *diags;
			size_t errors;
			const struct node *root = parse(&a, rows[r].in, n, &diags, &errors);
			if (!root && !errors)
				fail_msg("row %zu prefix %zu: refused without a diagnostic", r, n);
			if (root && errors)
				fail_msg("row %zu prefix %zu: a tree and errors", r, n);
			free(diags);
			arena_free(&a);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_object),
		cmocka_unit_test(test_good_scalars),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
