/* SHA-256 (FIPS 180-4 examples) and HMAC-SHA256 (RFC 4231) vectors, run against the
 * OpenSSL backend natively and the BCrypt backend under Wine. */
#include "check.h"

#include "ecsb/aws/crypto.h"

static void sha_hex(const void *data, size_t len, char out[65])
{
    unsigned char d[ECSB_SHA256_LEN];
    ecsb_sha256(data, len, d);
    ecsb_hex(d, sizeof d, out);
}

static void hmac_hex(const void *key, size_t klen, const void *data, size_t len, char out[65])
{
    unsigned char d[ECSB_SHA256_LEN];
    ecsb_hmac_sha256(key, klen, data, len, d);
    ecsb_hex(d, sizeof d, out);
}

TEST(sha256_nist_vectors)
{
    char h[65];
    sha_hex("", 0, h);
    CHECK_STR_EQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", 3, h);
    CHECK_STR_EQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_hex(two_blocks, strlen(two_blocks), h);
    CHECK_STR_EQ(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha_hex(million, 1000000, h);
    CHECK_STR_EQ(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

TEST(hmac_sha256_rfc4231)
{
    unsigned char k[131], d[50];
    char h[65];
    memset(k, 0x0b, 20);
    hmac_hex(k, 20, "Hi There", 8, h);
    CHECK_STR_EQ(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, h);
    CHECK_STR_EQ(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(k, 0xaa, 20);
    memset(d, 0xdd, 50);
    hmac_hex(k, 20, d, 50, h);
    CHECK_STR_EQ(h, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (int i = 0; i < 25; i++) k[i] = (unsigned char)(i + 1);
    memset(d, 0xcd, 50);
    hmac_hex(k, 25, d, 50, h);
    CHECK_STR_EQ(h, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    memset(k, 0x0c, 20);
    hmac_hex(k, 20, "Test With Truncation", 20, h);
    CHECK(strncmp(h, "a3b6167473100ee06e0c796c2955552b", 32) == 0);
    memset(k, 0xaa, 131);
    const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_hex(k, 131, t6, strlen(t6), h);
    CHECK_STR_EQ(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    const char *t7 = "This is a test using a larger than block-size key and a larger than block-size data. "
                     "The key needs to be hashed before being used by the HMAC algorithm.";
    hmac_hex(k, 131, t7, strlen(t7), h);
    CHECK_STR_EQ(h, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(hmac_empty_key_and_data)
{
    char h[65];
    /* HMAC-SHA256("", "") as computed by Python's hmac module. */
    hmac_hex("", 0, "", 0, h);
    CHECK_STR_EQ(h, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(hex_is_lower_case)
{
    const unsigned char b[] = {0x00, 0xab, 0xff};
    char out[7];
    ecsb_hex(b, 3, out);
    CHECK_STR_EQ(out, "00abff");
}


/* The wipe of derived keys goes through the platform seam (explicit_bzero /
 * SecureZeroMemory), which the compiler may not drop; it wipes exactly n bytes. */
TEST(secure_zero_wipes_exactly_n_bytes)
{
    unsigned char key[48];
    memset(key, 0xA5, sizeof key);
    ecsb_secure_zero(key + 8, 32);
    volatile unsigned char *v = key;
    size_t zeros = 0;
    for (size_t i = 0; i < sizeof key; i++)
        zeros += v[i] == 0;
    CHECK_INT_EQ(zeros, 32);
    CHECK_INT_EQ(v[7], 0xA5);
    CHECK_INT_EQ(v[40], 0xA5);
    ecsb_secure_zero(NULL, 0); /* harmless */
}

int main(void)
{
    RUN(secure_zero_wipes_exactly_n_bytes);
    RUN(sha256_nist_vectors);
    RUN(hmac_sha256_rfc4231);
    RUN(hmac_empty_key_and_data);
    RUN(hex_is_lower_case);
    return check_summary();
}
