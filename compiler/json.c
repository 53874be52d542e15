#include "json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Objects up to this many members find duplicates by a linear scan; past it
 * they get a hash set, so a 100,000-key object stays linear. */
#define JSON_SCAN_MAX 16
/* Longest piece of input quoted back in a message. */
#define JSON_QUOTE_MAX 40

struct jp {
	struct arena *a;
	const char *file;
	const unsigned char *s;
	size_t len;
	size_t i;
	struct diags *d;
	/* offsets become line:col only when a node or a message needs one */
	struct text_pos pos;
	int depth;
	bool failed; /* a syntax error: stop */
	bool dup;    /* a duplicate key: keep going, return NULL at the end */
};

/* Keys of one object, for duplicate detection. */
struct keyset {
	struct node **slots; /* NULL until the object outgrows a linear scan */
	size_t cap;          /* a power of two */
	size_t used;
};

static struct loc jp_loc(struct jp *p, size_t off)
{
	return text_pos_at(&p->pos, p->file, off);
}

static void jp_error(struct jp *p, size_t off, const char *msg)
{
	diags_error(p->d, jp_loc(p, off), NULL, "%s", msg);
	p->failed = true;
}

/* Reports the byte at OFF where EXPECTED should have been. NUL bytes, bad
 * UTF-8, comments and single quotes get messages of their own. */
static void jp_unexpected(struct jp *p, size_t off, const char *expected)
{
	char what[32];
	if (off >= p->len) {
		jp_error(p, off, arena_printf(p->a, "expected %s, found end of input", expected));
		return;
	}
	unsigned char c = p->s[off];
	uint32_t cp = 0;
	if (c == '\0') {
		jp_error(p, off, "NUL byte in the input");
		return;
	}
	if (c >= 0x80 && !utf8_seq(p->s + off, p->len - off, &cp)) {
		jp_error(p, off, arena_printf(p->a, "invalid UTF-8 (byte 0x%02x)", c));
		return;
	}
	if (c == '/' && off + 1 < p->len && (p->s[off + 1] == '/' || p->s[off + 1] == '*')) {
		jp_error(p, off, "comments are not allowed in JSON");
		return;
	}
	if (c == '\'') {
		jp_error(p, off, "single quotes are not allowed; JSON strings use double quotes");
		return;
	}
	if (c > 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "'%c'", c);
	else
		snprintf(what, sizeof(what), "U+%04X", c < 0x80 ? (unsigned)c : (unsigned)cp);
	jp_error(p, off, arena_printf(p->a, "expected %s, found %s", expected, what));
}

static void skip_ws(struct jp *p)
{
	while (p->i < p->len) {
		unsigned char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

static struct node *new_node(struct jp *p, enum node_kind kind, size_t off)
{
	struct node *n = arena_alloc(p->a, sizeof(*n));
	struct loc loc = jp_loc(p, off);
	n->kind = kind;
	n->line = loc.line;
	n->col = loc.col;
	return n;
}

/* Scalar N ends before byte END: the characters it spans, when on its line. */
static void set_width(struct jp *p, struct node *n, size_t end)
{
	struct loc e = jp_loc(p, end);
	if (e.line == n->line && e.col > n->col && e.col - n->col <= UINT16_MAX)
		n->width = (uint16_t)(e.col - n->col);
}

/* The run of word-like bytes at OFF (a mistyped number or literal), cut
 * short for a message. */
static const char *word_at(struct jp *p, size_t off)
{
	size_t end = off;
	while (end < p->len) {
		unsigned char c = p->s[end];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == '.' || c == '+' || c == '-'))
			break;
		end++;
	}
	if (end - off > JSON_QUOTE_MAX)
		return arena_printf(p->a, "%.*s...", JSON_QUOTE_MAX, (const char *)p->s + off);
	return arena_strndup(p->a, (const char *)p->s + off, end - off);
}

static bool is_digit(struct jp *p, size_t off)
{
	return off < p->len && p->s[off] >= '0' && p->s[off] <= '9';
}

