#include "load.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool node_is_null(const struct node *n)
{
	if (!n || n->kind != NODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || !strcmp(n->text, "~") || !strcmp(n->text, "null") ||
	       !strcmp(n->text, "Null") || !strcmp(n->text, "NULL");
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

const struct node *node_path(const struct node *obj, const char *path)
{
	char part[128];
	const struct node *v = obj;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		v = node_member(v, part);
		path += n + (path[n] == '.');
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
	struct loc loc = {file, 1, 1};
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			loc.line++;
			loc.col = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			loc.col++;
		}
	}
	return loc;
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

/* libfyaml reports parse errors only as formatted text; keep the first. */
struct fy_capture {
	int line;
	int col;
	char message[256];
};

static void capture_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct fy_capture *cap = user;
	static const char marker[] = ": error: ";
	(void)diag;
	if (cap->line || len < sizeof(marker))
		return;
	const char *m = memmem(buf, len, marker, sizeof(marker) - 1);
	if (!m)
		return;
	/* "...:LINE:COL: error: MESSAGE\n": walk back over ":COL" and ":LINE". */
	const char *p = m;
	int nums[2] = {0, 0};
	for (int k = 1; k >= 0; k--) {
		const char *end = p;
		while (p > buf && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p == end || p == buf || p[-1] != ':')
			return;
		nums[k] = atoi(p);
		p--;
	}
	cap->line = nums[0];
	cap->col = nums[1];
	const char *msg = m + sizeof(marker) - 1;
	size_t mlen = (size_t)(buf + len - msg);
	while (mlen && (msg[mlen - 1] == '\n' || msg[mlen - 1] == '\r'))
		mlen--;
	if (mlen >= sizeof(cap->message))
		mlen = sizeof(cap->message) - 1;
	memcpy(cap->message, msg, mlen);
	cap->message[mlen] = '\0';
}

struct loader {
	struct arena *a;
	const char *file;
	struct diags *d;
	struct node *stack[LOAD_MAX_DEPTH + 1];
	int depth;
	struct node *pending_key; /* a mapping's key, waiting for its value */
	struct node *root;
	int documents;
	bool failed;
	struct fy_token_iter *it; /* one iterator for every scalar */
};

/* line 0 means "no mark": attach() then places the node next to its neighbours. */
static struct loc mark_loc(const struct loader *l, const struct fy_mark *m)
{
	struct loc loc = {l->file, 0, 0};
	if (m) {
		loc.line = m->line + 1;
		loc.col = m->column + 1;
	}
	return loc;
}

static struct loc token_loc(const struct loader *l, struct fy_token *t)
{
	return mark_loc(l, t ? fy_token_start_mark(t) : NULL);
}

static void load_error(struct loader *l, struct loc loc, const char *msg)
{
	if (loc.line == 0)
		loc.line = loc.col = 1;
	diags_error(l->d, loc, NULL, "%s", msg);
	l->failed = true;
}

/* Places a new node under the current container. Mapping keys must be scalars. */
static bool attach(struct loader *l, struct node *n, struct loc loc)
{
	if (loc.line == 0) {
		/* libfyaml gives an empty scalar no token: use the key it belongs to,
		 * else the item before it, else its container. */
		const struct node *near = NULL;
		const struct node *parent = l->depth > 0 ? l->stack[l->depth - 1] : NULL;
		if (parent)
			near = l->pending_key ? l->pending_key : parent->last ? parent->last : parent;
		loc.line = near ? near->line : 1;
		loc.col = near ? near->col : 1;
		if (parent && parent->kind == NODE_SEQ && near == parent->last && near->kind == NODE_SCALAR &&
		    n->kind == NODE_SCALAR) {
			/* an empty block item after a one-line item: its '-' is on the next line */
			loc.line++;
			loc.col = loc.col > 2 ? loc.col - 2 : 1;
		}
	}
	n->line = loc.line;
	n->col = loc.col;
	if (l->depth == 0) {
		if (l->root) {
			load_error(l, loc, "more than one root node");
			return false;
		}
		l->root = n;
		return true;
	}
	struct node *parent = l->stack[l->depth - 1];
	if (parent->kind == NODE_MAP && !l->pending_key) {
		if (n->kind != NODE_SCALAR) {
			load_error(l, loc, "a mapping key must be a plain string");
			return false;
		}
		l->pending_key = n;
		return true;
	}
	if (parent->kind == NODE_MAP) {
		n->key = l->pending_key;
		l->pending_key = NULL;
	}
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
	parent->count++;
	return true;
}

