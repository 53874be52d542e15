/* A reader of the nginx configuration grammar, enough for verify: directives
 * with arguments, blocks, ';', quoting, comments. It knows no directive's
 * meaning; checks in verify interpret the tree. */
#ifndef RHC_NGINX_CONF_H
#define RHC_NGINX_CONF_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

#define NGINX_MAX_DEPTH 32
#define NGINX_MAX_ARGS 64

struct nginx_arg {
	const char *text; /* unquoted, escapes resolved, NUL-terminated */
	size_t len;
	bool quoted;	  /* written in '...' or "..." */
};

struct nginx_directive {
	const char *name;
	struct nginx_arg *args;
	size_t nargs;
	int line; /* 1-based, of the name */
	int col;
	bool block; /* ended by '{ ... }' rather than ';' */
	struct nginx_directive *children; /* first directive inside the block */
	struct nginx_directive *parent;	  /* NULL at the top level */
	struct nginx_directive *next;	  /* next sibling */
};

/* Parses DATA (LEN bytes, named FILE) into a list of top-level directives in
 * A (NULL for an empty file; check D->errors to tell). Syntax follows
 * nginx's ngx_conf_file.c: tokens are separated by whitespace; '#' starts a
 * comment outside quotes; "..." and '...' quote, with backslash escapes
 * (\" \' \\ \t \r \n); a bare word may contain backslash escapes too; ';' ends
 * a simple directive, '{' opens a block that '}' closes. Errors (with
 * FILE:LINE:COL): unexpected ';', '{' or '}', unbalanced braces, a directive
 * without ';' at end of file, an unterminated quote, a directive name that is
 * quoted, nesting past NGINX_MAX_DEPTH, more than NGINX_MAX_ARGS arguments,
 * NUL bytes. */
struct nginx_directive *nginx_conf_parse(struct arena *a, const char *file, const char *data,
					 size_t len, struct diags *d);

/* The first direct child of BLOCK named NAME (or of the top level when BLOCK
 * is NULL and FIRST is the list head), or NULL.
 * FIRST is a list head: pass block->children, or the top-level list; only
 * that level is searched. */
const struct nginx_directive *nginx_find(const struct nginx_directive *first, const char *name);

#endif
