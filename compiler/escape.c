#include "escape.h"

#include <string.h>

static const char *const kind_names[ESC_COUNT] = {"nginx", "yaml", "json", "sh", "shvar", "md",
								  "comment", "corefile"};

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

/* Why an escaper may stop on a byte, one bit per reason. Every escaper
 * scans a value once against its mask and, in the common case of nothing
 * to escape, appends it whole. */
enum {
	B_CTL = 1 << 0,	   /* C0 control or DEL */
	B_QUOTE = 1 << 1,  /* '"' */
	B_BSLASH = 1 << 2, /* '\\' */
	B_DOLLAR = 1 << 3, /* '$': an nginx variable, even inside quotes */
	B_BTICK = 1 << 4,  /* '`': ends Markdown inline code */
	B_QUOTED = 1 << 5, /* not bare in nginx: the word is quoted */
	B_NONID = 1 << 6,  /* not in a shell identifier */
	B_YLEAD = 1 << 7,  /* 0xC2, 0xE2, 0xEF: may start a YAML break or unprintable */
};

#define AN 0					 /* letter, digit, '_' */
#define NB B_NONID				 /* bare in nginx: . _ : / [ ] - @ + = , % */
#define PU (B_QUOTED | B_NONID)			 /* other printable ASCII */
#define DQ (B_QUOTE | PU)
#define BS (B_BSLASH | PU)
#define DL (B_DOLLAR | PU)
#define BT (B_BTICK | PU)
#define CT (B_CTL | PU)
#define HI PU		  /* byte >= 0x80 */
#define YL (B_YLEAD | HI) /* ... that YAML looks at */

static const unsigned char byte_class[256] = {
	/* 0x00 */ CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT,
	/* 0x10 */ CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT,
	/* 0x20 */ PU, PU, DQ, PU, DL, NB, PU, PU, PU, PU, PU, NB, NB, NB, NB, NB,
	/* 0x30 */ AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, NB, PU, PU, NB, PU, PU,
	/* 0x40 */ NB, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN,
	/* 0x50 */ AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, NB, BS, NB, PU, AN,
	/* 0x60 */ BT, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN,
	/* 0x70 */ AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, PU, PU, PU, PU, CT,
	/* 0x80 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0x90 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0xA0 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0xB0 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0xC0 */ HI, HI, YL, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0xD0 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	/* 0xE0 */ HI, HI, YL, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, YL,
	/* 0xF0 */ HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
};

#define JSON_STOP (B_CTL | B_QUOTE | B_BSLASH)
#define YAML_STOP (JSON_STOP | B_YLEAD)

/* Length of the prefix of S (N bytes) with no byte in class MASK. */
static size_t scan(const char *s, size_t n, unsigned mask)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n && !(byte_class[p[i]] & mask))
		i++;
	return i;
}

/* Every class found in S: for the escapers that copy a value whole or refuse it. */
static unsigned classes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned found = 0;
	for (size_t i = 0; i < n; i++)
		found |= byte_class[p[i]];
	return found;
}

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

size_t escape_json_plain(const char *s, size_t n)
{
	return scan(s, n, JSON_STOP);
}

/* A byte escape_json_string does not copy: quote, backslash or control. */
static void json_escape_byte(struct buf *out, unsigned char c)
{
	char e[6] = {'\\', 'u', '0', '0', hex_lower[c >> 4], hex_lower[c & 15]};
	switch (c) {
	case '"':
	case '\\':
		e[1] = (char)c;
		break;
	case '\n':
		e[1] = 'n';
		break;
	case '\t':
		e[1] = 't';
		break;
	case '\r':
		e[1] = 'r';
		break;
	default:
		buf_put(out, e, 6);
		return;
	}
	buf_put(out, e, 2);
}

void escape_json_string(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		size_t run = scan(s + i, n - i, JSON_STOP);
		if (run)
			buf_put(out, s + i, run);
		i += run;
		if (i < n)
			json_escape_byte(out, (unsigned char)s[i++]);
	}
	buf_putc(out, '"');
}

/* The character at S (N bytes left) that escape_yaml_string does not copy
 * as it is: a quote, backslash or control, a line break YAML would fold
 * (NEL, LS, PS), or one it forbids raw (C1, U+FFFE, U+FFFF, BOM). A lead
 * byte of anything else is copied. Returns the bytes consumed. */
