/* The fast front end (load_fast.h): the block-style YAML subset specs are
 * written in, scanned line by line into the tree builder. libfyaml's event
 * parse is most of the time `rhc build` spends on a large spec; this reads
 * the same bytes at hundreds of MB/s. It either builds exactly the tree
 * load.c's libfyaml reader builds (kinds, plain flag, text, line and column
 * of every node and key) or answers "unsupported" and libfyaml parses the
 * input instead. It never reports a diagnostic: anything it does not know
 * to be right is unsupported, and libfyaml says what is wrong.
 * fuzz/fuzz_load_fast.c checks the two trees against each other.
 *
 * The subset:
 *  - lines end in LF; blank lines; comments on a line of their own or after
 *    a space (tabs allowed in them); indentation by spaces;
 *  - a root block mapping (any indentation) of plain keys [A-Za-z0-9_.-]
 *    (not starting with '-' or '.') each followed by ':' and a space or the
 *    line end;
 *  - block sequences of '- ' items, also as the value of a key at the key's
 *    indentation; an item may open a mapping or another sequence on its own
 *    line ('- name: x', '- - a');
 *  - a value (of a key or an item) on the rest of the line: a plain scalar,
 *    a single-quoted (without '') or double-quoted (without backslash)
 *    scalar, or a flow collection closed on that line: [a, "b", [c]],
 *    {k: v}, [], {} (flow keys as block keys; flow plain scalars without
 *    ':' or '#');
 *  - an empty value ('key:' or '-' with nothing after it on its line and no
 *    deeper block below it): an empty plain scalar with no location, as
 *    libfyaml gives it (the tree places it).
 * Unsupported, so left to libfyaml: CR anywhere, tabs but in comments, other
 * control characters; C1 controls, U+2028, U+2029, U+FEFF, noncharacters;
 * document markers and directives; anchors, aliases and tags; block scalars
 * (| >); scalars over several lines; '' in single quotes (libfyaml's text
 * for it is wrong, see single_quoted); quoted or complex keys; plain scalars
 * that start with an indicator (- ? : , [ ] { } # & * ! | > ' " % @ `) or
 * hold ': ' or end in ':'; a double-quoted backslash; flow collections over
 * several lines or with a trailing comma; a value on the line below its key
 * or '-'; an empty item of a sequence at its key's indentation (libfyaml
 * rejects it); nesting past LOAD_MAX_DEPTH; anything libfyaml rejects.
 *
 * Locations are libfyaml's marks as load.c reports them: a block mapping at
 * its first key, a block sequence at its first '-', a flow collection at its
 * bracket, a scalar at its first character (a quoted one at its opening
 * quote), columns counted in characters. */
#include "load_fast.h"

/* Byte classes: each scan loop runs over the bytes outside its mask. */
enum {
	C_PLAIN = 1, /* ends or needs a look in a plain scalar, block context */
	C_FLOW = 2, /* the same in a flow collection */
	C_DQ = 4, /* inside double quotes */
	C_SQ = 8, /* inside single quotes */
	C_COMMENT = 16,
	C_KEY = 32, /* may be part of a key */
	C_NOSTART = 64, /* cannot start a plain scalar */
};

/* control characters (LF included) end every scan but a tab's in a comment,
 * where it moves nothing; multi-byte characters stop every scan to be
 * checked */
#define CTRL (C_PLAIN | C_FLOW | C_DQ | C_SQ | C_COMMENT | C_NOSTART)
#define TAB (C_PLAIN | C_FLOW | C_DQ | C_SQ | C_NOSTART)
#define HIGH (C_PLAIN | C_FLOW | C_DQ | C_SQ | C_COMMENT)
#define K C_KEY
#define R8(b, v) [b] = v, [b + 1] = v, [b + 2] = v, [b + 3] = v, [b + 4] = v, [b + 5] = v, \
		 [b + 6] = v, [b + 7] = v
#define R16(b, v) R8(b, v), R8(b + 8, v)

