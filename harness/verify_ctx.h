/* What verify's checks share: the files of the directory, what parsed, and
 * the expectation (the view the compiler derives from spec.json). */
#ifndef RHC_VERIFY_CTX_H
#define RHC_VERIFY_CTX_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "arena.h"
#include "nginx_conf.h"
#include "node.h"
#include "report.h"
#include "shell_words.h"
#include "val.h"
#include "verify.h"

#define VERIFY_MAX_FILE ((size_t)64 << 20)

struct outfile {
	char *path; /* relative to the directory */
	char *data; /* NUL-terminated */
	size_t len;
	mode_t mode;
	bool changed; /* sha256 differs from MANIFEST */
};

struct script {
	const struct outfile *file;
	struct shell_line *lines;
	size_t nlines;
};

struct verify_ctx {
	const char *dir;
	const struct verify_options *opt;
	struct report *r;
	struct arena a;
	struct outfile *files;
	size_t nfiles;
	/* parsed artefacts; NULL when missing or unparsable */
	const struct val *spec; /* spec.json, checked by the schema and rules */
	const struct val *view; /* lower_spec(spec): what the artefacts must say */
	const struct nginx_directive *nginx;
	const struct node *rke;
	struct script scripts[8];
	size_t nscripts;
};

const struct outfile *verify_file(const struct verify_ctx *c, const char *path);
const struct script *verify_script(const struct verify_ctx *c, const char *path);
/* The first line of S whose words start with the given words (NULL-ended). */
const struct shell_line *script_find(const struct script *s, const char *const *prefix, size_t from,
				     size_t *index);

void check_consistency(struct verify_ctx *c);
void check_real_tools(struct verify_ctx *c);
void check_argv(struct verify_ctx *c);

#endif
