/* Typed values: the resolved spec (schema applied, defaults filled) and the
 * view model templates read. Values live in the compile's arena. line/col
 * give the spec location a value came from (0 for defaults and derived data). */
#ifndef RHC_VAL_H
#define RHC_VAL_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

enum val_kind { VAL_NULL, VAL_BOOL, VAL_INT, VAL_STR, VAL_LIST, VAL_MAP };

struct val {
	enum val_kind kind;
	int line;
	int col;
	bool b;
	long long i;
	const char *s;
	size_t len;
	const char *key; /* set on members of a map */
	struct val *first;
	struct val *last;
	struct val *next;
	size_t count;
};

struct val *val_new(struct arena *a, enum val_kind kind);
struct val *val_str(struct arena *a, const char *s);
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
