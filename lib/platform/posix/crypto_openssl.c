/* SHA-256 and HMAC-SHA256 with OpenSSL libcrypto. */
#include "ecsb/aws/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string.h>

void ecsb_sha256(const void *data, size_t len, unsigned char out[ECSB_SHA256_LEN])
{
    SHA256(data, len, out);
}

void ecsb_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                      unsigned char out[ECSB_SHA256_LEN])
{
    unsigned int out_len = ECSB_SHA256_LEN;
    HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len);
}

void ecsb_secure_zero(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}
