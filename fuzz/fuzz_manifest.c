/* verify's MANIFEST reader: any bytes, no crash; every kept entry is a
 * 64-hex hash and a relative path with no '..' segment ("a..b" is a name). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int dotdot_segment(const char *p)
{
	size_t n = strlen(p);
	return !strcmp(p, "..") || !strncmp(p, "../", 3) || strstr(p, "/../") ||
	       (n >= 3 && !strcmp(p + n - 3, "/.."));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct diags d = {0};
	struct manifest m;
	manifest_parse(&a, "MANIFEST", (const char *)data, size, &m, &d);
	for (size_t i = 0; i < m.count; i++)
		if (strlen(m.entries[i].sha256) != 64 || m.entries[i].path[0] == '/' ||
		    dotdot_segment(m.entries[i].path))
			abort();
	diags_free(&d);
	arena_free(&a);
	return 0;
}
