/* emit.c's two sinks on real directories: the writer swaps a complete
 * output in, or on any failure (a render error mid-way) leaves the old one
 * untouched and no temp directory; the checker reads back in chunks and
 * names every missing, changed (down to the last byte past 64 KiB),
 * wrong-mode and extra file, and nothing when the rendering failed; the
 * in-memory collector holds what the writer writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assets.h"
#include "compile.h"
#include "emit.h"

#define BIG ((size_t)200000) /* over three read-back chunks */

static char root[4096]; /* a fresh directory per test */
static char out[4200];	/* ROOT/out */

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/rhc-test-emit-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(out, sizeof(out), "%s/out", root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[8300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static char *big_bytes(void)
{
	char *p = malloc(BIG);
	assert_non_null(p);
	for (size_t i = 0; i < BIG; i++)
		p[i] = (char)('a' + (i * 7 + i / 977) % 26);
	return p;
}

/* One file into sink S, its bytes in pieces of PIECE. */
static void put_file(struct sink *s, const char *path, int mode, const char *data, size_t len,
		     size_t piece)
{
	assert_true(s->begin(s, path, mode));
	for (size_t off = 0; off < len; off += piece)
		assert_true(s->write(s, data + off, len - off < piece ? len - off : piece));
	assert_true(s->end(s, true));
}

/* The test output: MANIFEST, a big file, a script in a subdirectory. */
static void put_output(struct sink *s, const char *big)
{
	put_file(s, "MANIFEST", 0644, "rhc test\n", 9, 4);
	put_file(s, "big.txt", 0644, big, BIG, 70001);
	put_file(s, "sub/run.sh", 0755, "#!/bin/sh\n", 10, 3);
}

static void write_output(const char *big)
{
	struct diags d = {0};
	enum emit_status st;
	struct emit_writer *w = emit_open(out, false, &d, &st);
	assert_non_null(w);
	put_output(emit_writer_sink(w), big);
	size_t n = 0;
	assert_int_equal(emit_close(w, true, &n), EMIT_OK);
	assert_int_equal(n, 3);
	assert_int_equal(d.errors, 0);
	diags_free(&d);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *p = malloc(BIG + 1);
	assert_non_null(p);
	*len = fread(p, 1, BIG + 1, f);
	fclose(f);
	return p;
}

/* No ROOT/out.rhc-tmp-* or .rhc-old-* is left. */
static void assert_no_temp_dir(void)
{
	DIR *dp = opendir(root);
	assert_non_null(dp);
	struct dirent *e;
	while ((e = readdir(dp)))
		if (strstr(e->d_name, ".rhc-"))
			fail_msg("left behind: %s", e->d_name);
	closedir(dp);
}

static void test_writer_swaps_in_a_complete_output(void **state)
{
	(void)state;
	char *big = big_bytes(), path[4300];
	write_output(big);
	write_output(big); /* over the first: exchanged */
	size_t len;
	snprintf(path, sizeof(path), "%s/big.txt", out);
	char *got = slurp(path, &len);
	assert_int_equal(len, BIG);
	assert_memory_equal(got, big, BIG);
	struct stat st;
	snprintf(path, sizeof(path), "%s/sub/run.sh", out);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_no_temp_dir();
	free(got);
	free(big);
}

static void test_writer_abandoned_leaves_old_output(void **state)
{
	(void)state;
	char *big = big_bytes();
	write_output(big);
	struct diags d = {0};
	enum emit_status st;
	struct emit_writer *w = emit_open(out, false, &d, &st);
	assert_non_null(w);
	struct sink *s = emit_writer_sink(w);
	put_file(s, "MANIFEST", 0644, "rhc other\n", 10, 10);
	assert_true(s->begin(s, "big.txt", 0644));
	assert_true(s->write(s, "half", 4));
	assert_true(s->end(s, false)); /* its rendering failed */
	assert_int_equal(emit_close(w, false, NULL), EMIT_OK);
	assert_int_equal(d.errors, 0);
	char path[4300];
	size_t len;
	snprintf(path, sizeof(path), "%s/MANIFEST", out);
	char *m = slurp(path, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(m, "rhc test\n", 9);
	assert_no_temp_dir();
	free(m);
	free(big);
	diags_free(&d);
}

/* The real renderer: a value every earlier artefact can carry but RUNBOOK.md
 * cannot (a backtick in markdown code) fails the render after several files
 * are written; the old output stays and the temp dir goes. */
static void test_render_error_mid_way_leaves_no_temp_dir(void **state)
{
	(void)state;
	const struct asset *ex = asset_find("examples/rancher-ha.yml");
	assert_non_null(ex);
	struct diags d = {0};
	struct compiled c;
	assert_true(compile_prepare(&c, "spec.yml", ex->data, ex->len, &d));
	enum emit_status st;
	struct emit_writer *w = emit_open(out, false, &d, &st);
	assert_non_null(w);
	size_t n = 0;
	assert_true(compile_render(&c, emit_writer_sink(w), &d));
	assert_int_equal(emit_close(w, true, &n), EMIT_OK);
	char path[4300];
	snprintf(path, sizeof(path), "%s/MANIFEST", out);
	size_t before_len, after_len;
	char *before = slurp(path, &before_len);

	struct val *container = val_path(c.view, "spec.loadBalancer.container");
	assert_non_null(container);
	container->s = "lb`nginx";
	container->len = strlen(container->s);
	w = emit_open(out, false, &d, &st);
	assert_non_null(w);
	assert_false(compile_render(&c, emit_writer_sink(w), &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.items[d.count - 1].file, "templates/common/RUNBOOK.md.tmpl");
	assert_int_equal(emit_close(w, false, &n), EMIT_OK);
	assert_true(n >= 3); /* files were written before the error */
	assert_no_temp_dir();
	char *after = slurp(path, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(before);
	free(after);
	compile_free(&c);
	diags_free(&d);
}

/* compile_build's in-memory collector holds exactly what the writer wrote:
 * the same files, sorted by path, with the same bytes and modes. */
static void test_collector_matches_the_writer(void **state)
{
	(void)state;
	const struct asset *ex = asset_find("examples/rancher-ha.yml");
	assert_non_null(ex);
	struct diags d = {0};
	struct artefacts mem = {0};
	assert_true(compile_build("spec.yml", ex->data, ex->len, &mem, &d));
	struct compiled c;
	assert_true(compile_prepare(&c, "spec.yml", ex->data, ex->len, &d));
	enum emit_status st;
	struct emit_writer *w = emit_open(out, false, &d, &st);
	assert_non_null(w);
	assert_true(compile_render(&c, emit_writer_sink(w), &d));
	size_t n = 0;
	assert_int_equal(emit_close(w, true, &n), EMIT_OK);
	assert_int_equal(mem.count, n);
	for (size_t i = 0; i < mem.count; i++) {
		const struct artefact *f = &mem.items[i];
		if (i)
			assert_true(strcmp(mem.items[i - 1].path, f->path) < 0);
		char path[4300];
		snprintf(path, sizeof(path), "%s/%s", out, f->path);
		size_t len;
		char *disk = slurp(path, &len);
		assert_int_equal(len, f->len);
		assert_memory_equal(disk, f->data, len);
		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, f->mode);
		free(disk);
	}
	artefacts_free(&mem);
	compile_free(&c);
	diags_free(&d);
}

/* Runs the checker over the test output against OUT; the diagnostics as text. */
static char *check_output(const char *big, bool rendered, enum emit_status *st)
{
	struct diags d = {0};
	struct emit_checker *c = emit_check_open(out);
	put_output(emit_checker_sink(c), big);
	*st = emit_check_close(c, rendered, &d);
	struct buf text = {0};
	diags_sort(&d);
	diags_format_text(&d, &text);
	diags_free(&d);
	return buf_take(&text, NULL);
}

static void expect_verdict(const char *big, enum emit_status want, const char *file,
			 const char *message)
{
	enum emit_status st;
	char *text = check_output(big, true, &st);
	assert_int_equal(st, want);
	if (file) {
		char line[4500];
		snprintf(line, sizeof(line), "%s%s%s: error: %s\n", out, *file ? "/" : "", file,
			 message);
		assert_string_equal(text, line);
	} else {
		assert_string_equal(text, "");
	}
	free(text);
}

static void rewrite(const char *rel, const char *data, size_t len)
{
	char path[4300];
	snprintf(path, sizeof(path), "%s/%s", out, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_checker_names_each_difference(void **state)
{
	(void)state;
	char *big = big_bytes(), path[4300];
	expect_verdict(big, EMIT_DIFFERS, "", "no output directory to compare with");
	free(big);
	big = big_bytes();
	write_output(big);
	expect_verdict(big, EMIT_OK, NULL, NULL);

	big[BIG - 1] ^= 1; /* the last byte, far past the first chunk */
	expect_verdict(big, EMIT_DIFFERS, "big.txt", "differs from what the spec renders");
	big[BIG - 1] ^= 1;
	rewrite("big.txt", big, BIG - 1); /* one byte short */
	expect_verdict(big, EMIT_DIFFERS, "big.txt", "differs from what the spec renders");
	char *longer = malloc(BIG + 1);
	memcpy(longer, big, BIG);
	longer[BIG] = '\n';
	rewrite("big.txt", longer, BIG + 1); /* one byte more */
	expect_verdict(big, EMIT_DIFFERS, "big.txt", "differs from what the spec renders");
	free(longer);
	rewrite("big.txt", big, BIG);
	snprintf(path, sizeof(path), "%s/big.txt", out);
	chmod(path, 0600);
	expect_verdict(big, EMIT_DIFFERS, "big.txt", "mode 0600, expected 0644");
	chmod(path, 0644);
	expect_verdict(big, EMIT_OK, NULL, NULL);

	snprintf(path, sizeof(path), "%s/sub/run.sh", out);
	unlink(path);
	expect_verdict(big, EMIT_DIFFERS, "sub/run.sh", "missing");
	rewrite("sub/run.sh", "#!/bin/sh\n", 10);
	chmod(path, 0755);
	rewrite("sub/extra", "x", 1);
	expect_verdict(big, EMIT_DIFFERS, "sub/extra", "not an artefact of this spec");

	/* the rendering failed: the checker says nothing */
	enum emit_status st;
	char *text = check_output(big, false, &st);
	assert_int_equal(st, EMIT_OK);
	assert_string_equal(text, "");
	free(text);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writer_swaps_in_a_complete_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_abandoned_leaves_old_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_error_mid_way_leaves_no_temp_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_collector_matches_the_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_names_each_difference, setup, teardown),
	};
	return cmocka_run_group_tests_name("emit", tests, NULL, NULL);
}
