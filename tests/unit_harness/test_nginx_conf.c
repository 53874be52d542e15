/* nginx_conf.c: the directive tree of a good configuration (names,
 * arguments and their quoting, blocks, 1-based locations) and every refusal
 * with its exact diagnostic. */
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
#include "nginx_conf.h"

/* Parses a copy of DATA exactly LEN bytes long (a read past the end shows
 * under ASan); diagnostics as text go to *DIAGS (caller frees). */
static struct nginx_directive *parse(struct arena *a, const char *data, size_t len, char **diags,
				     size_t *errors)
{
	char *copy = exact_copy(data, len);
	struct diags d = {0};
	struct nginx_directive *first = nginx_conf_parse(a, "nginx.conf", copy, len, &d);
	*diags = diags_text(&d);
	*errors = d.errors;
	diags_free(&d);
	free(copy);
	return first;
}

static size_t count(const struct nginx_directive *first)
{
	size_t n = 0;
	for (; first; first = first->next)
		n++;
	return n;
}

/* Checks a directive's name, location, kind and arguments; ARGS lists the
 * argument texts, a leading '^' marking a quoted one. */
static void expect_dir(const struct nginx_directive *dir, const char *name, int line, int col,
		       bool block, const char *const *args, size_t nargs)
{
	if (!dir)
		fail_msg("no directive '%s'", name);
	assert_string_equal(dir->name, name);
	if (dir->line != line || dir->col != col)
		fail_msg("'%s' at %d:%d, expected %d:%d", name, dir->line, dir->col, line, col);
	if (dir->block != block)
		fail_msg("'%s': block is %d", name, dir->block);
	if (!block)
		assert_null(dir->children);
	assert_int_equal(dir->nargs, nargs);
	for (size_t i = 0; i < nargs; i++) {
		bool quoted = args[i][0] == '^';
		const char *want = args[i] + quoted;
		assert_string_equal(dir->args[i].text, want);
		assert_int_equal(dir->args[i].len, strlen(want));
		if (dir->args[i].quoted != quoted)
			fail_msg("'%s' argument %zu: quoted is %d", name, i, dir->args[i].quoted);
	}
	for (const struct nginx_directive *c = dir->children; c; c = c->next)
		assert_ptr_equal(c->parent, dir);
}

#define ARGS(...) (const char *const[]){__VA_ARGS__}, NROWS(((const char *const[]){__VA_ARGS__}))
#define NOARGS NULL, 0

static const char lb_conf[] = "# rhc: nginx L4 load balancer\n"
			      "worker_processes 4;\n"
			      "worker_rlimit_nofile 40000;\n"
			      "\n"
			      "events {\n"
			      "    worker_connections 8192;\n"
			      "}\n"
			      "\n"
			      "stream {\n"
			      "    upstream rancher_443 {\n"
			      "        least_conn;\n"
			      "        zone rancher_443 64k;\n"
			      "        server 192.168.1.11:443 max_fails=3 fail_timeout=5s;\n"
			      "        server [fd00::12]:443 max_fails=3 fail_timeout=5s;\n"
			      "    }\n"
			      "    server {\n"
			      "        listen     443;   # the TLS port\n"
			      "        proxy_pass rancher_443;\n"
			      "    }\n"
			      "}\n";

