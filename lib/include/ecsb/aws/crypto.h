/* crypto.h: the hashes SigV4 needs. OpenSSL libcrypto on POSIX
 * (lib/platform/posix/crypto_openssl.c), BCrypt/CNG on Windows (lib/platform/windows/crypto_bcrypt.c). */
#ifndef ECSB_CRYPTO_H
#define ECSB_CRYPTO_H

#include <stddef.h>

#define ECSB_SHA256_LEN 32

void ecsb_sha256(const void *data, size_t len, unsigned char out[ECSB_SHA256_LEN]);
void ecsb_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                      unsigned char out[ECSB_SHA256_LEN]);
/* Zeroes n bytes in a way the compiler may not drop as a dead store (derived
 * signing keys, secrets): explicit_bzero on POSIX, SecureZeroMemory on Windows. */
void ecsb_secure_zero(void *p, size_t n);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void ecsb_hex(const unsigned char *bytes, size_t n, char *out);

#endif
