/* buf.c's streaming mode: whatever mix of appends goes in, the callback sees
 * the same bytes in order, never more than the buffer's size at a time
 * except for one append larger than the buffer; the cap counts the total;
 * a failing callback fails the buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

/* What the callback received. */
struct seen {
	struct buf all;
	size_t calls;
	size_t largest;
	size_t fail_after; /* refuse once this many bytes arrived (0: never) */
};

static bool collect(void *ctx, const char *data, size_t len)
{
	struct seen *s = ctx;
	if (s->fail_after && s->all.len + len > s->fail_after)
		return false;
	buf_put(&s->all, data, len);
	s->calls++;
	if (len > s->largest)
		s->largest = len;
	return true;
}

static void test_stream_keeps_every_byte(void **state)
{
	(void)state;
	struct seen s = {0};
	struct buf b, want = {0};
	buf_init_stream(&b, 16, collect, &s);
	char big[100];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	for (int round = 0; round < 50; round++) {
		buf_putc(&b, 'x');
		buf_putc(&want, 'x');
		buf_puts(&b, "hello, ");
		buf_puts(&want, "hello, ");
		buf_printf(&b, "%d-%s;", round, "seven..");
		buf_printf(&want, "%d-%s;", round, "seven..");
		buf_put(&b, big, (size_t)round % sizeof(big)); /* some larger than the buffer */
		buf_put(&want, big, (size_t)round % sizeof(big));
		assert_true(b.len <= 16);
	}
	assert_true(buf_flush(&b));
	assert_int_equal(b.len, 0);
	assert_false(buf_failed(&b));
	assert_int_equal(s.all.len, want.len);
	assert_memory_equal(s.all.data, want.data, want.len);
	assert_int_equal(b.flushed, want.len);
	/* buffered pieces are at most 16 bytes; only pass-through puts are larger */
	assert_true(s.largest <= sizeof(big));
	assert_true(s.calls > want.len / sizeof(big));
	buf_free(&b);
	buf_free(&want);
	buf_free(&s.all);
}

static void test_stream_cap_counts_the_total(void **state)
{
	(void)state;
	struct seen s = {0};
	struct buf b;
	buf_init_stream(&b, 16, collect, &s);
	b.limit = 100;
	for (int i = 0; i < 9; i++)
		buf_puts(&b, "0123456789");
	assert_false(buf_failed(&b));
	buf_puts(&b, "0123456789X"); /* 101 bytes in all */
	assert_true(buf_failed(&b));
	assert_false(buf_flush(&b));
	assert_true(s.all.len <= 100);
	buf_free(&b);
	buf_free(&s.all);
}

static void test_stream_callback_failure_fails_the_buffer(void **state)
{
	(void)state;
	struct seen s = {.fail_after = 40};
	struct buf b;
	buf_init_stream(&b, 16, collect, &s);
	for (int i = 0; i < 10 && !buf_failed(&b); i++)
		buf_puts(&b, "0123456789");
	assert_true(buf_failed(&b));
	size_t got = s.all.len;
	buf_puts(&b, "more");
	buf_put(&b, "a longer piece than the buffer holds", 36);
	assert_false(buf_flush(&b));
	assert_int_equal(s.all.len, got); /* nothing more after the failure */
	assert_true(got <= 40);
	buf_free(&b);
	buf_free(&s.all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_keeps_every_byte),
		cmocka_unit_test(test_stream_cap_counts_the_total),
		cmocka_unit_test(test_stream_callback_failure_fails_the_buffer),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
