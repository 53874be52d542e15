/* rhc explain, and the rule that makes it (and editors' hovers) useful:
 * every property of the embedded schema has a description and examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../test_helpers.h"
#include "arena.h"
#include "assets.h"
#include "compile.h"
#include "explain.h"
#include "json.h"
#include "schema.h"
#include "versions.h"

static struct schema *embedded(struct arena *a, struct diags *d)
{
	const struct asset *sa = asset_find(SCHEMA_ASSET);
	assert_non_null(sa);
	struct node *root = json_parse(a, sa->name, sa->data, sa->len, d);
	assert_non_null(root);
	struct schema *s = schema_compile(a, sa->name, root, d);
	assert_non_null(s);
	return s;
}

/* Every property under S (PATH), items included; counts them in *N and
 * names each one without a description or examples in MISSING. */
static void walk(const struct schema *s, const char *path, size_t *n, struct buf *missing)
{
	struct schema_info si;
	schema_describe(s, &si);
	if (si.items) {
		char p[256];
		snprintf(p, sizeof(p), "%s[]", path);
		walk(si.items, p, n, missing);
	}
	const char *name;
	const struct schema *c;
	for (size_t i = 0; (c = schema_property(s, i, &name, NULL)); i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", name);
		struct schema_info ci;
		schema_describe(c, &ci);
		(*n)++;
		if (!ci.description || !*ci.description)
			buf_printf(missing, "%s: no description\n", p);
		if (!ci.examples)
			buf_printf(missing, "%s: no examples\n", p);
		walk(c, p, n, missing);
	}
}

static void test_every_property_documented(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diags d = {0};
	struct schema *s = embedded(&a, &d);
	size_t n = 0;
	struct buf missing = {0};
	walk(s, "", &n, &missing);
	if (missing.len)
		fail_msg("schema properties need a description and examples:\n%s", missing.data);
	assert_true(n >= 54); /* the walk reached them all (54 when this test was written) */
	buf_free(&missing);
	schema_free(s);
	arena_free(&a);
	diags_free(&d);
}

/* The schema compiler refuses what explain could not show: an example the
 * schema rejects, a description that is not a string. */
static void test_annotations_checked(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *want;
	} rows[] = {
		{"{\"type\": \"integer\", \"maximum\": 3, \"examples\": [4]}",
		 "t.json:1:48: error: schema: an example does not satisfy its own schema\n"},
		{"{\"type\": \"string\", \"examples\": []}",
		 "t.json:1:32: error: schema: 'examples' must be a non-empty array\n"},
		{"{\"type\": \"string\", \"description\": 7}",
		 "t.json:1:35: error: schema: 'description' must be a string\n"},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		struct arena a = {0};
		struct diags d = {0};
		struct node *root = json_parse(&a, "t.json", rows[i].json, strlen(rows[i].json), &d);
		assert_non_null(root);
		struct schema *s = schema_compile(&a, "t.json", root, &d);
		char *text = diags_text(&d);
		assert_null(s);
		assert_string_equal(text, rows[i].want);
		free(text);
		arena_free(&a);
		diags_free(&d);
	}
}

static char *explain_text(const char *path, bool want_ok, char **errors)
{
	struct buf out = {0};
	struct diags d = {0};
	bool ok = compile_explain(path, &out, &d);
	assert_int_equal(ok, want_ok);
	*errors = diags_text(&d);
	diags_free(&d);
	return buf_take(&out, NULL);
}

static void test_explain(void **state)
{
	(void)state;
	char *err;
	char *text = explain_text("loadBalancer.failTimeout", true, &err);
	assert_string_equal(text, "FIELD:    loadBalancer.failTimeout\n"
				  "TYPE:     string\n"
				  "DEFAULT:  5s\n"
				  "VALUE:    an nginx time such as 500ms, 5s, 10m, 1h or 1d\n"
				  "PATTERN:  ^[1-9][0-9]{0,8}(ms|s|m|h|d)?$\n"
				  "LENGTH:   at most 16 characters\n"
				  "EXAMPLE:  5s\n"
				  "          30s\n"
				  "\n"
				  "DESCRIPTION:\n"
				  "    nginx fail_timeout: the window in which maxFails failures take a node\n"
				  "    out, and how long it then stays out.\n");
	assert_string_equal(err, "");
	free(text), free(err);

	/* a list's items: [] and [N] alike; allowed values and counts */
	char *by_index = explain_text("nodes[2].roles", true, &err);
	free(err);
	text = explain_text("nodes[].roles", true, &err);
	assert_string_equal(text, by_index);
	assert_non_null(strstr(text, "FIELD:    nodes[].roles\nTYPE:     array of string\n"));
	assert_non_null(strstr(text, "\nALLOWED:  controlplane, worker, etcd\n"));
	assert_non_null(strstr(text, "\nITEMS:    1 to 3 items, each unique\n"));
	free(text), free(by_index), free(err);

	/* an object lists its fields, required ones marked */
	text = explain_text("rancher", true, &err);
	assert_non_null(strstr(text, "\nFIELDS:\n    hostname <string>, required\n"));
	assert_non_null(strstr(text, "\n    tls <string>\n"));
	free(text), free(err);
	text = explain_text("", true, &err);
	assert_non_null(strstr(text, "FIELD:    (the whole spec)\n"));
	assert_non_null(strstr(text, "\n    nodes <array of object>, required\n"));
	free(text), free(err);
}

/* Where a default lives in versions.c (the schema's is empty), the
 * description says what empty resolves to: it must name the table's row. */
static void test_defaults_named(void **state)
{
	(void)state;
	char *err;
	char *text = explain_text("kubernetes.version", true, &err);
	assert_non_null(strstr(text, distro_default_release("rke2")->release));
	assert_non_null(strstr(text, distro_default_release("k3s")->release));
	free(text), free(err);
	text = explain_text("rancher.chartVersion", true, &err);
	assert_non_null(strstr(text, rancher_default_line()->newest));
	free(text), free(err);
}

static void test_unknown_paths(void **state)
{
	(void)state;
	static const struct {
		const char *path, *want;
	} rows[] = {
		{"loadBalancer.failTimout",
		 "rhc: error: loadBalancer.failTimout: no such field; did you mean 'failTimeout'?\n"},
		{"failTimeout",
		 "rhc: error: failTimeout: no such field; did you mean 'loadBalancer.failTimeout'?\n"},
		{"roles", "rhc: error: roles: no such field; did you mean 'nodes[].roles'?\n"},
		{"nodes.roles", "rhc: error: nodes.roles: no such field: the value above it is a list; "
				"step into its items with []\n"},
		{"name[]", "rhc: error: name: is not a list; write it without []\n"},
		{"name.x", "rhc: error: name.x: no such field: the value above it has no fields\n"},
		{"nodes[x]", "rhc: error: nodes[x]: a list index is [] or [N]\n"},
		{"zzz", "rhc: error: zzz: no such field ('rhc explain \"\"' lists the top-level fields)\n"},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		char *err;
		char *text = explain_text(rows[i].path, false, &err);
		if (strcmp(err, rows[i].want))
			fail_msg("%s: got %s", rows[i].path, err);
		assert_string_equal(text, "");
		free(text), free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_property_documented),
		cmocka_unit_test(test_annotations_checked),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_defaults_named),
		cmocka_unit_test(test_unknown_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