static void test_good_config(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors;
	const struct nginx_directive *top = parse(&a, S(lb_conf), &diags, &errors);
	assert_string_equal(diags, "");
	assert_int_equal(errors, 0);
	assert_int_equal(count(top), 4);
	expect_dir(top, "worker_processes", 2, 1, false, ARGS("4"));
	assert_null(top->parent);
	expect_dir(top->next, "worker_rlimit_nofile", 3, 1, false, ARGS("40000"));

	const struct nginx_directive *events = nginx_find(top, "events");
	expect_dir(events, "events", 5, 1, true, NOARGS);
	assert_int_equal(count(events->children), 1);
	expect_dir(events->children, "worker_connections", 6, 5, false, ARGS("8192"));

	const struct nginx_directive *stream = nginx_find(top, "stream");
	expect_dir(stream, "stream", 9, 1, true, NOARGS);
	assert_null(stream->next);
	assert_int_equal(count(stream->children), 2);
	const struct nginx_directive *up = nginx_find(stream->children, "upstream");
	expect_dir(up, "upstream", 10, 5, true, ARGS("rancher_443"));
	assert_ptr_equal(up->parent, stream);
	assert_int_equal(count(up->children), 4);
	expect_dir(up->children, "least_conn", 11, 9, false, NOARGS);
	expect_dir(up->children->next, "zone", 12, 9, false, ARGS("rancher_443", "64k"));
	const struct nginx_directive *srv = nginx_find(up->children, "server");
	expect_dir(srv, "server", 13, 9, false,
		   ARGS("192.168.1.11:443", "max_fails=3", "fail_timeout=5s"));
	expect_dir(srv->next, "server", 14, 9, false,
		   ARGS("[fd00::12]:443", "max_fails=3", "fail_timeout=5s"));
	const struct nginx_directive *server = nginx_find(stream->children, "server");
	expect_dir(server, "server", 16, 5, true, NOARGS);
	expect_dir(server->children, "listen", 17, 9, false, ARGS("443"));
	expect_dir(server->children->next, "proxy_pass", 18, 9, false, ARGS("rancher_443"));

	/* nginx_find looks at one level only */
	assert_null(nginx_find(top, "server"));
	assert_null(nginx_find(top, "worker"));
	assert_null(nginx_find(NULL, "events"));
	free(diags);
	arena_free(&a);
}

static void test_quoting(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors;
	const struct nginx_directive *top = parse(&a,
		S("log_format main '$remote_addr \"$request\"' \"a\\\"b\" 'it\\'s' \"t\\tr\\rn\\nb\\\\\"\n"
		  "    \"\\d\" x\\;y a\\ b \"\" '' \"multi\n"
		  "line\";\n"
		  "set $a ${b}c;\n"
		  "add_header X a#b;\n"
		  "if ($x = \"a\") { return 200; }\n"
		  "location / {}\n"
		  "b\"a\";\n"),
		&diags, &errors);
	assert_string_equal(diags, "");
	assert_int_equal(count(top), 6);
	expect_dir(top, "log_format", 1, 1, false,
		   ARGS("main", "^$remote_addr \"$request\"", "^a\"b", "^it's", "^t\tr\rn\nb\\",
			"^\\d", "x\\;y", "a\\ b", "^", "^", "^multi\nline"));
	/* ${b} does not open a block */
	const struct nginx_directive *d = top->next;
	expect_dir(d, "set", 4, 1, false, ARGS("$a", "${b}c"));
	/* '#' inside a word is no comment */
	d = d->next;
	expect_dir(d, "add_header", 5, 1, false, ARGS("X", "a#b"));
	/* a ')' right after a quote starts a word, as in nginx */
	d = d->next;
	expect_dir(d, "if", 6, 1, true, ARGS("($x", "=", "^a", ")"));
	expect_dir(d->children, "return", 6, 17, false, ARGS("200"));
	d = d->next;
	expect_dir(d, "location", 7, 1, true, ARGS("/"));
	assert_null(d->children);
	/* a quote inside a bare word is an ordinary character */
	expect_dir(d->next, "b\"a\"", 8, 1, false, NOARGS);
	free(diags);
	arena_free(&a);
}

