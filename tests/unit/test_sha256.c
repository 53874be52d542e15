/* sha256.c: the FIPS 180-4 example vectors, and every padding boundary
 * (55/56 and 63/64/65 bytes), pinned from sha256sum; the incremental API
 * against the one-shot digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "sha256.h"

static void expect_digest(const void *data, size_t len, const char *want)
{
	char hex[65];
	memset(hex, 'x', sizeof(hex));
	sha256_hex(data, len, hex);
	assert_int_equal(hex[64], '\0');
	assert_string_equal(hex, want);
}

static void test_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *msg;
		const char *want;
	} rows[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		 "klmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	for (size_t i = 0; i < NROWS(rows); i++)
		expect_digest(rows[i].msg, strlen(rows[i].msg), rows[i].want);
}

/* N bytes of 'a': the lengths around the one- and two-block padding cases. */
static void test_padding_boundaries(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		const char *want;
	} rows[] = {
		{55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
		{56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
		{63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
		{64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
		{65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
		{1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"},
		{1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	};
	for (size_t i = 0; i < NROWS(rows); i++) {
		char *buf = malloc(rows[i].n);
		assert_non_null(buf);
		memset(buf, 'a', rows[i].n);
		expect_digest(buf, rows[i].n, rows[i].want);
		free(buf);
	}
}

/* Every byte value, high bits included (a signed-char bug would show here). */
static void test_all_bytes(void **state)
{
	(void)state;
	unsigned char buf[1024];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	expect_digest(buf, sizeof(buf),
		      "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9");
}

/* The SHA-extension path and the portable code agree on every length from
 * 0 to 300 bytes and on a large buffer (on a CPU without the extensions both
 * runs take the portable path and the test checks it against itself and the
 * vectors above). */
static void test_both_paths_agree(void **state)
{
	(void)state;
	static unsigned char data[70000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + (i >> 7));
	for (size_t n = 0; n <= sizeof(data); n = n < 300 ? n + 1 : n * 3 + 17) {
		char fast[65], portable[65];
		sha256_force_portable(false);
		sha256_hex(data, n, fast);
		sha256_force_portable(true);
		sha256_hex(data, n, portable);
		sha256_force_portable(false);
		if (strcmp(fast, portable))
			fail_msg("length %zu: %s vs portable %s", n, fast, portable);
	}
}

/* The incremental API gives the one-shot digest however the bytes are split:
 * pieces of every size from 1 to 130 (across block boundaries, partial
 * blocks topped up), and a 64 KiB-then-rest split as rhc build streams it,
 * on both the SHA-extension and the portable path. */
static void test_incremental_matches_one_shot(void **state)
{
	(void)state;
	static unsigned char data[200000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + (i >> 9));
	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		char want[65], got[65];
		sha256_hex(data, sizeof(data), want);
		for (size_t piece = 1; piece <= 130; piece++) {
			struct sha256 s;
			sha256_init(&s);
			for (size_t off = 0; off < sizeof(data); off += piece) {
				size_t n = sizeof(data) - off < piece ? sizeof(data) - off : piece;
				sha256_update(&s, data + off, n);
			}
			sha256_final_hex(&s, got);
			if (strcmp(want, got))
				fail_msg("pieces of %zu (portable %d): %s vs %s", piece, portable, got, want);
		}
		struct sha256 s;
		sha256_init(&s);
		sha256_update(&s, data, 65536);
		sha256_update(&s, NULL, 0);
		sha256_update(&s, data + 65536, sizeof(data) - 65536);
		sha256_final_hex(&s, got);
		assert_string_equal(got, want);
	}
	sha256_force_portable(false);
	struct sha256 s;
	sha256_init(&s);
	char hex[65];
	sha256_final_hex(&s, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_both_paths_agree),
		cmocka_unit_test(test_incremental_matches_one_shot),
	};
	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
