/* escape.c: every escaper, byte for byte, plus a round trip through a real
 * /bin/sh for the shell word (the one that guards against injection). */
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
#include "escape.h"
#include "load.h"
#include "node.h"
#include "val.h"

struct row {
	const char *in;
	size_t n;
	const char *want;
};

struct refusable {
	const char *in;
	size_t n;
	bool ok;
	const char *want; /* "" when refused: nothing may be written */
};

typedef void (*escape_void_fn)(struct buf *, const char *, size_t);
typedef bool (*escape_bool_fn)(struct buf *, const char *, size_t);

/* The output as a C string ("" for an empty buffer, whose data is NULL). */
static const char *text(const struct buf *b)
{
	return b->len ? b->data : "";
}

static void run_void(escape_void_fn fn, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf b = {0};
		fn(&b, rows[i].in, rows[i].n);
		assert_false(buf_failed(&b));
		assert_string_equal(text(&b), rows[i].want);
		assert_int_equal(b.len, strlen(rows[i].want));
		buf_free(&b);
	}
}

static void run_bool(escape_bool_fn fn, const struct refusable *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf b = {0};
		bool ok = fn(&b, rows[i].in, rows[i].n);
		if (ok != rows[i].ok)
			fail_msg("row %zu ('%.*s'): returned %d, expected %d", i, (int)rows[i].n,
				 rows[i].in, ok, rows[i].ok);
		assert_string_equal(text(&b), rows[i].want);
		assert_int_equal(b.len, strlen(rows[i].want));
		buf_free(&b);
	}
}

static void test_json_string(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S(""), "\"\""},
		{S("plain"), "\"plain\""},
		{S("a\"b"), "\"a\\\"b\""},
		{S("a\\b"), "\"a\\\\b\""},
		{S("l1\nl2"), "\"l1\\nl2\""},
		{S("\t\r"), "\"\\t\\r\""},
		{S("\x01\x1f"), "\"\\u0001\\u001f\""},
		{S("a\0b"), "\"a\\u0000b\""},
		{S("\x7f"), "\"\\u007f\""},
		{S("/ ' $ `"), "\"/ ' $ `\""},
		{S("caf\xc3\xa9"), "\"caf\xc3\xa9\""}, /* UTF-8 passes through */
	};
	run_void(escape_json_string, rows, NROWS(rows));
}

static void test_yaml_string(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S(""), "\"\""},
		{S("no"), "\"no\""}, /* YAML 1.1 would read a plain no as false */
		{S("0755"), "\"0755\""},
		{S("a: b # c"), "\"a: b # c\""},
		{S("a\"b\\c"), "\"a\\\"b\\\\c\""},
		{S("l1\nl2\t"), "\"l1\\nl2\\t\""},
		{S("\r"), "\"\\x0d\""},
		{S("a\0b"), "\"a\\x00b\""},
		{S("\x1b\x7f"), "\"\\x1b\\x7f\""},
		{S("x\xc2\x85y"), "\"x\\Ny\""},		 /* NEL */
		{S("\xe2\x80\xa8|\xe2\x80\xa9"), "\"\\L|\\P\""}, /* LS, PS */
		{S("\xef\xbb\xbfz"), "\"\\uFEFFz\""},		 /* BOM */
		{S("caf\xc3\xa9"), "\"caf\xc3\xa9\""},
		{S("\xc2\xa0"), "\"\xc2\xa0\""}, /* NBSP is not a break */
	};
	run_void(escape_yaml_string, rows, NROWS(rows));
}

static void test_sh_word(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S(""), "''"},
		{S("plain"), "'plain'"},
		{S("it's"), "'it'\\''s'"},
		{S("''"), "''\\'''\\'''"},
		{S("$(id) `id` $HOME"), "'$(id) `id` $HOME'"},
		{S("a\nb"), "'a\nb'"},
		{S("-rf; rm *"), "'-rf; rm *'"},
		{S("back\\slash"), "'back\\slash'"},
	};
	run_void(escape_sh_word, rows, NROWS(rows));
}

