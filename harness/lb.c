/* Placeholder until the lb check lands: it fails loudly rather than pass. */
#include "verify.h"

int verify_lb(const char *dir, const struct verify_options *opt, struct report *r)
{
	(void)dir, (void)opt;
	report_add(r, CHECK_FAIL, "lb", NULL, 0, "not implemented yet");
	return 0;
}
