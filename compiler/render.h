/* Pass 4, render: the view -> every artefact's bytes, through the embedded
 * templates, plus spec.json and MANIFEST. Which files exist is decided here;
 * where their bytes go is the sink's business (sink.h). Each file streams
 * through a small buffer and is hashed on the way, so no artefact is ever
 * whole in memory; MANIFEST comes last, from the collected digests. */
#ifndef RHC_RENDER_H
#define RHC_RENDER_H
#include <stdbool.h>

#include "diag.h"
#include "sink.h"
#include "val.h"

/* Renders every artefact of VIEW (from lower_spec) and the resolved SPEC into
 * OUT. SPEC_SHA256 names the input in MANIFEST, which is written only when
 * everything before it was. False after errors in D (every template is still
 * tried, so all of them are reported), or as soon as OUT fails. */
bool render_all(const struct val *view, const struct val *spec, const char *spec_sha256,
		struct sink *out, struct diags *d);

#endif
