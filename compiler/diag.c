#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "utf8.h"

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
	return (struct loc){file, p->line, p->col, 0};
}

static struct diag diag_make(enum diag_severity sev, struct loc loc, const char *path,
			     const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static struct diag diag_make(enum diag_severity sev, struct loc loc, const char *path,
			     const char *fmt, va_list ap)
{
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	return (struct diag){
		.severity = sev,
		.file = xstrdup(loc.file ? loc.file : "rhc"),
		.line = loc.line,
		.col = loc.col,
		.len = loc.len > 0 ? loc.len : 0,
		.path = xstrdup(path),
		.message = msg,
	};
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
	d->last_dropped = d->count >= DIAGS_MAX_KEPT;
	if (d->last_dropped) {
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
	d->items[d->count++] = diag_make(sev, loc, path, fmt, ap);
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

void diags_note(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
{
	if (!d->count || d->last_dropped)
		return;
	struct diag *n = malloc(sizeof(*n));
	if (!n)
		abort();
	va_list ap;
	va_start(ap, fmt);
	*n = diag_make(DIAG_NOTE, loc, path, fmt, ap);
	va_end(ap);
	struct diag **tail = &d->items[d->count - 1].note;
	while (*tail)
		tail = &(*tail)->note;
	*tail = n;
}

/* ---- source lines for the caret ---- */

/* A long line is shown as a window of this many characters, starting this
 * many before the column: an 8 MB one-line spec must not be echoed whole. */
enum { QUOTE_WIDTH = 160, QUOTE_BEFORE = 60 };

struct want {
	struct diag *g;
};

static int want_order(const void *x, const void *y)
{
	const struct diag *a = ((const struct want *)x)->g, *b = ((const struct want *)y)->g;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->col < b->col ? -1 : a->col > b->col;
}

/* Diagnostics count columns in characters: every byte that does not
 * continue a UTF-8 sequence starts one (text_pos_at). */
static bool char_start(char c)
{
	return ((unsigned char)c & 0xC0) != 0x80;
}

/* Byte offset of character CHARS (0-based) of LINE from a cursor at (*AT,
 * *AT_CHAR) that only moves forward; the line end when it is shorter. */
static size_t char_offset(const char *line, size_t n, size_t *at, long *at_char, long chars)
{
	while (*at < n && *at_char < chars) {
		(*at)++;
		while (*at < n && !char_start(line[*at]))
			(*at)++;
		(*at_char)++;
	}
	return *at;
}

void diags_quote(struct diags *d, const char *file, const char *text, size_t len)
{
	size_t n = 0, cap = 0;
	struct want *w = NULL;
	for (size_t i = 0; i < d->count; i++) {
		for (struct diag *g = &d->items[i]; g; g = g->note) {
			if (g->line <= 0 || g->source || strcmp(g->file, file))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				w = realloc(w, cap * sizeof(*w));
				if (!w)
					abort();
			}
			w[n++].g = g;
		}
	}
	if (!n)
		return; /* nothing in FILE (w is NULL: no qsort) */
	qsort(w, n, sizeof(*w), want_order);
	int line = 1;
	/* a byte order mark is no character of the first line to the YAML
	 * reader's columns */
	size_t start = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
	size_t end = 0, at = 0; /* the current line, and a cursor in it */
	long at_char = 0;
	bool found_end = false;
	for (size_t i = 0; i < n; i++) {
		struct diag *g = w[i].g;
		while (line < g->line) {
			const char *nl = memchr(text + start, '\n', len - start);
			if (!nl)
				break;
			start = (size_t)(nl - text) + 1;
			line++;
			found_end = false;
		}
		if (line != g->line)
			continue; /* past the end of the text */
		if (!found_end) {
			const char *nl = memchr(text + start, '\n', len - start);
			end = nl ? (size_t)(nl - text) : len;
			if (end > start && text[end - 1] == '\r')
				end--;
			found_end = true;
			at = 0, at_char = 0;
		}
		const char *l = text + start;
		size_t ln = end - start;
		long first = g->col > QUOTE_BEFORE ? g->col - QUOTE_BEFORE : 1;
		size_t from = ln > QUOTE_WIDTH ? char_offset(l, ln, &at, &at_char, first - 1) : 0;
		if (from == 0)
			first = 1;
		size_t to = from;
		if (ln > QUOTE_WIDTH) {
			size_t at2 = at;
			long c2 = at_char;
			to = char_offset(l, ln, &at2, &c2, first - 1 + QUOTE_WIDTH);
		} else {
			to = ln;
		}
		struct diag_source *src = malloc(sizeof(*src));
		char *copy = malloc(to - from + 1);
		if (!src || !copy)
			abort();
		memcpy(copy, l + from, to - from);
		copy[to - from] = '\0';
		*src = (struct diag_source){copy, to - from, (int)first, from > 0, to < ln};
		g->source = src;
	}
	free(w);
}

/* Display columns: East Asian wide and fullwidth characters take two, the
 * combining marks none. The ranges of Markus Kuhn's wcwidth.c
 * (https://www.cl.cam.ac.uk/~mgk25/ucs/wcwidth.c) plus the emoji blocks
 * Unicode 9 made wide; a table, not wcwidth(3), so the output does not
 * depend on the locale. */
static const struct {
	uint32_t lo, hi;
	unsigned char width;
} widths[] = {
	{0x0300, 0x036F, 0}, {0x0483, 0x0489, 0}, {0x0591, 0x05BD, 0}, {0x0610, 0x061A, 0},
	{0x064B, 0x065F, 0}, {0x0E31, 0x0E31, 0}, {0x0E34, 0x0E3A, 0}, {0x1100, 0x115F, 2},
	{0x200B, 0x200F, 0}, {0x20D0, 0x20FF, 0}, {0x2329, 0x232A, 2}, {0x2E80, 0x303E, 2},
	{0x3040, 0xA4CF, 2}, {0xAC00, 0xD7A3, 2}, {0xF900, 0xFAFF, 2}, {0xFE00, 0xFE0F, 0},
	{0xFE10, 0xFE19, 2}, {0xFE20, 0xFE2F, 0}, {0xFE30, 0xFE6F, 2}, {0xFF00, 0xFF60, 2},
	{0xFFE0, 0xFFE6, 2}, {0x1F300, 0x1F64F, 2}, {0x1F900, 0x1F9FF, 2}, {0x20000, 0x2FFFD, 2},
	{0x30000, 0x3FFFD, 2},
};

static int char_width(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]) && widths[i].lo <= cp; i++)
		if (cp <= widths[i].hi)
			return widths[i].width;
	return 1;
}

