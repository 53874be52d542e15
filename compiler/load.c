#include "load.h"

#include <libfyaml.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotted.h"
#include "load_fast.h"
#include "tree.h"

bool node_is_null(const struct node *n)
{
	if (!n || n->kind != NODE_SCALAR || !n->plain)
		return false;
	/* lengths first: this runs on every value of a large spec */
	return n->len == 0 || (n->len == 1 && n->text[0] == '~') ||
	       (n->len == 4 && (!strcmp(n->text, "null") || !strcmp(n->text, "Null") ||
				!strcmp(n->text, "NULL")));
}

const struct node *node_member(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return NULL;
	for (const struct node *v = map->first; v; v = v->next)
		if (v->key && !strcmp(v->key->text, key))
			return v;
	return NULL;
}

void node_append(struct node *parent, struct node *child)
{
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->count++;
}

const struct node *node_path(const struct node *obj, const char *path)
{
	char part[DOTTED_PART_MAX];
	const struct node *v = obj;
	while (v && *path) {
		if (!dotted_next(&path, part))
			return NULL;
		v = node_member(v, part);
	}
	return v;
}

const char *node_kind_name(enum node_kind kind)
{
	switch (kind) {
	case NODE_MAP:
		return "a mapping";
	case NODE_SEQ:
		return "a sequence";
	default:
		return "a scalar";
	}
}

/* Line and column (1-based, column in characters) of byte offset OFF. */
static struct loc offset_loc(const char *file, const char *data, size_t off)
{
	struct text_pos pos = {.text = data};
	return text_pos_at(&pos, file, off);
}

/* Eight bytes of ASCII at S. */
static bool ascii8(const unsigned char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof(w));
	return !(w & 0x8080808080808080u);
}

/* Offset of the first byte that is not valid UTF-8, or LEN. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			/* specs are mostly ASCII: skip it eight bytes at a time */
			while (len - i >= 8 && ascii8(s + i))
				i += 8;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, min = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

/* libfyaml 0.7.12 formats a report and then draws the offending source
 * under it (fy_diag_error_atom_display), which writes past its row buffer
 * for a multi-line plain scalar that starts far right (a line of tabs) and
 * so crashes. Collected errors are never formatted or drawn: the loader
 * reads the first one back and reports it itself. Other output (internal
 * notes without a token) is dropped here. */
static void drop_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag, (void)user, (void)buf, (void)len;
}

struct loader {
	struct tree *t;
	struct arena *a; /* error messages */
	struct fy_token_iter *it; /* one iterator for every scalar */
	struct buf text; /* a scalar's text when libfyaml gives it in chunks */
	int documents;
	const char *input; /* what libfyaml parses, for single-quoted text */
	size_t input_len;
};

/* line 0 means "no mark": the tree then places the node next to its neighbours. */
static struct loc mark_loc(const struct fy_mark *m)
{
	struct loc loc = {NULL, 0, 0, 0};
	if (m) {
		loc.line = m->line + 1;
		loc.col = m->column + 1;
	}
	return loc;
}

static struct loc token_loc(struct fy_token *t)
{
	return mark_loc(t ? fy_token_start_mark(t) : NULL);
}

/* The characters scalar token T spans on its line, quotes included (its
 * marks are inside them), or 0 over several lines. */
static int token_width(struct fy_token *t, bool quoted)
{
	const struct fy_mark *s = fy_token_start_mark(t), *e = fy_token_end_mark(t);
	if (!s || !e || s->line != e->line || e->column < s->column)
		return 0;
	return e->column - s->column + (quoted ? 2 : 0);
}

static void load_error(struct loader *l, struct loc loc, const char *msg)
{
	tree_error(l->t, loc.line, loc.col, msg);
}

/* A scalar's text, valid until text_done. Read chunk by chunk, not
 * with fy_token_get_text: libfyaml 0.7.12 caches long formatted text in the
 * token and leaks it when a syntax error follows (found by fuzzing). */
static const char *token_text(struct loader *l, struct fy_token *t, size_t *len)
{
	*len = 0;
	if (!t || !l->it)
		return NULL;
	fy_token_iter_start(t, l->it);
	int err = 0;
	/* a chunk is valid only until the next call: gather them in a buffer */
	l->text.len = 0;
	for (const struct fy_iter_chunk *c = fy_token_iter_chunk_next(l->it, NULL, &err); c;
	     c = fy_token_iter_chunk_next(l->it, c, &err))
		buf_put(&l->text, c->str, c->len);
	*len = l->text.len;
	return l->text.data && l->text.len ? l->text.data : "";
}

static void text_done(struct loader *l)
{
	if (l->it)
		fy_token_iter_finish(l->it);
}

