/* http_probe: drives ecsb_http_send for the integration tests.
 *   http_probe [--timeout MS] [--connect-timeout MS] [--unix-socket PATH] [--no-proxy]
 *              [--twice] [--max-body N] [-H 'Name: value']... METHOD URL [BODY]
 * Prints "status N", every response header as "header Name: value", "body-length N"
 * and "body <bytes>" per request; on a failure "error ECSB_ERR_X: message", exit 2.
 * --twice sends the same request twice through one client (connection reuse). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"

static int usage(void)
{
    fprintf(stderr, "usage: http_probe [--timeout MS] [--connect-timeout MS] [--unix-socket PATH] "
                    "[--no-proxy] [--twice] [--max-body N] [-H 'Name: value']... METHOD URL [BODY]\n");
    return 64;
}

/* Stable tokens for the scripts to match, independent of the human-readable names. */
static const char *token(enum ecsb_status st)
{
    switch (st) {
    case ECSB_ERR_HTTP: return "ECSB_ERR_HTTP";
    case ECSB_ERR_TIMEOUT: return "ECSB_ERR_TIMEOUT";
    case ECSB_ERR_LIMIT: return "ECSB_ERR_LIMIT";
    case ECSB_ERR_UNSUPPORTED: return "ECSB_ERR_UNSUPPORTED";
    case ECSB_ERR_INVALID: return "ECSB_ERR_INVALID";
    default: return ecsb_status_name(st);
    }
}

static int send_once(struct ecsb_http *http, const struct ecsb_http_request *req)
{
    struct ecsb_http_response resp;
    struct ecsb_error err;
    enum ecsb_status st = ecsb_http_send(http, req, &resp, &err);
    if (st != ECSB_OK) {
        printf("error %s: %s\n", token(st), err.message);
        return 2;
    }
    printf("status %ld\n", resp.status);
    for (size_t i = 0; i < resp.headers.count; i++)
        printf("header %s: %s\n", resp.headers.items[i].name, resp.headers.items[i].value);
    printf("body-length %zu\nbody %s\n", resp.body.len, ecsb_buf_cstr(&resp.body));
    ecsb_http_response_free(&resp);
    return 0;
}

int main(int argc, char **argv)
{
    struct ecsb_http_request req = {0};
    struct ecsb_http_headers headers = {0};
    int times = 1, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-proxy") == 0) req.no_proxy = true;
        else if (strcmp(a, "--twice") == 0) times = 2;
        else if (!v) return usage();
        else if (strcmp(a, "--timeout") == 0) req.timeout_ms = atol(v), i++;
        else if (strcmp(a, "--connect-timeout") == 0) req.connect_timeout_ms = atol(v), i++;
        else if (strcmp(a, "--unix-socket") == 0) req.unix_socket = v, i++;
        else if (strcmp(a, "--max-body") == 0) req.max_body = (size_t)atol(v), i++;
        else if (strcmp(a, "-H") == 0) {
            const char *colon = strchr(v, ':');
            if (!colon) return usage();
            char *name = ecsb_xstrndup(v, (size_t)(colon - v));
            ecsb_http_headers_add(&headers, name, colon[1] == ' ' ? colon + 2 : colon + 1);
            free(name);
            i++;
        } else return usage();
    }
    if (argc - i < 2 || argc - i > 3) return usage();
    req.method = argv[i];
    req.url = argv[i + 1];
    if (argc - i == 3) {
        req.body = argv[i + 2];
        req.body_len = strlen(argv[i + 2]);
    }
    req.headers = &headers;
    struct ecsb_http *http;
    struct ecsb_error err;
    if (ecsb_http_new(&http, &err) != ECSB_OK) {
        printf("error %s: %s\n", token(err.code), err.message);
        return 2;
    }
    int rc = 0;
    for (int n = 0; n < times && rc == 0; n++) rc = send_once(http, &req);
    ecsb_http_free(http);
    ecsb_http_headers_free(&headers);
    fflush(stdout);
    return rc;
}
