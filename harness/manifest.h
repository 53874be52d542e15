/* MANIFEST, as rhc build writes it: "rhc VERSION", "spec SHA256", then one
 * "SHA256  PATH" line per file. verify reads it back with this parser. */
#ifndef RHC_MANIFEST_H
#define RHC_MANIFEST_H
#include <stddef.h>

#include "arena.h"
#include "diag.h"

struct manifest_entry {
	const char *sha256; /* 64 lower-case hex digits */
	const char *path;   /* relative, as listed */
	int line;
};

struct manifest {
	const char *version; /* after "rhc ", or NULL */
	const char *spec_sha256; /* the second line's digest, or NULL when malformed */
	struct manifest_entry *entries;
	size_t count;
};

/* Parses DATA (LEN bytes, named FILE) into M, allocating in A. Each bad line
 * (wrong header, not "HASH  PATH", a hash that is not 64 hex digits, an
 * absolute path or one with '..', a path listed twice) is an error in D with
 * its line; good lines are kept either way. */
void manifest_parse(struct arena *a, const char *file, const char *data, size_t len,
		    struct manifest *m, struct diags *d);

#endif
