/* Splits one logical line of a generated bash script into words, the way
 * bash would before expansion, keeping how each part was quoted. verify uses
 * it to read argument vectors and to prove spec values were single-quoted. */
#ifndef RHC_SHELL_WORDS_H
#define RHC_SHELL_WORDS_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

enum shell_quote {
	SHELL_BARE,   /* unquoted text (subject to expansion and splitting) */
	SHELL_SINGLE, /* inside '...' */
	SHELL_DOUBLE, /* inside "..." */
};

/* A word is one or more adjacent parts: 'a'"b"c is three parts, one word. */
struct shell_part {
	const char *text; /* the part's characters, quotes removed, NUL-terminated */
	size_t len;
	enum shell_quote quote;
};

struct shell_word {
	struct shell_part *parts;
	size_t nparts;
	const char *text; /* all parts joined, NUL-terminated */
	size_t len;
	int col; /* 1-based column where the word starts */
};

struct shell_line {
	struct shell_word *words;
	size_t nwords;
	int line; /* 1-based line of the first physical line */
	bool complete; /* false: an unterminated quote at end of input */
};

/* Splits SCRIPT (LEN bytes) into logical lines: a backslash-newline outside
 * single quotes joins physical lines; a '#' at the start of a word (outside
 * quotes) starts a comment to end of line; empty and comment-only lines are
 * dropped. Operators ; | & && || < > >> ( ) and redirections such as 3<
 * become words of their own (quote SHELL_BARE). $(...) and ${...} stay inside
 * the word they appear in, verbatim, as a bare part. Inside "...", a
 * backslash escapes only $ ` " \ and newline. Allocates in A; returns the
 * number of lines and sets *LINES.
 * Details: inside "...", $(...), ${...} and `...` stay verbatim in the double
 * part (bash does not split them there); `...`, $'...' and <(...) >(...) are
 * kept verbatim like $(...). Outside quotes a backslash is removed and the
 * character it escapes stays in the bare part. Here-document bodies are
 * skipped. A backslash at the very end of input is dropped, as bash does.
 * LINE is the line of the first word. */
size_t shell_split(struct arena *a, const char *script, size_t len, struct shell_line **lines);

#endif
