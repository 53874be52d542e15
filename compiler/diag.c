#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static char *xstrdup(const char *s)
{
	char *p = s ? strdup(s) : NULL;
	if (s && !p)
		abort();
	return p;
}

struct loc text_pos_at(struct text_pos *p, const char *file, size_t off)
{
	if (off < p->off || !p->line)
		p->off = 0, p->line = 1, p->col = 1;
	size_t i = p->off;
	for (const char *nl; (nl = memchr(p->text + i, '\n', off - i));) {
		i = (size_t)(nl - p->text) + 1;
		p->line++, p->col = 1;
	}
	for (; i < off; i++)
		p->col += ((unsigned char)p->text[i] & 0xC0) != 0x80;
	p->off = off;
	return (struct loc){file, p->line, p->col};
}

static void diags_vadd(struct diags *d, enum diag_severity sev, struct loc loc, const char *path,
		       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void diags_vadd(struct diags *d, enum diag_severity sev, struct loc loc, const char *path,
		       const char *fmt, va_list ap)
{
	if (sev == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->count >= DIAGS_MAX_KEPT) {
		d->dropped++;
		return;
	}
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diag *items = realloc(d->items, cap * sizeof(*items));
		if (!items)
			abort();
		d->items = items;
		d->cap = cap;
	}
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	d->items[d->count++] = (struct diag){
		.severity = sev,
		.file = xstrdup(loc.file ? loc.file : "rhc"),
		.line = loc.line,
		.col = loc.col,
		.path = xstrdup(path),
		.message = msg,
	};
}

void diags_error(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_ERROR, loc, path, fmt, ap);
	va_end(ap);
}

void diags_warning(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, DIAG_WARNING, loc, path, fmt, ap);
	va_end(ap);
}

static int diag_before(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->col < b->col ? -1 : a->col > b->col;
}

void diags_sort(struct diags *d)
{
	/* Insertion sort: stable, and the list is short (capped) and nearly sorted. */
	for (size_t i = 1; i < d->count; i++) {
		struct diag x = d->items[i];
		size_t j = i;
		while (j > 0 && diag_before(&x, &d->items[j - 1]) < 0) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = x;
	}
}

static const char *severity_name(enum diag_severity sev)
{
	return sev == DIAG_ERROR ? "error" : "warning";
}

void diags_format_text(const struct diags *d, struct buf *out)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct diag *g = &d->items[i];
		buf_puts(out, g->file);
		if (g->line > 0)
			buf_printf(out, ":%d:%d", g->line, g->col);
		buf_printf(out, ": %s: ", severity_name(g->severity));
		if (g->path && *g->path)
			buf_printf(out, "%s: ", g->path);
		buf_puts(out, g->message);
		buf_putc(out, '\n');
	}
	if (d->dropped)
		buf_printf(out, "rhc: %zu more diagnostics not shown (the first %d are)\n", d->dropped,
			   DIAGS_MAX_KEPT);
}

void diags_format_json(const struct diags *d, struct buf *out)
{
	buf_printf(out, "{\"errors\": %zu, \"warnings\": %zu, \"diagnostics\": [", d->errors,
		   d->warnings);
	for (size_t i = 0; i < d->count; i++) {
		const struct diag *g = &d->items[i];
		buf_puts(out, i ? ",\n  {" : "\n  {");
		buf_puts(out, "\"severity\": ");
		escape_json_string(out, severity_name(g->severity), strlen(severity_name(g->severity)));
		buf_puts(out, ", \"file\": ");
		escape_json_string(out, g->file, strlen(g->file));
		buf_printf(out, ", \"line\": %d, \"column\": %d, \"path\": ", g->line, g->col);
		escape_json_string(out, g->path ? g->path : "", g->path ? strlen(g->path) : 0);
		buf_puts(out, ", \"message\": ");
		escape_json_string(out, g->message, strlen(g->message));
		buf_putc(out, '}');
	}
	buf_printf(out, "%s], \"dropped\": %zu}\n", d->count ? "\n" : "", d->dropped);
}

static void diag_free(struct diag *g)
{
	free(g->file);
	free(g->path);
	free(g->message);
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		diag_free(&d->items[i]);
	free(d->items);
	*d = (struct diags){0};
}

struct diags_mark diags_mark(const struct diags *d)
{
	return (struct diags_mark){d->count, d->errors, d->warnings, d->dropped};
}

void diags_rollback(struct diags *d, struct diags_mark m)
{
	for (size_t i = m.count; i < d->count; i++)
		diag_free(&d->items[i]);
	d->count = m.count;
	d->errors = m.errors;
	d->warnings = m.warnings;
	d->dropped = m.dropped;
}