static void test_nginx_word(void **state)
{
	(void)state;
	static const struct refusable rows[] = {
		/* bare when every byte is safe */
		{S("least_conn"), true, "least_conn"},
		{S("10.0.0.1:443"), true, "10.0.0.1:443"},
		{S("[::1]:80"), true, "[::1]:80"},
		{S("/etc/nginx-lb/nginx.conf"), true, "/etc/nginx-lb/nginx.conf"},
		{S("a@b+c=d,e%f"), true, "a@b+c=d,e%f"},
		{S("5s"), true, "5s"},
		/* quoted otherwise */
		{S(""), true, "\"\""},
		{S("a b"), true, "\"a b\""},
		{S("a;b"), true, "\"a;b\""},
		{S("{x}"), true, "\"{x}\""},
		{S("#x"), true, "\"#x\""},
		{S("it's"), true, "\"it's\""},
		{S("a\"b"), true, "\"a\\\"b\""},
		{S("a\\b"), true, "\"a\\\\b\""},
		{S("caf\xc3\xa9"), true, "\"caf\xc3\xa9\""},
		/* refused: '$' expands even inside quotes; control bytes */
		{S("$remote_addr"), false, ""},
		{S("a b$"), false, ""},
		{S("a\nb"), false, ""},
		{S("a\tb"), false, ""},
		{S("a\0b"), false, ""},
		{S("\x7f"), false, ""},
	};
	run_bool(escape_nginx_word, rows, NROWS(rows));
}

static void test_md_code(void **state)
{
	(void)state;
	static const struct refusable rows[] = {
		{S(""), true, ""},
		{S("rancher.example.com"), true, "rancher.example.com"},
		{S("a *b* _c_ | <d> $e"), true, "a *b* _c_ | <d> $e"},
		{S("a`b"), false, ""},
		{S("a\nb"), false, ""},
		{S("a\rb"), false, ""},
		{S("\x7f"), false, ""},
	};
	run_bool(escape_md_code, rows, NROWS(rows));
}

static void test_sh_var(void **state)
{
	(void)state;
	static const struct refusable rows[] = {
		{S("RANCHER_BOOTSTRAP_PASSWORD"), true, "RANCHER_BOOTSTRAP_PASSWORD"},
		{S("_x1"), true, "_x1"},
		{S("a"), true, "a"},
		{S(""), false, ""},
		{S("1A"), false, ""},
		{S("A-B"), false, ""},
		{S("A B"), false, ""},
		{S("A}"), false, ""},
		{S("A$B"), false, ""},
		{S("A\0"), false, ""},
		{S("\xc3\xa9"), false, ""},
	};
	run_bool(escape_sh_var, rows, NROWS(rows));
}

static void test_comment(void **state)
{
	(void)state;
	static const struct refusable rows[] = {
		{S(""), true, ""},
		{S("any 'thing' \"at\" $all # ` \\"), true, "any 'thing' \"at\" $all # ` \\"},
		{S("caf\xc3\xa9"), true, "caf\xc3\xa9"},
		{S("a\nrm -rf /"), false, ""}, /* a newline would end the comment */
		{S("a\rb"), false, ""},
		{S("a\tb"), false, ""},
		{S("a\0b"), false, ""},
		{S("\x7f"), false, ""},
	};
	run_bool(escape_comment, rows, NROWS(rows));
}

/* escape_value: one row per (kind, value). */
enum vk { STR, INT, BOOL, LIST, MAP, NUL };

struct value_row {
	enum escape_kind kind;
	enum vk vk;
	const char *s;
	long long i;
	bool b;
	bool ok;
	const char *want;
};

