#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_fail(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = true;
}

static size_t buf_limit(const struct buf *b)
{
	return b->limit ? b->limit : BUF_DEFAULT_LIMIT;
}

/* Streaming: hands N bytes at S to the callback. */
static bool buf_hand(struct buf *b, const char *s, size_t n)
{
	if (!n)
		return true;
	if (!b->flush(b->flush_ctx, s, n)) {
		buf_fail(b);
		return false;
	}
	b->flushed += n;
	return true;
}

/* Streaming: empties the buffer into the callback. */
static bool buf_drain(struct buf *b)
{
	if (!buf_hand(b, b->data, b->len))
		return false;
	b->len = 0;
	b->data[0] = '\0';
	return true;
}

static bool buf_reserve(struct buf *b, size_t n)
{
	size_t limit = buf_limit(b);
	if (b->failed)
		return false;
	/* flushed + len <= limit always holds, so this cannot wrap. */
	if (n > limit - b->flushed - b->len) {
		buf_fail(b);
		return false;
	}
	if (b->len + n + 1 <= b->cap)
		return true;
	if (b->flush && b->len && !buf_drain(b))
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	if (cap > limit + 1)
		cap = limit + 1;
	char *p = realloc(b->data, cap);
	if (!p) {
		buf_fail(b);
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void buf_put(struct buf *b, const char *s, size_t n)
{
	/* Fast path: room left. cap never exceeds limit + 1 (buf_reserve). */
	if (n < b->cap - b->len) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (b->flush && n >= b->cap) {
		/* Larger than the whole buffer: straight to the callback, no copy. */
		if (!b->failed && n > buf_limit(b) - b->flushed - b->len)
			buf_fail(b);
		if (!b->failed && buf_drain(b))
			buf_hand(b, s, n);
		return;
	}
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	if (1 < b->cap - b->len) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	buf_put(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_init_stream(struct buf *b, size_t size, buf_flush_fn *flush, void *ctx)
{
	*b = (struct buf){.flush = flush, .flush_ctx = ctx};
	b->data = malloc(size + 1);
	if (!b->data) {
		buf_fail(b);
		return;
	}
	b->data[0] = '\0';
	b->cap = size + 1;
}

bool buf_flush(struct buf *b)
{
	if (b->failed)
		return false;
	return !b->flush || buf_drain(b);
}

bool buf_failed(const struct buf *b)
{
	return b->failed;
}

char *buf_take(struct buf *b, size_t *len)
{
	char *p = b->data ? b->data : calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
