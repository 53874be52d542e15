/* "Did you mean" hints. */
#ifndef RHC_SUGGEST_H
#define RHC_SUGGEST_H
#include <stddef.h>

/* The name in NAMES closest to WORD (case-insensitive edit distance with
 * transpositions), if close enough to be a likely typo; else NULL. */
const char *suggest(const char *word, const char *const *names, size_t n);
/* Edit distance (optimal string alignment), case-insensitive; for tests. */
size_t suggest_distance(const char *a, const char *b);

#endif
