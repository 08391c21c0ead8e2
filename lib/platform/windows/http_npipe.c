/* http_npipe.c: HTTP/1.1 over a named pipe, written by hand because WinHTTP speaks
 * only TCP. One request per connection (Connection: close); chunked, Content-Length
 * and read-to-end bodies; overlapped I/O so the whole-request and idle deadlines
 * of the request hold on a pipe too. */
#include <windows.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/clock.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"
#include "http_npipe.h"
#include "win_util.h"

#define NPIPE_MAX_LINE 16384

struct conn {
    HANDLE h;
    OVERLAPPED ov;
    const struct ecsb_http_request *req;
    long long deadline;
    char buf[16384];
    size_t pos, len;
    bool eof;
};

static enum ecsb_status pipe_open(struct conn *c, const char *path, struct ecsb_error *err)
{
    wchar_t *w = ecsb_utf8_to_wide(path);
    long connect_ms = c->req->connect_timeout_ms > 0 ? c->req->connect_timeout_ms : 5000;
    long long end = ecsb_monotonic_ms() + connect_ms;
    enum ecsb_status st = ECSB_OK;
    for (;;) {
        c->h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
        if (c->h != INVALID_HANDLE_VALUE)
            break;
        DWORD e = GetLastError();
        long long left = end - ecsb_monotonic_ms();
        if (e != ERROR_PIPE_BUSY || left <= 0) {
            st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s: cannot open the named pipe (Windows error %lu)%s", path,
                                (unsigned long)e, e == ERROR_FILE_NOT_FOUND ? ": nothing listens there" : "");
            break;
        }
        WaitNamedPipeW(w, (DWORD)left);
    }
    free(w);
    return st;
}

/* How long the next read or write may wait: the whole-request deadline, cut to the idle timeout. */
static DWORD wait_ms(const struct conn *c)
{
    long long left = c->deadline - ecsb_monotonic_ms();
    if (c->req->idle_timeout_ms > 0 && left > c->req->idle_timeout_ms)
        left = c->req->idle_timeout_ms;
    if (left < 0) left = 0;
    return left > 0x7ffffffeLL ? 0x7ffffffeUL : (DWORD)left;
}

static enum ecsb_status pipe_io(struct conn *c, bool write, void *buf, DWORD len, DWORD *done, struct ecsb_error *err)
{
    *done = 0;
    ResetEvent(c->ov.hEvent);
    c->ov.Offset = c->ov.OffsetHigh = 0;
    BOOL ok = write ? WriteFile(c->h, buf, len, NULL, &c->ov) : ReadFile(c->h, buf, len, NULL, &c->ov);
    DWORD e = ok ? 0 : GetLastError();
    if (!ok && e != ERROR_IO_PENDING)
        goto failed;
    if (WaitForSingleObject(c->ov.hEvent, wait_ms(c)) != WAIT_OBJECT_0) {
        CancelIo(c->h);
        GetOverlappedResult(c->h, &c->ov, done, TRUE);
        return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "%s: timed out %s the named pipe", c->req->url,
                              write ? "writing to" : "reading from");
    }
    if (GetOverlappedResult(c->h, &c->ov, done, FALSE))
        return ECSB_OK;
    e = GetLastError();
failed:
    if (!write && (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF || e == ERROR_PIPE_NOT_CONNECTED)) {
        *done = 0; /* the server closed its end: end of the response */
        return ECSB_OK;
    }
    return ecsb_error_set(err, ECSB_ERR_HTTP, "%s: named pipe I/O failed (Windows error %lu)", c->req->url,
                          (unsigned long)e);
}

static enum ecsb_status fill(struct conn *c, struct ecsb_error *err)
{
    if (c->pos < c->len || c->eof)
        return ECSB_OK;
    DWORD got = 0;
    enum ecsb_status st = pipe_io(c, false, c->buf, sizeof c->buf, &got, err);
    c->pos = 0;
    c->len = got;
    c->eof = st == ECSB_OK && got == 0;
    return st;
}

/* One line without its CRLF. */
static enum ecsb_status read_line(struct conn *c, struct ecsb_buf *line, struct ecsb_error *err)
{
    ecsb_buf_reset(line);
    for (;;) {
        enum ecsb_status st = fill(c, err);
        if (st != ECSB_OK) return st;
        if (c->eof)
            return ecsb_error_set(err, ECSB_ERR_HTTP, "%s: the engine closed the pipe mid-response", c->req->url);
        char ch = c->buf[c->pos++];
        if (ch == '\n') {
            if (line->len && line->data[line->len - 1] == '\r') line->data[--line->len] = '\0';
            return ECSB_OK;
        }
        if (line->len >= NPIPE_MAX_LINE)
            return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: a response line longer than %d bytes", c->req->url,
                                  NPIPE_MAX_LINE);
        ecsb_buf_putc(line, ch);
    }
}

static enum ecsb_status deliver(struct conn *c, struct ecsb_http_response *resp, const char *p, size_t n,
                                struct ecsb_error *err)
{
    const struct ecsb_http_request *req = c->req;
    if (req->on_data) {
        if (!req->on_data(req->on_data_ctx, p, n))
            return ecsb_error_set(err, ECSB_ERR_HTTP, "%s: the response stream was abandoned by its reader", req->url);
        return ECSB_OK;
    }
    size_t max = req->max_body ? req->max_body : ECSB_HTTP_DEFAULT_MAX_BODY;
    if (resp->body.len + n > max)
        return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: response body larger than %lu bytes; refusing it", req->url,
                              (unsigned long)max);
    ecsb_buf_append(&resp->body, p, n);
    return ECSB_OK;
}

