/* The one status line verify keeps up to date on a terminal while it waits
 * (--cluster --wait, --lb): what it waits on and for how long. It writes to
 * stderr itself, like --wait's round lines, because it must appear while rhc
 * waits. When stderr is not a terminal it writes nothing, so logs and CI
 * output stay exactly as they were. */
#ifndef RHC_PROGRESS_H
#define RHC_PROGRESS_H
#include <stdbool.h>

/* stderr is a terminal: the line is shown. */
bool progress_on(void);
/* Replaces the line with the formatted text (cut to the terminal's width).
 * Calls closer than 100 ms apart are skipped unless the text starts a new
 * step (FORCE). */
void progress_show(bool force, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Erases the line, before other output or at the end. */
void progress_clear(void);

#endif