static struct val *make(struct arena *a, const struct value_row *r)
{
	switch (r->vk) {
	case STR:
		return val_str(a, r->s);
	case INT:
		return val_int(a, r->i);
	case BOOL:
		return val_bool(a, r->b);
	case LIST: {
		struct val *l = val_new(a, VAL_LIST);
		val_add(l, NULL, val_str(a, "x"));
		return l;
	}
	case MAP: {
		struct val *m = val_new(a, VAL_MAP);
		val_set_str(a, m, "k", "x");
		return m;
	}
	default:
		return val_new(a, VAL_NULL);
	}
}

static void test_value(void **state)
{
	(void)state;
	static const struct value_row rows[] = {
		{ESC_JSON, STR, "a\"b", 0, false, true, "\"a\\\"b\""},
		{ESC_JSON, INT, NULL, 443, false, true, "443"},
		{ESC_JSON, INT, NULL, -7, false, true, "-7"},
		{ESC_JSON, BOOL, NULL, 0, true, true, "true"},
		{ESC_JSON, BOOL, NULL, 0, false, true, "false"},
		{ESC_YAML, STR, "on", 0, false, true, "\"on\""},
		{ESC_YAML, STR, "80", 0, false, true, "\"80\""},
		{ESC_YAML, INT, NULL, 8192, false, true, "8192"},
		{ESC_YAML, BOOL, NULL, 0, false, true, "false"},
		{ESC_SH, STR, "a b", 0, false, true, "'a b'"},
		{ESC_SH, INT, NULL, 80, false, true, "'80'"},
		{ESC_SH, BOOL, NULL, 0, true, true, "'true'"},
		{ESC_NGINX, STR, "least_conn", 0, false, true, "least_conn"},
		{ESC_NGINX, STR, "a b", 0, false, true, "\"a b\""},
		{ESC_NGINX, STR, "$x", 0, false, false, ""},
		{ESC_NGINX, INT, NULL, 40000, false, true, "40000"},
		{ESC_NGINX, BOOL, NULL, 0, true, true, "true"},
		{ESC_MD, STR, "v1.2.3", 0, false, true, "v1.2.3"},
		{ESC_MD, STR, "a`b", 0, false, false, ""},
		{ESC_MD, INT, NULL, 3, false, true, "3"},
		{ESC_MD, BOOL, NULL, 0, false, true, "false"},
		{ESC_SHVAR, STR, "HOME", 0, false, true, "HOME"},
		{ESC_SHVAR, STR, "A-B", 0, false, false, ""},
		{ESC_SHVAR, INT, NULL, 5, false, false, ""}, /* "5" is no identifier */
		{ESC_SHVAR, BOOL, NULL, 0, true, true, "true"},
		{ESC_COMMENT, STR, "x # y", 0, false, true, "x # y"},
		{ESC_COMMENT, STR, "x\ny", 0, false, false, ""},
		{ESC_COMMENT, INT, NULL, -1, false, true, "-1"},
		{ESC_COMMENT, BOOL, NULL, 0, false, true, "false"},
		{ESC_COREFILE, STR, "rancher.example.com", 0, false, true, "rancher.example.com"},
		{ESC_COREFILE, STR, "2001:db8::1", 0, false, true, "2001:db8::1"},
		{ESC_COREFILE, STR, "a b", 0, false, false, ""},
		{ESC_COREFILE, STR, "a{", 0, false, false, ""},
		{ESC_COREFILE, STR, "\"a\"", 0, false, false, ""},
		{ESC_COREFILE, STR, "a#b", 0, false, false, ""},
		{ESC_COREFILE, STR, "a\nb", 0, false, false, ""},
		{ESC_COREFILE, STR, "", 0, false, false, ""},
		{ESC_COREFILE, INT, NULL, 53, false, true, "53"},
	};
	struct arena a = {0};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct buf b = {0};
		bool ok = escape_value(&b, rows[i].kind, make(&a, &rows[i]));
		if (ok != rows[i].ok)
			fail_msg("row %zu: returned %d, expected %d", i, ok, rows[i].ok);
		assert_string_equal(text(&b), rows[i].want);
		buf_free(&b);
	}
	arena_free(&a);
}

