/* Fuzzes the URL splitter, the URI codecs and SigV4 canonicalization over
 * arbitrary paths and queries: no crash, no leak, and invariants on the output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/sigv4.h"
#include "ecsb/base/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ecsb_xstrndup((const char *)data, size);
    struct ecsb_url u;
    struct ecsb_error err;
    if (ecsb_url_parse(s, &u, &err) == ECSB_OK) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_url_host_header(&u, &b);
        ecsb_buf_free(&b);
        ecsb_url_free(&u);
    }
    struct ecsb_buf n = ECSB_BUF_INIT, e = ECSB_BUF_INIT, d = ECSB_BUF_INIT;
    ecsb_uri_normalize_path(&n, (const char *)data, size);
    if (!n.data || n.data[0] != '/') abort();
    ecsb_uri_encode(&e, (const char *)data, size, false);
    ecsb_uri_decode(&d, e.data ? e.data : "", e.len);
    if (d.len != size || (size && memcmp(d.data, data, size) != 0)) abort(); /* round trip */

    /* Path = input up to the first '?' (forced to start with '/'), query = the rest. */
    struct ecsb_buf path = ECSB_BUF_INIT;
    const char *q = memchr(s, '?', strlen(s));
    ecsb_buf_putc(&path, '/');
    ecsb_buf_append(&path, s, q ? (size_t)(q - s) : strlen(s));
    struct ecsb_http_headers h = {0};
    ecsb_http_headers_add(&h, "Host", "example.amazonaws.com");
    ecsb_http_headers_add(&h, "X-Fuzz", s);
    struct ecsb_credentials c = {.access_key_id = "AKID", .secret_access_key = "secret", .session_token = "tok"};
    struct ecsb_sigv4_params p = {.region = "us-east-1", .service = "ecs", .amz_date = "20150830T123600Z",
                                  .creds = &c, .normalize_path = size & 1, .sign_body = size & 2};
    struct ecsb_sigv4_request r = {"POST", path.data, q ? q + 1 : NULL, &h, data, size};
    struct ecsb_sigv4_result res;
    if (ecsb_sigv4_sign(&r, &p, &res, &err) == ECSB_OK) {
        if (strlen(res.signature) != 64) abort();
        ecsb_sigv4_result_free(&res);
    }
    ecsb_http_headers_free(&h);
    ecsb_buf_free(&path);
    ecsb_buf_free(&n);
    ecsb_buf_free(&e);
    ecsb_buf_free(&d);
    free(s);
    return 0;
}
