/* Diagnostics: collected by every pass, printed once by main.c.
 * A struct diags owns its messages; diags_free releases them. */
#ifndef RHC_DIAG_H
#define RHC_DIAG_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A place in an input file, 1-based. file is borrowed and must outlive the
 * diagnostics that quote it (diags copy it). line 0 means "the whole file".
 * len: how many characters from col the place spans on its line (a token),
 * 0 when only the column is known. */
struct loc {
	const char *file;
	int line;
	int col;
	int len;
};

/* Byte offsets of TEXT as 1-based line and column (columns count UTF-8
 * characters, as every diagnostic does). Goes on from the last answer, so
 * a reader asking in order scans its input once. Zero-initialise, set text. */
struct text_pos {
	const char *text;
	size_t off; /* of the last answer */
	int line;   /* 0: no answer yet */
	int col;
};

/* The location of byte OFF of P->text in FILE. */
struct loc text_pos_at(struct text_pos *p, const char *file, size_t off);

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* The source line a diagnostic points into, copied by diags_quote so it can
 * be shown after the input is freed. A long line is kept as a window around
 * the column: first_col is the column of its first character, and cut_left /
 * cut_right say whether text was left out. */
struct diag_source {
	char *text;
	size_t len;
	int first_col;
	bool cut_left, cut_right;
};

struct diag {
	enum diag_severity severity;
	char *file;
	int line;
	int col;
	int len; /* characters the place spans (struct loc) */
	char *path; /* spec path such as nodes[1].address, or NULL */
	char *message;
	struct diag_source *source; /* NULL until diags_quote finds the line */
	struct diag *note; /* a related place ("first here"), itself a list */
};

#define DIAGS_MAX_KEPT 1000

struct diags {
	struct diag *items;
	size_t count;
	size_t cap;
	size_t errors;
	size_t warnings;
	size_t dropped; /* past DIAGS_MAX_KEPT: counted, not kept */
	bool last_dropped; /* the last one added was not kept: neither is its note */
};

/* Records a diagnostic at LOC; PATH (may be NULL) is the spec path. */
void diags_error(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diags_warning(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Adds a note at LOC to the diagnostic recorded last (dropped with it when
 * that one was past DIAGS_MAX_KEPT): the other end of a duplicate. */
void diags_note(struct diags *d, struct loc loc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Copies, for every diagnostic and note in FILE, its source line from TEXT
 * (LEN bytes, the bytes the locations were taken from), so the text format
 * can show it with a caret. A caller quotes each input it still holds. */
void diags_quote(struct diags *d, const char *file, const char *text, size_t len);

/* Orders the kept diagnostics by file, line and column (stable), so a user
 * reads them top to bottom whichever pass found them. */
void diags_sort(struct diags *d);
/* FILE:LINE:COL: error: PATH: MESSAGE, one per line; each quoted one is
 * followed by its source line and a caret under the column (a tilde run
 * under the rest of its span), then its notes the same way. */
void diags_format_text(const struct diags *d, struct buf *out);
/* The same with ANSI colours (for a terminal). */
void diags_format_colour(const struct diags *d, struct buf *out);
/* What the text format prints under G's own line: its source line and
 * caret, then its notes. Nothing when G was not quoted and has no notes. */
void diag_format_quote(const struct diag *g, struct buf *out);
/* {"errors":N,"warnings":N,"diagnostics":[...]} */
void diags_format_json(const struct diags *d, struct buf *out);
void diags_free(struct diags *d);

/* What D held at some point, to forget everything recorded after it (while
 * D is only added to, not sorted): a front end that gives up hands the input
 * to another one, and the diagnostics its callers reported meanwhile go. */
struct diags_mark {
	size_t count;
	size_t errors;
	size_t warnings;
	size_t dropped;
};
struct diags_mark diags_mark(const struct diags *d);
void diags_rollback(struct diags *d, struct diags_mark m);

#endif