/* Lists, maps and null are no scalars, in every kind. */
static void test_value_not_scalar(void **state)
{
	(void)state;
	struct arena a = {0};
	for (int k = 0; k < ESC_COUNT; k++) {
		for (enum vk vk = LIST; vk <= NUL; vk++) {
			struct value_row r = {.kind = (enum escape_kind)k, .vk = vk};
			struct buf b = {0};
			if (escape_value(&b, (enum escape_kind)k, make(&a, &r)))
				fail_msg("kind %s accepted a non-scalar (%d)", escape_kind_name(k), vk);
			assert_int_equal(b.len, 0);
			buf_free(&b);
		}
	}
	arena_free(&a);
}

static void test_kind_by_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		size_t len;
		int want;
	} rows[] = {
		{"nginx", 5, ESC_NGINX},
		{"yaml", 4, ESC_YAML},
		{"json", 4, ESC_JSON},
		{"sh", 2, ESC_SH},
		{"shvar", 5, ESC_SHVAR},
		{"md", 2, ESC_MD},
		{"comment", 7, ESC_COMMENT},
		{"corefile", 8, ESC_COREFILE},
		{"shvar", 2, ESC_SH}, /* only LEN bytes count */
		{"NGINX", 5, -1},
		{"sh ", 3, -1},
		{"s", 1, -1},
		{"", 0, -1},
		{"html", 4, -1},
		{"commentary", 10, -1},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		int k = escape_kind_by_name(rows[i].name, rows[i].len);
		if (k != rows[i].want)
			fail_msg("'%.*s': got %d, expected %d", (int)rows[i].len, rows[i].name, k,
				 rows[i].want);
	}
	static const char *const names[ESC_COUNT] = {"nginx", "yaml", "json", "sh",
						     "shvar", "md",   "comment", "corefile"};
	for (int k = 0; k < ESC_COUNT; k++) {
		assert_string_equal(escape_kind_name((enum escape_kind)k), names[k]);
		assert_int_equal(escape_kind_by_name(names[k], strlen(names[k])), k);
	}
}

/* A byte-at-a-time model of every escaper (what escape.c did before its
 * lookup table): the table-driven code must write exactly this. */
