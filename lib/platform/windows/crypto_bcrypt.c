/* SHA-256 and HMAC-SHA256 with BCrypt (CNG). The algorithm providers are opened per
 * call: SigV4 does a handful of hashes per request, and this keeps the module free
 * of global state. A CNG failure here means a broken OS install: abort loudly
 * rather than sign with garbage. */
#include "ecsb/aws/crypto.h"

#include <windows.h>
#include <bcrypt.h>
#include <stdio.h>
#include <stdlib.h>

static void hash(const void *key, size_t key_len, const void *data, size_t len, unsigned char out[ECSB_SHA256_LEN])
{
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE h = NULL;
    ULONG flags = key ? BCRYPT_ALG_HANDLE_HMAC_FLAG : 0;
    NTSTATUS st = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, flags);
    if (st >= 0)
        st = BCryptCreateHash(alg, &h, NULL, 0, (PUCHAR)key, (ULONG)key_len, 0);
    /* BCryptHashData takes a ULONG length: feed large inputs in chunks. */
    const unsigned char *p = data;
    while (st >= 0 && len > 0) {
        ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        st = BCryptHashData(h, (PUCHAR)p, chunk, 0);
        p += chunk;
        len -= chunk;
    }
    if (st >= 0)
        st = BCryptFinishHash(h, out, ECSB_SHA256_LEN, 0);
    if (h) BCryptDestroyHash(h);
    if (alg) BCryptCloseAlgorithmProvider(alg, 0);
    if (st < 0) {
        fprintf(stderr, "fatal: BCrypt SHA-256 failed (NTSTATUS 0x%08lx)\n", (unsigned long)st);
        abort();
    }
}

void ecsb_sha256(const void *data, size_t len, unsigned char out[ECSB_SHA256_LEN])
{
    hash(NULL, 0, data, len, out);
}

void ecsb_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                      unsigned char out[ECSB_SHA256_LEN])
{
    /* An empty HMAC key is legal; BCrypt wants a non-NULL pointer to tell HMAC apart. */
    static const unsigned char empty = 0;
    hash(key_len ? key : &empty, key_len, data, len, out);
}

void ecsb_secure_zero(void *p, size_t n)
{
    if (p && n)
        SecureZeroMemory(p, n);
}
