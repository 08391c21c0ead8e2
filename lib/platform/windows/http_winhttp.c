/* HTTP over WinHTTP. One session per client keeps WinHTTP's connection pool, so
 * consecutive requests to a host reuse a connection. The session uses the
 * machine's proxy settings (automatic on Windows 8.1+, else the WinHTTP default);
 * no-proxy requests and the link-local AWS endpoints use a second session opened
 * with WINHTTP_ACCESS_TYPE_NO_PROXY on first need. HTTP_PROXY/HTTPS_PROXY (and
 * NO_PROXY) in the environment, the way the ECS agent and Docker are configured
 * on Windows, take precedence over the machine settings. */
#include <windows.h>
#include <winhttp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"
#include "http_npipe.h"
#include "win_util.h"

#ifndef WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY
#define WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY 4
#endif

struct ecsb_http {
    HINTERNET session;        /* machine proxy settings */
    HINTERNET direct_session; /* WINHTTP_ACCESS_TYPE_NO_PROXY, opened lazily */
};

#define USER_AGENT L"ecs-bootstrap/" ECSB_VERSION_W
#define ECSB_WIDEN2(x) L##x
#define ECSB_WIDEN(x) ECSB_WIDEN2(x)
#define ECSB_VERSION_W ECSB_WIDEN(ECSB_VERSION)

static enum ecsb_status win_error(struct ecsb_error *err, DWORD code, const char *what, const char *url)
{
    wchar_t msg[512] = L"";
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS,
                             GetModuleHandleW(L"winhttp.dll"), code, 0, msg, 512, NULL);
    if (!n) n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, msg,
                               512, NULL);
    while (n > 0 && (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.')) msg[--n] = 0;
    char *text = ecsb_wide_to_utf8(msg);
    /* Wine reports a receive timeout as the socket's WSAETIMEDOUT. */
    enum ecsb_status st = code == ERROR_WINHTTP_TIMEOUT || code == WSAETIMEDOUT ? ECSB_ERR_TIMEOUT : ECSB_ERR_HTTP;
    ecsb_error_set(err, st, "%s: %s failed: %s (WinHTTP error %lu)", url, what, *text ? text : "unknown error",
                   (unsigned long)code);
    free(text);
    return st;
}

static const char *env_any(const char *upper, const char *lower)
{
    const char *v = getenv(upper);
    if (!v || !*v) v = getenv(lower);
    return v && *v ? v : NULL;
}

/* "http://host:port/" -> "host:port" (scheme NULL: one proxy for all) or
 * "scheme=host:port" entries of WinHTTP's proxy list. */
static void append_proxy(struct ecsb_buf *list, const char *scheme, const char *value)
{
    const char *p = strstr(value, "://");
    p = p ? p + 3 : value;
    size_t n = strcspn(p, "/");
    if (scheme) ecsb_buf_printf(list, "%s%s=%.*s", list->len ? ";" : "", scheme, (int)n, p);
    else ecsb_buf_printf(list, "%.*s", (int)n, p);
}

static HINTERNET open_env_proxy_session(void)
{
    const char *http = env_any("HTTP_PROXY", "http_proxy"), *https = env_any("HTTPS_PROXY", "https_proxy");
    const char *no = env_any("NO_PROXY", "no_proxy");
    if (!http && !https) return NULL;
    struct ecsb_buf list = ECSB_BUF_INIT, bypass = ECSB_BUF_INIT;
    /* The usual case, one proxy for both schemes, as a plain server (Wine's WinHTTP
     * does not understand the per-scheme list). */
    if (http && https && strcmp(http, https) != 0) {
        append_proxy(&list, "http", http);
        append_proxy(&list, "https", https);
    } else {
        append_proxy(&list, NULL, http ? http : https);
    }
    for (const char *p = no; p && *p; p++) ecsb_buf_putc(&bypass, *p == ',' ? ';' : *p);
    wchar_t *wl = ecsb_utf8_to_wide(list.data), *wb = ecsb_utf8_to_wide(ecsb_buf_cstr(&bypass));
    HINTERNET s = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_NAMED_PROXY, wl, bypass.len ? wb : WINHTTP_NO_PROXY_BYPASS, 0);
    free(wl);
    free(wb);
    ecsb_buf_free(&list);
    ecsb_buf_free(&bypass);
    return s;
}

enum ecsb_status ecsb_http_new(struct ecsb_http **out, struct ecsb_error *err)
{
    HINTERNET s = open_env_proxy_session();
    if (!s) s = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, 0);
    /* Before Windows 8.1 (and in Wine) automatic proxy is unknown: use the WinHTTP default. */
    if (!s) s = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                            WINHTTP_NO_PROXY_BYPASS, 0);
    if (!s) return win_error(err, GetLastError(), "WinHttpOpen", "HTTP client");
    *out = ecsb_xcalloc(1, sizeof **out);
    (*out)->session = s;
    return ECSB_OK;
}

void ecsb_http_free(struct ecsb_http *http)
{
    if (!http) return;
    if (http->direct_session) WinHttpCloseHandle(http->direct_session);
    WinHttpCloseHandle(http->session);
    free(http);
}


