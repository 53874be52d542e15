#include "manifest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool is_sha256(const char *s, size_t n)
{
	if (n < 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	return true;
}

static bool safe_path(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if ((n == 2 && s[0] == '.' && s[1] == '.') || (n == 1 && s[0] == '.') || n == 0)
			return false;
		s += n + (s[n] == '/');
	}
	return true;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct manifest_entry *)x)->path, ((const struct manifest_entry *)y)->path);
}

void manifest_parse(struct arena *a, const char *file, const char *data, size_t len,
		    struct manifest *m, struct diags *d)
{
	*m = (struct manifest){0};
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	m->entries = arena_alloc(a, lines * sizeof(*m->entries));
	int line = 0;
	for (const char *p = data; p < data + len; line++) {
		const char *end = memchr(p, '\n', (size_t)(data + len - p));
		size_t n = end ? (size_t)(end - p) : (size_t)(data + len - p);
		const char *text = arena_strndup(a, p, n);
		struct loc loc = {file, line + 1, 1, 0};
		p += n + 1;
		if (strlen(text) != n) {
			diags_error(d, loc, NULL, "a NUL byte in MANIFEST");
		} else if (line == 0) {
			if (strncmp(text, "rhc ", 4))
				diags_error(d, loc, NULL, "first line is not 'rhc VERSION'");
			else
				m->version = text + 4;
		} else if (line == 1) {
			/* the spec's own hash: the spec is not in the directory */
			if (strncmp(text, "spec ", 5) || !is_sha256(text + 5, n - 5) || n != 69)
				diags_error(d, loc, NULL, "second line is not 'spec SHA256'");
			else
				m->spec_sha256 = text + 5;
		} else if (n < 67 || !is_sha256(text, n) || text[64] != ' ' || text[65] != ' ') {
			diags_error(d, loc, NULL, "malformed line: expected 'SHA256  PATH'");
		} else if (!safe_path(text + 66)) {
			diags_error(d, loc, NULL, "path '%.*s' is not relative to the directory",
				    n - 66 > 80 ? 80 : (int)(n - 66), text + 66);
		} else {
			m->entries[m->count++] = (struct manifest_entry){arena_strndup(a, text, 64), text + 66,
									 line + 1};
		}
	}
	/* duplicates, found by sorting a copy so the entries keep file order */
	struct manifest_entry *sorted = malloc((m->count + 1) * sizeof(*sorted));
	if (!sorted)
		abort();
	memcpy(sorted, m->entries, m->count * sizeof(*sorted));
	qsort(sorted, m->count, sizeof(*sorted), by_path);
	for (size_t i = 1; i < m->count; i++)
		if (!strcmp(sorted[i].path, sorted[i - 1].path))
			diags_error(d, (struct loc){file, sorted[i].line > sorted[i - 1].line ? sorted[i].line : sorted[i - 1].line, 1, 0},
				    NULL, "%s is listed twice", sorted[i].path);
	free(sorted);
}
