/* Pass 5, emit: rendered files -> the output directory. The only module that
 * touches the file system for rhc build. Both emit sinks take files as
 * render_all streams them, so no artefact is ever whole in memory.
 *
 * The writer puts them in a temp directory beside the target, fsyncs each,
 * and on success swaps the directory into place, so a failure at any point
 * (a render error, a full disk) leaves the old output untouched and no temp
 * directory behind. The checker compares them with an existing directory
 * chunk by chunk, writing nothing. Errors go to D with the path concerned. */
#ifndef RHC_EMIT_H
#define RHC_EMIT_H
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sink.h"

enum emit_status { EMIT_OK = 0, EMIT_DIFFERS = 1, EMIT_REFUSED = 2, EMIT_IO = 3 };

struct emit_writer;

/* Checks DIR may be replaced and creates the temp directory beside it. An
 * existing DIR that rhc did not make (no MANIFEST starting "rhc ") and is not
 * empty is refused unless FORCE; so are a symbolic link and a non-directory.
 * NULL on failure, with the reason in D and EMIT_REFUSED or EMIT_IO in *ST.
 * DIR and D are borrowed until emit_close. */
struct emit_writer *emit_open(const char *dir, bool force, struct diags *d,
			      enum emit_status *st);
struct sink *emit_writer_sink(struct emit_writer *w);
/* COMMIT (everything rendered): syncs the directories and swaps the new
 * output into place. Otherwise, or after any error, removes the temp
 * directory. Frees W. EMIT_IO when a file or the swap failed (reported in
 * D), else EMIT_OK. *NFILES: the files written. */
enum emit_status emit_close(struct emit_writer *w, bool commit, size_t *nfiles);

/* Until emit_interrupts_release, SIGINT, SIGTERM and SIGHUP remove DIR's
 * tree (async-signal-safe: no allocation) and then end the process by the
 * same signal. rhc build's temp directory uses it, and so does verify's
 * private copy. DIR is copied. */
void emit_remove_on_interrupt(const char *dir);
void emit_interrupts_release(void);

struct emit_checker;

/* Compares the files written to its sink with DIR, writing nothing. */
struct emit_checker *emit_check_open(const char *dir);
struct sink *emit_checker_sink(struct emit_checker *c);
/* RENDERED: puts each missing, changed, wrong-mode and extra file of DIR in
 * D; EMIT_OK when identical, else EMIT_DIFFERS. Not RENDERED (the spec's
 * rendering failed): reports nothing and returns EMIT_OK. Frees C. */
enum emit_status emit_check_close(struct emit_checker *c, bool rendered, struct diags *d);

#endif
