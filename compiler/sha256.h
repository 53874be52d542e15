/* SHA-256 (FIPS 180-4), for MANIFEST. */
#ifndef RHC_SHA256_H
#define RHC_SHA256_H
#include <stdbool.h>
#include <stddef.h>

/* Writes the 64 hex digits of the digest of DATA and a NUL into HEX. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Tests only: use the portable code even where the CPU has SHA extensions,
 * so both paths are checked against each other on any machine. */
void sha256_force_portable(bool on);

#endif
