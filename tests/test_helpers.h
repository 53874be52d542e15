/* Small helpers the cmocka tests share (include after <cmocka.h>). */
#ifndef RHC_TEST_HELPERS_H
#define RHC_TEST_HELPERS_H
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"

#define NROWS(t) (sizeof(t) / sizeof((t)[0]))
/* Inputs may hold NUL bytes, so every row carries its length. */
#define S(lit) lit, sizeof(lit) - 1

/* A copy of DATA exactly LEN bytes long, with no NUL after it, so a parser
 * reading past the end shows under ASan. The caller frees it. */
static inline char *exact_copy(const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, data, len);
	return copy;
}

/* D's diagnostics as text, one per line ("" when none; the caller frees). */
static inline char *diags_text(const struct diags *d)
{
	struct buf text = {0};
	diags_format_text(d, &text);
	return buf_take(&text, NULL); /* "" when empty */
}

#endif