static void test_layout(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors;

	/* empty and comment-only files: no directives, no errors */
	assert_null(parse(&a, S(""), &diags, &errors));
	assert_int_equal(errors, 0);
	free(diags);
	assert_null(parse(&a, S("# only\n  # comments\n\n"), &diags, &errors));
	assert_int_equal(errors, 0);
	free(diags);

	/* CRLF, tabs, a directive over several lines, characters not bytes */
	const struct nginx_directive *top =
		parse(&a, S("a 1;\r\n\tb\r\n  2\r\n;\r\nc \"\xc3\xa9\"; d;e{}f;"), &diags, &errors);
	assert_string_equal(diags, "");
	assert_int_equal(count(top), 6);
	expect_dir(top, "a", 1, 1, false, ARGS("1"));
	expect_dir(top->next, "b", 2, 2, false, ARGS("2"));
	expect_dir(top->next->next, "c", 5, 1, false, ARGS("^\xc3\xa9"));
	expect_dir(top->next->next->next, "d", 5, 8, false, NOARGS);
	expect_dir(top->next->next->next->next, "e", 5, 10, true, NOARGS);
	expect_dir(top->next->next->next->next->next, "f", 5, 13, false, NOARGS);
	free(diags);
	arena_free(&a);
}

/* A directive "d" with N arguments. */
static char *with_args(size_t n, size_t *len)
{
	struct buf b = {0};
	buf_puts(&b, "d");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, " a%zu", i);
	buf_puts(&b, ";\n");
	return buf_take(&b, len);
}

/* N blocks, one inside the other. */
static char *nested(size_t n, size_t *len)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, "b{");
	buf_puts(&b, "x;");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, "}");
	return buf_take(&b, len);
}

static void test_limits(void **state)
{
	(void)state;
	struct arena a = {0};
	char *diags;
	size_t errors, len;

	char *s = with_args(NGINX_MAX_ARGS, &len);
	const struct nginx_directive *top = parse(&a, s, len, &diags, &errors);
	assert_string_equal(diags, "");
	assert_int_equal(top->nargs, NGINX_MAX_ARGS);
	assert_string_equal(top->args[NGINX_MAX_ARGS - 1].text, "a63");
	free(diags);
	free(s);

	s = with_args(NGINX_MAX_ARGS + 1, &len);
	assert_null(parse(&a, s, len, &diags, &errors));
	/* "d", then 10 arguments " aN" and 54 " aNN": the 65th is at column 249 */
	assert_string_equal(diags, "nginx.conf:1:249: error: directive \"d\" has more than 64 arguments\n");
	free(diags);
	free(s);

	s = nested(NGINX_MAX_DEPTH, &len);
	top = parse(&a, s, len, &diags, &errors);
	assert_string_equal(diags, "");
	const struct nginx_directive *d = top;
	for (int i = 0; i < NGINX_MAX_DEPTH; i++) {
		expect_dir(d, "b", 1, 1 + 2 * i, true, NOARGS);
		d = d->children;
	}
	expect_dir(d, "x", 1, 65, false, NOARGS);
	free(diags);
	free(s);

	s = nested(NGINX_MAX_DEPTH + 1, &len);
	assert_null(parse(&a, s, len, &diags, &errors));
	assert_string_equal(diags, "nginx.conf:1:66: error: blocks nested deeper than 32 levels\n");
	free(diags);
	free(s);
	arena_free(&a);
}

struct bad {
	const char *in;
	size_t n;
	const char *want;
};

