/* verify's strict JSON reader: any bytes, no crash, no hang; a tree comes
 * back exactly when no error was reported. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct diags d = {0};
	struct node *root = json_parse(&a, "fuzz.json", (const char *)data, size, &d);
	if ((root != NULL) == (d.errors != 0))
		abort();
	diags_free(&d);
	arena_free(&a);
	return 0;
}
