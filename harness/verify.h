/* rhc verify: proves a built output directory right, reading only what is in
 * it (a user may have edited it, or built it with another rhc). */
#ifndef RHC_VERIFY_H
#define RHC_VERIFY_H
#include <stdbool.h>

#include "report.h"

struct verify_options {
	bool require_tools; /* a missing real tool is a FAIL, not a SKIP */
};

/* Runs every check on DIR into R. Returns 0 when the checks ran (see
 * R->failed), or -1 when DIR cannot be read (errno set). */
int verify_dir(const char *dir, const struct verify_options *opt, struct report *r);

#endif
