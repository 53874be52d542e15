/* Pass 5, emit: artefacts -> files. Writes a temp directory beside the
 * target, fsyncs it, then swaps it into place, so a failure at any point
 * leaves the old output untouched. Errors go to D with the path concerned. */
#ifndef RHC_EMIT_H
#define RHC_EMIT_H
#include <stdbool.h>

#include "diag.h"
#include "render.h"

enum emit_status { EMIT_OK = 0, EMIT_DIFFERS = 1, EMIT_REFUSED = 2, EMIT_IO = 3 };

/* Replaces DIR with exactly FILES. An existing DIR that rhc did not make (no
 * MANIFEST starting "rhc ") and is not empty is refused unless FORCE. */
enum emit_status emit_write(const char *dir, const struct artefacts *files, bool force,
			    struct diags *d);

/* Compares DIR with FILES without writing; each missing, changed or extra
 * file is a diagnostic. EMIT_OK when identical, else EMIT_DIFFERS. */
enum emit_status emit_check(const char *dir, const struct artefacts *files, struct diags *d);

#endif
