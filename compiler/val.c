#include "val.h"

#include <string.h>

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
	char part[128];
	while (v && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		v = val_get(v, part);
		path += n;
		if (*path == '.')
			path++;
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

static void indent(struct buf *out, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(out, "  ");
}

static void write_json(const struct val *v, struct buf *out, int depth)
{
	switch (v->kind) {
	case VAL_NULL:
		buf_puts(out, "null");
		break;
	case VAL_BOOL:
		buf_puts(out, v->b ? "true" : "false");
		break;
	case VAL_INT:
		buf_printf(out, "%lld", v->i);
		break;
	case VAL_STR:
		escape_json_string(out, v->s, v->len);
		break;
	case VAL_LIST:
	case VAL_MAP: {
		bool map = v->kind == VAL_MAP;
		if (!v->first) {
			buf_puts(out, map ? "{}" : "[]");
			break;
		}
		buf_puts(out, map ? "{\n" : "[\n");
		for (const struct val *c = v->first; c; c = c->next) {
			indent(out, depth + 1);
			if (map) {
				escape_json_string(out, c->key, strlen(c->key));
				buf_puts(out, ": ");
			}
			write_json(c, out, depth + 1);
			buf_puts(out, c->next ? ",\n" : "\n");
		}
		indent(out, depth);
		buf_putc(out, map ? '}' : ']');
		break;
	}
	}
}

void val_write_json(const struct val *v, struct buf *out)
{
	write_json(v, out, 0);
	buf_putc(out, '\n');
}
