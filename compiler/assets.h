/* Files embedded at build time (templates, schema, example), by repo-relative name. */
#ifndef RHC_ASSETS_H
#define RHC_ASSETS_H
#include <stddef.h>

struct asset {
	const char *name;
	const char *data; /* NUL-terminated, static */
	size_t len;
};

extern const struct asset rhc_assets[];

/* The asset named NAME, or NULL. */
const struct asset *asset_find(const char *name);

#endif
