/* HTTP over libcurl. One easy handle per client: curl keeps its connection cache,
 * DNS cache and TLS sessions across curl_easy_reset, so consecutive requests to
 * the same host reuse one connection. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"

struct ecsb_http {
    CURL *easy;
};

/* Per-request state the callbacks write into. */
struct transfer {
    struct ecsb_http_response *resp;
    const struct ecsb_http_request *req;
    size_t max_body;
    bool over_limit, aborted;
};

enum ecsb_status ecsb_http_new(struct ecsb_http **out, struct ecsb_error *err)
{
    /* Reference-counted and thread-safe in libcurl >= 7.84; paired with cleanup in free. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ecsb_error_set(err, ECSB_ERR_HTTP, "libcurl initialization failed");
    CURL *easy = curl_easy_init();
    if (!easy) {
        curl_global_cleanup();
        return ecsb_error_set(err, ECSB_ERR_HTTP, "libcurl could not create a handle");
    }
    *out = ecsb_xcalloc(1, sizeof **out);
    (*out)->easy = easy;
    return ECSB_OK;
}

void ecsb_http_free(struct ecsb_http *http)
{
    if (!http) return;
    curl_easy_cleanup(http->easy);
    curl_global_cleanup();
    free(http);
}


static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    if (t->req->on_data) {
        if (t->req->on_data(t->req->on_data_ctx, ptr, n))
            return n;
        t->aborted = true;
        return 0;
    }
    if (t->resp->body.len + n > t->max_body) {
        t->over_limit = true;
        return 0; /* makes curl abort with CURLE_WRITE_ERROR */
    }
    ecsb_buf_append(&t->resp->body, ptr, n);
    return n;
}

/* Called once per header line, including each response's status line: a new
 * status line (after 100 Continue or a proxy CONNECT) starts the list afresh. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
        ecsb_http_headers_free(&t->resp->headers);
        return n;
    }
    const char *colon = memchr(ptr, ':', n);
    if (!colon) return n; /* blank line ending the block */
    char *name = ecsb_trimmed_dup(ptr, (size_t)(colon - ptr));
    char *value = ecsb_trimmed_dup(colon + 1, n - (size_t)(colon - ptr) - 1);
    ecsb_http_headers_add(&t->resp->headers, name, value);
    free(name);
    free(value);
    return n;
}

static struct curl_slist *build_headers(const struct ecsb_http_request *req)
{
    struct curl_slist *list = NULL;
    struct ecsb_buf line = ECSB_BUF_INIT;
    for (size_t i = 0; req->headers && i < req->headers->count; i++) {
        const struct ecsb_http_header *h = &req->headers->items[i];
        ecsb_buf_reset(&line);
        /* "Name;" is curl's way to send a header with an empty value. */
        if (*h->value) ecsb_buf_printf(&line, "%s: %s", h->name, h->value);
        else ecsb_buf_printf(&line, "%s;", h->name);
        list = curl_slist_append(list, line.data);
    }
    /* No "Expect: 100-continue" round trip for larger bodies. */
    list = curl_slist_append(list, "Expect:");
    ecsb_buf_free(&line);
    return list;
}

static void set_method(CURL *c, const struct ecsb_http_request *req)
{
    const char *m = req->method ? req->method : "GET";
    if (strcmp(m, "GET") == 0 && !req->body_len) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        return;
    }
    if (req->body_len || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }
    if (strcmp(m, "POST") != 0) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
}

/* libcurl reads https_proxy/HTTPS_PROXY/all_proxy and only lower-case http_proxy
 * (the CGI "httpoxy" rule). This is no CGI program and Windows admins set
 * HTTP_PROXY, so honour the upper-case one too; NO_PROXY still applies. */
static void set_proxy(CURL *c, const struct ecsb_http_request *req, const struct ecsb_url *u)
{
    if (req->no_proxy || req->unix_socket || ecsb_http_host_is_link_local_aws(u->host)) {
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        return;
    }
    const char *upper = getenv("HTTP_PROXY");
    if (strcmp(u->scheme, "http") == 0 && !getenv("http_proxy") && upper && *upper)
        curl_easy_setopt(c, CURLOPT_PROXY, upper);
}

static void configure(CURL *c, const struct ecsb_http_request *req, const struct ecsb_url *u, struct transfer *t,
                      char *errbuf)
{
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    /* A whole-request deadline, and no redirects (re-sent headers would carry the
     * IMDS token or a signature elsewhere); the WinHTTP backend matches both. */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : req->timeout_ms < 0 ? 0L : 30000L);
    if (req->idle_timeout_ms > 0) { /* less than one byte per second for that long: stalled */
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (req->idle_timeout_ms + 999) / 1000);
    }
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ecs-bootstrap/" ECSB_VERSION);
    if (req->unix_socket) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
    set_proxy(c, req, u);
    set_method(c, req);
}

enum ecsb_status ecsb_http_send(struct ecsb_http *http, const struct ecsb_http_request *req,
                                struct ecsb_http_response *resp, struct ecsb_error *err)
{
    memset(resp, 0, sizeof *resp);
    struct ecsb_url u;
    enum ecsb_status st = ecsb_url_parse(req->url ? req->url : "", &u, err);
    if (st != ECSB_OK) return st;
    struct transfer t = {resp, req, req->max_body ? req->max_body : ECSB_HTTP_DEFAULT_MAX_BODY, false, false};
    char errbuf[CURL_ERROR_SIZE] = "";
    configure(http->easy, req, &u, &t, errbuf);
    struct curl_slist *headers = build_headers(req);
    curl_easy_setopt(http->easy, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(http->easy);
    curl_easy_setopt(http->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    const char *method = req->method ? req->method : "GET";
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (t.over_limit)
        st = ecsb_error_set(err, ECSB_ERR_LIMIT, "%s %s: response body larger than %zu bytes; refusing it",
                            method, req->url, t.max_body);
    else if (t.aborted)
        st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s %s: the response stream was abandoned by its reader", method,
                            req->url);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        st = ecsb_error_set(err, ECSB_ERR_TIMEOUT, "%s %s: timed out: %s", method, req->url, why);
    else if (rc != CURLE_OK)
        st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s %s: %s", method, req->url, why);
    else
        curl_easy_getinfo(http->easy, CURLINFO_RESPONSE_CODE, &resp->status);
    if (st != ECSB_OK) ecsb_http_response_free(resp);
    ecsb_url_free(&u);
    return st;
}
