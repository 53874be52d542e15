/* Pass 4, render: the view -> every artefact's bytes, through the embedded
 * templates, plus spec.json and MANIFEST. A struct artefacts owns its paths
 * and bytes; artefacts_free releases them. */
#ifndef RHC_RENDER_H
#define RHC_RENDER_H
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "val.h"

struct artefact {
	char *path; /* relative to the output directory */
	char *data;
	size_t len;
	int mode;
};

struct artefacts {
	struct artefact *items;
	size_t count;
};

/* Renders every artefact of VIEW (from lower_spec) and the resolved SPEC.
 * SPEC_SHA256 names the input in MANIFEST. False after errors in D. */
bool render_all(const struct val *view, const struct val *spec, const char *spec_sha256,
		struct artefacts *out, struct diags *d);
void artefacts_free(struct artefacts *a);

#endif