/* A scalar's text, copied chunk by chunk into the arena. Not
 * fy_token_get_text: libfyaml 0.7.12 caches long formatted text in the token
 * and leaks it when a syntax error follows (found by fuzzing). */
static const char *token_text(struct loader *l, struct fy_token *t, size_t *len)
{
	*len = 0;
	if (!t || !l->it)
		return NULL;
	fy_token_iter_start(t, l->it);
	int err = 0;
	/* One chunk, the usual case, goes straight into the arena. A chunk is
	 * valid only until the next call, so the first one is copied first. */
	const struct fy_iter_chunk *c = fy_token_iter_chunk_next(l->it, NULL, &err);
	const char *first = arena_strndup(l->a, c ? c->str : "", c ? c->len : 0);
	size_t first_len = c ? c->len : 0;
	c = c ? fy_token_iter_chunk_next(l->it, c, &err) : NULL;
	if (!c) {
		fy_token_iter_finish(l->it);
		*len = first_len;
		return first;
	}
	struct buf b = {0};
	buf_put(&b, first, first_len);
	for (; c; c = fy_token_iter_chunk_next(l->it, c, &err))
		buf_put(&b, c->str, c->len);
	fy_token_iter_finish(l->it);
	const char *text = arena_strndup(l->a, b.data ? b.data : "", b.len);
	*len = b.len;
	buf_free(&b);
	return text;
}

static bool reject_decorations(struct loader *l, struct fy_token *anchor, struct fy_token *tag)
{
	if (anchor) {
		load_error(l, token_loc(l, anchor), "anchors and aliases are not supported in a spec; write the value out");
		return false;
	}
	if (tag) {
		size_t n = 0;
		const char *t = fy_token_get_text(tag, &n);
		char *text = arena_strndup(l->a, t ? t : "", t ? n : 0);
		load_error(l, token_loc(l, tag),
			   arena_printf(l->a, "tags are not supported in a spec ('%s')", text));
		return false;
	}
	return true;
}

static bool open_container(struct loader *l, enum node_kind kind, struct fy_token *start,
			   struct loc fallback)
{
	struct node *n = arena_alloc(l->a, sizeof(*n));
	n->kind = kind;
	struct loc loc = start ? token_loc(l, start) : fallback;
	if (l->depth >= LOAD_MAX_DEPTH) {
		diags_error(l->d, loc, NULL, "nesting deeper than %d levels", LOAD_MAX_DEPTH);
		l->failed = true;
		return false;
	}
	if (!attach(l, n, loc))
		return false;
	l->stack[l->depth++] = n;
	return true;
}