/* libfyaml 0.7.12 gets the text of '' escapes in a row wrong: 'a''''b'
 * reads as a'''b by chunks and a''' whole (found by the fast front end's
 * differential fuzzing). On one line a single-quoted scalar is its source
 * with '' for ', so its text is taken from there. Over several lines,
 * where YAML folds the line breaks, runs of '' are refused instead. */
static bool single_quoted_text(struct loader *l, struct fy_token *tok, const char **t, size_t *n)
{
	const struct fy_mark *s = fy_token_start_mark(tok), *e = fy_token_end_mark(tok);
	if (!s || !e || s->input_pos > e->input_pos || e->input_pos > l->input_len)
		return true; /* no marks to go by: libfyaml's text */
	const char *src = l->input + s->input_pos;
	size_t len = e->input_pos - s->input_pos;
	if (s->line != e->line)
		return !memmem(src, len, "''''", 4);
	l->text.len = 0;
	for (size_t i = 0; i < len; i++) {
		buf_putc(&l->text, src[i]);
		i += src[i] == '\'' && i + 1 < len && src[i + 1] == '\'';
	}
	*t = l->text.len ? l->text.data : "";
	*n = l->text.len;
	return true;
}

static bool reject_decorations(struct loader *l, struct fy_token *anchor, struct fy_token *tag)
{
	if (anchor) {
		load_error(l, token_loc(anchor), "anchors and aliases are not supported in a spec; write the value out");
		return false;
	}
	if (tag) {
		size_t n = 0;
		const char *t = fy_token_get_text(tag, &n);
		char *text = arena_strndup(l->a, t ? t : "", t ? n : 0);
		load_error(l, token_loc(tag),
			   arena_printf(l->a, "tags are not supported in a spec ('%s')", text));
		return false;
	}
	return true;
}

static bool open_container(struct loader *l, enum node_kind kind, struct fy_token *start,
			   struct loc fallback)
{
	struct loc loc = start ? token_loc(start) : fallback;
	return tree_open(l->t, kind, loc.line, loc.col);
}

static bool handle_event(struct loader *l, struct fy_event *fye)
{
	switch (fye->type) {
	case FYET_DOCUMENT_START:
		if (++l->documents > 1) {
			load_error(l, token_loc(fye->document_start.document_start), "more than one YAML document in the spec; keep one");
			return false;
		}
		return true;
	case FYET_ALIAS:
		load_error(l, token_loc(fye->alias.anchor), "anchors and aliases are not supported in a spec; write the value out");
		return false;
	case FYET_SCALAR: {
		struct fy_event_scalar_data *s = &fye->scalar;
		if (!reject_decorations(l, s->anchor, s->tag))
			return false;
		size_t n = 0;
		const char *t = token_text(l, s->value, &n);
		bool started = t != NULL;
		struct loc loc = token_loc(s->value);
		bool ok = true;
		if (fy_token_scalar_style(s->value) == FYSS_SINGLE_QUOTED)
			ok = single_quoted_text(l, s->value, &t, &n);
		if (!ok) {
			load_error(l, loc, "'' escapes in a row in a single-quoted value over several lines are misread by libfyaml 0.7; write the value on one line, or double-quoted");
		} else if (t && memchr(t, '\0', n)) {
			load_error(l, loc, "a NUL character in a value is not allowed");
			ok = false;
		} else {
			enum fy_scalar_style style = fy_token_scalar_style(s->value);
			bool quoted = style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED;
			if (quoted && loc.col > 1)
				loc.col--; /* libfyaml marks the first character inside the quotes */
			int width = s->value && loc.line ? token_width(s->value, quoted) : 0;
			ok = tree_scalar(l->t, t, n, style == FYSS_PLAIN, loc.line, loc.col, width);
		}
		if (started)
			text_done(l);
		return ok;
	}
	case FYET_MAPPING_START:
		if (!reject_decorations(l, fye->mapping_start.anchor, fye->mapping_start.tag))
			return false;
		return open_container(l, NODE_MAP, fye->mapping_start.mapping_start,
				      mark_loc(fy_event_start_mark(fye)));
	case FYET_SEQUENCE_START:
		if (!reject_decorations(l, fye->sequence_start.anchor, fye->sequence_start.tag))
			return false;
		return open_container(l, NODE_SEQ, fye->sequence_start.sequence_start,
				      mark_loc(fy_event_start_mark(fye)));
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return tree_close(l->t);
	default:
		return true;
	}
}

/* The first collected error of DIAG as "YAML syntax: ..." at its place. */
static void report_stream_error(struct tree *t, struct fy_diag *diag)
{
	void *iter = NULL;
	struct fy_diag_error *err;
	while ((err = fy_diag_errors_iterate(diag, &iter)))
		if (err->type >= FYET_ERROR)
			break;
	char msg[300];
	snprintf(msg, sizeof(msg), "YAML syntax: %s", err && err->msg ? err->msg : "cannot parse");
	tree_error(t, err ? err->line : 0, err ? err->column : 0, msg);
}

