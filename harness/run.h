/* Runs a program and captures its output, with a time limit: verify's way
 * to the real tools (bash, nginx, kubectl, shellcheck). */
#ifndef RHC_RUN_H
#define RHC_RUN_H
#include <stdbool.h>

#include "buf.h"
#include "sandbox.h"

#define RUN_NOT_FOUND 127
#define RUN_TIMED_OUT (-2)
#define RUN_NO_SANDBOX 125 /* the sandbox could not be set up (reason on stderr) */

struct run_opts {
	const char *cwd;	   /* NULL: inherit */
	const char *const *env;	   /* NULL: inherit; else the whole environment */
	const char *input;	   /* stdin bytes (NULL: /dev/null) */
	int timeout_s;		   /* 0: 60 seconds */
	const struct sandbox *sandbox; /* non-NULL: run inside it (sandbox.h) */
};

/* Runs ARGV[0] (searched in PATH) with ARGV. Returns its exit status,
 * 128+signal when killed, RUN_TIMED_OUT, or -1 when it could not start. OUT
 * and ERR (either may be NULL) receive stdout and stderr. */
int run_capture(const char *const *argv, const struct run_opts *o, struct buf *out, struct buf *err);

/* The executable NAME: searched in PATH, then in /usr/sbin and /sbin (a
 * normal user's PATH often lacks them, and Debian puts nginx there). Writes
 * the full path into OUT and returns OUT, or NULL when there is none. */
const char *run_find(const char *name, char *out, size_t len);
/* True when run_find finds NAME. */
bool run_have(const char *name);

#endif
