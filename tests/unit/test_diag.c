/* diag.c's text format: the quoted source line and the caret under it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../test_helpers.h"

/* One diagnostic at LINE:COL spanning LEN characters of SRC, as text. */
static char *one(const char *src, size_t n, int line, int col, int len)
{
	struct diags d = {0};
	diags_error(&d, (struct loc){"f.yml", line, col, len}, NULL, "bad");
	char *copy = exact_copy(src, n);
	diags_quote(&d, "f.yml", copy, n);
	free(copy);
	char *text = diags_text(&d);
	diags_free(&d);
	return text;
}

static const struct {
	const char *name;
	const char *src;
	size_t n;
	int line, col, len;
	const char *want;
} rows[] = {
	{"a point", S("a: b\nkey: value\n"), 2, 6, 0,
	 "f.yml:2:6: error: bad\n    2 | key: value\n      |      ^\n"},
	{"a token", S("a: b\nkey: value\n"), 2, 6, 5,
	 "f.yml:2:6: error: bad\n    2 | key: value\n      |      ^~~~~\n"},
	{"CRLF line ends are not shown", S("a: b\r\nkey: x\r\n"), 2, 6, 1,
	 "f.yml:2:6: error: bad\n    2 | key: x\n      |      ^\n"},
	/* a tab is one character to the column count and up to 8 columns wide */
	{"a tab before the column", S("k: {a: 1,\tb: x}\n"), 1, 14, 1,
	 "f.yml:1:14: error: bad\n    1 | k: {a: 1,       b: x}\n      |                    ^\n"},
	/* CJK characters are one character each and two columns wide */
	{"wide characters", S("name: \xe5\x90\x8d\xe5\x89\x8d, x: y\n"), 1, 7, 2,
	 "f.yml:1:7: error: bad\n    1 | name: \xe5\x90\x8d\xe5\x89\x8d, x: y\n      |       ^~~~\n"},
	{"after wide characters", S("a: \xe5\x90\x8d, b: \xc3\xa9x\n"), 1, 10, 2,
	 "f.yml:1:10: error: bad\n    1 | a: \xe5\x90\x8d, b: \xc3\xa9x\n      |           ^~\n"},
	/* controls and stray bytes are shown escaped, never sent to the terminal */
	{"a NUL and an invalid byte", S("a: x\0y\xe9z\n"), 1, 8, 0,
	 "f.yml:1:8: error: bad\n    1 | a: x<U+0000>y<E9>z\n      |                  ^\n"},
	{"a bidi override", S("a: \xe2\x80\xaex\n"), 1, 5, 1,
	 "f.yml:1:5: error: bad\n    1 | a: <U+202E>x\n      |            ^\n"},
	{"the end of the file", S("a: [\n"), 2, 1, 0,
	 "f.yml:2:1: error: bad\n    2 | \n      | ^\n"},
	{"the end of a line", S("key:"), 1, 5, 0,
	 "f.yml:1:5: error: bad\n    1 | key:\n      |     ^\n"},
	{"a byte order mark is not shown", S("\xef\xbb\xbf" "a: bc\n"), 1, 4, 2,
	 "f.yml:1:4: error: bad\n    1 | a: bc\n      |    ^~\n"},
	{"a line past the end is not quoted", S("a: b\n"), 9, 1, 0, "f.yml:9:1: error: bad\n"},
	{"line 0 (the whole file) is not quoted", S("a: b\n"), 0, 0, 0, "f.yml: error: bad\n"},
	{"a span past the line end stops there", S("ab\n"), 1, 2, 9,
	 "f.yml:1:2: error: bad\n    1 | ab\n      |  ^\n"},
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS(rows); i++) {
		char *got = one(rows[i].src, rows[i].n, rows[i].line, rows[i].col, rows[i].len);
		if (strcmp(got, rows[i].want))
			fail_msg("%s:\ngot:\n%swant:\n%s", rows[i].name, got, rows[i].want);
		free(got);
	}
}

/* A long line shows a window around the column, with "..." where cut. */
static void test_long_line(void **state)
{
	(void)state;
	char line[1000];
	memset(line, 'a', sizeof(line));
	memcpy(line + 500, "XYZ", 3);
	char *got = one(line, sizeof(line), 1, 501, 3);
	const char *row = strstr(got, "    1 | ...");
	assert_non_null(row);
	const char *caret = strstr(got, "      | ");
	assert_non_null(caret);
	/* the caret sits under the X in the window */
	const char *x = strchr(row, 'X');
	const char *hat = strchr(caret, '^');
	assert_int_equal(x - row, hat - caret);
	assert_int_equal(strncmp(hat, "^~~\n", 4), 0);
	assert_non_null(strstr(row, "a...\n"));
	free(got);
}

/* Notes follow their diagnostic, quoted too, and go with it when sorted
 * and when it is rolled back; a dropped diagnostic's note is dropped. */
static void test_notes(void **state)
{
	(void)state;
	const char src[] = "a: 1\nb: 2\na: 3\n";
	struct diags d = {0};
	diags_error(&d, (struct loc){"f.yml", 3, 1, 1}, "a", "duplicate key");
	diags_note(&d, (struct loc){"f.yml", 1, 1, 1}, "a", "first here");
	diags_warning(&d, (struct loc){"f.yml", 2, 1, 0}, NULL, "w");
	diags_sort(&d);
	diags_quote(&d, "f.yml", src, sizeof(src) - 1);
	char *got = diags_text(&d);
	assert_string_equal(got, "f.yml:2:1: warning: w\n    2 | b: 2\n      | ^\n"
				 "f.yml:3:1: error: a: duplicate key\n    3 | a: 3\n      | ^\n"
				 "f.yml:1:1: note: a: first here\n    1 | a: 1\n      | ^\n");
	free(got);
	struct buf json = {0};
	diags_format_json(&d, &json);
	assert_null(strstr(json.data, "first here")); /* --format json is unchanged */
	buf_free(&json);
	struct diags_mark m = diags_mark(&d);
	diags_error(&d, (struct loc){"f.yml", 1, 1, 0}, NULL, "later");
	diags_note(&d, (struct loc){"f.yml", 1, 1, 0}, NULL, "its note");
	diags_rollback(&d, m);
	assert_int_equal(d.count, 2);
	diags_free(&d);

	for (int i = 0; i < DIAGS_MAX_KEPT + 1; i++)
		diags_error(&d, (struct loc){"f.yml", 1, 1, 0}, NULL, "e");
	diags_note(&d, (struct loc){"f.yml", 1, 1, 0}, NULL, "of the dropped one");
	for (size_t i = 0; i < d.count; i++)
		assert_null(d.items[i].note);
	diags_free(&d);
}

static void test_colour(void **state)
{
	(void)state;
	struct diags d = {0};
	diags_error(&d, (struct loc){"f.yml", 1, 1, 2}, NULL, "bad");
	diags_quote(&d, "f.yml", "ab\n", 3);
	struct buf b = {0};
	diags_format_colour(&d, &b);
	assert_string_equal(b.data, "\033[1mf.yml:1:1:\033[0m \033[1;31merror:\033[0m bad\n"
				    "    1 | ab\n      | \033[1;32m^~\033[0m\n");
	buf_free(&b);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_colour),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