static void bad_number(struct jp *p, size_t start, const char *why)
{
	const char *w = word_at(p, start);
	if (why)
		jp_error(p, start, arena_printf(p->a, "invalid number '%s': %s", w, why));
	else
		jp_error(p, start, arena_printf(p->a, "invalid number '%s'", w));
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and nothing word-like
 * glued to it. The node keeps the source text. */
static struct node *parse_number(struct jp *p)
{
	size_t start = p->i, k = p->i;
	if (p->s[k] == '+') {
		bad_number(p, start, "'+' is not allowed");
		return NULL;
	}
	if (p->s[k] == '.') {
		bad_number(p, start, "a digit must come before '.'");
		return NULL;
	}
	if (p->s[k] == '-')
		k++;
	if (!is_digit(p, k)) {
		bad_number(p, start, "a digit must follow '-'");
		return NULL;
	}
	if (p->s[k] == '0') {
		k++;
		if (is_digit(p, k)) {
			bad_number(p, start, "leading zeros are not allowed");
			return NULL;
		}
		if (k < p->len && (p->s[k] == 'x' || p->s[k] == 'X')) {
			bad_number(p, start, "hexadecimal is not allowed");
			return NULL;
		}
	} else {
		while (is_digit(p, k))
			k++;
	}
	if (k < p->len && p->s[k] == '.') {
		k++;
		if (!is_digit(p, k)) {
			bad_number(p, start, "a digit must follow '.'");
			return NULL;
		}
		while (is_digit(p, k))
			k++;
	}
	if (k < p->len && (p->s[k] == 'e' || p->s[k] == 'E')) {
		k++;
		if (k < p->len && (p->s[k] == '+' || p->s[k] == '-'))
			k++;
		if (!is_digit(p, k)) {
			bad_number(p, start, "a digit must follow the exponent");
			return NULL;
		}
		while (is_digit(p, k))
			k++;
	}
	if (k < p->len) {
		unsigned char c = p->s[k];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '+' || c == '-') {
			bad_number(p, start, NULL);
			return NULL;
		}
	}
	struct node *n = new_node(p, NODE_SCALAR, start);
	n->plain = true;
	n->text = arena_strndup(p->a, (const char *)p->s + start, k - start);
	n->len = k - start;
	p->i = k;
	set_width(p, n, k);
	return n;
}

static struct node *parse_literal(struct jp *p)
{
	static const char *const words[] = {"true", "false", "null"};
	size_t start = p->i, k = p->i;
	while (k < p->len && ((p->s[k] >= 'a' && p->s[k] <= 'z') || (p->s[k] >= 'A' && p->s[k] <= 'Z') ||
			      (p->s[k] >= '0' && p->s[k] <= '9') || p->s[k] == '_'))
		k++;
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		if (strlen(words[w]) == k - start && !memcmp(words[w], p->s + start, k - start)) {
			struct node *n = new_node(p, NODE_SCALAR, start);
			n->plain = true;
			n->text = words[w];
			n->len = k - start;
			p->i = k;
			set_width(p, n, k);
			return n;
		}
	}
	const char *w = word_at(p, start);
	if (!strcmp(w, "NaN") || !strcmp(w, "Infinity"))
		jp_error(p, start, arena_printf(p->a, "invalid number '%s': JSON has no NaN or Infinity", w));
	else
		jp_error(p, start, arena_printf(p->a, "invalid literal '%s' (JSON has true, false and null)", w));
	return NULL;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 4 hex digits after "\u" at OFF (the backslash), or -1. */
