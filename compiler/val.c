#include "val.h"

#include <string.h>

#include "dotted.h"
#include "escape.h"

struct val *val_new(struct arena *a, enum val_kind kind)
{
	struct val *v = arena_alloc(a, sizeof(*v));
	v->kind = kind;
	return v;
}

struct val *val_strn(struct arena *a, const char *s, size_t n)
{
	struct val *v = val_new(a, VAL_STR);
	v->s = arena_strndup(a, s, n);
	v->len = n;
	return v;
}

struct val *val_str_borrowed(struct arena *a, const char *s, size_t n)
{
	struct val *v = val_new(a, VAL_STR);
	v->s = s;
	v->len = n;
	return v;
}

struct val *val_str(struct arena *a, const char *s)
{
	return val_strn(a, s, strlen(s));
}

struct val *val_int(struct arena *a, long long i)
{
	struct val *v = val_new(a, VAL_INT);
	v->i = i;
	return v;
}

struct val *val_bool(struct arena *a, bool b)
{
	struct val *v = val_new(a, VAL_BOOL);
	v->b = b;
	return v;
}

struct val *val_add(struct val *l, const char *key, struct val *v)
{
	v->key = key;
	v->next = NULL;
	if (l->last)
		l->last->next = v;
	else
		l->first = v;
	l->last = v;
	l->count++;
	return v;
}

struct val *val_set_str(struct arena *a, struct val *map, const char *key, const char *s)
{
	return val_add(map, key, val_str(a, s));
}

struct val *val_set_bool(struct arena *a, struct val *map, const char *key, bool b)
{
	return val_add(map, key, val_bool(a, b));
}

struct val *val_set_int(struct arena *a, struct val *map, const char *key, long long i)
{
	return val_add(map, key, val_int(a, i));
}

struct val *val_get(const struct val *m, const char *key)
{
	if (!m || m->kind != VAL_MAP)
		return NULL;
	for (struct val *v = m->first; v; v = v->next)
		if (!strcmp(v->key, key))
			return v;
	return NULL;
}

struct val *val_path(const struct val *root, const char *path)
{
	const struct val *v = root;
	char part[DOTTED_PART_MAX];
	while (v && *path) {
		if (!dotted_next(&path, part))
			return NULL;
		v = val_get(v, part);
	}
	return (struct val *)v;
}

const char *val_path_str(const struct val *root, const char *path)
{
	const struct val *v = val_path(root, path);
	return v && v->kind == VAL_STR ? v->s : "";
}

long long val_path_int(const struct val *root, const char *path)
{
	const struct val *v = val_path(root, path);
	return v && v->kind == VAL_INT ? v->i : 0;
}

bool val_path_bool(const struct val *root, const char *path)
{
	const struct val *v = val_path(root, path);
	return v && v->kind == VAL_BOOL && v->b;
}

bool val_list_has(const struct val *list, const char *s)
{
	if (!list || list->kind != VAL_LIST)
		return false;
	for (const struct val *v = list->first; v; v = v->next)
		if (v->kind == VAL_STR && !strcmp(v->s, s))
			return true;
	return false;
}

/* spec.json is the largest output (17 MB at 100,000 nodes): its bytes are
 * staged in a local block and handed to the buffer in bulk, instead of one
 * buf call per token and a printf per number. */
struct json_writer {
	struct buf *out;
	size_t n;
	char b[8192];
};

static void jw_flush(struct json_writer *w)
{
	if (w->n)
		buf_put(w->out, w->b, w->n);
	w->n = 0;
}

static void jw_put(struct json_writer *w, const char *s, size_t n)
{
	if (n > sizeof(w->b) - w->n) {
		jw_flush(w);
		if (n > sizeof(w->b)) {
			buf_put(w->out, s, n);
			return;
		}
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static void jw_putc(struct json_writer *w, char c)
{
	if (w->n == sizeof(w->b))
		jw_flush(w);
	w->b[w->n++] = c;
}

/* A newline and two spaces per level. */
static void jw_newline(struct json_writer *w, int depth)
{
	static const char spaces[] = "\n                                                                ";
	size_t n = 1 + 2 * (size_t)depth;
	if (n <= sizeof(spaces) - 1) {
		jw_put(w, spaces, n);
		return;
	}
	jw_put(w, spaces, sizeof(spaces) - 1);
	for (n -= sizeof(spaces) - 1; n; n--)
		jw_putc(w, ' ');
}

static void jw_string(struct json_writer *w, const char *s, size_t n)
{
	if (escape_json_plain(s, n) == n) {
		jw_putc(w, '"');
		jw_put(w, s, n);
		jw_putc(w, '"');
		return;
	}
	jw_flush(w); /* the escaper writes to the buffer itself */
	escape_json_string(w->out, s, n);
}

static void write_json(struct json_writer *w, const struct val *v, int depth)
{
	switch (v->kind) {
	case VAL_NULL:
		jw_put(w, "null", 4);
		break;
	case VAL_BOOL:
		jw_put(w, v->b ? "true" : "false", v->b ? 4 : 5);
		break;
	case VAL_INT: {
		char num[ESCAPE_INT_MAX];
		jw_put(w, num, escape_format_int(num, v->i));
		break;
	}
	case VAL_STR:
		jw_string(w, v->s, v->len);
		break;
	case VAL_LIST:
	case VAL_MAP: {
		bool map = v->kind == VAL_MAP;
		if (!v->first) {
			jw_put(w, map ? "{}" : "[]", 2);
			break;
		}
		jw_putc(w, map ? '{' : '[');
		for (const struct val *c = v->first; c; c = c->next) {
			jw_newline(w, depth + 1);
			if (map) {
				jw_string(w, c->key, strlen(c->key));
				jw_put(w, ": ", 2);
			}
			write_json(w, c, depth + 1);
			if (c->next)
				jw_putc(w, ',');
		}
		jw_newline(w, depth);
		jw_putc(w, map ? '}' : ']');
		break;
	}
	}
}

void val_write_json(const struct val *v, struct buf *out)
{
	struct json_writer w;
	w.out = out, w.n = 0; /* not w = {...}: no need to clear the block */
	write_json(&w, v, 0);
	jw_putc(&w, '\n');
	jw_flush(&w);
}
