/* verify's report: one line per check, PASS, FAIL or SKIP, with the file and
 * line it concerns. A struct report owns its strings; report_free frees them. */
#ifndef RHC_REPORT_H
#define RHC_REPORT_H
#include <stddef.h>

#include "buf.h"

enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

struct check {
	enum check_status status;
	char *name;    /* e.g. "integrity", "upstreams", "nginx -t" */
	char *file;    /* relative to the verified directory, or NULL */
	int line;      /* 0: the whole file */
	char *message;
	char *detail; /* lines shown under it (a source line and caret), or NULL */
};

struct report {
	struct check *items;
	size_t count;
	size_t cap;
	size_t passed, failed, skipped;
};

void report_add(struct report *r, enum check_status status, const char *name, const char *file,
		int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Attaches TEXT (lines, each ending in a newline) to the check added last;
 * the text and JUnit formats show it, JSON does not. */
void report_detail(struct report *r, const char *text);
/* "PASS name: file:line: message" lines, then "N passed, N failed, N skipped". */
void report_format_text(const struct report *r, struct buf *out);
void report_format_json(const struct report *r, struct buf *out);
/* JUnit XML for CI test reporters (GitLab, Jenkins, GitHub actions): one
 * testcase per check, FAIL as <failure>, SKIP as <skipped>, each with its
 * message; characters XML 1.0 cannot carry are written as \xNN. */
void report_format_junit(const struct report *r, struct buf *out);
void report_free(struct report *r);

#endif