/* The full YAML reader: feeds T from libfyaml's events. */
static void load_libfyaml(struct tree *t, const char *data, size_t len)
{
	struct fy_diag_cfg dc;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = drop_output;
	dc.colorize = false;
	dc.show_source = false;
	dc.show_position = false;
	dc.show_type = false;
	dc.show_module = false;
	struct fy_diag *diag = fy_diag_create(&dc);
	if (diag)
		fy_diag_set_collect_errors(diag, true);
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE,
		.diag = diag,
	};
	struct fy_parser *fyp = diag ? fy_parser_create(&cfg) : NULL;
	if (!fyp || fy_parser_set_string(fyp, data, len)) {
		tree_error(t, 0, 0, "cannot start the YAML parser");
		if (fyp)
			fy_parser_destroy(fyp);
		if (diag)
			fy_diag_destroy(diag);
		return;
	}
	struct loader l = {.t = t, .a = t->a, .it = fy_token_iter_create(NULL), .input = data,
			   .input_len = len};
	struct fy_event *fye;
	while (!t->failed && (fye = fy_parser_parse(fyp))) {
		handle_event(&l, fye);
		fy_parser_event_free(fyp, fye);
	}
	if (!t->failed && fy_parser_get_stream_error(fyp))
		report_stream_error(t, diag);
	/* the collected errors hold tokens: free them while their parser lives */
	fy_diag_destroy(diag);
	fy_parser_destroy(fyp);
	if (l.it)
		fy_token_iter_destroy(l.it);
	buf_free(&l.text);
}

struct node *load_yaml(struct arena *a, const char *file, const char *data, size_t len,
		       struct diags *d)
{
	return load_yaml_stream(a, file, data, len, d, NULL);
}

struct node *load_yaml_stream(struct arena *a, const char *file, const char *data, size_t len,
			      struct diags *d, const struct load_stream *stream)
{
	return load_yaml_front(a, file, data, len, d, stream, LOAD_FRONT_AUTO);
}

/* Builds the tree of DATA in T with the front end FRONT asks for. False when
 * the fast scanner alone was asked for and the input is outside its subset. */
static bool build_tree(struct tree *t, struct arena *a, const char *file, const char *data,
		       size_t len, struct diags *d, const struct load_stream *stream,
		       enum load_front front)
{
	tree_init(t, a, file, d, stream);
	if (front != LOAD_FRONT_LIBFYAML) {
		/* The stream callbacks may have reported on items before the
		 * scanner gives up: those reports go with its tree (whose nodes
		 * stay in A, unused). */
		struct diags_mark mark = diags_mark(d);
		if (load_fast(t, data, len) || t->refused)
			return true; /* a limit is final: libfyaml would only read as far */
		tree_finish(t);
		diags_rollback(d, mark);
		tree_init(t, a, file, d, stream);
		if (front == LOAD_FRONT_FAST)
			return false;
	}
	load_libfyaml(t, data, len);
	return true;
}

struct node *load_yaml_front(struct arena *a, const char *file, const char *data, size_t len,
			     struct diags *d, const struct load_stream *stream,
			     enum load_front front)
{
	if (len > LOAD_MAX_BYTES) {
		diags_error(d, (struct loc){file, 0, 0, 0}, NULL,
			    "spec is %zu bytes; the limit is %zu bytes (64 MiB)", len, LOAD_MAX_BYTES);
		return NULL;
	}
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		diags_error(d, offset_loc(file, data, (size_t)(nul - data)), NULL,
			    "NUL byte in the spec; a spec is UTF-8 text");
		return NULL;
	}
	size_t bad = utf8_invalid_at((const unsigned char *)data, len);
	if (bad < len) {
		diags_error(d, offset_loc(file, data, bad), NULL,
			    "invalid UTF-8 (byte 0x%02x); a spec is UTF-8 text",
			    (unsigned char)data[bad]);
		return NULL;
	}
	size_t skip = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		skip = 3; /* a BOM is allowed and ignored */

	struct tree t;
	bool built = build_tree(&t, a, file, data + skip, len - skip, d, stream, front);
	tree_finish(&t);
	if (!built || t.failed)
		return NULL;
	struct node *root = t.root;
	if (!root) {
		diags_error(d, (struct loc){file, 1, 1, 0}, NULL,
			    "the spec is empty; expected a mapping (start from 'rhc init')");
		return NULL;
	}
	if (root->kind != NODE_MAP) {
		diags_error(d, (struct loc){file, root->line, root->col, 0}, NULL,
			    "the spec must be a mapping at the top level, not %s",
			    node_is_null(root) ? "an empty document" : node_kind_name(root->kind));
		return NULL;
	}
	return root;
}