/* n bytes of body, or everything up to the end when n is -1. */
static enum ecsb_status read_body(struct conn *c, long long n, struct ecsb_http_response *resp, struct ecsb_error *err)
{
    while (n != 0) {
        enum ecsb_status st = fill(c, err);
        if (st != ECSB_OK) return st;
        if (c->eof)
            return n < 0 ? ECSB_OK
                         : ecsb_error_set(err, ECSB_ERR_HTTP, "%s: the engine closed the pipe mid-body", c->req->url);
        size_t take = c->len - c->pos;
        if (n > 0 && (long long)take > n) take = (size_t)n;
        st = deliver(c, resp, c->buf + c->pos, take, err);
        if (st != ECSB_OK) return st;
        c->pos += take;
        if (n > 0) n -= (long long)take;
    }
    return ECSB_OK;
}

static enum ecsb_status read_chunked(struct conn *c, struct ecsb_http_response *resp, struct ecsb_error *err)
{
    struct ecsb_buf line = ECSB_BUF_INIT;
    enum ecsb_status st;
    for (;;) {
        st = read_line(c, &line, err);
        if (st != ECSB_OK) break;
        char *end = NULL;
        unsigned long long size = strtoull(ecsb_buf_cstr(&line), &end, 16);
        if (end == line.data || size > (1ULL << 40)) {
            st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s: bad chunk size line in the response", c->req->url);
            break;
        }
        if (size == 0) { /* trailers up to the empty line */
            while ((st = read_line(c, &line, err)) == ECSB_OK && line.len) {}
            break;
        }
        st = read_body(c, (long long)size, resp, err);
        if (st == ECSB_OK) st = read_line(c, &line, err);
        if (st != ECSB_OK) break;
    }
    ecsb_buf_free(&line);
    return st;
}

static enum ecsb_status read_head(struct conn *c, struct ecsb_http_response *resp, struct ecsb_error *err)
{
    struct ecsb_buf line = ECSB_BUF_INIT;
    enum ecsb_status st = read_line(c, &line, err);
    if (st == ECSB_OK && (!ecsb_starts_with(ecsb_buf_cstr(&line), "HTTP/1.") || line.len < 12))
        st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s: the pipe did not answer with HTTP", c->req->url);
    if (st == ECSB_OK) resp->status = strtol(line.data + 9, NULL, 10);
    while (st == ECSB_OK && (st = read_line(c, &line, err)) == ECSB_OK && line.len) {
        const char *colon = strchr(line.data, ':');
        if (!colon) continue;
        char *name = ecsb_trimmed_dup(line.data, (size_t)(colon - line.data));
        char *value = ecsb_trimmed_dup(colon + 1, strlen(colon + 1));
        ecsb_http_headers_add(&resp->headers, name, value);
        free(name);
        free(value);
    }
    ecsb_buf_free(&line);
    return st;
}

static void write_request(struct ecsb_buf *out, const struct ecsb_http_request *req, const struct ecsb_url *u)
{
    ecsb_buf_printf(out, "%s %s%s%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: ecs-bootstrap/%s\r\nConnection: close\r\n",
                    req->method ? req->method : "GET", u->path, u->query ? "?" : "", u->query ? u->query : "",
                    ECSB_VERSION);
    for (size_t i = 0; req->headers && i < req->headers->count; i++)
        ecsb_buf_printf(out, "%s: %s\r\n", req->headers->items[i].name, req->headers->items[i].value);
    ecsb_buf_printf(out, "Content-Length: %lu\r\n\r\n", (unsigned long)req->body_len);
    if (req->body_len) ecsb_buf_append(out, req->body, req->body_len);
}

static enum ecsb_status exchange(struct conn *c, const struct ecsb_url *u, struct ecsb_http_response *resp,
                                 struct ecsb_error *err)
{
    struct ecsb_buf out = ECSB_BUF_INIT;
    write_request(&out, c->req, u);
    enum ecsb_status st = ECSB_OK;
    for (size_t off = 0; st == ECSB_OK && off < out.len;) {
        DWORD done = 0;
        st = pipe_io(c, true, out.data + off, (DWORD)(out.len - off), &done, err);
        off += done;
    }
    ecsb_buf_free(&out);
    if (st == ECSB_OK) st = read_head(c, resp, err);
    if (st != ECSB_OK) return st;
    const char *te = ecsb_http_headers_get(&resp->headers, "Transfer-Encoding");
    const char *cl = ecsb_http_headers_get(&resp->headers, "Content-Length");
    bool no_body = resp->status == 204 || resp->status == 304 || (c->req->method && !strcmp(c->req->method, "HEAD"));
    if (no_body) return ECSB_OK;
    if (te && ecsb_strcaseeq(te, "chunked")) return read_chunked(c, resp, err);
    return read_body(c, cl ? strtoll(cl, NULL, 10) : -1, resp, err);
}

enum ecsb_status ecsb_npipe_http_send(const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                      struct ecsb_error *err)
{
    struct ecsb_url u;
    enum ecsb_status st = ecsb_url_parse(req->url ? req->url : "", &u, err);
    if (st != ECSB_OK) return st;
    struct conn *c = ecsb_xcalloc(1, sizeof *c);
    c->req = req;
    c->deadline = req->timeout_ms < 0 ? LLONG_MAX : ecsb_monotonic_ms() + (req->timeout_ms ? req->timeout_ms : 30000);
    c->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    st = pipe_open(c, req->unix_socket, err);
    if (st == ECSB_OK) {
        st = exchange(c, &u, resp, err);
        CloseHandle(c->h);
    }
    CloseHandle(c->ov.hEvent);
    free(c);
    ecsb_url_free(&u);
    return st;
}
