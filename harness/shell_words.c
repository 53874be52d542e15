#include "shell_words.h"

#include <string.h>

/* Where a $(...), ${...}, `...` or "..." nested in one of them is open. */
enum sh_ctx { CTX_PAREN, CTX_BRACE, CTX_DQ, CTX_BT };

struct heredoc {
	const char *delim;
	size_t len;
	bool strip_tabs; /* <<- */
};

struct sp {
	struct arena *a;
	const unsigned char *s;
	size_t len;
	size_t i;
	int line; /* of s[i] */
	int col;

	/* the part being built: quote-removed bytes, never longer than the input */
	char *scratch;
	size_t plen;
	bool in_part;
	enum shell_quote pkind;

	/* the word being built; its parts in a vector reused by every word */
	bool in_word;
	int wline;
	int wcol;
	struct shell_part *parts;
	size_t nparts;
	size_t pcap;

	/* the logical line being built */
	struct shell_word *words;
	size_t nwords;
	size_t wcap;
	int first_line;
	bool complete;

	/* here-documents whose bodies start after this line */
	int want_delim; /* 0, or 1 after <<, 2 after <<- */
	struct heredoc *docs;
	size_t ndocs;
	size_t dcap;

	enum sh_ctx *ctx;
	size_t cap_ctx;
};

/* Grows an arena vector to hold one more item: the old block is left to the
 * arena, so doubling keeps the total linear. */
static void *grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv = arena_alloc(a, ncap * size);
	if (n)
		memcpy(nv, v, n * size);
	*cap = ncap;
	return nv;
}

/* Consumes s[i]; the column counts UTF-8 lead bytes. */
static void step(struct sp *p)
{
	unsigned char c = p->s[p->i++];
	if (c == '\n') {
		p->line++;
		p->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		p->col++;
	}
}

static unsigned char peek(const struct sp *p, size_t ahead)
{
	return p->i + ahead < p->len ? p->s[p->i + ahead] : '\0';
}

static void part_end(struct sp *p)
{
	if (!p->in_part)
		return;
	p->parts = grow(p->a, p->parts, p->nparts, &p->pcap, sizeof(*p->parts));
	p->parts[p->nparts++] = (struct shell_part){
		.text = arena_strndup(p->a, p->scratch, p->plen),
		.len = p->plen,
		.quote = p->pkind,
	};
	p->in_part = false;
	p->plen = 0;
}

static void word_begin(struct sp *p)
{
	if (p->in_word)
		return;
	p->in_word = true;
	p->wline = p->line;
	p->wcol = p->col;
	p->nparts = 0;
}

/* Opens a part of kind Q; adjacent bare text stays one part. */
static void part_begin(struct sp *p, enum shell_quote q)
{
	word_begin(p);
	if (p->in_part && p->pkind == q && q == SHELL_BARE)
		return;
	part_end(p);
	p->in_part = true;
	p->pkind = q;
}

static void add_byte(struct sp *p, unsigned char c)
{
	p->scratch[p->plen++] = (char)c;
}

static void push_word(struct sp *p, struct shell_word w)
{
	if (p->nwords == 0)
		p->first_line = p->wline;
	p->words = grow(p->a, p->words, p->nwords, &p->wcap, sizeof(*p->words));
	p->words[p->nwords++] = w;
}

static void word_end(struct sp *p)
{
	if (!p->in_word)
		return;
	part_end(p);
	struct shell_word w = {.nparts = p->nparts, .col = p->wcol};
	w.parts = arena_alloc(p->a, p->nparts * sizeof(*w.parts) + 1);
	memcpy(w.parts, p->parts, p->nparts * sizeof(*w.parts));
	for (size_t k = 0; k < p->nparts; k++)
		w.len += p->parts[k].len;
	if (p->nparts == 1) {
		w.text = p->parts[0].text; /* one part: the same text */
	} else {
		char *text = arena_alloc(p->a, w.len + 1);
		size_t o = 0;
		for (size_t k = 0; k < p->nparts; k++) {
			memcpy(text + o, p->parts[k].text, p->parts[k].len);
			o += p->parts[k].len;
		}
		text[o] = '\0';
		w.text = text;
	}
	push_word(p, w);
	p->in_word = false;
	if (p->want_delim) {
		p->docs = grow(p->a, p->docs, p->ndocs, &p->dcap, sizeof(*p->docs));
		p->docs[p->ndocs++] = (struct heredoc){w.text, w.len, p->want_delim == 2};
		p->want_delim = 0;
	}
}

static void ctx_push(struct sp *p, size_t *depth, enum sh_ctx c)
{
	p->ctx = grow(p->a, p->ctx, *depth, &p->cap_ctx, sizeof(*p->ctx));
	p->ctx[(*depth)++] = c;
}

/* Steps over the rest of a construct whose opener (kind FIRST) was just
 * consumed, through its matching closer and everything nested in it. False
 * when the input ends first. Case patterns and comments inside $(...) are
 * not understood; rhc's scripts have none there. */
