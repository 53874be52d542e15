/* Where rendered artefacts go, one file at a time: begin, its bytes in any
 * number of writes, then end. rhc build streams them to disk (emit.h), --check
 * compares them with a directory (emit.h), tests and fuzzing collect them in
 * memory (below). An implementation embeds struct sink as its first member.
 *
 * Each call returns false when the sink failed (it keeps the reason, e.g. in
 * its diagnostics); the renderer then stops. After a successful begin the
 * renderer always calls end: OK false abandons a file whose rendering failed. */
#ifndef RHC_SINK_H
#define RHC_SINK_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The pieces a renderer hands over (so the most of one file in memory), and
 * what --check reads back at a time. */
#define SINK_CHUNK ((size_t)64 << 10)

struct sink {
	bool (*begin)(struct sink *s, const char *path, int mode);
	bool (*write)(struct sink *s, const char *data, size_t len);
	bool (*end)(struct sink *s, bool ok);
};

struct artefact {
	char *path; /* relative to the output directory */
	char *data;
	size_t len;
	int mode;
};

/* Every file whole in memory, sorted by path. Owns its paths and bytes;
 * artefacts_free releases them. */
struct artefacts {
	struct artefact *items;
	size_t count;
};

/* A sink that adds each finished file to OUT. */
struct collector {
	struct sink sink;
	struct artefacts *out;
	struct artefact cur;
	struct buf bytes;
};

void collector_init(struct collector *c, struct artefacts *out);
void artefacts_free(struct artefacts *a);

#endif
