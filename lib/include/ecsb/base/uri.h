/* uri.h: RFC 3986 percent-encoding and a small URL splitter shared by SigV4,
 * the HTTP backends and the AWS client. Pure functions, no allocation beyond
 * the output buffers/strings. */
#ifndef ECSB_URI_H
#define ECSB_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

/* Appends s[0..n) with every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~)
 * written as %XX (upper-case hex). keep_slash leaves '/' as is (paths). */
void ecsb_uri_encode(struct ecsb_buf *out, const char *s, size_t n, bool keep_slash);
/* Appends s[0..n) with %XX escapes decoded; a malformed escape is copied verbatim.
 * '+' is NOT turned into a space (SigV4 semantics). */
void ecsb_uri_decode(struct ecsb_buf *out, const char *s, size_t n);

/* RFC 3986 remove_dot_segments plus collapsing of empty segments ("//" -> "/"),
 * as SigV4 path normalization does. Keeps a trailing slash. Result starts with '/'. */
void ecsb_uri_normalize_path(struct ecsb_buf *out, const char *path, size_t n);

struct ecsb_url {
    char *scheme;     /* lower-case: "http" or "https" */
    char *host;       /* without IPv6 brackets: "127.0.0.1", "fd00:ec2::254" */
    int port;         /* explicit, or 80/443 from the scheme */
    bool port_explicit;
    bool ipv6;
    char *path;       /* "/..." ("/" when the URL has none), as written */
    char *query;      /* after '?', without fragment; NULL when absent */
};

/* Splits an absolute http(s) URL. Userinfo and non-http schemes are rejected
 * (ECSB_ERR_INVALID, message names the URL and what is wrong). */
enum ecsb_status ecsb_url_parse(const char *url, struct ecsb_url *out, struct ecsb_error *err);
/* The Host header value: host, IPv6 in brackets, ":port" unless the scheme's default. */
void ecsb_url_host_header(const struct ecsb_url *u, struct ecsb_buf *out);
void ecsb_url_free(struct ecsb_url *u);

#endif