static bool skip_nested(struct sp *p, enum sh_ctx first)
{
	size_t depth = 0;
	ctx_push(p, &depth, first);
	while (depth > 0 && p->i < p->len) {
		unsigned char c = p->s[p->i];
		enum sh_ctx top = p->ctx[depth - 1];
		if (c == '\\') {
			step(p);
			if (p->i < p->len)
				step(p);
			continue;
		}
		if (top == CTX_BT) {
			if (c == '`')
				depth--;
			step(p);
			continue;
		}
		if (c == '$' && (peek(p, 1) == '(' || peek(p, 1) == '{')) {
			ctx_push(p, &depth, peek(p, 1) == '(' ? CTX_PAREN : CTX_BRACE);
			step(p);
			step(p);
			continue;
		}
		if (c == '`') {
			ctx_push(p, &depth, CTX_BT);
			step(p);
			continue;
		}
		if (top == CTX_DQ) {
			if (c == '"')
				depth--;
			step(p);
			continue;
		}
		/* in $(...) or ${...} */
		step(p);
		if (c == '\'') {
			while (p->i < p->len && p->s[p->i] != '\'')
				step(p);
			if (p->i >= p->len)
				return false;
			step(p);
		} else if (c == '"') {
			ctx_push(p, &depth, CTX_DQ);
		} else if (top == CTX_PAREN && c == '(') {
			ctx_push(p, &depth, CTX_PAREN);
		} else if ((top == CTX_PAREN && c == ')') || (top == CTX_BRACE && c == '}')) {
			depth--;
		}
	}
	return depth == 0;
}

/* Copies a construct starting at p->i (its opener OPEN bytes long) verbatim
 * into the current part. */
static void copy_construct(struct sp *p, size_t open, enum sh_ctx first)
{
	size_t start = p->i;
	for (size_t k = 0; k < open; k++)
		step(p);
	if (!skip_nested(p, first))
		p->complete = false;
	memcpy(p->scratch + p->plen, p->s + start, p->i - start);
	p->plen += p->i - start;
}

/* $'...': backslash escapes a quote; kept verbatim. */
static void copy_ansi_c(struct sp *p)
{
	size_t start = p->i;
	step(p);
	step(p);
	for (;;) {
		if (p->i >= p->len) {
			p->complete = false;
			break;
		}
		unsigned char c = p->s[p->i];
		step(p);
		if (c == '\'')
			break;
		if (c == '\\' && p->i < p->len)
			step(p);
	}
	memcpy(p->scratch + p->plen, p->s + start, p->i - start);
	p->plen += p->i - start;
}

/* Copies a $(...), ${...}, `...` or $'...' at p->i, if there is one. */
static bool try_construct(struct sp *p)
{
	unsigned char c = p->s[p->i], n = peek(p, 1);
	if (c == '$' && n == '(')
		copy_construct(p, 2, CTX_PAREN);
	else if (c == '$' && n == '{')
		copy_construct(p, 2, CTX_BRACE);
	else if (c == '`')
		copy_construct(p, 1, CTX_BT);
	else
		return false;
	return true;
}

static void single_quoted(struct sp *p)
{
	part_begin(p, SHELL_SINGLE);
	step(p);
	while (p->i < p->len && p->s[p->i] != '\'') {
		add_byte(p, p->s[p->i]);
		step(p);
	}
	if (p->i < p->len)
		step(p);
	else
		p->complete = false;
	part_end(p);
}

static void double_quoted(struct sp *p)
{
	part_begin(p, SHELL_DOUBLE);
	step(p);
	for (;;) {
		if (p->i >= p->len) {
			p->complete = false;
			break;
		}
		unsigned char c = p->s[p->i], n = peek(p, 1);
		if (c == '"') {
			step(p);
			break;
		}
		if (c == '\\' && p->i + 1 < p->len) {
			if (n == '\n') { /* a continuation: both vanish */
				step(p);
				step(p);
				continue;
			}
			if (n == '$' || n == '`' || n == '"' || n == '\\') {
				step(p);
				add_byte(p, n);
				step(p);
				continue;
			}
		}
		if (try_construct(p))
			continue;
		add_byte(p, c);
		step(p);
	}
	part_end(p);
}

/* The control and redirection operators, longest first. */
static const char *const operators[] = {
	"&>>", "<<<", "<<-", ";;&", "&&", "||", ";;", ";&", "|&", ">>", ">&", ">|",
	"<<",  "<&",  "<>",  "&>",  ";",  "|",  "&",  "<",  ">",  "(",  ")",
};

static bool is_operator_char(unsigned char c)
{
	return c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == '(' || c == ')';
}

/* True when the word so far is bare digits: "3" before "<" is a file
 * descriptor, and "3<" one word. */
static bool word_is_fd(const struct sp *p)
{
	if (!p->in_word || p->nparts || !p->in_part || p->pkind != SHELL_BARE || !p->plen)
		return false;
	for (size_t k = 0; k < p->plen; k++)
		if (p->scratch[k] < '0' || p->scratch[k] > '9')
			return false;
	return true;
}