static void test_errors(void **state)
{
	(void)state;
	static const struct bad rows[] = {
		{S(";"), "nginx.conf:1:1: error: unexpected \";\"\n"},
		{S("a;;"), "nginx.conf:1:3: error: unexpected \";\"\n"},
		{S("{"), "nginx.conf:1:1: error: unexpected \"{\"\n"},
		{S("  }"), "nginx.conf:1:3: error: unexpected \"}\"\n"},
		{S("a {}\n}"), "nginx.conf:2:1: error: unexpected \"}\"\n"},
		{S("a b }"), "nginx.conf:1:5: error: unexpected \"}\"\n"},
		/* nginx's own trap: no ';' before the '}' */
		{S("events {\n    worker_connections 1024\n}\n"),
		 "nginx.conf:3:1: error: unexpected \"}\"\n"},
		{S("http {\n  server {\n    listen 80;\n  }\n"),
		 "nginx.conf:1:6: error: block \"http\" is not closed by \"}\"\n"},
		{S("a {\n  b {\n    c;\n  }\n"), "nginx.conf:1:3: error: block \"a\" is not closed by \"}\"\n"},
		{S("a {\n  b {\n"), "nginx.conf:2:5: error: block \"b\" is not closed by \"}\"\n"},
		{S("listen 80"), "nginx.conf:1:1: error: directive \"listen\" is not terminated by \";\"\n"},
		{S("a;\n  listen\n  80\n"),
		 "nginx.conf:2:3: error: directive \"listen\" is not terminated by \";\"\n"},
		{S("x {\n  y"), "nginx.conf:2:3: error: directive \"y\" is not terminated by \";\"\n"},
		{S("a\\nb"), "nginx.conf:1:1: error: directive \"a\\x0ab\" is not terminated by \";\"\n"},
		{S("a b\\"), "nginx.conf:1:1: error: directive \"a\" is not terminated by \";\"\n"},
		{S("a \"b;\n"), "nginx.conf:1:3: error: unterminated \"...\" string\n"},
		{S("a\n  'b\n\nc;"), "nginx.conf:2:3: error: unterminated '...' string\n"},
		{S("a \"b\\\""), "nginx.conf:1:3: error: unterminated \"...\" string\n"},
		{S("\"a\" b;"), "nginx.conf:1:1: error: directive name \"a\" must not be quoted\n"},
		{S("x;\n  'a b' {}"), "nginx.conf:2:3: error: directive name \"a b\" must not be quoted\n"},
		{S("a \"b\"c;"), "nginx.conf:1:6: error: unexpected \"c\" after a quoted string\n"},
		{S("a 'b'#c\n;"), "nginx.conf:1:6: error: unexpected \"#\" after a quoted string\n"},
		{S("a \"b\"}"), "nginx.conf:1:6: error: unexpected \"}\" after a quoted string\n"},
		{S("a \"\xc3\xa9\"\xc3\xa9;"),
		 "nginx.conf:1:6: error: unexpected byte 0xc3 after a quoted string\n"},
		{S("a b\0;"), "nginx.conf:1:4: error: NUL byte in the configuration\n"},
		{S("# x\0\na;"), "nginx.conf:1:4: error: NUL byte in the configuration\n"},
		{S("a \"\0\";"), "nginx.conf:1:4: error: NUL byte in the configuration\n"},
		{S("\0"), "nginx.conf:1:1: error: NUL byte in the configuration\n"},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0};
		char *diags;
		size_t errors;
		const struct nginx_directive *top = parse(&a, rows[i].in, rows[i].n, &diags, &errors);
		if (top)
			fail_msg("row %zu (%s): accepted", i, rows[i].want);
		if (strcmp(diags, rows[i].want))
			fail_msg("row %zu:\n got: %s want: %s", i, diags, rows[i].want);
		assert_int_equal(errors, 1);
		free(diags);
		arena_free(&a);
	}
}

/* Every prefix of the configurations, each in a buffer of its exact length:
 * no crash, no read past the end, and a refusal always says why. */
static void test_prefixes(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S(lb_conf)},
		{S("a '\\'' \"\\\"\" ${x} \\; b\\\n {c;} # x\n")},
	};
	for (size_t r = 0; r < NROWS(rows); r++) {
		for (size_t n = 0; n <= rows[r].n; n++) {
			struct arena a = {0};
			char *diags;
			size_t errors;
			const struct nginx_directive *top = parse(&a, rows[r].in, n, &diags, &errors);
			if (top && errors)
				fail_msg("row %zu prefix %zu: a tree and errors", r, n);
			free(diags);
			arena_free(&a);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests_name("nginx_conf", tests, NULL, NULL);
}
