/* verify's nginx.conf reader: any bytes, no crash, no hang; errors and a
 * tree never both. */
#include <stdint.h>
#include <stdlib.h>

#include "nginx_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct diags d = {0};
	struct nginx_directive *top = nginx_conf_parse(&a, "fuzz.conf", (const char *)data, size, &d);
	if (top && d.errors)
		abort();
	diags_free(&d);
	arena_free(&a);
	return 0;
}
