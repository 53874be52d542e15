/* template.c: rendering against a hand-built view, and every error with its
 * exact text and template location. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "escape.h"
#include "template.h"
#include "val.h"

struct fixture {
	struct arena a;
	struct val *root;
	struct val *extra; /* a second, inner scope */
};

static struct val *list_of_str(struct arena *a, const char *const *items, size_t n)
{
	struct val *l = val_new(a, VAL_LIST);
	for (size_t i = 0; i < n; i++)
		val_add(l, NULL, val_str(a, items[i]));
	return l;
}

static struct val *node(struct arena *a, const char *name, const char *address,
			const char *const *roles, size_t nroles)
{
	struct val *m = val_new(a, VAL_MAP);
	val_set_str(a, m, "name", name);
	val_set_str(a, m, "address", address);
	val_add(m, "roles", list_of_str(a, roles, nroles));
	return m;
}

/* The view every row renders against. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	struct arena *a = &f->a;
	struct val *r = val_new(a, VAL_MAP);
	val_set_str(a, r, "name", "rancher");
	val_set_str(a, r, "host", "rancher.example.com");
	val_set_int(a, r, "port", 443);
	val_set_int(a, r, "zero", 0);
	val_set_bool(a, r, "yes", true);
	val_set_bool(a, r, "no", false);
	val_set_str(a, r, "empty", "");
	val_set_str(a, r, "hostile", "a b'$c");
	val_set_str(a, r, "dollar", "$x");
	struct val *lb = val_add(r, "lb", val_new(a, VAL_MAP));
	val_set_str(a, lb, "address", "10.0.0.1");
	struct val *ports = val_add(lb, "ports", val_new(a, VAL_LIST));
	val_add(ports, NULL, val_int(a, 80));
	val_add(ports, NULL, val_int(a, 443));
	struct val *nodes = val_add(r, "nodes", val_new(a, VAL_LIST));
	static const char *const roles[] = {"etcd", "worker"};
	val_add(nodes, NULL, node(a, "a", "10.0.0.11", roles, 2));
	val_add(nodes, NULL, node(a, "b", "::1", NULL, 0));
	static const char *const words[] = {"x", "y", "z"};
	val_add(r, "words", list_of_str(a, words, 3));
	val_add(r, "none", val_new(a, VAL_NULL));
	val_add(r, "emptylist", val_new(a, VAL_LIST));
	val_add(r, "emptymap", val_new(a, VAL_MAP));
	f->root = r;
	f->extra = val_new(a, VAL_MAP);
	val_set_str(a, f->extra, "name", "inner");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(&f->a);
	free(f);
	return 0;
}

/* Renders TPL; returns the output, and the diagnostics as text in *DIAGS. */
static char *render(struct fixture *f, const char *tpl, enum escape_kind kind, bool two_scopes,
		    bool *ok, char **diags)
{
	const struct val *scopes[2] = {f->root, f->extra};
	struct buf out = {0};
	struct diags d = {0};
	*ok = template_render("t.tmpl", tpl, strlen(tpl), kind, scopes, two_scopes ? 2 : 1, &out,
			      &d);
	*diags = diags_text(&d);
	diags_free(&d);
	return buf_take(&out, NULL);
}

struct row {
	const char *tpl;
	enum escape_kind kind;
	const char *want;
};

static void run_rows(struct fixture *f, const struct row *rows, size_t n, bool two_scopes)
{
	for (size_t i = 0; i < n; i++) {
		bool ok;
		char *diags;
		char *out = render(f, rows[i].tpl, rows[i].kind, two_scopes, &ok, &diags);
		if (!ok || *diags)
			fail_msg("row %zu (%s) failed:\n%s", i, rows[i].tpl, diags);
		if (strcmp(out, rows[i].want))
			print_error("row %zu (%s):\n", i, rows[i].tpl);
		assert_string_equal(out, rows[i].want);
		free(out);
		free(diags);
	}
}

static void test_variables(void **state)
{
	static const struct row rows[] = {
		{"", ESC_MD, ""},
		{"plain } { text }}", ESC_MD, "plain } { text }}"},
		{"{{name}}", ESC_MD, "rancher"},
		{"{{ name }}", ESC_MD, "rancher"},
		{"<{{name}}>\n", ESC_MD, "<rancher>\n"},
		{"{{lb.address}}:{{port}}", ESC_NGINX, "10.0.0.1:443"},
		{"{{yes}} {{no}} {{port}} {{zero}}", ESC_YAML, "true false 443 0"},
		{"{{host}}", ESC_YAML, "\"rancher.example.com\""},
		{"{{empty}}", ESC_NGINX, "\"\""},
		{"{{hostile}}", ESC_SH, "'a b'\\''$c'"},
		{"{{hostile}}", ESC_JSON, "\"a b'$c\""},
		{"{{hostile}}", ESC_YAML, "\"a b'$c\""},
		{"{{port}}", ESC_SH, "'443'"},
	};
	run_rows(*state, rows, NROWS(rows), false);
}

