#include "nginx_conf.h"

#include <stdio.h>
#include <string.h>

/* Longest piece of a name quoted back in a message. */
#define NGINX_QUOTE_MAX 40

/* What read_token stopped at, as in ngx_conf_read_token. */
enum ntok_end { NT_ERROR, NT_SEMI, NT_BLOCK_START, NT_BLOCK_DONE, NT_EOF };

struct ntok {
	size_t start; /* content bytes [start, end), quotes excluded */
	size_t end;
	bool quoted;
	int line; /* of the first byte, the quote if quoted */
	int col;
};

struct np {
	struct arena *a;
	const char *file;
	const unsigned char *s;
	size_t len;
	size_t i;
	int line; /* of s[i] */
	int col;
	struct diags *d;
	struct ntok toks[NGINX_MAX_ARGS + 1]; /* the name, then the arguments */
	size_t ntok;
	int term_line; /* where the last ';', '{' or '}' was */
	int term_col;
};

static void np_error(struct np *p, int line, int col, const char *msg)
{
	diags_error(p->d, (struct loc){p->file, line, col, 0}, NULL, "%s", msg);
}

/* Consumes s[i]; the column counts UTF-8 lead bytes. */
static void step(struct np *p)
{
	unsigned char c = p->s[p->i++];
	if (c == '\n') {
		p->line++;
		p->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		p->col++;
	}
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The token's text with nginx's escapes resolved: \" \' \\ \t \r \n; any
 * other backslash stays as written. */
static char *unescape(struct np *p, size_t start, size_t end, size_t *len)
{
	char *out = arena_alloc(p->a, end - start + 1);
	size_t o = 0, k = start;
	while (k < end) {
		if (p->s[k] == '\\' && k + 1 < end) {
			unsigned char e = p->s[k + 1];
			const char *hit = strchr("\"'\\trn", e);
			if (e && hit) {
				out[o++] = "\"'\\\t\r\n"[hit - "\"'\\trn"];
				k += 2;
				continue;
			}
		}
		out[o++] = (char)p->s[k++];
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* A name for a message: control bytes shown as \xNN, long names cut. */
static const char *show(struct np *p, const char *text, size_t len)
{
	size_t n = len > NGINX_QUOTE_MAX ? NGINX_QUOTE_MAX : len;
	while (n < len && n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--; /* do not cut a character in half */
	char *out = arena_alloc(p->a, n * 4 + 4);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (n < len)
		memcpy(out + o, "...", 4);
	else
		out[o] = '\0';
	return out;
}

static const char *show_tok(struct np *p, const struct ntok *t)
{
	size_t len;
	const char *text = unescape(p, t->start, t->end, &len);
	return show(p, text, len);
}

/* Ends the current token at END; refuses a quoted name and too many
 * arguments. */
static bool push_token(struct np *p, size_t start, size_t end, bool quoted, int line, int col)
{
	struct ntok t = {start, end, quoted, line, col};
	if (p->ntok == 0 && quoted) {
		np_error(p, line, col,
			 arena_printf(p->a, "directive name \"%s\" must not be quoted", show_tok(p, &t)));
		return false;
	}
	if (p->ntok == NGINX_MAX_ARGS + 1) {
		np_error(p, line, col,
			 arena_printf(p->a, "directive \"%s\" has more than %d arguments",
				      show_tok(p, &p->toks[0]), NGINX_MAX_ARGS));
		return false;
	}
	p->toks[p->ntok++] = t;
	return true;
}

/* Reads the tokens of one directive, up to its ';' or '{', or one '}'.
 * The states and their order follow ngx_conf_read_token. */
static enum ntok_end read_token(struct np *p)
{
	bool need_space = false, last_space = true, comment = false, quoted = false;
	bool s_quoted = false, d_quoted = false, variable = false;
	size_t start = p->i;
	int sline = p->line, scol = p->col;
	p->ntok = 0;
	for (;;) {
		if (p->i >= p->len) {
			if (s_quoted || d_quoted) {
				np_error(p, sline, scol,
					 d_quoted ? "unterminated \"...\" string" : "unterminated '...' string");
				return NT_ERROR;
			}
			if (p->ntok > 0 || !last_space) {
				struct ntok name = p->ntok ? p->toks[0] :
						   (struct ntok){start, p->len, false, sline, scol};
				np_error(p, name.line, name.col,
					 arena_printf(p->a, "directive \"%s\" is not terminated by \";\"",
						      show_tok(p, &name)));
				return NT_ERROR;
			}
			return NT_EOF;
		}
		size_t at = p->i;
		int line = p->line, col = p->col;
		unsigned char ch = p->s[at];
		step(p);
		if (ch == '\0') {
			np_error(p, line, col, "NUL byte in the configuration");
			return NT_ERROR;
		}
		if (ch == '\n')
			comment = false;
		if (comment)
			continue;
		if (quoted) {
			quoted = false;
			continue;
		}
		if (need_space) {
			if (is_space(ch)) {
				last_space = true;
				need_space = false;
				continue;
			}
			if (ch == ';' || ch == '{') {
				p->term_line = line;
				p->term_col = col;
				return ch == ';' ? NT_SEMI : NT_BLOCK_START;
			}
			if (ch != ')') {
				if (ch > 0x20 && ch < 0x7f)
					np_error(p, line, col,
						 arena_printf(p->a, "unexpected \"%c\" after a quoted string", ch));
				else
					np_error(p, line, col,
						 arena_printf(p->a, "unexpected byte 0x%02x after a quoted string", ch));
				return NT_ERROR;
			}
			/* "...") as in if (...): the ')' starts a word of its own */
			last_space = true;
			need_space = false;
		}
		if (last_space) {
			if (is_space(ch))
				continue;
			start = at;
			sline = line;
			scol = col;
			switch (ch) {
			case ';':
			case '{':
				if (p->ntok == 0) {
					np_error(p, line, col, arena_printf(p->a, "unexpected \"%c\"", ch));
					return NT_ERROR;
				}
				p->term_line = line;
				p->term_col = col;
				return ch == ';' ? NT_SEMI : NT_BLOCK_START;
			case '}':
				if (p->ntok > 0) {
					np_error(p, line, col, "unexpected \"}\"");
					return NT_ERROR;
				}
				p->term_line = line;
				p->term_col = col;
				return NT_BLOCK_DONE;
			case '#':
				comment = true;
				continue;
			case '\\':
				quoted = true;
				last_space = false;
				continue;
			case '"':
				start++;
				d_quoted = true;
				last_space = false;
				continue;
			case '\'':
				start++;
				s_quoted = true;
				last_space = false;
				continue;
			case '$':
				variable = true;
				last_space = false;
				continue;
			default:
				last_space = false;
			}
			continue;
		}
		/* inside a word */
		if (ch == '{' && variable)
			continue; /* ${name} */
		variable = false;
		if (ch == '\\') {
			quoted = true;
			continue;
		}
		if (ch == '$') {
			variable = true;
			continue;
		}
		bool found = false, was_quoted = s_quoted || d_quoted;
		if (d_quoted) {
			if (ch == '"') {
				d_quoted = false;
				need_space = true;
				found = true;
			}
		} else if (s_quoted) {
			if (ch == '\'') {
				s_quoted = false;
				need_space = true;
				found = true;
			}
		} else if (is_space(ch) || ch == ';' || ch == '{') {
			last_space = true;
			found = true;
		}
		if (!found)
			continue;
		if (!push_token(p, start, at, was_quoted, sline, scol))
			return NT_ERROR;
		if (ch == ';' || ch == '{') {
			p->term_line = line;
			p->term_col = col;
			return ch == ';' ? NT_SEMI : NT_BLOCK_START;
		}
	}
}

static struct nginx_directive *make_directive(struct np *p, bool block)
{
	struct nginx_directive *dir = arena_alloc(p->a, sizeof(*dir));
	size_t len;
	dir->name = unescape(p, p->toks[0].start, p->toks[0].end, &len);
	dir->line = p->toks[0].line;
	dir->col = p->toks[0].col;
	dir->block = block;
	dir->nargs = p->ntok - 1;
	if (dir->nargs)
		dir->args = arena_alloc(p->a, dir->nargs * sizeof(*dir->args));
	for (size_t k = 1; k < p->ntok; k++) {
		struct nginx_arg *arg = &dir->args[k - 1];
		arg->text = unescape(p, p->toks[k].start, p->toks[k].end, &arg->len);
		arg->quoted = p->toks[k].quoted;
	}
	return dir;
}

struct nframe {
	struct nginx_directive *dir; /* NULL at the top level */
	struct nginx_directive *last;
	int brace_line;
	int brace_col;
};

struct nginx_directive *nginx_conf_parse(struct arena *a, const char *file, const char *data,
					 size_t len, struct diags *d)
{
	struct np p = {
		.a = a,
		.file = file,
		.s = (const unsigned char *)data,
		.len = data ? len : 0,
		.line = 1,
		.col = 1,
		.d = d,
	};
	struct nframe stack[NGINX_MAX_DEPTH + 1] = {{0}};
	struct nginx_directive *head = NULL;
	int depth = 0;
	for (;;) {
		enum ntok_end rc = read_token(&p);
		if (rc == NT_ERROR)
			return NULL;
		if (rc == NT_EOF) {
			if (depth > 0) {
				struct nframe *f = &stack[depth];
				np_error(&p, f->brace_line, f->brace_col,
					 arena_printf(a, "block \"%s\" is not closed by \"}\"",
						      show(&p, f->dir->name, strlen(f->dir->name))));
				return NULL;
			}
			return head;
		}
		if (rc == NT_BLOCK_DONE) {
			if (depth == 0) {
				np_error(&p, p.term_line, p.term_col, "unexpected \"}\"");
				return NULL;
			}
			depth--;
			continue;
		}
		bool block = rc == NT_BLOCK_START;
		if (block && depth == NGINX_MAX_DEPTH) {
			np_error(&p, p.term_line, p.term_col,
				 arena_printf(a, "blocks nested deeper than %d levels", NGINX_MAX_DEPTH));
			return NULL;
		}
		struct nginx_directive *dir = make_directive(&p, block);
		struct nframe *f = &stack[depth];
		dir->parent = f->dir;
		if (f->last)
			f->last->next = dir;
		else if (f->dir)
			f->dir->children = dir;
		else
			head = dir;
		f->last = dir;
		if (block) {
			depth++;
			stack[depth] = (struct nframe){dir, NULL, p.term_line, p.term_col};
		}
	}
}

const struct nginx_directive *nginx_find(const struct nginx_directive *first, const char *name)
{
	for (const struct nginx_directive *dir = first; dir; dir = dir->next)
		if (!strcmp(dir->name, name))
			return dir;
	return NULL;
}