/* All request headers as one "Name: value\r\n" block; Host comes from the URL. */
static wchar_t *header_block(const struct ecsb_http_request *req)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (size_t i = 0; req->headers && i < req->headers->count; i++) {
        const struct ecsb_http_header *h = &req->headers->items[i];
        if (ecsb_strcaseeq(h->name, "Host")) continue;
        ecsb_buf_printf(&b, "%s: %s\r\n", h->name, h->value);
    }
    wchar_t *w = ecsb_utf8_to_wide(ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return w;
}

static void parse_raw_headers(const wchar_t *raw, struct ecsb_http_headers *out)
{
    char *text = ecsb_wide_to_utf8(raw);
    char *line = text;
    bool first = true;
    while (*line) {
        size_t n = strcspn(line, "\r\n");
        const char *colon = memchr(line, ':', n);
        if (!first && colon) {
            char *name = ecsb_trimmed_dup(line, (size_t)(colon - line));
            char *value = ecsb_trimmed_dup(colon + 1, n - (size_t)(colon - line) - 1);
            ecsb_http_headers_add(out, name, value);
            free(name);
            free(value);
        }
        first = false; /* the status line */
        line += n;
        while (*line == '\r' || *line == '\n') line++;
    }
    free(text);
}

/* WinHTTP bounds each receive, not the request: a server that sends a byte
 * just inside every receive timeout would outlast the IMDS and AWS deadlines.
 * Before each read the receive timeout is cut to what is left of the request's. */
static enum ecsb_status time_left(HINTERNET r, const struct ecsb_http_request *req, long long deadline,
                                  struct ecsb_error *err)
{
    long long left = deadline - ecsb_monotonic_ms();
    if (left <= 0)
        return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "%s %s: timed out: no complete answer within %ld ms",
                              req->method ? req->method : "GET", req->url, req->timeout_ms > 0 ? req->timeout_ms
                                                                                               : 30000L);
    if (req->idle_timeout_ms > 0 && left > req->idle_timeout_ms)
        left = req->idle_timeout_ms; /* a stalled stream: no byte for that long */
    DWORD ms = left > 0x7fffffffLL ? 0x7fffffffUL : (DWORD)left;
    WinHttpSetOption(r, WINHTTP_OPTION_RECEIVE_TIMEOUT, &ms, sizeof ms);
    return ECSB_OK;
}

static enum ecsb_status read_response(HINTERNET r, const struct ecsb_http_request *req, long long deadline,
                                      struct ecsb_http_response *resp, struct ecsb_error *err)
{
    DWORD status = 0, size = sizeof status;
    if (!WinHttpQueryHeaders(r, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                             &status, &size, WINHTTP_NO_HEADER_INDEX))
        return win_error(err, GetLastError(), "reading the status", req->url);
    resp->status = (long)status;
    size = 0;
    WinHttpQueryHeaders(r, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, NULL, &size,
                        WINHTTP_NO_HEADER_INDEX);
    if (size) {
        wchar_t *raw = ecsb_xcalloc(size / sizeof(wchar_t) + 1, sizeof(wchar_t));
        if (WinHttpQueryHeaders(r, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, raw, &size,
                                WINHTTP_NO_HEADER_INDEX))
            parse_raw_headers(raw, &resp->headers);
        free(raw);
    }
    size_t max = req->max_body ? req->max_body : ECSB_HTTP_DEFAULT_MAX_BODY;
    char chunk[16384];
    for (;;) {
        DWORD got = 0;
        enum ecsb_status st = time_left(r, req, deadline, err);
        if (st != ECSB_OK)
            return st;
        /* Read only what has arrived: a read of a whole chunk may wait for all of it. */
        DWORD avail = 0;
        if (!WinHttpQueryDataAvailable(r, &avail))
            return win_error(err, GetLastError(), "reading the body", req->url);
        if (avail == 0)
            return ECSB_OK;
        if (!WinHttpReadData(r, chunk, avail < sizeof chunk ? avail : (DWORD)sizeof chunk, &got))
            return win_error(err, GetLastError(), "reading the body", req->url);
        if (got == 0) return ECSB_OK;
        if (req->on_data) {
            if (!req->on_data(req->on_data_ctx, chunk, got))
                return ecsb_error_set(err, ECSB_ERR_HTTP, "%s %s: the response stream was abandoned by its reader",
                                      req->method ? req->method : "GET", req->url);
            continue;
        }
        if (resp->body.len + got > max)
            return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s %s: response body larger than %lu bytes; refusing it",
                                  req->method ? req->method : "GET", req->url, (unsigned long)max);
        ecsb_buf_append(&resp->body, chunk, got);
    }
}

static HINTERNET pick_session(struct ecsb_http *http, const struct ecsb_http_request *req, const struct ecsb_url *u,
                              struct ecsb_error *err)
{
    if (!req->no_proxy && !ecsb_http_host_is_link_local_aws(u->host)) return http->session;
    if (!http->direct_session)
        http->direct_session = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                           WINHTTP_NO_PROXY_BYPASS, 0);
    if (!http->direct_session) win_error(err, GetLastError(), "WinHttpOpen (no proxy)", req->url);
    return http->direct_session;
}

