#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "utf8.h"

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

/* S as XML character data or an attribute value. XML 1.0 allows tab, LF,
 * CR and U+0020 up (but not U+FFFE, U+FFFF); any other control character,
 * and a byte that is not UTF-8, is written as the text \xNN. In an
 * attribute, tab and line breaks become references, or a reader would turn
 * them into spaces. */
static void xml_text(struct buf *out, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	while (*p) {
		unsigned char c = *p;
		if (c >= 0x80) {
			uint32_t cp = 0;
			size_t n = utf8_seq(p, (size_t)(end - p), &cp);
			if (!n || cp == 0xFFFE || cp == 0xFFFF) {
				buf_printf(out, "\\x%02x", c);
				p++;
				continue;
			}
			buf_put(out, (const char *)p, n);
			p += n;
			continue;
		}
		if (c == '&')
			buf_puts(out, "&amp;");
		else if (c == '<')
			buf_puts(out, "&lt;");
		else if (c == '>')
			buf_puts(out, "&gt;");
		else if (c == '"' && attr)
			buf_puts(out, "&quot;");
		else if ((c == '\n' || c == '\t' || c == '\r') && attr)
			buf_printf(out, "&#%d;", c);
		else if (c == '\r')
			buf_puts(out, "&#13;"); /* a literal CR would be read as a line break */
		else if (c < 0x20 && c != '\n' && c != '\t')
			buf_printf(out, "\\x%02x", c);
		else if (c == 0x7F)
			buf_puts(out, "\\x7f");
		else
			buf_putc(out, (char)c);
		p++;
	}
}

void report_format_junit(const struct report *r, struct buf *out)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_printf(out,
		   "<testsuites name=\"rhc verify\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		   "skipped=\"%zu\">\n"
		   "  <testsuite name=\"rhc verify\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		   "skipped=\"%zu\">\n",
		   r->count, r->failed, r->skipped, r->count, r->failed, r->skipped);
	for (size_t i = 0; i < r->count; i++) {
		const struct check *c = &r->items[i];
		/* the name is the text format's line without its status: unique
		 * enough to tell the rows of one check apart */
		struct buf name = {0};
		if (c->file && c->line)
			buf_printf(&name, "%s:%d: ", c->file, c->line);
		else if (c->file)
			buf_printf(&name, "%s: ", c->file);
		buf_puts(&name, c->message);
		buf_puts(out, "    <testcase classname=\"rhc.verify.");
		xml_text(out, c->name, true);
		buf_puts(out, "\" name=\"");
		xml_text(out, name.data, true);
		buf_free(&name);
		if (c->file) {
			buf_puts(out, "\" file=\"");
			xml_text(out, c->file, true);
		}
		if (c->status == CHECK_PASS) {
			buf_puts(out, "\"/>\n");
			continue;
		}
		buf_puts(out, c->status == CHECK_FAIL ? "\">\n      <failure message=\"" :
							"\">\n      <skipped message=\"");
		xml_text(out, c->message, true);
		if (c->status == CHECK_FAIL) {
			buf_puts(out, "\">");
			xml_text(out, c->message, false);
			if (c->detail) {
				buf_putc(out, '\n');
				xml_text(out, c->detail, false);
			}
			buf_puts(out, "</failure>\n");
		} else {
			buf_puts(out, "\"/>\n");
		}
		buf_puts(out, "    </testcase>\n");
	}
	buf_puts(out, "  </testsuite>\n</testsuites>\n");
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
