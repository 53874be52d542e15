/* Pass 3, lower: the checked spec -> the view templates read: the spec itself
 * under "spec", plus derived values (upstreams, workers, download URLs, the
 * Helm and cert-manager procedures, patch targets). */
#ifndef RHC_LOWER_H
#define RHC_LOWER_H
#include "arena.h"
#include "val.h"

/* Builds the view in A. SPEC must have passed schema_apply and rules_check. */
struct val *lower_spec(struct arena *a, const struct val *spec);

#endif