static const unsigned char cls[256] = {
	R8(0x00, CTRL), ['\t'] = TAB, ['\n'] = CTRL, [0x0B] = CTRL, [0x0C] = CTRL, [0x0D] = CTRL,
	[0x0E] = CTRL, [0x0F] = CTRL, R16(0x10, CTRL),
	[' '] = C_NOSTART, ['!'] = C_NOSTART, ['"'] = C_NOSTART | C_DQ,
	['#'] = C_PLAIN | C_FLOW | C_NOSTART, ['%'] = C_NOSTART, ['&'] = C_NOSTART,
	['\''] = C_NOSTART | C_SQ, ['*'] = C_NOSTART, [','] = C_FLOW | C_NOSTART,
	['-'] = K | C_NOSTART, ['.'] = K,
	R8('0', K), ['8'] = K, ['9'] = K,
	[':'] = C_PLAIN | C_FLOW | C_NOSTART, ['>'] = C_NOSTART, ['?'] = C_NOSTART,
	['@'] = C_NOSTART,
	R8('A', K), R8('I', K), R8('Q', K), ['Y'] = K, ['Z'] = K,
	['['] = C_FLOW | C_NOSTART, ['\\'] = C_DQ, [']'] = C_FLOW | C_NOSTART, ['_'] = K,
	['`'] = C_NOSTART,
	R8('a', K), R8('i', K), R8('q', K), ['y'] = K, ['z'] = K,
	['{'] = C_FLOW | C_NOSTART, ['|'] = C_NOSTART, ['}'] = C_FLOW | C_NOSTART,
	[0x7F] = CTRL,
	R16(0x80, HIGH), R16(0x90, HIGH), R16(0xA0, HIGH), R16(0xB0, HIGH),
	R16(0xC0, HIGH), R16(0xD0, HIGH), R16(0xE0, HIGH), R16(0xF0, HIGH),
};

/* An open block collection: its entries start at column INDENT + 1. */
struct block {
	int indent;
	enum node_kind kind;
};

struct scan {
	struct tree *t;
	const char *end;
	const char *bol; /* start of the current line */
	int line;
	bool wide; /* a multi-byte character was read on this line */
	const char *mark; /* col_of's last position on this line, and its column */
	int mark_col;
	bool pending; /* the innermost block awaits a value: after 'key:' or '-' */
	struct block blocks[LOAD_MAX_DEPTH + 1];
	int nblocks;
};

static unsigned char_class(const char *p)
{
	return cls[(unsigned char)*p];
}

/* The 1-based column of P on the current line, in characters. Nodes are
 * located in increasing order, so counting goes on from the last one. */
static int col_of(struct scan *s, const char *p)
{
	if (!s->wide)
		return (int)(p - s->bol) + 1;
	if (p < s->mark) {
		s->mark = s->bol;
		s->mark_col = 1;
	}
	for (; s->mark < p; s->mark++)
		s->mark_col += ((unsigned char)*s->mark & 0xC0) != 0x80;
	return s->mark_col;
}

/* The multi-byte character at *PP: true, and *PP past it, when libfyaml
 * reads it as an ordinary printable character one column wide. NEL, LS and
 * PS can be line breaks to it, a BOM is special, controls are not text. */
static bool wide_char(struct scan *s, const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	size_t n;
	unsigned cp;
	if ((p[0] & 0xE0) == 0xC0)
		n = 2, cp = p[0] & 0x1F;
	else if ((p[0] & 0xF0) == 0xE0)
		n = 3, cp = p[0] & 0x0F;
	else if ((p[0] & 0xF8) == 0xF0)
		n = 4, cp = p[0] & 0x07;
	else
		return false;
	if ((size_t)(s->end - *pp) < n)
		return false;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return false;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp & 0xFFFE) == 0xFFFE ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return false;
	s->wide = true;
	*pp += n;
	return true;
}

/* The first byte from P in MASK that is not a good multi-byte character,
 * or the end. */
static const char *scan_class(struct scan *s, const char *p, unsigned mask)
{
	for (;;) {
		while (p < s->end && !(char_class(p) & mask))
			p++;
		if (p == s->end || (unsigned char)*p < 0x80 || !wide_char(s, &p))
			return p;
	}
}

static const char *skip_spaces(const struct scan *s, const char *p)
{
	while (p < s->end && *p == ' ')
		p++;
	return p;
}

static bool at_line_end(const struct scan *s, const char *p)
{
	return p == s->end || *p == '\n' || *p == '#';
}

/* '-' followed by a space or the line end: a block sequence item. */
static bool is_dash(const struct scan *s, const char *p)
{
	return p < s->end && *p == '-' && (p + 1 == s->end || p[1] == ' ' || p[1] == '\n');
}

/* The length of the key at P when P starts 'key:' followed by a space or
 * the line end, else 0. */
static size_t key_len(const struct scan *s, const char *p)
{
	if (p == s->end || !(char_class(p) & C_KEY) || *p == '-' || *p == '.')
		return 0;
	const char *q = p;
	while (q < s->end && (char_class(q) & C_KEY))
		q++;
	if (q == s->end || *q != ':' || (q + 1 < s->end && q[1] != ' ' && q[1] != '\n'))
		return 0;
	return (size_t)(q - p);
}

