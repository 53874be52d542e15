/* Bump allocator. One arena per compile owns every node, value and string it
 * produces; arena_free releases them all at once. Allocation failure aborts:
 * rhc's inputs are capped far below memory size, so OOM is a bug, not input. */
#ifndef RHC_ARENA_H
#define RHC_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used; /* bytes used in head */
	size_t total; /* bytes requested, for benchmarks */
};

void *arena_alloc(struct arena *a, size_t size); /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);
/* Forgets every allocation but keeps one chunk for reuse. */
void arena_reset(struct arena *a);

#endif
