/* Check pass, part 2: rules across fields of the resolved spec (unique nodes,
 * roles, TLS needs, version tables). Reads the spec, changes nothing. */
#ifndef RHC_RULES_H
#define RHC_RULES_H
#include "diag.h"
#include "val.h"

/* Adds an error or warning to D for each broken rule; FILE names the spec. */
void rules_check(const struct val *spec, const char *file, struct diags *d);

#endif
