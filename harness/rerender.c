/* verify's authoritative check: spec.json, rendered again by this rhc with
 * the same templates, must give every file of the directory byte for byte
 * and with its mode. Generic over render.c's artefact table: whatever rhc
 * build writes, this compares. MANIFEST's "spec SHA256" is of the original
 * spec's bytes, which the directory does not hold, so the rendering takes
 * that line from MANIFEST itself; every other line must match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "sink.h"
#include "verify_ctx.h"

#define SHOWN 80 /* characters of a differing line shown in the report */

/* MANIFEST's spec line when it has none: the comparison then fails there */
static const char no_spec[] = "0000000000000000000000000000000000000000000000000000000000000000";

static bool version_matches(struct verify_ctx *c)
{
	const char *v = c->manifest_version;
	if (!v)
		return false; /* integrity has said why */
	if (!strcmp(v, RHC_VERSION))
		return true;
	report_add(c->r, CHECK_FAIL, "render", "MANIFEST", 1,
		   "built by rhc %.*s%s; this is rhc %s, whose templates may differ, so the comparison cannot hold: "
		   "rebuild with this rhc, or verify with the rhc that built it",
		   SHOWN, v, strlen(v) > SHOWN ? "..." : "", RHC_VERSION);
	return false;
}

/* The line of DATA that starts at or before OFFSET, as report text. */
static const char *line_at(struct verify_ctx *c, const char *data, size_t len, size_t offset, int *lineno)
{
	size_t start = 0;
	int n = 1;
	for (size_t i = 0; i < offset && i < len; i++)
		if (data[i] == '\n')
			start = i + 1, n++;
	if (lineno)
		*lineno = n;
	if (start >= len)
		return "(end of file)";
	const char *nl = memchr(data + start, '\n', len - start);
	size_t l = nl ? (size_t)(nl - data - start) : len - start;
	return arena_printf(&c->a, "'%.*s'%s", (int)(l > SHOWN ? SHOWN : l), data + start, l > SHOWN ? "..." : "");
}

static void compare_file(struct verify_ctx *c, const struct artefact *want, const struct outfile *got,
			 size_t *same)
{
	size_t n = want->len < got->len ? want->len : got->len, i = 0;
	while (i < n && want->data[i] == got->data[i])
		i++;
	if (i == n && want->len == got->len) {
		if ((int)got->mode != want->mode)
			report_add(c->r, CHECK_FAIL, "render", got->path, 0, "mode %04o, expected %04o",
				   (unsigned)got->mode, (unsigned)want->mode);
		else
			(*same)++;
		return;
	}
	int line;
	const char *found = line_at(c, got->data, got->len, i, &line);
	const char *expected = line_at(c, want->data, want->len, i, NULL);
	report_add(c->r, CHECK_FAIL, "render", got->path, line,
		   "differs from what spec.json renders: found %s, expected %s", found, expected);
}

void check_rendering(struct verify_ctx *c)
{
	bool same_version = version_matches(c);
	if (!c->spec) {
		report_add(c->r, CHECK_FAIL, "render", "spec.json", 0,
			   "cannot be rendered again (see parse): nothing in the directory can be compared");
		return;
	}
	if (!same_version)
		return;
	struct artefacts want = {0};
	struct collector col;
	collector_init(&col, &want);
	struct diags d = {0};
	bool ok = render_all(c->view, c->spec, c->manifest_spec ? c->manifest_spec : no_spec, &col.sink, &d);
	for (size_t i = 0; i < d.count; i++)
		report_add(c->r, CHECK_FAIL, "render", d.items[i].file, d.items[i].line, "%s", d.items[i].message);
	diags_free(&d);
	if (!ok) {
		artefacts_free(&want);
		return;
	}
	size_t failed = c->r->failed, same = 0;
	bool *rendered = calloc(c->nfiles + 1, sizeof(*rendered));
	if (!rendered)
		abort();
	for (size_t i = 0; i < want.count; i++) {
		const struct artefact *a = &want.items[i];
		const struct outfile *f = NULL;
		for (size_t k = 0; k < c->nfiles && !f; k++)
			if (!strcmp(c->files[k].path, a->path))
				f = &c->files[k], rendered[k] = true;
		if (!f)
			report_add(c->r, CHECK_FAIL, "render", a->path, 0, "spec.json renders this file; it is missing");
		else if (f->problem)
			report_add(c->r, CHECK_FAIL, "render", a->path, 0, "cannot be compared: it %s", f->problem);
		else
			compare_file(c, a, f, &same);
	}
	for (size_t k = 0; k < c->nfiles; k++)
		if (!rendered[k])
			report_add(c->r, CHECK_FAIL, "render", c->files[k].path, 0, "not an artefact of spec.json");
	free(rendered);
	if (c->r->failed == failed)
		report_add(c->r, CHECK_PASS, "render", NULL, 0,
			   "all %zu files are exactly what spec.json renders with rhc %s", same, RHC_VERSION);
	artefacts_free(&want);
}

char *verify_rendering_of(const struct val *spec, const struct val *view, const char *path, size_t *len)
{
	struct artefacts want = {0};
	struct collector col;
	collector_init(&col, &want);
	struct diags d = {0};
	char *out = NULL;
	if (render_all(view, spec, no_spec, &col.sink, &d))
		for (size_t i = 0; i < want.count && !out; i++)
			if (!strcmp(want.items[i].path, path)) {
				out = want.items[i].data;
				*len = want.items[i].len;
				want.items[i].data = NULL;
			}
	diags_free(&d);
	artefacts_free(&want);
	return out;
}
