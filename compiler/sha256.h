/* SHA-256 (FIPS 180-4), for MANIFEST. */
#ifndef RHC_SHA256_H
#define RHC_SHA256_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An incremental digest, for bytes that arrive in pieces (rhc build hashes
 * each artefact as it streams to disk). init, any number of updates, then
 * final; the struct is the caller's and holds no other memory. */
struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes so far */
	unsigned char block[64]; /* a partial block, the first len % 64 bytes used */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes the 64 hex digits of the digest and a NUL into HEX. S is spent. */
void sha256_final_hex(struct sha256 *s, char hex[65]);

/* One-shot: writes the 64 hex digits of the digest of DATA and a NUL into HEX. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Tests only: use the portable code even where the CPU has SHA extensions,
 * so both paths are checked against each other on any machine. */
void sha256_force_portable(bool on);

#endif