static size_t yaml_escape_char(struct buf *out, const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	char e[6] = {'\\', (char)c};
	if (c == '"' || c == '\\') {
		buf_put(out, e, 2);
	} else if (c == '\n' || c == '\t') {
		e[1] = c == '\n' ? 'n' : 't';
		buf_put(out, e, 2);
	} else if (c < 0x20 || c == 0x7f) {
		e[1] = 'x', e[2] = hex_lower[c >> 4], e[3] = hex_lower[c & 15];
		buf_put(out, e, 4);
	} else if (c == 0xC2 && n > 1 && s[1] == 0x85) {
		buf_put(out, "\\N", 2);
		return 2;
	} else if (c == 0xC2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9F) {
		e[1] = 'x', e[2] = hex_upper[s[1] >> 4], e[3] = hex_upper[s[1] & 15];
		buf_put(out, e, 4);
		return 2;
	} else if (c == 0xEF && n > 2 && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) {
		buf_put(out, s[2] == 0xBE ? "\\uFFFE" : "\\uFFFF", 6);
		return 3;
	} else if (c == 0xE2 && n > 2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) {
		buf_put(out, s[2] == 0xA8 ? "\\L" : "\\P", 2);
		return 3;
	} else if (c == 0xEF && n > 2 && s[1] == 0xBB && s[2] == 0xBF) {
		buf_put(out, "\\uFEFF", 6);
		return 3;
	} else {
		buf_putc(out, (char)c);
	}
	return 1;
}

void escape_yaml_string(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		size_t run = scan(s + i, n - i, YAML_STOP);
		if (run)
			buf_put(out, s + i, run);
		i += run;
		if (i < n)
			i += yaml_escape_char(out, (const unsigned char *)s + i, n - i);
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
			buf_put(out, "'\\''", 4);
			i++;
		}
	}
	buf_putc(out, '\'');
}

bool escape_nginx_word(struct buf *out, const char *s, size_t n)
{
	unsigned found = classes(s, n);
	/* '$' starts a variable even inside quotes; control bytes have no place. */
	if (found & (B_CTL | B_DOLLAR))
		return false;
	if (n && !(found & B_QUOTED)) {
		buf_put(out, s, n);
		return true;
	}
	buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		size_t run = scan(s + i, n - i, B_QUOTE | B_BSLASH);
		buf_put(out, s + i, run);
		i += run;
		if (i < n) {
			char e[2] = {'\\', s[i++]};
			buf_put(out, e, 2);
		}
	}
	buf_putc(out, '"');
	return true;
}

bool escape_md_code(struct buf *out, const char *s, size_t n)
{
	if (classes(s, n) & (B_CTL | B_BTICK))
		return false;
	buf_put(out, s, n);
	return true;
}

bool escape_comment(struct buf *out, const char *s, size_t n)
{
	if (classes(s, n) & B_CTL)
		return false;
	buf_put(out, s, n);
	return true;
}

/* A Corefile token needs no quoting when it is one word of these bytes; the
 * same bytes are plain text inside a YAML block scalar, so one check serves
 * both layers (a quote, brace, '#', space or line break would not). */
bool escape_corefile_token(struct buf *out, const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == ':'))
			return false;
	}
	buf_put(out, s, n);
	return true;
}

bool escape_sh_var(struct buf *out, const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9') || (classes(s, n) & B_NONID))
		return false;
	buf_put(out, s, n);
	return true;
}

size_t escape_format_int(char *dst, long long v)
{
	char rev[20];
	size_t n = 0, len = 0;
	/* in unsigned arithmetic, so LLONG_MIN has a magnitude too */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		rev[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		dst[len++] = '-';
	while (n)
		dst[len++] = rev[--n];
	return len;
}

bool escape_value(struct buf *out, enum escape_kind kind, const struct val *v)
{
	char num[ESCAPE_INT_MAX];
	const char *s;
	size_t n;
	switch (v->kind) {
	case VAL_STR:
		s = v->s, n = v->len;
		break;
	case VAL_INT:
		n = escape_format_int(num, v->i);
		s = num;
		break;
	case VAL_BOOL:
		s = v->b ? "true" : "false", n = v->b ? 4 : 5;
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
	case ESC_COREFILE:
		return escape_corefile_token(out, s, n);
	default:
		return false;
	}
}
