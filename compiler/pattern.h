/* Whole-string regular expressions. The only file that includes pcre2.h.
 * Patterns are anchored at both ends, UTF, with a match limit, so a hostile
 * value can neither match a prefix nor make matching slow. */
#ifndef RHC_PATTERN_H
#define RHC_PATTERN_H
#include <stdbool.h>
#include <stddef.h>

struct pattern;

/* Compiles SRC; on failure returns NULL and writes a message to ERR. The
 * caller owns the result and frees it with pattern_free. */
struct pattern *pattern_compile(const char *src, char *err, size_t errlen);
/* True when all of S (N bytes) matches. A match that hits the limit is false.
 * A pattern used often is JIT-compiled on the way (not thread-safe). */
bool pattern_match(const struct pattern *p, const char *s, size_t n);
void pattern_free(struct pattern *p);

#endif
