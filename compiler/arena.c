#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p) {
		fputs("rhc: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Structs need 8-byte alignment; strings none, which saves a third of a
 * large spec's string bytes. */
static void *alloc_aligned(struct arena *a, size_t size, size_t align)
{
	size_t at = (a->used + align - 1) & ~(align - 1);
	if (!a->head || at + size > a->head->size) {
		size_t sz = size > CHUNK_MIN ? size : CHUNK_MIN;
		struct arena_chunk *c = xcalloc(sizeof(*c) + sz);
		c->size = sz;
		c->next = a->head;
		a->head = c;
		a->used = 0;
		at = 0;
	}
	void *p = a->head->data + at;
	a->used = at + size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return alloc_aligned(a, size, 8);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_aligned(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = alloc_aligned(a, (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void free_chunks(struct arena_chunk *c)
{
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void arena_free(struct arena *a)
{
	free_chunks(a->head);
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = a->head;
	if (!keep)
		return;
	free_chunks(keep->next);
	keep->next = NULL;
	memset(keep->data, 0, a->used); /* arena_alloc hands out zeroed memory */
	a->used = 0;
	a->total = 0;
}
