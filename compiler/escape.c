#include "escape.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[ESC_COUNT] = {"nginx", "yaml", "json", "sh", "shvar", "md",
								  "comment"};

int escape_kind_by_name(const char *name, size_t len)
{
	for (int k = 0; k < ESC_COUNT; k++)
		if (strlen(kind_names[k]) == len && !memcmp(kind_names[k], name, len))
			return k;
	return -1;
}

const char *escape_kind_name(enum escape_kind kind)
{
	return kind_names[kind];
}

/* Bytes every escaper below passes through unchanged, written in runs: the
 * common case is a value with nothing to escape. */
static size_t plain_run(const char *s, size_t n, const char *special)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || strchr(special, c))
			break;
		i++;
	}
	return i;
}

void escape_json_string(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		size_t run = plain_run(s + i, n - i, "\"\\");
		if (run) {
			buf_put(out, s + i, run);
			i += run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_puts(out, "\\\"");
			break;
		case '\\':
			buf_puts(out, "\\\\");
			break;
		case '\n':
			buf_puts(out, "\\n");
			break;
		case '\t':
			buf_puts(out, "\\t");
			break;
		case '\r':
			buf_puts(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(out, "\\u%04x", c);
			else
				buf_putc(out, (char)c);
		}
	}
	buf_putc(out, '"');
}

void escape_yaml_string(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		size_t run = plain_run(s + i, n - i, "\"\\");
		if (run) {
			buf_put(out, s + i, run);
			i += run - 1;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
		} else if (c == '\n') {
			buf_puts(out, "\\n");
		} else if (c == '\t') {
			buf_puts(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(out, "\\x%02x", c);
		} else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
			buf_puts(out, "\\N"); /* NEL is a YAML line break */
			i++;
		} else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] <= 0x9F) {
			/* C1 controls are not printable YAML: escape them. */
			buf_printf(out, "\\x%02X", (unsigned char)s[i + 1]);
			i++;
		} else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
			   ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
			buf_printf(out, "\\uFFF%c", (unsigned char)s[i + 2] == 0xBE ? 'E' : 'F');
			i += 2;
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			buf_puts(out, (unsigned char)s[i + 2] == 0xA8 ? "\\L" : "\\P");
			i += 2;
		} else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB &&
			   (unsigned char)s[i + 2] == 0xBF) {
			buf_puts(out, "\\uFEFF");
			i += 2;
		} else {
			buf_putc(out, (char)c);
		}
	}
	buf_putc(out, '"');
}

void escape_sh_word(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '\'');
	for (size_t i = 0; i < n;) {
		const char *q = memchr(s + i, '\'', n - i);
		size_t run = q ? (size_t)(q - (s + i)) : n - i;
		buf_put(out, s + i, run);
		i += run;
		if (q) {
			buf_puts(out, "'\\''");
			i++;
		}
	}
	buf_putc(out, '\'');
}

static bool nginx_bare_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._:/[]-@+=,%", c);
}

bool escape_nginx_word(struct buf *out, const char *s, size_t n)
{
	bool bare = n > 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* '$' starts a variable even inside quotes; control bytes have no place. */
		if (c == '$' || c < 0x20 || c == 0x7f)
			return false;
		if (!c || !nginx_bare_char(c))
			bare = false;
	}
	if (bare) {
		buf_put(out, s, n);
		return true;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
	return true;
}

bool escape_md_code(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '`' || c < 0x20 || c == 0x7f)
			return false;
	}
	buf_put(out, s, n);
	return true;
}

bool escape_comment(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	buf_put(out, s, n);
	return true;
}

bool escape_sh_var(struct buf *out, const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	buf_put(out, s, n);
	return true;
}

bool escape_value(struct buf *out, enum escape_kind kind, const struct val *v)
{
	char num[32];
	const char *s;
	size_t n;
	switch (v->kind) {
	case VAL_STR:
		s = v->s, n = v->len;
		break;
	case VAL_INT:
		n = (size_t)snprintf(num, sizeof(num), "%lld", v->i);
		s = num;
		break;
	case VAL_BOOL:
		s = v->b ? "true" : "false", n = strlen(s);
		break;
	default:
		return false;
	}
	switch (kind) {
	case ESC_JSON:
		if (v->kind == VAL_STR)
			escape_json_string(out, s, n);
		else
			buf_put(out, s, n);
		return true;
	case ESC_YAML:
		if (v->kind == VAL_STR)
			escape_yaml_string(out, s, n);
		else
			buf_put(out, s, n);
		return true;
	case ESC_SH:
		escape_sh_word(out, s, n);
		return true;
	case ESC_NGINX:
		return escape_nginx_word(out, s, n);
	case ESC_MD:
		return escape_md_code(out, s, n);
	case ESC_SHVAR:
		return escape_sh_var(out, s, n);
	case ESC_COMMENT:
		return escape_comment(out, s, n);
	default:
		return false;
	}
}