static bool scalar(struct scan *s, const char *text, size_t len, bool plain, const char *at)
{
	int col = col_of(s, at);
	/* the end is found by the same cursor: it moves forward only */
	int width = col_of(s, text + len + !plain) - col;
	return tree_scalar(s->t, text, len, plain, s->line, col, width);
}

/* The innermost block is a sequence at the indentation of the key it is
 * the value of. */
static bool compact_sequence(const struct scan *s)
{
	const struct block *b = s->blocks;
	int n = s->nblocks;
	return n >= 2 && b[n - 1].kind == NODE_SEQ && b[n - 2].kind == NODE_MAP &&
	       b[n - 1].indent == b[n - 2].indent;
}

/* A value written as nothing: libfyaml gives it no location. It rejects an
 * empty item in a sequence at its key's indentation ("did not find expected
 * node content"), so that is unsupported. */
static bool empty_value(struct scan *s)
{
	return !compact_sequence(s) && tree_scalar(s->t, "", 0, true, 0, 0, 0);
}

static bool open_node(struct scan *s, enum node_kind kind, const char *at)
{
	/* past the depth limit the tree reports an error: libfyaml's path does */
	if (s->t->depth >= LOAD_MAX_DEPTH)
		return false;
	return tree_open(s->t, kind, s->line, col_of(s, at));
}

static bool push_block(struct scan *s, enum node_kind kind, int indent, const char *at)
{
	if (!open_node(s, kind, at))
		return false;
	s->blocks[s->nblocks++] = (struct block){indent, kind};
	return true;
}

static bool pop_block(struct scan *s)
{
	s->nblocks--;
	return tree_close(s->t);
}

/* A plain scalar from P to the end of its line (or a comment), block
 * context: where its text ends, or NULL. */
static const char *plain_block(struct scan *s, const char *p)
{
	const char *q = p;
	for (;;) {
		q = scan_class(s, q, C_PLAIN);
		if (q == s->end || *q == '\n')
			break;
		if (*q == ':' && q + 1 < s->end && q[1] != ' ' && q[1] != '\n') {
			q++; /* nginx:1.14: ':' then a space or the end would be a key */
			continue;
		}
		if (*q == '#' && q[-1] != ' ') {
			q++; /* a#b; ' #' starts a comment */
			continue;
		}
		if (*q == '#')
			break;
		return NULL;
	}
	while (q > p && q[-1] == ' ')
		q--;
	return q;
}

/* A plain scalar inside a flow collection: it ends at ',' or a closing
 * bracket. */
static const char *plain_flow(struct scan *s, const char *p)
{
	const char *q = scan_class(s, p, C_FLOW);
	if (q == s->end || (*q != ',' && *q != ']' && *q != '}'))
		return NULL;
	while (q > p && q[-1] == ' ')
		q--;
	return q;
}

static const char *double_quoted(struct scan *s, const char *p)
{
	const char *q = scan_class(s, p + 1, C_DQ);
	if (q == s->end || *q != '"')
		return NULL; /* a backslash, a line end, a control character */
	return scalar(s, p + 1, (size_t)(q - p - 1), false, p) ? q + 1 : NULL;
}

/* A single-quoted scalar without '' in it: libfyaml's text for runs of ''
 * is not what YAML says (load.c's reader gets 13 quotes for 7 written as 16,
 * found by fuzz_load_fast), and the scanner must give what load.c gets. */
static const char *single_quoted(struct scan *s, const char *p)
{
	const char *q = scan_class(s, p + 1, C_SQ);
	if (q == s->end || *q != '\'' || (q + 1 < s->end && q[1] == '\''))
		return NULL;
	return scalar(s, p + 1, (size_t)(q - p - 1), false, p) ? q + 1 : NULL;
}

static const char *value(struct scan *s, const char *p, bool flow);

/* A flow collection on one line from its bracket at P: past its closing
 * bracket, or NULL. */
static const char *flow_collection(struct scan *s, const char *p)
{
	bool map = *p == '{';
	char close = map ? '}' : ']';
	if (!open_node(s, map ? NODE_MAP : NODE_SEQ, p))
		return NULL;
	p = skip_spaces(s, p + 1);
	if (p < s->end && *p == close)
		return tree_close(s->t) ? p + 1 : NULL;
	for (;;) {
		if (map) {
			size_t k = key_len(s, p);
			if (!k || !scalar(s, p, k, true, p))
				return NULL;
			p = skip_spaces(s, p + k + 1);
		}
		if (p == s->end || !(p = value(s, p, true)))
			return NULL;
		p = skip_spaces(s, p);
		if (p < s->end && *p == close)
			return tree_close(s->t) ? p + 1 : NULL;
		if (p == s->end || *p != ',')
			return NULL;
		p = skip_spaces(s, p + 1);
		if (p == s->end || *p == close)
			return NULL; /* a trailing comma */
	}
}

