#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATTERN_MATCH_LIMIT 100000
#define PATTERN_DEPTH_LIMIT 1000

/* JIT-compiled once a pattern has matched this often: a 100,000-node spec
 * matches the name pattern 100,000 times, a small spec a few times, where
 * compiling would cost more than it saves. */
#define PATTERN_JIT_AFTER 64

struct pattern {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	unsigned long uses;
};

struct pattern *pattern_compile(const char *src, char *err, size_t errlen)
{
	int code = 0;
	PCRE2_SIZE off = 0;
	struct pattern *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->code = pcre2_compile((PCRE2_SPTR)src, strlen(src),
				PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOLLAR_ENDONLY | PCRE2_UTF,
				&code, &off, NULL);
	if (!p->code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "pattern /%s/ at offset %zu: %s", src, (size_t)off,
			 (const char *)msg);
		free(p);
		return NULL;
	}
	p->md = pcre2_match_data_create_from_pattern(p->code, NULL);
	p->mc = pcre2_match_context_create(NULL);
	if (!p->md || !p->mc) {
		snprintf(err, errlen, "out of memory");
		pattern_free(p);
		return NULL;
	}
	pcre2_set_match_limit(p->mc, PATTERN_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mc, PATTERN_DEPTH_LIMIT);
	return p;
}

bool pattern_match(const struct pattern *cp, const char *s, size_t n)
{
	struct pattern *p = (struct pattern *)cp; /* the use count is a cache, not a value */
	if (++p->uses == PATTERN_JIT_AFTER)
		pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE); /* on failure: the interpreter */
	int rc = pcre2_match(p->code, (PCRE2_SPTR)s, n, 0, 0, p->md, p->mc);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the interpreter has its own limits */
		rc = pcre2_match(p->code, (PCRE2_SPTR)s, n, 0, PCRE2_NO_JIT, p->md, p->mc);
	return rc >= 0;
}

void pattern_free(struct pattern *p)
{
	if (!p)
		return;
	pcre2_match_context_free(p->mc);
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->code);
	free(p);
}