static void test_filters(void **state)
{
	static const struct row rows[] = {
		{"{{name|sh}}", ESC_MD, "'rancher'"},
		{"{{hostile|sh}}", ESC_NGINX, "'a b'\\''$c'"},
		{"{{hostile|json}}", ESC_SH, "\"a b'$c\""},
		{"{{hostile|yaml}}", ESC_SH, "\"a b'$c\""},
		{"{{lb.address|nginx}}", ESC_SH, "10.0.0.1"},
		{"{{host|md}}", ESC_SH, "rancher.example.com"},
		{"{{name|shvar}}", ESC_SH, "rancher"},
		{"{{hostile|comment}}", ESC_SH, "a b'$c"},
		{"{{#words}}{{.|sh}} {{/words}}", ESC_NGINX, "'x' 'y' 'z' "},
	};
	run_rows(*state, rows, NROWS(rows), false);
}

static void test_sections(void **state)
{
	static const struct row rows[] = {
		/* list: once per item */
		{"{{#lb.ports}}{{.}},{{/lb.ports}}", ESC_NGINX, "80,443,"},
		{"{{#nodes}}{{name}}={{address}};{{/nodes}}", ESC_MD, "a=10.0.0.11;b=::1;"},
		{"{{#emptylist}}never{{/emptylist}}", ESC_MD, ""},
		/* map: once, inside it */
		{"{{#lb}}{{address}}{{/lb}}", ESC_MD, "10.0.0.1"},
		{"{{#emptymap}}once{{/emptymap}}", ESC_MD, "once"},
		/* bool, string, int: once when truthy */
		{"{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", ESC_MD, "Y"},
		{"{{#name}}[{{.}}]{{/name}}{{#empty}}E{{/empty}}", ESC_MD, "[rancher]"},
		{"{{#port}}P{{/port}}{{#zero}}Z{{/zero}}{{#none}}0{{/none}}", ESC_MD, "P"},
		/* inverted: false, empty, 0, null */
		{"{{^no}}n{{/no}}{{^yes}}X{{/yes}}{{^empty}}e{{/empty}}{{^zero}}0{{/zero}}"
		 "{{^none}}N{{/none}}{{^emptylist}}l{{/emptylist}}{{^name}}X{{/name}}"
		 "{{^lb}}X{{/lb}}{{^port}}X{{/port}}",
		 ESC_MD, "ne0Nl"},
		/* names resolve outwards through the sections */
		{"{{#nodes}}{{host}} {{/nodes}}", ESC_MD, "rancher.example.com rancher.example.com "},
		{"{{#nodes}}{{name}}{{/nodes}}{{name}}", ESC_MD, "abrancher"},
		{"{{#lb}}{{#nodes}}{{name}}{{lb.address}}{{/nodes}}{{/lb}}", ESC_MD,
		 "a10.0.0.1b10.0.0.1"},
		/* nested loops keep their own counters */
		{"{{#nodes}}{{name}}:{{#roles}}{{.}}{{@index}}{{/roles}};{{/nodes}}", ESC_MD,
		 "a:etcd0worker1;b:;"},
		{"{{#nodes}}{{#lb}}{{@index}}{{/lb}}{{/nodes}}", ESC_MD, "01"},
	};
	run_rows(*state, rows, NROWS(rows), false);
}

static void test_loop_variables(void **state)
{
	static const struct row rows[] = {
		{"{{#words}}{{@index}}:{{.}}{{^@last}},{{/@last}}{{/words}}", ESC_MD, "0:x,1:y,2:z"},
		{"{{#words}}{{#@first}}[{{/@first}}{{.}}{{#@last}}]{{/@last}}{{/words}}", ESC_MD,
		 "[xyz]"},
		{"{{#words}}{{@first}}/{{@last}} {{/words}}", ESC_MD, "true/false false/false false/true "},
		{"{{#lb.ports}}{{@index}}={{.}} {{/lb.ports}}", ESC_JSON, "0=80 1=443 "},
	};
	run_rows(*state, rows, NROWS(rows), false);
}