/* A scalar or flow collection at P (not the line end): past it, or NULL. */
static const char *value(struct scan *s, const char *p, bool flow)
{
	switch (*p) {
	case '"':
		return double_quoted(s, p);
	case '\'':
		return single_quoted(s, p);
	case '[':
	case '{':
		return flow_collection(s, p);
	default:
		break;
	}
	if (char_class(p) & C_NOSTART)
		return NULL;
	const char *e = flow ? plain_flow(s, p) : plain_block(s, p);
	return e && scalar(s, p, (size_t)(e - p), true, p) ? e : NULL;
}

/* The line's entry, a key when KIND is a mapping or a '-' item when a
 * sequence, starts at column INDENT (0-based): close and open blocks so that
 * it continues the block it belongs to. False when it belongs to none. */
static bool place(struct scan *s, enum node_kind kind, int indent, const char *at)
{
	if (s->pending) {
		const struct block *top = &s->blocks[s->nblocks - 1];
		s->pending = false;
		/* the awaited value: a deeper block, or a sequence at its key's indentation */
		if (indent > top->indent || (kind == NODE_SEQ && top->kind == NODE_MAP && indent == top->indent))
			return push_block(s, kind, indent, at);
		if (!empty_value(s))
			return false;
	}
	if (!s->nblocks)
		return !s->t->root && kind == NODE_MAP && push_block(s, kind, indent, at);
	while (s->nblocks && s->blocks[s->nblocks - 1].indent > indent)
		if (!pop_block(s))
			return false;
	/* a sequence at its key's indentation ends at the next key */
	if (kind == NODE_MAP && compact_sequence(s) && s->blocks[s->nblocks - 1].indent == indent &&
	    !pop_block(s))
		return false;
	const struct block *top = s->nblocks ? &s->blocks[s->nblocks - 1] : NULL;
	return top && top->indent == indent && top->kind == kind;
}

static const char *entry(struct scan *s, const char *p, int indent);

/* After '-' at P: the item's value on this line, or a block opening on it,
 * or nothing (the value follows below, or is empty). */
static const char *item(struct scan *s, const char *p)
{
	p = skip_spaces(s, p + 1);
	s->pending = true;
	if (at_line_end(s, p))
		return p;
	if (is_dash(s, p) || key_len(s, p))
		return entry(s, p, (int)(p - s->bol));
	s->pending = false;
	return value(s, p, false);
}

/* 'key:' at P (K bytes of key) and what follows on the line. */
static const char *pair(struct scan *s, const char *p, size_t k)
{
	if (!scalar(s, p, k, true, p))
		return NULL;
	p = skip_spaces(s, p + k + 1);
	if (at_line_end(s, p)) {
		s->pending = true;
		return p;
	}
	return value(s, p, false);
}

/* An entry ('-' item or 'key:') at column INDENT, P its first byte. */
static const char *entry(struct scan *s, const char *p, int indent)
{
	if (is_dash(s, p))
		return place(s, NODE_SEQ, indent, p) ? item(s, p) : NULL;
	size_t k = key_len(s, p);
	return k && place(s, NODE_MAP, indent, p) ? pair(s, p, k) : NULL;
}

/* After the line's content at P: spaces, a comment, the line end. Returns
 * the start of the next line, or NULL. */
static const char *end_of_line(struct scan *s, const char *p)
{
	p = skip_spaces(s, p);
	if (p < s->end && *p == '#') {
		if (p > s->bol && p[-1] != ' ')
			return NULL; /* "a"#b, [a]#b */
		p = scan_class(s, p + 1, C_COMMENT);
	}
	if (p == s->end)
		return p;
	if (*p != '\n')
		return NULL;
	s->line++;
	return p + 1;
}

static const char *scan_line(struct scan *s, const char *p)
{
	s->bol = s->mark = p;
	s->mark_col = 1;
	s->wide = false;
	const char *c = skip_spaces(s, p);
	if (!at_line_end(s, c) && !(c = entry(s, c, (int)(c - p))))
		return NULL;
	return end_of_line(s, c);
}

static bool finish(struct scan *s)
{
	if (s->pending && !empty_value(s))
		return false;
	while (s->nblocks)
		if (!pop_block(s))
			return false;
	return s->t->root != NULL;
}

bool load_fast(struct tree *t, const char *data, size_t len)
{
	struct scan s = {.t = t, .end = data + len, .line = 1};
	const char *p = data;
	while (p && p < s.end)
		p = scan_line(&s, p);
	return p && finish(&s) && !t->failed;
}
