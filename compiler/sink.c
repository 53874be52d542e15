#include "sink.h"

#include <stdlib.h>
#include <string.h>

static struct collector *collector_of(struct sink *s)
{
	return (struct collector *)s; /* struct sink is the first member */
}

static bool collect_begin(struct sink *s, const char *path, int mode)
{
	struct collector *c = collector_of(s);
	c->cur = (struct artefact){.path = strdup(path), .mode = mode};
	c->bytes = (struct buf){0};
	if (!c->cur.path)
		abort();
	return true;
}

static bool collect_write(struct sink *s, const char *data, size_t len)
{
	struct collector *c = collector_of(s);
	buf_put(&c->bytes, data, len);
	return !buf_failed(&c->bytes);
}

/* Inserts at its place by path: a handful of files, kept sorted as they come. */
static void insert_sorted(struct artefacts *a, struct artefact f)
{
	struct artefact *v = realloc(a->items, (a->count + 1) * sizeof(*v));
	if (!v)
		abort();
	a->items = v;
	size_t i = a->count;
	while (i > 0 && strcmp(v[i - 1].path, f.path) > 0) {
		v[i] = v[i - 1];
		i--;
	}
	v[i] = f;
	a->count++;
}

static bool collect_end(struct sink *s, bool ok)
{
	struct collector *c = collector_of(s);
	ok = ok && !buf_failed(&c->bytes);
	if (ok) {
		c->cur.data = buf_take(&c->bytes, &c->cur.len);
		insert_sorted(c->out, c->cur);
	} else {
		free(c->cur.path);
		buf_free(&c->bytes);
	}
	c->cur = (struct artefact){0};
	return ok;
}

void collector_init(struct collector *c, struct artefacts *out)
{
	*c = (struct collector){
		.sink = {collect_begin, collect_write, collect_end},
		.out = out,
	};
}

void artefacts_free(struct artefacts *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->items[i].path);
		free(a->items[i].data);
	}
	free(a->items);
	a->items = NULL;
	a->count = 0;
}
