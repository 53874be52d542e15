/* Context-correct quoting for every output kind. Each escaper writes a value
 * so that its consumer reads back exactly the input, or refuses (returns
 * false, writes nothing) when the context cannot carry it. */
#ifndef RHC_ESCAPE_H
#define RHC_ESCAPE_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "val.h"

enum escape_kind {
	ESC_NGINX, /* nginx.conf argument: bare when safe, else double-quoted; no '$' */
	ESC_YAML,  /* YAML scalar: strings always double-quoted (safe for YAML 1.1 readers) */
	ESC_JSON,  /* JSON value */
	ESC_SH,    /* POSIX shell word: always single-quoted */
	ESC_SHVAR, /* a shell variable name, for "${NAME}": identifier or refused */
	ESC_MD,    /* Markdown inline code content: no backticks or line breaks */
	ESC_COMMENT, /* inside a '#' comment line: anything but control bytes */
	ESC_COREFILE, /* a bare CoreDNS Corefile token (host name, address) on a line of a
		       * YAML block scalar: letters, digits, '.', '-', '_' and ':' only */
	ESC_COUNT
};

/* The kind named NAME ("nginx", "yaml", "json", "sh", "shvar", "md", "comment",
 * "corefile"), or -1. */
int escape_kind_by_name(const char *name, size_t len);
const char *escape_kind_name(enum escape_kind kind);

void escape_json_string(struct buf *out, const char *s, size_t n);
void escape_yaml_string(struct buf *out, const char *s, size_t n);
void escape_sh_word(struct buf *out, const char *s, size_t n);
bool escape_nginx_word(struct buf *out, const char *s, size_t n);
bool escape_md_code(struct buf *out, const char *s, size_t n);
bool escape_sh_var(struct buf *out, const char *s, size_t n);
bool escape_comment(struct buf *out, const char *s, size_t n);
bool escape_corefile_token(struct buf *out, const char *s, size_t n);
/* Length of the prefix of S that escape_json_string copies unchanged: a
 * writer that finds the whole string plain can quote it itself. */
size_t escape_json_plain(const char *s, size_t n);

/* V in decimal, as printf's "%lld" writes it, into DST (at least
 * ESCAPE_INT_MAX bytes, no NUL added); returns the length. */
#define ESCAPE_INT_MAX 24
size_t escape_format_int(char *dst, long long v);

/* Writes scalar V (string, integer or boolean) for KIND. False when the
 * value cannot be written there, or is not a scalar. */
bool escape_value(struct buf *out, enum escape_kind kind, const struct val *v);

#endif
