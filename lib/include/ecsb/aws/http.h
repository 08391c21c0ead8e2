/* http.h: one narrow HTTP interface (curl's vtls style): libcurl on POSIX
 * (lib/platform/posix/http_curl.c), WinHTTP on Windows (lib/platform/windows/http_winhttp.c).
 *
 * A client handle owns its connections and reuses them across requests.
 * ecsb_http_send returns ECSB_OK whenever an HTTP response arrived, whatever its
 * status; transport failures give ECSB_ERR_HTTP, and a passed deadline
 * ECSB_ERR_TIMEOUT. Proxies come from the environment (HTTPS_PROXY/HTTP_PROXY/
 * NO_PROXY on POSIX, WinHTTP's settings on Windows); requests with no_proxy set,
 * and any request to 169.254.169.254, [fd00:ec2::254] or 169.254.170.2, never use one. */
#ifndef ECSB_HTTP_H
#define ECSB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

struct ecsb_http_header {
    char *name;
    char *value;
};

struct ecsb_http_headers {
    struct ecsb_http_header *items;
    size_t count, cap;
};

void ecsb_http_headers_add(struct ecsb_http_headers *h, const char *name, const char *value);
/* Case-insensitive lookup of the first header with this name, or NULL. */
const char *ecsb_http_headers_get(const struct ecsb_http_headers *h, const char *name);
void ecsb_http_headers_free(struct ecsb_http_headers *h);

struct ecsb_http_request {
    const char *method;                     /* "GET", "PUT", "POST" */
    const char *url;                        /* http://host[:port]/path?query */
    const struct ecsb_http_headers *headers; /* may be NULL */
    const char *body;
    size_t body_len;
    long timeout_ms;                        /* whole request; 0 = 30 s; < 0 = none (a stream
                                             * that must never be dropped: use idle_timeout_ms) */
    long idle_timeout_ms;                   /* > 0: ECSB_ERR_TIMEOUT when no body byte arrives for
                                             * this long (a stalled stream) */
    long connect_timeout_ms;                /* 0 = 5 s */
    const char *unix_socket;                /* talk HTTP over this local endpoint (Docker engine): a unix
                                             * socket on POSIX, a named pipe (\\.\pipe\NAME) on Windows */
    bool no_proxy;
    size_t max_body;                        /* response body cap; 0 = 32 MiB; more -> ECSB_ERR_LIMIT */
    /* Streaming: when set, the body goes here piece by piece as it arrives (chunked
     * encoding already removed) instead of into resp->body, and max_body does not
     * apply. Returning false aborts the transfer with ECSB_ERR_HTTP. */
    bool (*on_data)(void *ctx, const char *data, size_t len);
    void *on_data_ctx;
};

#define ECSB_HTTP_DEFAULT_MAX_BODY ((size_t)32 * 1024 * 1024)

/* True for the link-local AWS endpoints (IMDS v4/v6, ECS task metadata) that must
 * never go through a proxy. host without IPv6 brackets. */
bool ecsb_http_host_is_link_local_aws(const char *host);

struct ecsb_http_response {
    long status;
    struct ecsb_http_headers headers;       /* names as received */
    struct ecsb_buf body;
};

struct ecsb_http;

enum ecsb_status ecsb_http_new(struct ecsb_http **out, struct ecsb_error *err);
enum ecsb_status ecsb_http_send(struct ecsb_http *http, const struct ecsb_http_request *req,
                                struct ecsb_http_response *resp, struct ecsb_error *err);
void ecsb_http_response_free(struct ecsb_http_response *resp);
void ecsb_http_free(struct ecsb_http *http);

#endif
