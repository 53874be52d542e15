/* The libfyaml front end alone (LOAD_FRONT_LIBFYAML, the fast scanner off),
 * so every input reaches libfyaml however simple it is. Beyond "no crash":
 * libfyaml never writes to stdout or stderr (its reports are collected, never
 * formatted: 0.7.12's source display crashed on a line of tabs), a failed
 * load says why in at least one error, and a tree's nodes all have places.
 * abort() on any difference. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void placed(const struct node *n)
{
	if (n->line < 1 || n->col < 1 || (n->key && (n->key->line < 1 || n->key->col < 1)))
		abort(); /* a node the loader could not place */
	for (const struct node *c = n->first; c; c = c->next)
		placed(c);
}

/* Bytes written to FD so far (it points at a private temp file). */
static off_t written(int fd)
{
	return lseek(fd, 0, SEEK_END);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int out = -1, saved[2];
	if (out < 0) {
		FILE *f = tmpfile();
		if (!f)
			abort();
		out = dup(fileno(f));
		fclose(f);
	}
	/* stdout and stderr go to the temp file while libfyaml runs */
	fflush(stdout), fflush(stderr);
	saved[0] = dup(1), saved[1] = dup(2);
	dup2(out, 1), dup2(out, 2);
	off_t before = written(out);
	struct arena a = {0};
	struct diags d = {0};
	struct node *root = load_yaml_front(&a, "t.yml", (const char *)data, size, &d, NULL,
					    LOAD_FRONT_LIBFYAML);
	fflush(stdout), fflush(stderr);
	off_t after = written(out);
	dup2(saved[0], 1), dup2(saved[1], 2);
	close(saved[0]), close(saved[1]);
	if (after != before) {
		fprintf(stderr, "libfyaml wrote %lld bytes of its own output\n", (long long)(after - before));
		abort();
	}
	if (!root && !d.errors)
		abort(); /* refused without a reason */
	if (root)
		placed(root);
	diags_free(&d);
	arena_free(&a);
	return 0;
}