static long read_u4(struct jp *p, size_t off)
{
	if (p->len - off < 6)
		return -1;
	long v = 0;
	for (size_t k = off + 2; k < off + 6; k++) {
		int h = hex_value(p->s[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One escape at p->i (the backslash); appends its UTF-8 to OUT. */
static bool parse_escape(struct jp *p, char *out, size_t *o)
{
	size_t at = p->i;
	unsigned char e = p->s[at + 1];
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit = e ? strchr(from, e) : NULL;
	if (hit) {
		out[(*o)++] = to[hit - from];
		p->i += 2;
		return true;
	}
	if (e != 'u') {
		if (e > 0x20 && e < 0x7f)
			jp_error(p, at, arena_printf(p->a, "invalid escape '\\%c' in a string", e));
		else
			jp_error(p, at, "invalid escape in a string: '\\' must be followed by one of \"\\/bfnrtu");
		return false;
	}
	long v = read_u4(p, at);
	if (v < 0) {
		jp_error(p, at, "invalid \\u escape: expected 4 hex digits");
		return false;
	}
	if (v == 0) {
		jp_error(p, at, "\\u0000 is not allowed: rhc strings cannot hold NUL");
		return false;
	}
	uint32_t cp = (uint32_t)v;
	p->i += 6;
	if (v >= 0xDC00 && v <= 0xDFFF) {
		jp_error(p, at, arena_printf(p->a, "lone surrogate \\u%04lX in a string", v));
		return false;
	}
	if (v >= 0xD800 && v <= 0xDBFF) {
		long lo = p->i + 1 < p->len && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u' ?
				  read_u4(p, p->i) :
				  -1;
		if (lo < 0xDC00 || lo > 0xDFFF) {
			jp_error(p, at, arena_printf(p->a, "lone surrogate \\u%04lX in a string", v));
			return false;
		}
		cp = 0x10000 + (((uint32_t)v - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
		p->i += 6;
	}
	*o += put_utf8(out + *o, cp);
	return true;
}

/* A string at p->i (the opening quote), unescaped into the arena. */
static struct node *parse_string(struct jp *p)
{
	size_t start = p->i;
	struct node *n = new_node(p, NODE_SCALAR, start);
	/* The closing quote bounds the output: unescaping never grows text. */
	size_t end = start + 1;
	while (end < p->len && p->s[end] != '"')
		end += p->s[end] == '\\' ? 2 : 1;
	if (end > p->len)
		end = p->len;
	char *out = arena_alloc(p->a, end - start);
	size_t o = 0;
	p->i = start + 1;
	for (;;) {
		if (p->i >= p->len) {
			jp_error(p, start, "unterminated string");
			return NULL;
		}
		unsigned char c = p->s[p->i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (p->i + 1 >= p->len) {
				jp_error(p, start, "unterminated string");
				return NULL;
			}
			if (!parse_escape(p, out, &o))
				return NULL;
			continue;
		}
		if (c == '\0') {
			jp_error(p, p->i, "NUL byte in the input");
			return NULL;
		}
		if (c < 0x20) {
			jp_error(p, p->i,
				 arena_printf(p->a, "control character U+%04X must be escaped in a string", c));
			return NULL;
		}
		uint32_t cp;
		size_t k = utf8_seq(p->s + p->i, p->len - p->i, &cp);
		if (!k) {
			jp_error(p, p->i, arena_printf(p->a, "invalid UTF-8 (byte 0x%02x)", c));
			return NULL;
		}
		memcpy(out + o, p->s + p->i, k);
		o += k;
		p->i += k;
	}
	p->i++;
	out[o] = '\0';
	n->text = out;
	n->len = o;
	set_width(p, n, p->i);
	return n;
}

static struct node *parse_value(struct jp *p);

static bool same_key(const struct node *x, const struct node *y)
{
	return x->len == y->len && !memcmp(x->text, y->text, x->len);
}

static size_t key_hash(const struct node *k)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */
	for (size_t i = 0; i < k->len; i++) {
		h ^= (unsigned char)k->text[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

/* Adds KEY to the set, or returns the first key equal to it. */
static struct node *set_add(struct arena *a, struct keyset *ks, struct node *key)
{
	if (2 * (ks->used + 1) > ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 64;
		struct node **slots = arena_alloc(a, cap * sizeof(*slots));
		for (size_t i = 0; i < ks->cap; i++) {
			struct node *k = ks->slots[i];
			if (!k)
				continue;
			size_t h = key_hash(k) & (cap - 1);
			while (slots[h])
				h = (h + 1) & (cap - 1);
			slots[h] = k;
		}
		ks->slots = slots;
		ks->cap = cap;
	}
	size_t h = key_hash(key) & (ks->cap - 1);
	while (ks->slots[h]) {
		if (same_key(ks->slots[h], key))
			return ks->slots[h];
		h = (h + 1) & (ks->cap - 1);
	}
	ks->slots[h] = key;
	ks->used++;
	return NULL;
}

/* A key for a message: control characters escaped, long keys cut. */
static const char *show_key(struct arena *a, const struct node *k)
{
	size_t n = k->len > JSON_QUOTE_MAX ? JSON_QUOTE_MAX : k->len;
	while (n < k->len && n > 0 && ((unsigned char)k->text[n] & 0xC0) == 0x80)
		n--; /* do not cut a character in half */
	char *out = arena_alloc(a, n * 6 + 4);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k->text[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, 7, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	if (n < k->len)
		memcpy(out + o, "...", 4);
	else
		out[o] = '\0';
	return out;
}

/* Finds an earlier key equal to KEY among the members of M so far. */
static const struct node *find_dup(struct jp *p, struct node *m, struct keyset *ks, struct node *key)
{
	if (m->count < JSON_SCAN_MAX) {
		for (const struct node *v = m->first; v; v = v->next)
			if (same_key(v->key, key))
				return v->key;
		return NULL;
	}
	if (!ks->slots) {
		/* Outgrew the scan: index the keys so far, the first of equals. */
		for (struct node *v = m->first; v; v = v->next)
			set_add(p->a, ks, v->key);
	}
	return set_add(p->a, ks, key);
}

static bool enter(struct jp *p, size_t off)
{
	if (p->depth >= JSON_MAX_DEPTH) {
		jp_error(p, off, arena_printf(p->a, "nesting deeper than %d levels", JSON_MAX_DEPTH));
		return false;
	}
	p->depth++;
	return true;
}

static struct node *parse_object(struct jp *p)
{
	struct node *m = new_node(p, NODE_MAP, p->i);
	struct keyset ks = {0};
	if (!enter(p, p->i))
		return NULL;
	p->i++;
	skip_ws(p);
	if (p->i < p->len && p->s[p->i] == '}') {
		p->i++;
		p->depth--;
		return m;
	}
	for (;;) {
		if (p->i >= p->len || p->s[p->i] != '"') {
			jp_unexpected(p, p->i, m->count ? "a string key" : "a string key or '}'");
			return NULL;
		}
		struct node *key = parse_string(p);
		if (!key)
			return NULL;
		const struct node *first = find_dup(p, m, &ks, key);
		if (first) {
			diags_error(p->d, (struct loc){p->file, key->line, key->col, key->width}, NULL,
				    "duplicate key '%s' (first at line %d)", show_key(p->a, key), first->line);
			diags_note(p->d, (struct loc){p->file, first->line, first->col, first->width},
				   NULL, "first here");
			p->dup = true;
		}
		skip_ws(p);
		if (p->i >= p->len || p->s[p->i] != ':') {
			jp_unexpected(p, p->i, "':' after the key");
			return NULL;
		}
		p->i++;
		struct node *v = parse_value(p);
		if (!v)
			return NULL;
		v->key = key;
		node_append(m, v);
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == '}')
			break;
		if (p->i >= p->len || p->s[p->i] != ',') {
			jp_unexpected(p, p->i, "',' or '}'");
			return NULL;
		}
		size_t comma = p->i++;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == '}') {
			jp_error(p, comma, "trailing comma before '}'");
			return NULL;
		}
	}
	p->i++;
	p->depth--;
	return m;
}

static struct node *parse_array(struct jp *p)
{
	struct node *s = new_node(p, NODE_SEQ, p->i);
	if (!enter(p, p->i))
		return NULL;
	p->i++;
	skip_ws(p);
	if (p->i < p->len && p->s[p->i] == ']') {
		p->i++;
		p->depth--;
		return s;
	}
	for (;;) {
		struct node *v = parse_value(p);
		if (!v)
			return NULL;
		node_append(s, v);
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ']')
			break;
		if (p->i >= p->len || p->s[p->i] != ',') {
			jp_unexpected(p, p->i, "',' or ']'");
			return NULL;
		}
		size_t comma = p->i++;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ']') {
			jp_error(p, comma, "trailing comma before ']'");
			return NULL;
		}
	}
	p->i++;
	p->depth--;
	return s;
}

static struct node *parse_value(struct jp *p)
{
	skip_ws(p);
	if (p->i >= p->len) {
		jp_unexpected(p, p->i, "a value");
		return NULL;
	}
	unsigned char c = p->s[p->i];
	if (c == '{')
		return parse_object(p);
	if (c == '[')
		return parse_array(p);
	if (c == '"')
		return parse_string(p);
	if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))
		return parse_number(p);
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return parse_literal(p);
	jp_unexpected(p, p->i, "a value");
	return NULL;
}

struct node *json_parse(struct arena *a, const char *file, const char *data, size_t len,
			struct diags *d)
{
	struct jp p = {
		.a = a,
		.file = file,
		.s = (const unsigned char *)data,
		.len = data ? len : 0,
		.d = d,
		.pos = {.text = data},
	};
	struct node *root = parse_value(&p);
	if (root) {
		skip_ws(&p);
		if (p.i < p.len)
			jp_unexpected(&p, p.i, "end of input after the JSON value");
	}
	return p.failed || p.dup ? NULL : root;
}