static void test_whitespace_and_comments(void **state)
{
	static const struct row rows[] = {
		/* a line holding only a block tag disappears whole */
		{"a\n{{#yes}}\nb\n{{/yes}}\nc\n", ESC_MD, "a\nb\nc\n"},
		{"a\n  {{#words}}  \n- {{.}}\n\t{{/words}}\nz", ESC_MD, "a\n- x\n- y\n- z\nz"},
		{"{{#yes}}\na\n{{/yes}}", ESC_MD, "a\n"},
		{"a\n{{^yes}}\nb\n{{/yes}}\nc", ESC_MD, "a\nc"},
		{"a\n{{! a note }}\nb\n", ESC_MD, "a\nb\n"},
		{"a{{! a note }}b", ESC_MD, "ab"},
		{"{{!}}x", ESC_MD, "x"},
		/* not alone on its line: only the tag goes */
		{"x {{#yes}}y{{/yes}}\n", ESC_MD, "x y\n"},
		{"{{#yes}}y{{/yes}} \n", ESC_MD, "y \n"},
		{"{{#yes}}{{/yes}}\n", ESC_MD, "\n"},
		/* a variable tag is never standalone */
		{"{{name}}\n", ESC_MD, "rancher\n"},
		{"  {{empty|md}}  \n", ESC_MD, "    \n"},
	};
	run_rows(*state, rows, NROWS(rows), false);
}

/* SCOPES[NSCOPES-1] is searched first. */
static void test_scopes(void **state)
{
	static const struct row rows[] = {
		{"{{name}} {{host}}", ESC_MD, "inner rancher.example.com"},
		{"{{#nodes}}{{name}}{{/nodes}}", ESC_MD, "ab"},
	};
	run_rows(*state, rows, NROWS(rows), true);
}

/* An item that has a name hides the outer one for that item only: lookups
 * remembered from one item must not leak into the next. */
static void test_shadowing(void **state)
{
	struct fixture *f = *state;
	struct arena *a = &f->a;
	struct val *items = val_add(f->root, "items", val_new(a, VAL_LIST));
	val_set_str(a, val_add(items, NULL, val_new(a, VAL_MAP)), "name", "x");
	val_add(items, NULL, val_new(a, VAL_MAP));
	struct val *y = val_add(items, NULL, val_new(a, VAL_MAP));
	val_set_str(a, y, "name", "y");
	val_set_str(a, val_add(y, "lb", val_new(a, VAL_MAP)), "address", "inner");
	val_add(items, NULL, val_new(a, VAL_MAP));
	static const struct row rows[] = {
		{"{{#items}}{{name}}:{{lb.address}};{{/items}}", ESC_MD,
		 "x:10.0.0.1;rancher:10.0.0.1;y:inner;rancher:10.0.0.1;"},
		{"{{#items}}{{#lb}}{{address}}{{/lb}},{{/items}}", ESC_MD,
		 "10.0.0.1,10.0.0.1,inner,10.0.0.1,"},
	};
	run_rows(f, rows, NROWS(rows), false);
	/* a map found first ends the search, even without the rest of the path */
	val_add(val_add(items, NULL, val_new(a, VAL_MAP)), "lb", val_new(a, VAL_MAP));
	bool ok;
	char *diags;
	char *out = render(f, "{{#items}}{{lb.address}}{{/items}}", ESC_MD, false, &ok, &diags);
	assert_false(ok);
	assert_string_equal(diags, "t.tmpl:1:11: error: 'lb.address': unknown name\n");
	free(out);
	free(diags);
}

/* One compiled template, rendered against different scopes. */
static void test_compiled(void **state)
{
	struct fixture *f = *state;
	static const char tpl[] = "{{name}}:{{#nodes}}{{name}}{{/nodes}}";
	struct diags d = {0};
	struct template *t = template_compile("t.tmpl", tpl, strlen(tpl), &d);
	assert_non_null(t);
	const struct val *scopes[2] = {f->root, f->extra};
	static const char *const want[] = {"rancher:ab", "inner:ab"};
	for (size_t n = 1; n <= 2; n++) {
		struct buf out = {0};
		assert_true(template_run(t, ESC_MD, scopes, n, &out, &d));
		assert_string_equal(out.data, want[n - 1]);
		buf_free(&out);
	}
	template_free(t);
	assert_null(template_compile("t.tmpl", "{{#x}}", 6, &d));
	assert_int_equal(d.errors, 1);
	diags_free(&d);
}