static void model_json(struct buf *b, const unsigned char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			buf_printf(b, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static void model_yaml(struct buf *b, const unsigned char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n' || c == '\t')
			buf_printf(b, "\\%c", c == '\n' ? 'n' : 't');
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else if (c == 0xC2 && i + 1 < n && s[i + 1] == 0x85)
			buf_puts(b, "\\N"), i++;
		else if (c == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			buf_printf(b, "\\x%02X", s[++i]);
		else if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBF &&
			 (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
			buf_printf(b, "\\uFFF%c", s[i + 2] == 0xBE ? 'E' : 'F'), i += 2;
		else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
			buf_puts(b, s[i + 2] == 0xA8 ? "\\L" : "\\P"), i += 2;
		else if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
			buf_puts(b, "\\uFEFF"), i += 2;
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static bool model_nginx(struct buf *b, const unsigned char *s, size_t n)
{
	bool bare = n > 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$' || s[i] < 0x20 || s[i] == 0x7f)
			return false;
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._:/[]-@+=,%", s[i])))
			bare = false;
	}
	if (!bare)
		buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, (char)s[i]);
	}
	if (!bare)
		buf_putc(b, '"');
	return true;
}

/* md, comment and shvar copy the value whole or refuse it. */
static bool model_whole(int kind, struct buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			     (c >= '0' && c <= '9' && i > 0);
		if ((kind == ESC_SHVAR && !ident) ||
		    (kind != ESC_SHVAR && (c < 0x20 || c == 0x7f || (kind == ESC_MD && c == '`'))))
			return false;
	}
	if (kind == ESC_SHVAR && !n)
		return false;
	buf_put(b, (const char *)s, n);
	return true;
}

/* S through escaper KIND and through its model: the same bytes, the same verdict. */
static void same_as_model(int kind, const unsigned char *s, size_t n)
{
	struct buf got = {0}, want = {0};
	bool ok = true, want_ok = true;
	const char *in = (const char *)s;
	switch (kind) {
	case ESC_JSON:
		escape_json_string(&got, in, n), model_json(&want, s, n);
		break;
	case ESC_YAML:
		escape_yaml_string(&got, in, n), model_yaml(&want, s, n);
		break;
	case ESC_NGINX:
		ok = escape_nginx_word(&got, in, n), want_ok = model_nginx(&want, s, n);
		break;
	case ESC_MD:
		ok = escape_md_code(&got, in, n), want_ok = model_whole(kind, &want, s, n);
		break;
	case ESC_SHVAR:
		ok = escape_sh_var(&got, in, n), want_ok = model_whole(kind, &want, s, n);
		break;
	case ESC_COMMENT:
		ok = escape_comment(&got, in, n), want_ok = model_whole(kind, &want, s, n);
		break;
	default:
		return;
	}
	if (ok != want_ok || got.len != (want_ok ? want.len : 0) ||
	    (got.len && memcmp(got.data, want.data, got.len)))
		fail_msg("%s differs from its model on %zu bytes starting %02x %02x", escape_kind_name(kind), n,
			 n ? s[0] : 0, n > 1 ? s[1] : 0);
	buf_free(&got);
	buf_free(&want);
}

/* Every byte alone, inside plain text, and every pair (the YAML lead bytes
 * look ahead), for each escaper: the byte table must agree with the model. */
static void test_every_byte(void **state)
{
	(void)state;
	for (int kind = 0; kind < ESC_COUNT; kind++) {
		for (int c = 0; c < 256; c++) {
			unsigned char s[8] = {(unsigned char)c, 'a', 'b'};
			same_as_model(kind, s, 1);
			same_as_model(kind, s, 3);
			unsigned char in[4] = {'x', (unsigned char)c, 'y', 0};
			same_as_model(kind, in, 3);
			for (int d = 0; d < 256; d++) {
				unsigned char p[4] = {(unsigned char)c, (unsigned char)d, 'z'};
				same_as_model(kind, p, 2);
				same_as_model(kind, p, 3);
				/* the three-byte sequences YAML escapes start 0xE2 or 0xEF */
				for (int e = 0; (c == 0xE2 || c == 0xEF) && e < 256; e++) {
					p[2] = (unsigned char)e;
					same_as_model(kind, p, 3);
				}
			}
		}
	}
}

/* What a real shell makes of the escaped word must be the input, byte for
 * byte: the property escape_sh_word exists for. */
static void test_sh_round_trip(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S("")},
		{S("plain")},
		{S("it's")},
		{S("'")},
		{S("''''")},
		{S("\"double\" \\\"escaped\\\"")},
		{S("$(echo pwned)")},
		{S("`echo pwned`")},
		{S("${HOME} $HOME $0 $$ $1")},
		{S("line1\nline2\n")},
		{S("\n")},
		{S("-n")},
		{S("--help")},
		{S("-e \\n")},
		{S("a; echo pwned; b")},
		{S("a && b || c | d & e")},
		{S("> /tmp/rhc-unit-escape-pwned")},
		{S("* ? [a-z] ~ ~root")},
		{S("  spaced   out  ")},
		{S("\ttab\t")},
		{S("!history #comment")},
		{S("%s %d %%")},
		{S("caf\xc3\xa9 \xe2\x80\xa8")},
		{S("'; echo pwned; echo '")},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct buf cmd = {0};
		buf_puts(&cmd, "printf %s ");
		escape_sh_word(&cmd, rows[i].in, rows[i].n);
		assert_false(buf_failed(&cmd));
		FILE *p = popen(cmd.data, "r");
		assert_non_null(p);
		char got[512];
		size_t n = fread(got, 1, sizeof(got), p);
		int status = pclose(p);
		if (status != 0)
			fail_msg("row %zu: sh exited with status %d for: %s", i, status, cmd.data);
		if (n != rows[i].n || memcmp(got, rows[i].in, n))
			fail_msg("row %zu: sh read back %zu bytes '%.*s' for: %s", i, n, (int)n, got,
				 cmd.data);
		buf_free(&cmd);
	}
}

