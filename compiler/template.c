#include "template.h"

#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX_DEPTH 32
#define KEY_MAX 128 /* a name segment this long or longer never resolves */

enum tok_kind { TOK_TEXT, TOK_VAR, TOK_SECTION, TOK_INVERTED, TOK_END };

/* What a tag's name refers to, decided once when the template is compiled. */
enum name_kind { NAME_PATH, NAME_DOT, NAME_FIRST, NAME_LAST, NAME_INDEX, NAME_NONE };

/* One part of a dotted name, compared as a C string key (val_get's strcmp
 * stopped at a NUL in the name, so a segment ends at its first NUL). */
struct seg {
	const char *s;
	size_t len;
};

struct tok {
	enum tok_kind kind;
	const char *s; /* text, or the name as written */
	size_t len;
	int filter; /* TOK_VAR: escape kind, or -1 for the template's own */
	size_t end; /* sections: index of the matching TOK_END */
	int line;
	int col;
	enum name_kind name;
	size_t seg; /* NAME_PATH: its first segment in template.segs */
	size_t nseg;
};

struct template {
	const char *name;
	struct tok *toks;
	size_t ntoks;
	size_t captoks;
	struct seg *segs;
	size_t nsegs;
	size_t capsegs;
};

/* Tokenizer state. */
struct compiler {
	struct template *t;
	const char *text;
	size_t len;
	struct diags *d;
	bool failed;
	struct text_pos pos; /* tags come in order: one scan for their places */
};

struct frame {
	const struct val *v;
	bool loop;
	size_t index;
	size_t count;
};

/* Per tag and run: where its name was found last. Frames below the loop
 * item (the view, an outer item) rarely change between iterations, so a
 * name found in one of them is taken from here while that frame holds the
 * same value; the dotted rest is kept for the same base. Values do not
 * change during a run, so equal pointers mean equal answers. */
struct memo {
	int depth; /* frame index + 1 of the last hit; 0: none */
	const struct val *frame;
	const struct val *hit;
	const char *key; /* hit's key string */
	const struct val *base; /* the rest of the path, resolved from base */
	const struct val *rest;
};

/* Renderer state. */
struct run {
	const struct template *t;
	enum escape_kind kind;
	struct diags *d;
	struct buf *out;
	struct memo *memo; /* one per token */
	struct frame stack[TEMPLATE_MAX_DEPTH];
	int depth;
	bool failed;
};

static struct loc tpl_loc(const struct template *t, int line, int col)
{
	return (struct loc){t->name, line, col, 0};
}

static void *grow(void *v, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 64;
	v = realloc(v, *cap * size);
	if (!v)
		abort();
	return v;
}

static void push_tok(struct template *t, struct tok tok)
{
	if (t->ntoks == t->captoks)
		t->toks = grow(t->toks, &t->captoks, sizeof(*t->toks));
	t->toks[t->ntoks++] = tok;
}

static void push_seg(struct template *t, const char *s, size_t len)
{
	if (t->nsegs == t->capsegs)
		t->segs = grow(t->segs, &t->capsegs, sizeof(*t->segs));
	const char *nul = memchr(s, '\0', len);
	t->segs[t->nsegs++] = (struct seg){s, nul ? (size_t)(nul - s) : len};
}

/* The first "CC" in S (N bytes), or NULL: memmem(s, n, "CC", 2), but
 * memchr is much cheaper for a two-byte needle. */