static void test_errors(void **state)
{
	static const struct {
		const char *tpl;
		enum escape_kind kind;
		const char *diags;
	} rows[] = {
		{"a\n  {{nope}}", ESC_MD, "t.tmpl:2:3: error: 'nope': unknown name\n"},
		{"{{lb.nope}}", ESC_MD, "t.tmpl:1:1: error: 'lb.nope': unknown name\n"},
		{"{{name.x}}", ESC_MD, "t.tmpl:1:1: error: 'name.x': unknown name\n"},
		{"x{{#nope}}y{{/nope}}", ESC_MD, "t.tmpl:1:2: error: 'nope': unknown name\n"},
		{"{{^nope}}y{{/nope}}", ESC_MD, "t.tmpl:1:1: error: 'nope': unknown name\n"},
		{"{{@index}}", ESC_MD, "t.tmpl:1:1: error: '@index': unknown name\n"},
		{"{{#lb}}{{@first}}{{/lb}}", ESC_MD, "t.tmpl:1:8: error: '@first': unknown name\n"},
		{"{{a}} {{b}}\n", ESC_MD,
		 "t.tmpl:1:1: error: 'a': unknown name\nt.tmpl:1:7: error: 'b': unknown name\n"},
		{"\n{{name|html}}", ESC_MD, "t.tmpl:2:1: error: unknown escaping 'html'\n"},
		{"{{name|}}", ESC_MD, "t.tmpl:1:1: error: unknown escaping ''\n"},
		{"{{name|html}} {{nope}}", ESC_MD, "t.tmpl:1:1: error: unknown escaping 'html'\n"},
		{"ab {{name", ESC_MD, "t.tmpl:1:4: error: unclosed '{{'\n"},
		{"{{name}}\n{{", ESC_MD, "t.tmpl:2:1: error: unclosed '{{'\n"},
		{"{{#lb}}\n {{/nodes}}", ESC_MD,
		 "t.tmpl:2:2: error: '{{/nodes}}' closes 'lb' (opened at line 1)\n"},
		{"x{{/lb}}", ESC_MD, "t.tmpl:1:2: error: '{{/lb}}' closes no open section\n"},
		{"{{#words}}\n{{#lb}}\n{{/lb}}\n", ESC_MD,
		 "t.tmpl:1:1: error: section 'words' is never closed\n"},
		{"{{#words}}\n  {{^lb}}\n", ESC_MD, "t.tmpl:2:3: error: section 'lb' is never closed\n"},
		{"{{}}", ESC_MD, "t.tmpl:1:1: error: empty tag\n"},
		{"{{#}}", ESC_MD, "t.tmpl:1:1: error: empty tag\n"},
		{"{{lb}}", ESC_MD, "t.tmpl:1:1: error: 'lb': not a scalar; use a section to walk it\n"},
		{"{{words}}", ESC_MD,
		 "t.tmpl:1:1: error: 'words': not a scalar; use a section to walk it\n"},
		{"{{none}}", ESC_MD, "t.tmpl:1:1: error: 'none': not a scalar; use a section to walk it\n"},
		{"{{.}}", ESC_MD, "t.tmpl:1:1: error: '.': not a scalar; use a section to walk it\n"},
		{"server {{dollar}};", ESC_NGINX,
		 "t.tmpl:1:8: error: 'dollar': the value cannot be written in nginx context\n"},
		{"{{hostile|nginx}}", ESC_SH,
		 "t.tmpl:1:1: error: 'hostile': the value cannot be written in nginx context\n"},
		{"{{hostile|shvar}}", ESC_SH,
		 "t.tmpl:1:1: error: 'hostile': the value cannot be written in shvar context\n"},
		{"`{{dollar}}`\n{{hostile}}", ESC_MD, ""}, /* md carries '$': no error */
	};
	struct fixture *f = *state;
	for (size_t i = 0; i < NROWS(rows); i++) {
		bool ok;
		char *diags;
		char *out = render(f, rows[i].tpl, rows[i].kind, false, &ok, &diags);
		if (ok != !*rows[i].diags)
			fail_msg("row %zu (%s): returned %d", i, rows[i].tpl, ok);
		if (strcmp(diags, rows[i].diags))
			print_error("row %zu (%s):\n", i, rows[i].tpl);
		assert_string_equal(diags, rows[i].diags);
		free(out);
		free(diags);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_variables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_variables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whitespace_and_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shadowing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compiled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