/* The same property for YAML, read back by the loader rhc itself uses. */
static void test_yaml_round_trip(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S("")},
		{S("no")},
		{S("~")},
		{S("null")},
		{S("0755")},
		{S("1e3")},
		{S("- item")},
		{S("a: b # c")},
		{S("{[&*!|>'%@`]}")},
		{S("\"q\" \\ \\n")},
		{S("l1\nl2\r\n\t")},
		{S("a\x01b\x1b\x7f")}, /* NUL is refused by the loader by design */
		{S("x\xc2\x85y\xe2\x80\xa8z\xe2\x80\xa9")},
		{S("\xef\xbb\xbf" "bom")},
		{S("  lead and trail  ")},
		{S("caf\xc3\xa9")},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0};
		struct diags d = {0};
		struct buf doc = {0};
		buf_puts(&doc, "k: ");
		escape_yaml_string(&doc, rows[i].in, rows[i].n);
		buf_putc(&doc, '\n');
		struct node *root = load_yaml(&a, "t.yml", doc.data, doc.len, &d);
		if (!root || d.count)
			fail_msg("row %zu: the loader refused: %s", i, doc.data);
		const struct node *v = root->first;
		assert_non_null(v);
		assert_int_equal(v->kind, NODE_SCALAR);
		assert_false(v->plain);
		if (v->len != rows[i].n || memcmp(v->text, rows[i].in, v->len))
			fail_msg("row %zu: read back %zu bytes from: %s", i, v->len, doc.data);
		buf_free(&doc);
		diags_free(&d);
		arena_free(&a);
	}
}

/* YAML 1.2 c-printable: what may appear raw in a double-quoted scalar. */
static bool yaml_printable(unsigned long cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
	       (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Index of the first code point of S (valid UTF-8) that is not c-printable, or N. */
static size_t first_unprintable(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		unsigned long cp = k == 1 ? c : c & (0xFF >> (k + 1));
		for (size_t j = 1; j < k && i + j < n; j++)
			cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3F);
		if (!yaml_printable(cp))
			return i;
		i += k;
	}
	return n;
}

/* Characters YAML forbids raw (C1 controls, U+FFFE, U+FFFF) must come out
 * escaped: strict readers (PyYAML: "special characters are not allowed")
 * refuse the document otherwise. */
static void test_yaml_unprintable(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S("a\xc2\x80" "b")},	 /* U+0080 */
		{S("a\xc2\x9f" "b")},	 /* U+009F */
		{S("\xc2\x84")},	 /* U+0084, next to NEL */
		{S("\xef\xbf\xbe")}, /* U+FFFE */
		{S("\xef\xbf\xbf")}, /* U+FFFF */
		{S("ok \xc2\x85 \xc2\xa0 \xef\xbf\xbd")}, /* NEL, NBSP, U+FFFD: fine */
	};
	size_t failed = 0;
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct buf b = {0};
		escape_yaml_string(&b, rows[i].in, rows[i].n);
		size_t at = first_unprintable(b.data, b.len);
		if (at < b.len) {
			print_error("row %zu: raw unprintable character at byte %zu of %s\n", i, at,
				    b.data);
			failed++;
		}
		buf_free(&b);
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_yaml_string),
		cmocka_unit_test(test_sh_word),
		cmocka_unit_test(test_nginx_word),
		cmocka_unit_test(test_md_code),
		cmocka_unit_test(test_sh_var),
		cmocka_unit_test(test_comment),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_value),
		cmocka_unit_test(test_value_not_scalar),
		cmocka_unit_test(test_kind_by_name),
		cmocka_unit_test(test_sh_round_trip),
		cmocka_unit_test(test_yaml_round_trip),
		cmocka_unit_test(test_yaml_unprintable),
	};
	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