/* Shown as <U+XXXX>: controls, and the bidirectional overrides and isolates
 * that would reorder the line on a terminal (CVE-2021-42574), and a BOM. */
static bool char_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

struct style {
	const char *bold, *error, *warning, *note, *caret, *reset;
};

static const struct style plain = {"", "", "", "", "", ""};
static const struct style ansi = {"\033[1m", "\033[1;31m", "\033[1;35m", "\033[1;36m",
				  "\033[1;32m", "\033[0m"};

/* "   12 | the line" and "      |   ^~~~" under it. Tabs become spaces to
 * the next multiple of 8, so the caret line lines up on any terminal. */
static void put_source(struct buf *out, const struct diag *g, const struct style *st)
{
	const struct diag_source *s = g->source;
	buf_printf(out, "%5d | ", g->line);
	int disp = 0, caret = -1, caret_end = -1;
	if (s->cut_left)
		buf_puts(out, "..."), disp = 3;
	const unsigned char *p = (const unsigned char *)s->text, *e = p + s->len;
	int col = s->first_col;
	while (p < e) {
		if (col == g->col)
			caret = disp;
		uint32_t cp = 0;
		size_t k = utf8_seq(p, (size_t)(e - p), &cp);
		int w;
		if (!k) {
			/* a stray byte: one character, as the column count has it */
			buf_printf(out, "<%02X>", *p++), w = 4;
			while (p < e && !char_start((char)*p))
				buf_printf(out, "<%02X>", *p++), w += 4;
		} else if (cp == '\t') {
			w = 8 - disp % 8;
			buf_printf(out, "%*s", w, "");
			p += k;
		} else if (char_hidden(cp)) {
			char tmp[16];
			w = snprintf(tmp, sizeof(tmp), "<U+%04X>", (unsigned)cp);
			buf_puts(out, tmp);
			p += k;
		} else {
			w = char_width(cp);
			buf_put(out, (const char *)p, k);
			p += k;
		}
		if (g->len > 0 && col >= g->col && col < g->col + g->len)
			caret_end = disp + w;
		disp += w;
		col++;
	}
	if (caret < 0)
		caret = disp; /* at the line end (a missing value, the end of the file) */
	if (s->cut_right)
		buf_puts(out, "...");
	buf_puts(out, "\n      | ");
	buf_printf(out, "%*s%s^", caret, "", st->caret);
	for (int i = caret + 1; i < caret_end; i++)
		buf_putc(out, '~');
	buf_printf(out, "%s\n", st->reset);
}

static const char *severity_name(enum diag_severity sev)
{
	return sev == DIAG_ERROR ? "error" : sev == DIAG_WARNING ? "warning" : "note";
}

static void put_diag(struct buf *out, const struct diag *g, const struct style *st)
{
	const char *sev = g->severity == DIAG_ERROR ? st->error :
			  g->severity == DIAG_WARNING ? st->warning : st->note;
	buf_printf(out, "%s%s", st->bold, g->file);
	if (g->line > 0)
		buf_printf(out, ":%d:%d", g->line, g->col);
	buf_printf(out, ":%s %s%s:%s ", st->reset, sev, severity_name(g->severity), st->reset);
	if (g->path && *g->path)
		buf_printf(out, "%s: ", g->path);
	buf_puts(out, g->message);
	buf_putc(out, '\n');
	if (g->source)
		put_source(out, g, st);
}

static void format_text(const struct diags *d, struct buf *out, const struct style *st)
{
	for (size_t i = 0; i < d->count; i++)
		for (const struct diag *g = &d->items[i]; g; g = g->note)
			put_diag(out, g, st);
	if (d->dropped)
		buf_printf(out, "rhc: %zu more diagnostics not shown (the first %d are)\n", d->dropped,
			   DIAGS_MAX_KEPT);
}

void diag_format_quote(const struct diag *g, struct buf *out)
{
	if (g->source)
		put_source(out, g, &plain);
	for (const struct diag *n = g->note; n; n = n->note)
		put_diag(out, n, &plain);
}

void diags_format_text(const struct diags *d, struct buf *out)
{
	format_text(d, out, &plain);
}

void diags_format_colour(const struct diags *d, struct buf *out)
{
	format_text(d, out, &ansi);
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
	if (g->source)
		free(g->source->text);
	free(g->source);
	for (struct diag *n = g->note, *next; n; n = next) {
		next = n->note;
		n->note = NULL;
		diag_free(n);
		free(n);
	}
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
