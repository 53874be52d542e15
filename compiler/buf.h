/* Growable byte buffer with a hard size cap. Past the cap (or on OOM) the
 * buffer frees its storage and stays failed: callers check buf_failed once
 * at the end instead of after every append. The owner calls buf_free.
 *
 * A streaming buffer (buf_init_stream) keeps at most its size in memory:
 * when an append would not fit, the bytes so far go to its flush callback
 * and the buffer starts again from empty; an append larger than the whole
 * buffer goes to the callback directly. Writers such as the template engine
 * append as usual and never see the difference. The cap then applies to the
 * total, and a callback that returns false fails the buffer like an
 * overflow (the callback keeps its own reason). */
#ifndef RHC_BUF_H
#define RHC_BUF_H
#include <stdbool.h>
#include <stddef.h>

typedef bool buf_flush_fn(void *ctx, const char *data, size_t len);

struct buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	size_t limit; /* 0: BUF_DEFAULT_LIMIT */
	bool failed;
	buf_flush_fn *flush; /* NULL: the buffer grows instead */
	void *flush_ctx;
	size_t flushed; /* bytes already handed to flush */
};

#define BUF_DEFAULT_LIMIT ((size_t)256 << 20)

void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool buf_failed(const struct buf *b);
/* Makes B (zeroed, or freed) a streaming buffer holding up to SIZE bytes,
 * handing them to FLUSH(CTX, ...). Fails B when SIZE cannot be allocated. */
void buf_init_stream(struct buf *b, size_t size, buf_flush_fn *flush, void *ctx);
/* Hands what a streaming buffer holds to its callback now (at the end of a
 * file). False when B has failed. */
bool buf_flush(struct buf *b);
/* Hands the bytes to the caller (who frees them) and resets the buffer. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
