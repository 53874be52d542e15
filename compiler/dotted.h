/* Dotted paths ("loadBalancer.address"), as node_path, val_path and the
 * schema's lookups take them. */
#ifndef RHC_DOTTED_H
#define RHC_DOTTED_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define DOTTED_PART_MAX 128

/* Copies the next part of *PATH into PART (NUL-terminated) and moves *PATH
 * past it and its dot. False at the end of the path, or for a part too long
 * to be any key rhc looks up. */
static inline bool dotted_next(const char **path, char part[DOTTED_PART_MAX])
{
	size_t n = strcspn(*path, ".");
	if (!**path || n >= DOTTED_PART_MAX)
		return false;
	memcpy(part, *path, n);
	part[n] = '\0';
	*path += n + ((*path)[n] == '.');
	return true;
}

#endif
