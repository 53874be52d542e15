#include "template.h"

#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX_DEPTH 32

enum tok_kind { TOK_TEXT, TOK_VAR, TOK_SECTION, TOK_INVERTED, TOK_END };

struct tok {
	enum tok_kind kind;
	const char *s; /* text, or the name */
	size_t len;
	int filter; /* TOK_VAR: escape kind, or -1 for the template's own */
	size_t end; /* sections: index of the matching TOK_END */
	int line;
	int col;
};

struct toks {
	struct tok *v;
	size_t n;
	size_t cap;
};

struct frame {
	const struct val *v;
	bool loop;
	size_t index;
	size_t count;
};

struct tpl {
	const char *name;
	const char *text;
	size_t len;
	enum escape_kind kind;
	struct diags *d;
	struct buf *out;
	struct toks toks;
	struct frame stack[TEMPLATE_MAX_DEPTH];
	int depth;
	bool failed;
	size_t pos_off; /* pos_of's cursor */
	int pos_line;
	int pos_col;
};

static struct loc tpl_loc(const struct tpl *t, int line, int col)
{
	return (struct loc){t->name, line, col};
}

static void push_tok(struct tpl *t, struct tok tok)
{
	if (t->toks.n == t->toks.cap) {
		size_t cap = t->toks.cap ? t->toks.cap * 2 : 64;
		struct tok *v = realloc(t->toks.v, cap * sizeof(*v));
		if (!v)
			abort();
		t->toks.v = v;
		t->toks.cap = cap;
	}
	t->toks.v[t->toks.n++] = tok;
}

/* Line and column of byte OFF. Tags come in order, so each call goes on
 * from the previous one instead of rescanning the template from its start. */
static void pos_of(struct tpl *t, size_t off, int *line, int *col)
{
	if (off < t->pos_off || !t->pos_line)
		t->pos_off = 0, t->pos_line = 1, t->pos_col = 1;
	for (size_t i = t->pos_off; i < off; i++) {
		if (t->text[i] == '\n')
			t->pos_line++, t->pos_col = 1;
		else if (((unsigned char)t->text[i] & 0xC0) != 0x80)
			t->pos_col++; /* columns count characters, as in spec diagnostics */
	}
	t->pos_off = off;
	*line = t->pos_line, *col = t->pos_col;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Splits the template into tokens and pairs sections with their ends. */
static bool tokenize(struct tpl *t)
{
	size_t pos = 0, open[TEMPLATE_MAX_DEPTH];
	int nopen = 0;
	while (pos < t->len) {
		const char *tag = memmem(t->text + pos, t->len - pos, "{{", 2);
		if (!tag) {
			push_tok(t, (struct tok){TOK_TEXT, t->text + pos, t->len - pos, -1, 0, 0, 0});
			break;
		}
		size_t at = (size_t)(tag - t->text);
		int line, col;
		pos_of(t, at, &line, &col);
		const char *close = memmem(tag + 2, t->len - at - 2, "}}", 2);
		if (!close) {
			diags_error(t->d, tpl_loc(t, line, col), NULL, "unclosed '{{'");
			return false;
		}
		size_t after = (size_t)(close - t->text) + 2;
		const char *in = tag + 2, *in_end = close;
		while (in < in_end && *in == ' ')
			in++;
		while (in_end > in && in_end[-1] == ' ')
			in_end--;
		char sigil = in < in_end ? *in : '\0';
		bool block = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
		/* A block tag alone on its line takes the whole line with it. */
		size_t ls = at;
		while (ls > 0 && t->text[ls - 1] != '\n')
			ls--;
		size_t le = after;
		while (le < t->len && t->text[le] != '\n')
			le++;
		bool standalone = block && ls >= pos && is_blank(t->text + ls, at - ls) &&
				  is_blank(t->text + after, le - after);
		size_t text_end = standalone ? ls : at;
		if (text_end > pos)
			push_tok(t, (struct tok){TOK_TEXT, t->text + pos, text_end - pos, -1, 0, 0, 0});
		pos = standalone ? (le < t->len ? le + 1 : le) : after;
		if (sigil == '!')
			continue;
		if (block)
			in++;
		while (in < in_end && *in == ' ')
			in++;
		struct tok tok = {TOK_VAR, in, (size_t)(in_end - in), -1, 0, line, col};
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
				diags_error(t->d, tpl_loc(t, line, col), NULL, "unknown escaping '%.*s'",
					    (int)(in_end - f), f);
				t->failed = true;
			}
		}
		if (!tok.len) {
			diags_error(t->d, tpl_loc(t, line, col), NULL, "empty tag");
			t->failed = true;
			continue;
		}
		if (sigil == '#' || sigil == '^') {
			tok.kind = sigil == '#' ? TOK_SECTION : TOK_INVERTED;
			if (nopen == TEMPLATE_MAX_DEPTH) {
				diags_error(t->d, tpl_loc(t, line, col), NULL, "sections nested too deep");
				return false;
			}
			open[nopen++] = t->toks.n;
		} else if (sigil == '/') {
			tok.kind = TOK_END;
			if (!nopen) {
				diags_error(t->d, tpl_loc(t, line, col), NULL,
					    "'{{/%.*s}}' closes no open section", (int)tok.len, tok.s);
				return false;
			}
			struct tok *o = &t->toks.v[open[--nopen]];
			if (o->len != tok.len || memcmp(o->s, tok.s, tok.len)) {
				diags_error(t->d, tpl_loc(t, line, col), NULL,
					    "'{{/%.*s}}' closes '%.*s' (opened at line %d)", (int)tok.len,
					    tok.s, (int)o->len, o->s, o->line);
				return false;
			}
			o->end = t->toks.n;
		}
		push_tok(t, tok);
	}
	if (nopen) {
		const struct tok *o = &t->toks.v[open[nopen - 1]];
		diags_error(t->d, tpl_loc(t, o->line, o->col), NULL, "section '%.*s' is never closed",
			    (int)o->len, o->s);
		return false;
	}
	return true;
}