static enum ecsb_status perform(HINTERNET session, const struct ecsb_http_request *req, const struct ecsb_url *u,
                                struct ecsb_http_response *resp, struct ecsb_error *err)
{
    enum ecsb_status st = ECSB_OK;
    HINTERNET c = NULL, r = NULL;
    wchar_t *host = ecsb_utf8_to_wide(u->host), *method = ecsb_utf8_to_wide(req->method ? req->method : "GET");
    struct ecsb_buf target = ECSB_BUF_INIT;
    ecsb_buf_printf(&target, "%s%s%s", u->path, u->query ? "?" : "", u->query ? u->query : "");
    wchar_t *path = ecsb_utf8_to_wide(target.data), *headers = header_block(req);
    int connect_ms = req->connect_timeout_ms > 0 ? (int)req->connect_timeout_ms : 5000;
    int total_ms = req->timeout_ms > 0 ? (int)req->timeout_ms : 30000;
    /* No whole-request deadline for a stream that must not be dropped (idle_timeout_ms bounds it). */
    long long deadline = req->timeout_ms < 0 ? LLONG_MAX : ecsb_monotonic_ms() + total_ms;
    if (req->timeout_ms < 0)
        total_ms = req->idle_timeout_ms > 0 ? (int)req->idle_timeout_ms : 0x7fffffff;
    /* The path was encoded (and signed) by the caller: send it byte for byte. */
    DWORD flags = WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY |
                  (strcmp(u->scheme, "https") == 0 ? WINHTTP_FLAG_SECURE : 0);
    c = WinHttpConnect(session, host, (INTERNET_PORT)u->port, 0);
    if (!c) { st = win_error(err, GetLastError(), "WinHttpConnect", req->url); goto out; }
    r = WinHttpOpenRequest(c, method, path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, flags);
    if (!r) { st = win_error(err, GetLastError(), "WinHttpOpenRequest", req->url); goto out; }
    /* WinHTTP has no whole-request deadline: bound each phase instead. */
    WinHttpSetTimeouts(r, connect_ms, connect_ms, total_ms, total_ms);
    DWORD rr = (DWORD)total_ms;
    WinHttpSetOption(r, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &rr, sizeof rr);
    /* Never follow a redirect: it would re-send our headers (the IMDS token, a
     * signed request) to wherever the answer points; libcurl does not either. */
    DWORD no_redirects = WINHTTP_DISABLE_REDIRECTS, never = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
    WinHttpSetOption(r, WINHTTP_OPTION_DISABLE_FEATURE, &no_redirects, sizeof no_redirects);
    WinHttpSetOption(r, WINHTTP_OPTION_REDIRECT_POLICY, &never, sizeof never);
    if (!WinHttpSendRequest(r, *headers ? headers : WINHTTP_NO_ADDITIONAL_HEADERS, *headers ? (DWORD)-1L : 0,
                            req->body_len ? (LPVOID)req->body : WINHTTP_NO_REQUEST_DATA, (DWORD)req->body_len,
                            (DWORD)req->body_len, 0)) {
        st = win_error(err, GetLastError(), "sending the request", req->url);
        goto out;
    }
    if (!WinHttpReceiveResponse(r, NULL)) { st = win_error(err, GetLastError(), "receiving the response", req->url); goto out; }
    st = time_left(r, req, deadline, err);
    if (st == ECSB_OK)
        st = read_response(r, req, deadline, resp, err);
out:
    if (r) WinHttpCloseHandle(r);
    if (c) WinHttpCloseHandle(c);
    free(host);
    free(method);
    free(path);
    free(headers);
    ecsb_buf_free(&target);
    return st;
}

enum ecsb_status ecsb_http_send(struct ecsb_http *http, const struct ecsb_http_request *req,
                                struct ecsb_http_response *resp, struct ecsb_error *err)
{
    memset(resp, 0, sizeof *resp);
    if (req->unix_socket && strncmp(req->unix_socket, "\\\\.\\pipe\\", 9) != 0)
        return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "%s: unix sockets are not supported on Windows; use the "
                              "named pipe (npipe:////./pipe/NAME) or a tcp:// endpoint", req->unix_socket);
    if (req->unix_socket) { /* the Docker engine's named pipe */
        enum ecsb_status pst = ecsb_npipe_http_send(req, resp, err);
        if (pst != ECSB_OK) ecsb_http_response_free(resp);
        return pst;
    }
    struct ecsb_url u;
    enum ecsb_status st = ecsb_url_parse(req->url ? req->url : "", &u, err);
    if (st != ECSB_OK) return st;
    HINTERNET session = pick_session(http, req, &u, err);
    st = session ? perform(session, req, &u, resp, err) : ECSB_ERR_HTTP;
    if (st != ECSB_OK) ecsb_http_response_free(resp);
    ecsb_url_free(&u);
    return st;
}
