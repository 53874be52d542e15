/* verify's shell word splitter: any bytes, no crash, no hang, and every
 * word's text is its parts joined. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct shell_line *lines = NULL;
	size_t n = shell_split(&a, (const char *)data, size, &lines);
	for (size_t i = 0; i < n; i++) {
		for (size_t w = 0; w < lines[i].nwords; w++) {
			const struct shell_word *word = &lines[i].words[w];
			size_t off = 0;
			for (size_t p = 0; p < word->nparts; p++) {
				if (off + word->parts[p].len > word->len ||
				    memcmp(word->text + off, word->parts[p].text, word->parts[p].len))
					abort();
				off += word->parts[p].len;
			}
			if (off != word->len)
				abort();
		}
	}
	arena_free(&a);
	return 0;
}
