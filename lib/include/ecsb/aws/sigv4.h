/* sigv4.h: AWS Signature Version 4 header signing as a pure function over a request
 * (aws-c-auth style): no clock, no I/O, no globals. The caller supplies the time. */
#ifndef ECSB_SIGV4_H
#define ECSB_SIGV4_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/aws/http.h"

struct ecsb_credentials {
    char *access_key_id;
    char *secret_access_key; /* never logged */
    char *session_token;     /* never logged; NULL when none */
    long long expiration;    /* epoch seconds; 0 = does not expire */
    char *source;            /* "environment", "instance role <name>" */
};

void ecsb_credentials_free(struct ecsb_credentials *c);

/* Headers named Authorization, User-Agent, X-Amzn-Trace-Id, Expect, Connection,
 * Transfer-Encoding, X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-Sha256 in
 * the request are not signed (the last three come from the signer; the caller must
 * not send its own). The path is URI-encoded once more for the canonical request
 * (the "double encoding" every service but S3 expects). */
struct ecsb_sigv4_request {
    const char *method;
    const char *path;                        /* as sent, before normalization: "/", "/a/../b" */
    const char *query;                       /* raw query without '?', or NULL */
    const struct ecsb_http_headers *headers; /* as sent; must include Host */
    const void *body;
    size_t body_len;
};

struct ecsb_sigv4_params {
    const char *region;
    const char *service;
    const char *amz_date;                /* "20150830T123600Z" (UTC) */
    const struct ecsb_credentials *creds;
    bool normalize_path;                 /* true for every service but S3 */
    bool omit_session_token;             /* sign without, add X-Amz-Security-Token after */
    bool sign_body;                      /* add and sign x-amz-content-sha256 (S3, some APIs) */
};

struct ecsb_sigv4_result {
    struct ecsb_buf canonical_request;
    struct ecsb_buf string_to_sign;
    char signature[65];
    struct ecsb_buf authorization;       /* the Authorization header value */
    /* Headers the caller must add to the request, in this order:
     * X-Amz-Security-Token when the credentials carry a session token,
     * X-Amz-Date, x-amz-content-sha256 when sign_body; then Authorization. */
    struct ecsb_http_headers add_headers;
};

enum ecsb_status ecsb_sigv4_sign(const struct ecsb_sigv4_request *req, const struct ecsb_sigv4_params *params,
                                 struct ecsb_sigv4_result *out, struct ecsb_error *err);
void ecsb_sigv4_result_free(struct ecsb_sigv4_result *r);

#endif