static const char *find_pair(const char *s, size_t n, char c)
{
	const char *end = s + n;
	while (end - s >= 2) {
		const char *p = memchr(s, c, (size_t)(end - s) - 1);
		if (!p)
			return NULL;
		if (p[1] == c)
			return p;
		s = p + 1;
	}
	return NULL;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Splits TOK's name once, so rendering compares keys without copying them. */
static void compile_name(struct template *t, struct tok *tok)
{
	const char *s = tok->s;
	size_t len = tok->len;
	if (len == 1 && s[0] == '.') {
		tok->name = NAME_DOT;
		return;
	}
	if (s[0] == '@') {
		tok->name = len == 6 && !memcmp(s, "@first", 6)	  ? NAME_FIRST
			    : len == 5 && !memcmp(s, "@last", 5)  ? NAME_LAST
			    : len == 6 && !memcmp(s, "@index", 6) ? NAME_INDEX
								  : NAME_NONE;
		return;
	}
	tok->name = NAME_PATH;
	tok->seg = t->nsegs;
	for (size_t start = 0;;) {
		const char *dot = memchr(s + start, '.', len - start);
		size_t end = dot ? (size_t)(dot - s) : len;
		if (end - start >= KEY_MAX) {
			tok->name = NAME_NONE;
			t->nsegs = tok->seg;
			return;
		}
		push_seg(t, s + start, end - start);
		if (!dot)
			break;
		start = end + 1;
	}
	tok->nseg = t->nsegs - tok->seg;
}

/* Splits the template into tokens and pairs sections with their ends. */
static bool tokenize(struct compiler *c)
{
	struct template *t = c->t;
	const char *text = c->text;
	size_t len = c->len;
	size_t pos = 0, open[TEMPLATE_MAX_DEPTH];
	int nopen = 0;
	while (pos < len) {
		const char *tag = find_pair(text + pos, len - pos, '{');
		if (!tag) {
			push_tok(t, (struct tok){.kind = TOK_TEXT, .s = text + pos, .len = len - pos});
			break;
		}
		size_t at = (size_t)(tag - text);
		struct loc where = text_pos_at(&c->pos, NULL, at);
		int line = where.line, col = where.col;
		const char *close = find_pair(tag + 2, len - at - 2, '}');
		if (!close) {
			diags_error(c->d, tpl_loc(t, line, col), NULL, "unclosed '{{'");
			return false;
		}
		size_t after = (size_t)(close - text) + 2;
		const char *in = tag + 2, *in_end = close;
		while (in < in_end && *in == ' ')
			in++;
		while (in_end > in && in_end[-1] == ' ')
			in_end--;
		char sigil = in < in_end ? *in : '\0';
		bool block = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
		/* A block tag alone on its line takes the whole line with it. */
		size_t ls = at, le = after;
		bool standalone = false;
		if (block) {
			while (ls > 0 && text[ls - 1] != '\n')
				ls--;
			while (le < len && text[le] != '\n')
				le++;
			standalone = ls >= pos && is_blank(text + ls, at - ls) &&
				     is_blank(text + after, le - after);
		}
		size_t text_end = standalone ? ls : at;
		if (text_end > pos)
			push_tok(t, (struct tok){.kind = TOK_TEXT, .s = text + pos, .len = text_end - pos});
		pos = standalone ? (le < len ? le + 1 : le) : after;
		if (sigil == '!')
			continue;
		if (block)
			in++;
		while (in < in_end && *in == ' ')
			in++;
		struct tok tok = {TOK_VAR, in, (size_t)(in_end - in), -1, 0, line, col, NAME_NONE, 0, 0};
		const char *bar = memchr(in, '|', tok.len);
		if (bar && !block) {
			const char *f = bar + 1;
			while (f < in_end && *f == ' ')
				f++;
			tok.len = (size_t)(bar - in);
			while (tok.len && in[tok.len - 1] == ' ')
				tok.len--;
			tok.filter = escape_kind_by_name(f, (size_t)(in_end - f));
			if (tok.filter < 0) {
				diags_error(c->d, tpl_loc(t, line, col), NULL, "unknown escaping '%.*s'",
					    (int)(in_end - f), f);
				c->failed = true;
			}
		}
		if (!tok.len) {
			diags_error(c->d, tpl_loc(t, line, col), NULL, "empty tag");
			c->failed = true;
			continue;
		}
		if (sigil == '#' || sigil == '^') {
			tok.kind = sigil == '#' ? TOK_SECTION : TOK_INVERTED;
			if (nopen == TEMPLATE_MAX_DEPTH) {
				diags_error(c->d, tpl_loc(t, line, col), NULL, "sections nested too deep");
				return false;
			}
			open[nopen++] = t->ntoks;
		} else if (sigil == '/') {
			tok.kind = TOK_END;
			if (!nopen) {
				diags_error(c->d, tpl_loc(t, line, col), NULL,
					    "'{{/%.*s}}' closes no open section", (int)tok.len, tok.s);
				return false;
			}
			struct tok *o = &t->toks[open[--nopen]];
			if (o->len != tok.len || memcmp(o->s, tok.s, tok.len)) {
				diags_error(c->d, tpl_loc(t, line, col), NULL,
					    "'{{/%.*s}}' closes '%.*s' (opened at line %d)", (int)tok.len,
					    tok.s, (int)o->len, o->s, o->line);
				return false;
			}
			o->end = t->ntoks;
		}
		if (tok.kind != TOK_END)
			compile_name(t, &tok);
		push_tok(t, tok);
	}
	if (nopen) {
		const struct tok *o = &t->toks[open[nopen - 1]];
		diags_error(c->d, tpl_loc(t, o->line, o->col), NULL, "section '%.*s' is never closed",
			    (int)o->len, o->s);
		return false;
	}
	return true;
}

struct template *template_compile(const char *name, const char *text, size_t len, struct diags *d)
{
	struct template *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->name = name;
	struct compiler c = {.t = t, .text = text, .len = len, .d = d, .pos = {.text = text}};
	if (!tokenize(&c) || c.failed) {
		template_free(t);
		return NULL;
	}
	return t;
}

void template_free(struct template *t)
{
	if (!t)
		return;
	free(t->toks);
	free(t->segs);
	free(t);
}

static void tpl_error(struct run *r, const struct tok *tok, const char *msg)
{
	diags_error(r->d, tpl_loc(r->t, tok->line, tok->col), NULL, "'%.*s': %s", (int)tok->len,
		    tok->s, msg);
	r->failed = true;
}

/* Whether C string K equals KEY (which holds no NUL, so a match never
 * reads past K's end). */
static bool key_is(const char *k, const struct seg *key)
{
	size_t i = 0;
	while (i < key->len && k[i] == key->s[i])
		i++;
	return i == key->len && !k[i];
}

/* Member KEY of map M, or NULL: val_get without a NUL-terminated copy of the
 * key. SEEN is a key string already known to equal KEY, or NULL (members
 * of a map always have a key): sibling maps, such as the items of one
 * list, usually share their key strings. */
static const struct val *member(const struct val *m, const struct seg *key, const char *seen)
{
	if (!m || m->kind != VAL_MAP)
		return NULL;
	for (const struct val *v = m->first; v; v = v->next)
		if (v->key == seen || key_is(v->key, key))
			return v;
	return NULL;
}

/* @first, @last, @index of the innermost loop, or NULL outside one. */
static const struct val *loop_var(const struct run *r, enum name_kind name, struct val *scratch)
{
	for (int i = r->depth - 1; i >= 0; i--) {
		const struct frame *f = &r->stack[i];
		if (!f->loop)
			continue;
		if (name == NAME_INDEX)
			*scratch = (struct val){.kind = VAL_INT, .i = (long long)f->index};
		else
			*scratch = (struct val){.kind = VAL_BOOL,
						.b = name == NAME_FIRST ? f->index == 0
									: f->index + 1 == f->count};
		return scratch;
	}
	return NULL;
}

/* The first segment, from the innermost frame outwards. */
static const struct val *lookup_first(struct run *r, const struct seg *key, struct memo *m)
{
	for (int i = r->depth - 1; i >= 0; i--) {
		const struct val *f = r->stack[i].v;
		if (i + 1 == m->depth && f == m->frame)
			return m->hit;
		const struct val *v = member(f, key, m->key);
		if (v) {
			*m = (struct memo){i + 1, f, v, v->key, NULL, NULL};
			return v;
		}
	}
	return NULL;
}

static const struct val *lookup(struct run *r, const struct tok *tok, struct val *scratch)
{
	switch (tok->name) {
	case NAME_DOT:
		return r->depth ? r->stack[r->depth - 1].v : NULL;
	case NAME_FIRST:
	case NAME_LAST:
	case NAME_INDEX:
		return loop_var(r, tok->name, scratch);
	case NAME_NONE:
		return NULL;
	case NAME_PATH:
		break;
	}
	const struct seg *segs = &r->t->segs[tok->seg];
	struct memo *m = &r->memo[tok - r->t->toks];
	const struct val *v = lookup_first(r, segs, m);
	if (!v || tok->nseg == 1)
		return v;
	if (v != m->base) {
		m->base = v;
		for (size_t i = 1; v && i < tok->nseg; i++)
			v = member(v, &segs[i], NULL);
		m->rest = v;
	}
	return m->rest;
}

static bool truthy(const struct val *v)
{
	switch (v->kind) {
	case VAL_BOOL:
		return v->b;
	case VAL_INT:
		return v->i != 0;
	case VAL_STR:
		return v->len > 0;
	case VAL_LIST:
		return v->count > 0;
	case VAL_MAP:
		return true;
	default:
		return false;
	}
}

static bool push(struct run *r, const struct tok *tok, struct frame f)
{
	if (r->depth == TEMPLATE_MAX_DEPTH) {
		tpl_error(r, tok, "sections nested too deep");
		return false;
	}
	r->stack[r->depth++] = f;
	return true;
}

static void run(struct run *r, size_t from, size_t to);

static void run_section(struct run *r, const struct tok *tok, size_t body, size_t end)
{
	struct val scratch;
	const struct val *v = lookup(r, tok, &scratch);
	if (!v) {
		tpl_error(r, tok, "unknown name");
		return;
	}
	if (tok->kind == TOK_INVERTED) {
		if (!truthy(v))
			run(r, body, end);
		return;
	}
	if (!truthy(v))
		return;
	if (v->kind == VAL_LIST) {
		size_t i = 0;
		for (const struct val *item = v->first; item; item = item->next, i++) {
			if (!push(r, tok, (struct frame){item, true, i, v->count}))
				return;
			run(r, body, end);
			r->depth--;
		}
	} else if (v->kind == VAL_MAP || v->kind == VAL_STR) {
		if (!push(r, tok, (struct frame){v, false, 0, 0}))
			return;
		run(r, body, end);
		r->depth--;
	} else {
		run(r, body, end);
	}
}

static void run_var(struct run *r, const struct tok *tok)
{
	struct val scratch;
	const struct val *v = lookup(r, tok, &scratch);
	enum escape_kind kind = tok->filter >= 0 ? (enum escape_kind)tok->filter : r->kind;
	if (!v)
		tpl_error(r, tok, "unknown name");
	else if (v->kind == VAL_LIST || v->kind == VAL_MAP || v->kind == VAL_NULL)
		tpl_error(r, tok, "not a scalar; use a section to walk it");
	else if (!escape_value(r->out, kind, v))
		diags_error(r->d, tpl_loc(r->t, tok->line, tok->col), NULL,
			    "'%.*s': the value cannot be written in %s context", (int)tok->len, tok->s,
			    escape_kind_name(kind)),
			r->failed = true;
}

static void run(struct run *r, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct tok *tok = &r->t->toks[i];
		switch (tok->kind) {
		case TOK_TEXT:
			buf_put(r->out, tok->s, tok->len);
			break;
		case TOK_VAR:
			run_var(r, tok);
			break;
		case TOK_SECTION:
		case TOK_INVERTED:
			run_section(r, tok, i + 1, tok->end);
			i = tok->end;
			break;
		case TOK_END:
			break;
		}
	}
}

bool template_run(const struct template *t, enum escape_kind kind,
		  const struct val *const *scopes, size_t nscopes, struct buf *out, struct diags *d)
{
	struct run r = {.t = t, .kind = kind, .d = d, .out = out};
	r.memo = calloc(t->ntoks ? t->ntoks : 1, sizeof(*r.memo));
	if (!r.memo)
		abort();
	if (nscopes > TEMPLATE_MAX_DEPTH / 2)
		nscopes = TEMPLATE_MAX_DEPTH / 2;
	for (size_t i = 0; i < nscopes; i++)
		r.stack[r.depth++] = (struct frame){scopes[i], false, 0, 0};
	run(&r, 0, t->ntoks);
	free(r.memo);
	return !r.failed;
}

bool template_render(const char *name, const char *text, size_t len, enum escape_kind kind,
		     const struct val *const *scopes, size_t nscopes, struct buf *out,
		     struct diags *d)
{
	struct template *t = template_compile(name, text, len, d);
	if (!t)
		return false;
	bool ok = template_run(t, kind, scopes, nscopes, out, d);
	template_free(t);
	return ok;
}
