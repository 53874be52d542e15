/* Growable byte buffer with a hard size cap. Past the cap (or on OOM) the
 * buffer frees its storage and stays failed: callers check buf_failed once
 * at the end instead of after every append. The owner calls buf_free. */
#ifndef RHC_BUF_H
#define RHC_BUF_H
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	size_t limit; /* 0: BUF_DEFAULT_LIMIT */
	bool failed;
};

#define BUF_DEFAULT_LIMIT ((size_t)256 << 20)

void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool buf_failed(const struct buf *b);
/* Hands the bytes to the caller (who frees them) and resets the buffer. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