static void read_operator(struct sp *p)
{
	const char *op = NULL;
	for (size_t k = 0; k < sizeof(operators) / sizeof(operators[0]); k++) {
		size_t n = strlen(operators[k]);
		if (p->len - p->i >= n && !memcmp(p->s + p->i, operators[k], n)) {
			op = operators[k];
			break;
		}
	}
	size_t n = strlen(op);
	bool redirect = op[0] == '<' || op[0] == '>';
	struct shell_word w = {.nparts = 1, .col = p->col};
	int line = p->line;
	const char *text;
	if (redirect && word_is_fd(p)) {
		text = arena_printf(p->a, "%.*s%s", (int)p->plen, p->scratch, op);
		w.col = p->wcol;
		line = p->wline;
		p->in_word = false;
		p->in_part = false;
		p->plen = 0;
	} else {
		word_end(p);
		text = op; /* static: operators need no copy */
	}
	for (size_t k = 0; k < n; k++)
		step(p);
	w.text = text;
	w.len = strlen(text);
	w.parts = arena_alloc(p->a, sizeof(*w.parts));
	w.parts[0] = (struct shell_part){text, w.len, SHELL_BARE};
	p->wline = line;
	p->want_delim = 0; /* an operator is no here-document delimiter */
	push_word(p, w);
	if (!strcmp(op, "<<"))
		p->want_delim = 1;
	else if (!strcmp(op, "<<-"))
		p->want_delim = 2;
}

/* Skips the bodies of the here-documents the line just ended announced. */
static void skip_heredocs(struct sp *p)
{
	for (size_t k = 0; k < p->ndocs; k++) {
		const struct heredoc *h = &p->docs[k];
		while (p->i < p->len) {
			size_t start = p->i;
			while (p->i < p->len && p->s[p->i] != '\n')
				step(p);
			size_t end = p->i;
			if (p->i < p->len)
				step(p);
			if (h->strip_tabs)
				while (start < end && p->s[start] == '\t')
					start++;
			if (end - start == h->len && !memcmp(p->s + start, h->delim, h->len))
				break;
		}
	}
	p->ndocs = 0;
}

/* Reads one logical line into p->words. */
static void split_line(struct sp *p)
{
	p->nwords = 0;
	p->complete = true;
	p->want_delim = 0;
	while (p->i < p->len) {
		unsigned char c = p->s[p->i], n = peek(p, 1);
		bool more = p->i + 1 < p->len;
		if (c == '\\') {
			if (!more) { /* a backslash at the very end: bash drops it */
				step(p);
			} else if (n == '\n') {
				step(p);
				step(p);
			} else {
				part_begin(p, SHELL_BARE);
				step(p);
				add_byte(p, n);
				step(p);
			}
			continue;
		}
		if (c == '\n') {
			word_end(p);
			step(p);
			break;
		}
		if (c == ' ' || c == '\t') {
			word_end(p);
			step(p);
			continue;
		}
		if (c == '#' && !p->in_word) {
			while (p->i < p->len && p->s[p->i] != '\n')
				step(p);
			continue;
		}
		if ((c == '<' || c == '>') && n == '(') { /* process substitution */
			part_begin(p, SHELL_BARE);
			copy_construct(p, 2, CTX_PAREN);
			continue;
		}
		if (is_operator_char(c)) {
			read_operator(p);
			continue;
		}
		if (c == '\'') {
			single_quoted(p);
			continue;
		}
		if (c == '"') {
			double_quoted(p);
			continue;
		}
		part_begin(p, SHELL_BARE);
		if (c == '$' && n == '\'') {
			copy_ansi_c(p);
			continue;
		}
		if (try_construct(p))
			continue;
		add_byte(p, c);
		step(p);
	}
	word_end(p);
	skip_heredocs(p);
}

size_t shell_split(struct arena *a, const char *script, size_t len, struct shell_line **lines)
{
	struct sp p = {
		.a = a,
		.s = (const unsigned char *)script,
		.len = script ? len : 0,
		.line = 1,
		.col = 1,
	};
	p.scratch = arena_alloc(a, p.len + 1);
	struct shell_line *out = NULL;
	size_t n = 0, cap = 0;
	while (p.i < p.len) {
		split_line(&p);
		if (!p.nwords)
			continue;
		struct shell_line l = {.nwords = p.nwords, .line = p.first_line, .complete = p.complete};
		if (p.nwords > 64) { /* a long line keeps the vector; the next one starts anew */
			l.words = p.words;
			p.words = NULL;
			p.wcap = 0;
		} else {
			l.words = arena_alloc(a, p.nwords * sizeof(*l.words));
			memcpy(l.words, p.words, p.nwords * sizeof(*l.words));
		}
		out = grow(a, out, n, &cap, sizeof(*out));
		out[n++] = l;
	}
	*lines = out;
	return n;
}
