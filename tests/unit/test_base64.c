/* base64 (ecsb/base/base64.h): the RFC 4648 section 10 vectors both ways, the URL-safe
 * alphabet, and what the decoder refuses. */
#include "check.h"

#include "ecsb/base/base64.h"

static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

TEST(rfc4648_vectors_encode_and_decode)
{
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_base64_encode(plain[i], strlen(plain[i]), false, &b);
        CHECK_STR_EQ(ecsb_buf_cstr(&b), coded[i]);
        ecsb_buf_reset(&b);
        size_t bad = 0;
        const char *why = NULL;
        CHECK(ecsb_base64_decode(coded[i], strlen(coded[i]), false, &b, &bad, &why));
        CHECK_STR_EQ(ecsb_buf_cstr(&b), plain[i]);
        ecsb_buf_free(&b);
    }
}

TEST(url_safe_alphabet_and_whitespace_by_choice)
{
    const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_base64_encode(bytes, 3, false, &b);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "+/+/");
    ecsb_buf_reset(&b);
    ecsb_base64_encode(bytes, 3, true, &b);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "-_-_");
    ecsb_buf_reset(&b);
    size_t bad = 0;
    const char *why = NULL;
    CHECK(ecsb_base64_decode("Zm9v\r\nYmFy", 10, true, &b, &bad, &why));
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "foobar");
    ecsb_buf_reset(&b);
    CHECK(!ecsb_base64_decode("Zm9v\r\nYmFy", 10, false, &b, &bad, &why));
    CHECK_INT_EQ(bad, 4);
    CHECK(!ecsb_base64_decode("Zm9=vYmFy", 9, false, &b, &bad, &why)); /* data after padding */
    CHECK(!ecsb_base64_decode("Zm9vY", 5, false, &b, &bad, &why));     /* not a multiple of 4 */
    CHECK(!ecsb_base64_decode("-_-_", 4, false, &b, &bad, &why));      /* URL-safe is not decoded */
    CHECK(ecsb_base64_char('+') && !ecsb_base64_char('=') && !ecsb_base64_char('-'));
    ecsb_buf_free(&b);
}

int main(void)
{
    RUN(rfc4648_vectors_encode_and_decode);
    RUN(url_safe_alphabet_and_whitespace_by_choice);
    return check_summary();
}
