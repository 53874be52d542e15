#include "report.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "utf8.h"

#define REPORT_MAX_MESSAGE 4000

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
	size_t len = strlen(msg);
	if (len > REPORT_MAX_MESSAGE) {
		/* a 10 MB line from a file is named, not echoed */
		size_t keep = REPORT_MAX_MESSAGE;
		while (keep > 0 && ((unsigned char)msg[keep] & 0xC0) == 0x80)
			keep--; /* not inside a UTF-8 sequence */
		char *cut = NULL;
		if (asprintf(&cut, "%.*s... (%zu more bytes)", (int)keep, msg, len - keep) < 0)
			abort();
		free(msg);
		msg = cut;
	}
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

void report_escape(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t run = 0;
		/* printable ASCII and well-formed UTF-8 beyond the C1 block go as they are */
		while (p[run] >= 0x20 && p[run] < 0x7f)
			run++;
		if (run) {
			buf_put(out, (const char *)p, run);
			p += run;
			continue;
		}
		unsigned char c = *p;
		size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
		bool ok = n > 0 && !(c == 0xC2 && p[1] < 0xA0); /* U+0080..U+009F: C1 controls */
		for (size_t k = 1; ok && k < n; k++)
			ok = (p[k] & 0xC0) == 0x80;
		if (ok) {
			buf_put(out, (const char *)p, n);
			p += n;
		} else if (c == '\n') {
			buf_puts(out, "\\n"), p++;
		} else if (c == '\r') {
			buf_puts(out, "\\r"), p++;
		} else if (c == '\t') {
			buf_puts(out, "\\t"), p++;
		} else {
			buf_printf(out, "\\x%02x", c), p++;
		}
	}
}

void report_escape_lines(struct buf *out, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = strndup(text, len);
		if (!line)
			abort();
		report_escape(out, line);
		buf_putc(out, '\n');
		free(line);
		text += len + (nl ? 1 : 0);
	}
}

void report_format_text(const struct report *r, struct buf *out)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct check *c = &r->items[i];
		buf_printf(out, "%s ", status_word(c->status));
		report_escape(out, c->name);
		buf_puts(out, ": ");
		if (c->file) {
			report_escape(out, c->file);
			if (c->line)
				buf_printf(out, ":%d", c->line);
			buf_puts(out, ": ");
		}
		report_escape(out, c->message);
		buf_putc(out, '\n');
		if (c->detail)
			report_escape_lines(out, c->detail);
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

/* Replaces the credential after each "Bearer " / "Basic " with <redacted>. */
static void redact_schemes(struct buf *b)
{
	static const char *const schemes[] = {"Bearer ", "Basic "};
	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(schemes[k]);
		for (size_t i = 0; b->data && i + n <= b->len; i++) {
			if (strncasecmp(b->data + i, schemes[k], n))
				continue;
			/* a credential is token68 (RFC 7235), at least 8 long; an
			 * auth-param (realm="...") is not one */
			size_t start = i + n, end = start;
			while (end < b->len && (isalnum((unsigned char)b->data[end]) || strchr("-._~+/", b->data[end])))
				end++;
			while (end < b->len && b->data[end] == '=')
				end++;
			if (end - start < 8 || (end < b->len && b->data[end] == '"'))
				continue;
			struct buf t = {0};
			buf_put(&t, b->data, start);
			buf_puts(&t, "<redacted>");
			buf_put(&t, b->data + end, b->len - end);
			buf_free(b);
			*b = t;
			i = start + 9;
		}
	}
}

char *report_redact(const char *s, const char *const *secrets)
{
	struct buf b = {0};
	buf_puts(&b, s);
	for (const char *const *sec = secrets; sec && *sec; sec++) {
		size_t n = strlen(*sec);
		if (n < 4) /* too short to tell from ordinary text */
			continue;
		for (char *hit; b.data && (hit = strstr(b.data, *sec));) {
			struct buf t = {0};
			buf_put(&t, b.data, (size_t)(hit - b.data));
			buf_puts(&t, "<redacted>");
			buf_puts(&t, hit + n);
			explicit_bzero(b.data, b.len);
			buf_free(&b);
			b = t;
		}
	}
	redact_schemes(&b);
	size_t len;
	char *out = buf_take(&b, &len);
	if (!out && !(out = strdup("")))
		abort();
	return out;
}

void report_redact_from(struct report *r, size_t from, const char *const *secrets)
{
	for (size_t i = from; i < r->count; i++) {
		char *clean = report_redact(r->items[i].message, secrets);
		explicit_bzero(r->items[i].message, strlen(r->items[i].message));
		free(r->items[i].message);
		r->items[i].message = clean;
	}
}
