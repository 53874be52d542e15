/* Typed values: the resolved spec (schema applied, defaults filled) and the
 * view model templates read. Values live in the compile's arena. line/col
 * give the spec location a value came from (0 for defaults and derived data). */
#ifndef RHC_VAL_H
#define RHC_VAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

enum val_kind { VAL_NULL, VAL_BOOL, VAL_INT, VAL_STR, VAL_LIST, VAL_MAP };

/* 48 bytes: a 100,000-node spec holds about 800,000 of these. */
struct val {
	struct val *next;
	const char *key; /* set on members of a map */
	union {
		const char *s;     /* VAL_STR, NUL-terminated */
		long long i;       /* VAL_INT */
		struct val *first; /* VAL_LIST, VAL_MAP */
	};
	union {
		size_t len;       /* VAL_STR */
		struct val *last; /* VAL_LIST, VAL_MAP */
	};
	uint32_t count; /* VAL_LIST, VAL_MAP */
	int line;
	int col;
	uint8_t kind; /* enum val_kind */
	bool b;       /* VAL_BOOL */
	uint16_t width; /* characters the value spans in the spec (node.h) */
};

struct val *val_new(struct arena *a, enum val_kind kind);
struct val *val_str(struct arena *a, const char *s);
/* A string value that borrows S (which must outlive it) instead of copying. */
struct val *val_str_borrowed(struct arena *a, const char *s, size_t n);
struct val *val_strn(struct arena *a, const char *s, size_t n);
struct val *val_int(struct arena *a, long long i);
struct val *val_bool(struct arena *a, bool b);
/* Appends V to list or map L (KEY is for maps; borrowed). Returns V. */
struct val *val_add(struct val *l, const char *key, struct val *v);
struct val *val_set_str(struct arena *a, struct val *map, const char *key, const char *s);
struct val *val_set_bool(struct arena *a, struct val *map, const char *key, bool b);
struct val *val_set_int(struct arena *a, struct val *map, const char *key, long long i);
/* Member KEY of map M, or NULL. */
struct val *val_get(const struct val *m, const char *key);
/* Dotted path lookup ("loadBalancer.address"), or NULL. */
struct val *val_path(const struct val *root, const char *path);
/* Convenience for the checked spec, where the schema guarantees the type. */
const char *val_path_str(const struct val *root, const char *path);
long long val_path_int(const struct val *root, const char *path);
bool val_path_bool(const struct val *root, const char *path);
bool val_list_has(const struct val *list, const char *s);
/* Pretty JSON, two-space indent, members in insertion order, trailing newline. */
void val_write_json(const struct val *v, struct buf *out);

#endif
