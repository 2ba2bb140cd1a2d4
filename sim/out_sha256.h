/* SHA-256 (FIPS 180-4) of output files, for manifest.json: `sha256sum` checks the same
 * digests. Neither GSL nor libconfig hashes, and one small digest does not justify a
 * cryptography library as a dependency; the tests pin the standard's example vectors. */
#ifndef OUT_SHA256_H
#define OUT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define OUT_SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct out_sha256 {
    uint32_t h[8];
    uint64_t bytes;          /* message length so far */
    unsigned char block[64]; /* the partial block */
    size_t used;             /* bytes in block */
} out_sha256;

/* Start a digest in caller's storage s (nothing allocated: nothing to free). */
void out_sha256_init(out_sha256 *s);
/* Add data[0..n) to the digest (any split of a message gives the same digest). */
void out_sha256_update(out_sha256 *s, const void *data, size_t n);
/* Finish and write the digest as lower-case hex into hex; *s must be re-initialised
 * before reuse. Returns hex. */
const char *out_sha256_hex(out_sha256 *s, char hex[OUT_SHA256_HEX]);

/* The digest of a file's bytes into hex and its size into *bytes. Returns 0, OUT_EIO with
 * err naming the file and the cause, or OUT_ESTOPPED (out_stop_on's flag raised). */
__attribute__((warn_unused_result)) int out_sha256_file(const char *path,
                                                        char hex[OUT_SHA256_HEX],
                                                        uint64_t *bytes, char *err,
                                                        size_t errlen);

#endif
