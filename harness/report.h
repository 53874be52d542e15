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
/* "PASS name: file:line: message" lines, then "N passed, N failed, N skipped";
 * every field escaped (report_escape), so each check is one line. */
void report_format_text(const struct report *r, struct buf *out);
void report_format_json(const struct report *r, struct buf *out);
/* JUnit XML for CI test reporters (GitLab, Jenkins, GitHub actions): one
 * testcase per check, FAIL as <failure>, SKIP as <skipped>, each with its
 * message; characters XML 1.0 cannot carry are written as \xNN. */
void report_format_junit(const struct report *r, struct buf *out);
void report_free(struct report *r);

/* A copy of S (malloc) with every occurrence of each string in SECRETS
 * (NULL-ended; NULL or empty entries skipped) and any credential after
 * "Bearer " or "Basic " replaced by <redacted>. */
char *report_redact(const char *s, const char *const *secrets);
/* report_redact on the message of every check from index FROM on. */
void report_redact_from(struct report *r, size_t from, const char *const *secrets);
/* Appends S to OUT with control characters, newlines and C1 controls
 * escaped (\n, \x1b, ...): text from a server or a file can never start a
 * line of its own or move the cursor in a terminal. */
void report_escape(struct buf *out, const char *s);
/* report_escape on each line of TEXT, each ended by a newline: lines stay
 * lines, nothing inside one can start another. */
void report_escape_lines(struct buf *out, const char *text);

#endif