static bool handle_event(struct loader *l, struct fy_parser *fyp, struct fy_event *fye)
{
	switch (fye->type) {
	case FYET_DOCUMENT_START:
		if (++l->documents > 1) {
			load_error(l, token_loc(l, fye->document_start.document_start), "more than one YAML document in the spec; keep one");
			return false;
		}
		return true;
	case FYET_ALIAS:
		load_error(l, token_loc(l, fye->alias.anchor), "anchors and aliases are not supported in a spec; write the value out");
		return false;
	case FYET_SCALAR: {
		struct fy_event_scalar_data *s = &fye->scalar;
		if (!reject_decorations(l, s->anchor, s->tag))
			return false;
		size_t n = 0;
		const char *t = token_text(l, s->value, &n);
		if (t && memchr(t, '\0', n)) {
			load_error(l, token_loc(l, s->value), "a NUL character in a value is not allowed");
			return false;
		}
		struct node *node = arena_alloc(l->a, sizeof(*node));
		node->kind = NODE_SCALAR;
		node->plain = fy_token_scalar_style(s->value) == FYSS_PLAIN;
		node->text = t ? t : "";
		node->len = t ? n : 0;
		struct loc loc = token_loc(l, s->value);
		enum fy_scalar_style style = fy_token_scalar_style(s->value);
		if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && loc.col > 1)
			loc.col--; /* libfyaml marks the first character inside the quotes */
		return attach(l, node, loc);
	}
	case FYET_MAPPING_START:
		if (!reject_decorations(l, fye->mapping_start.anchor, fye->mapping_start.tag))
			return false;
		return open_container(l, NODE_MAP, fye->mapping_start.mapping_start,
				      mark_loc(l, fy_event_start_mark(fye)));
	case FYET_SEQUENCE_START:
		if (!reject_decorations(l, fye->sequence_start.anchor, fye->sequence_start.tag))
			return false;
		return open_container(l, NODE_SEQ, fye->sequence_start.sequence_start,
				      mark_loc(l, fy_event_start_mark(fye)));
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		l->depth--;
		return true;
	default:
		(void)fyp;
		return true;
	}
}

struct node *load_yaml(struct arena *a, const char *file, const char *data, size_t len,
		       struct diags *d)
{
	if (len > LOAD_MAX_BYTES) {
		diags_error(d, (struct loc){file, 0, 0}, NULL,
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

	struct fy_capture cap = {0};
	struct fy_diag_cfg dc;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.output_fn = capture_output;
	dc.user = &cap;
	dc.colorize = false;
	dc.show_source = false;
	dc.show_position = true;
	dc.show_type = false;
	dc.show_module = false;
	struct fy_diag *diag = fy_diag_create(&dc);
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE,
		.diag = diag,
	};
	struct fy_parser *fyp = diag ? fy_parser_create(&cfg) : NULL;
	if (!fyp || fy_parser_set_string(fyp, data + skip, len - skip)) {
		diags_error(d, (struct loc){file, 0, 0}, NULL, "cannot start the YAML parser");
		if (fyp)
			fy_parser_destroy(fyp);
		if (diag)
			fy_diag_unref(diag);
		return NULL;
	}

	struct loader l = {.a = a, .file = file, .d = d, .it = fy_token_iter_create(NULL)};
	struct fy_event *fye;
	while (!l.failed && (fye = fy_parser_parse(fyp))) {
		handle_event(&l, fyp, fye);
		fy_parser_event_free(fyp, fye);
	}
	if (!l.failed && fy_parser_get_stream_error(fyp)) {
		struct loc loc = {file, cap.line ? cap.line : 1, cap.line ? cap.col : 1};
		diags_error(d, loc, NULL, "YAML syntax: %s",
			    cap.message[0] ? cap.message : "cannot parse");
		l.failed = true;
	}
	fy_parser_destroy(fyp);
	fy_diag_unref(diag);
	if (l.it)
		fy_token_iter_destroy(l.it);
	if (l.failed)
		return NULL;
	if (!l.root) {
		diags_error(d, (struct loc){file, 1, 1}, NULL,
			    "the spec is empty; expected a mapping (start from 'rhc init')");
		return NULL;
	}
	if (l.root->kind != NODE_MAP) {
		diags_error(d, (struct loc){file, l.root->line, l.root->col}, NULL,
			    "the spec must be a mapping at the top level, not %s",
			    node_is_null(l.root) ? "an empty document" : node_kind_name(l.root->kind));
		return NULL;
	}
	return l.root;
}
