#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

void report_add(struct report *r, enum check_status status, const char *name, const char *file,
		int line, const char *fmt, ...)
{
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct check *items = realloc(r->items, cap * sizeof(*items));
		if (!items)
			abort();
		r->items = items;
		r->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	r->items[r->count++] = (struct check){status, dup_or_null(name), dup_or_null(file), line, msg,
					      NULL};
	if (status == CHECK_PASS)
		r->passed++;
	else if (status == CHECK_FAIL)
		r->failed++;
	else
		r->skipped++;
}

void report_detail(struct report *r, const char *text)
{
	if (!r->count || !text || !*text)
		return;
	struct check *c = &r->items[r->count - 1];
	free(c->detail);
	c->detail = dup_or_null(text);
}

static const char *status_word(enum check_status s)
{
	return s == CHECK_PASS ? "PASS" : s == CHECK_FAIL ? "FAIL" : "SKIP";
}

void report_format_text(const struct report *r, struct buf *out)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct check *c = &r->items[i];
		buf_printf(out, "%s %s: ", status_word(c->status), c->name);
		if (c->file && c->line)
			buf_printf(out, "%s:%d: ", c->file, c->line);
		else if (c->file)
			buf_printf(out, "%s: ", c->file);
		buf_printf(out, "%s\n", c->message);
		if (c->detail)
			buf_puts(out, c->detail);
	}
	buf_printf(out, "verify: %zu passed, %zu failed, %zu skipped\n", r->passed, r->failed,
		   r->skipped);
}

static void json_str(struct buf *out, const char *s)
{
	if (s)
		escape_json_string(out, s, strlen(s));
	else
		buf_puts(out, "null");
}

void report_format_json(const struct report *r, struct buf *out)
{
	buf_printf(out, "{\"passed\": %zu, \"failed\": %zu, \"skipped\": %zu, \"checks\": [",
		   r->passed, r->failed, r->skipped);
	for (size_t i = 0; i < r->count; i++) {
		const struct check *c = &r->items[i];
		buf_puts(out, i ? ",\n  {\"status\": " : "\n  {\"status\": ");
		json_str(out, status_word(c->status));
		buf_puts(out, ", \"check\": ");
		json_str(out, c->name);
		buf_puts(out, ", \"file\": ");
		json_str(out, c->file);
		buf_printf(out, ", \"line\": %d, \"message\": ", c->line);
		json_str(out, c->message);
		buf_putc(out, '}');
	}
	buf_puts(out, r->count ? "\n]}\n" : "]}\n");
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].name);
		free(r->items[i].file);
		free(r->items[i].message);
		free(r->items[i].detail);
	}
	free(r->items);
	*r = (struct report){0};
}