static void tpl_error(struct tpl *t, const struct tok *tok, const char *msg)
{
	diags_error(t->d, tpl_loc(t, tok->line, tok->col), NULL, "'%.*s': %s", (int)tok->len, tok->s,
		    msg);
	t->failed = true;
}

static const struct val *lookup(struct tpl *t, const struct tok *tok, struct val *scratch)
{
	const char *name = tok->s;
	size_t len = tok->len;
	if (len == 1 && name[0] == '.')
		return t->depth ? t->stack[t->depth - 1].v : NULL;
	if (name[0] == '@') {
		for (int i = t->depth - 1; i >= 0; i--) {
			const struct frame *f = &t->stack[i];
			if (!f->loop)
				continue;
			*scratch = (struct val){.kind = VAL_BOOL};
			if (len == 6 && !memcmp(name, "@first", 6))
				scratch->b = f->index == 0;
			else if (len == 5 && !memcmp(name, "@last", 5))
				scratch->b = f->index + 1 == f->count;
			else if (len == 6 && !memcmp(name, "@index", 6))
				*scratch = (struct val){.kind = VAL_INT, .i = (long long)f->index};
			else
				return NULL;
			return scratch;
		}
		return NULL;
	}
	size_t seg = 0;
	while (seg < len && name[seg] != '.')
		seg++;
	char key[128];
	if (seg >= sizeof(key))
		return NULL;
	memcpy(key, name, seg);
	key[seg] = '\0';
	const struct val *v = NULL;
	for (int i = t->depth - 1; i >= 0 && !v; i--)
		v = val_get(t->stack[i].v, key);
	while (v && seg < len) {
		size_t start = seg + 1, end = start;
		while (end < len && name[end] != '.')
			end++;
		if (end - start >= sizeof(key))
			return NULL;
		memcpy(key, name + start, end - start);
		key[end - start] = '\0';
		v = val_get(v, key);
		seg = end;
	}
	return v;
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

static bool push(struct tpl *t, const struct tok *tok, struct frame f)
{
	if (t->depth == TEMPLATE_MAX_DEPTH) {
		tpl_error(t, tok, "sections nested too deep");
		return false;
	}
	t->stack[t->depth++] = f;
	return true;
}

static void run(struct tpl *t, size_t from, size_t to);

static void run_section(struct tpl *t, const struct tok *tok, size_t body, size_t end)
{
	struct val scratch;
	const struct val *v = lookup(t, tok, &scratch);
	if (!v) {
		tpl_error(t, tok, "unknown name");
		return;
	}
	if (tok->kind == TOK_INVERTED) {
		if (!truthy(v))
			run(t, body, end);
		return;
	}
	if (!truthy(v))
		return;
	if (v->kind == VAL_LIST) {
		size_t i = 0;
		for (const struct val *item = v->first; item; item = item->next, i++) {
			if (!push(t, tok, (struct frame){item, true, i, v->count}))
				return;
			run(t, body, end);
			t->depth--;
		}
	} else if (v->kind == VAL_MAP || v->kind == VAL_STR) {
		if (!push(t, tok, (struct frame){v, false, 0, 0}))
			return;
		run(t, body, end);
		t->depth--;
	} else {
		run(t, body, end);
	}
}

static void run(struct tpl *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct tok *tok = &t->toks.v[i];
		switch (tok->kind) {
		case TOK_TEXT:
			buf_put(t->out, tok->s, tok->len);
			break;
		case TOK_VAR: {
			struct val scratch;
			const struct val *v = lookup(t, tok, &scratch);
			enum escape_kind kind = tok->filter >= 0 ? (enum escape_kind)tok->filter : t->kind;
			if (!v)
				tpl_error(t, tok, "unknown name");
			else if (v->kind == VAL_LIST || v->kind == VAL_MAP || v->kind == VAL_NULL)
				tpl_error(t, tok, "not a scalar; use a section to walk it");
			else if (!escape_value(t->out, kind, v))
				diags_error(t->d, tpl_loc(t, tok->line, tok->col), NULL,
					    "'%.*s': the value cannot be written in %s context", (int)tok->len,
					    tok->s, escape_kind_name(kind)),
					t->failed = true;
			break;
		}
		case TOK_SECTION:
		case TOK_INVERTED:
			run_section(t, tok, i + 1, tok->end);
			i = tok->end;
			break;
		case TOK_END:
			break;
		}
	}
}

bool template_render(const char *name, const char *text, size_t len, enum escape_kind kind,
		     const struct val *const *scopes, size_t nscopes, struct buf *out,
		     struct diags *d)
{
	struct tpl t = {.name = name, .text = text, .len = len, .kind = kind, .d = d, .out = out};
	if (nscopes > TEMPLATE_MAX_DEPTH / 2)
		nscopes = TEMPLATE_MAX_DEPTH / 2;
	if (tokenize(&t) && !t.failed) {
		for (size_t i = 0; i < nscopes; i++)
			t.stack[t.depth++] = (struct frame){scopes[i], false, 0, 0};
		run(&t, 0, t.toks.n);
	} else {
		t.failed = true;
	}
	free(t.toks.v);
	return !t.failed;
}
