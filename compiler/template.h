/* A small mustache-like template engine. The template knows nothing of rhc's
 * data: it looks names up in a struct val view (maps, lists, scalars).
 *
 *   {{name.path}}       a scalar, escaped for the template's output kind
 *   {{name|sh}}         ... escaped for another kind (nginx yaml json sh shvar md)
 *   {{#name}}..{{/name}} list: once per item; map: once inside it; true or a
 *                        non-empty string: once
 *   {{^name}}..{{/name}} once when name is false, empty, 0 or null
 *   {{.}}               the current item;  {{@index}} {{@first}} {{@last}} in a loop
 *   {{! comment }}
 *
 * A line holding only a section, close or comment tag disappears whole. An
 * unknown name, a non-scalar printed, or a value its context cannot carry is
 * an error located in the template (NAME:LINE:COL). */
#ifndef RHC_TEMPLATE_H
#define RHC_TEMPLATE_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "escape.h"
#include "val.h"

/* A template tokenized once, to render any number of times. It borrows
 * NAME and TEXT, which must outlive it. */
struct template;

/* Compiles TEXT (LEN bytes, named NAME); NULL after errors added to D. */
struct template *template_compile(const char *name, const char *text, size_t len,
				  struct diags *d);
/* Renders T into OUT, escaping values for KIND, as template_render does. */
bool template_run(const struct template *t, enum escape_kind kind,
		  const struct val *const *scopes, size_t nscopes, struct buf *out, struct diags *d);
void template_free(struct template *t);

/* Compiles and renders TEXT (LEN bytes, named NAME) into OUT. Names are looked up in
 * SCOPES[NSCOPES-1] first, then outwards. Returns false when errors were
 * added to D; OUT then holds partial output to discard. */
bool template_render(const char *name, const char *text, size_t len, enum escape_kind kind,
		     const struct val *const *scopes, size_t nscopes, struct buf *out,
		     struct diags *d);

#endif
