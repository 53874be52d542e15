/* One UTF-8 decoder for the readers and printers that check characters one
 * at a time (the JSON reader, the caret printer, verify's JUnit writer). */
#ifndef RHC_UTF8_H
#define RHC_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at S[0..N), or 0 when it is invalid
 * (overlong, surrogate, past U+10FFFF, truncated). *CP gets the code point. */
static inline size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t k;
	uint32_t min, v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		k = 1, min = 0x80, v = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		k = 2, min = 0x800, v = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		k = 3, min = 0x10000, v = c & 0x07;
	} else {
		return 0;
	}
	if (n <= k)
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if ((s[j] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[j] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return k + 1;
}

#endif
