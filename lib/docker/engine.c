/* engine.c: the Docker Engine API calls (see ecsb/docker/engine.h). */
#include "ecsb/docker/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"
#include "ecsb/base/base64.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"

enum ecsb_status ecsb_docker_endpoint_parse(const char *host, struct ecsb_docker_endpoint *out,
                                            struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    const char *h = host ? host : "";
    struct ecsb_buf b = ECSB_BUF_INIT;
    if (ecsb_starts_with(h, "unix://") && h[7] == '/') {
        out->local_path = ecsb_xstrdup(h + 7);
    } else if (ecsb_starts_with(h, "npipe://") && h[8]) {
        /* npipe:////./pipe/docker_engine -> \\.\pipe\docker_engine */
        for (const char *s = h + 8; *s; s++)
            ecsb_buf_putc(&b, *s == '/' ? '\\' : *s);
        out->local_path = ecsb_buf_detach(&b);
    } else if ((ecsb_starts_with(h, "tcp://") || ecsb_starts_with(h, "http://")) && strchr(h, ':')[3]) {
        const char *rest = strchr(h, ':') + 3;
        size_t n = strcspn(rest, "/");
        ecsb_buf_printf(&b, "http://%.*s", (int)n, rest);
        out->base_url = ecsb_buf_detach(&b);
        return ECSB_OK;
    } else {
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "DOCKER_HOST '%.200s' is not an engine address this client can use; write "
                              "unix:///path/docker.sock, npipe:////./pipe/docker_engine or tcp://HOST:PORT "
                              "(TLS endpoints are not supported)", h);
    }
    out->base_url = ecsb_xstrdup("http://localhost");
    return ECSB_OK;
}

void ecsb_docker_endpoint_free(struct ecsb_docker_endpoint *e)
{
    free(e->base_url);
    free(e->local_path);
    memset(e, 0, sizeof *e);
}

/* "1.44" -> 1044; -1 when it is not MAJOR.MINOR. */
static long version_number(const char *v)
{
    if (!v) return -1;
    char *end = NULL;
    long major = strtol(v, &end, 10);
    if (end == v || *end != '.') return -1;
    const char *minor_s = end + 1;
    long minor = strtol(minor_s, &end, 10);
    if (end == minor_s || *end || major < 0 || minor < 0 || minor > 999 || major > 99) return -1;
    return major * 1000 + minor;
}

enum ecsb_status ecsb_docker_negotiate(const char *server, char out[16], struct ecsb_error *err)
{
    long s = version_number(server), lo = version_number(ECSB_DOCKER_API_MIN), hi = version_number(ECSB_DOCKER_API_MAX);
    out[0] = '\0';
    if (s < 0)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "the Docker engine reported API version '%.32s', which is not "
                              "MAJOR.MINOR", server ? server : "(none)");
    if (s < lo)
        return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "the Docker engine speaks API %s; ecs-bootstrap needs at least "
                              "%s (Docker 20.10): update the engine", server, ECSB_DOCKER_API_MIN);
    long use = s < hi ? s : hi;
    snprintf(out, 16, "%d.%d", (int)(use / 1000 % 100), (int)(use % 1000));
    return ECSB_OK;
}

enum ecsb_status ecsb_docker_open(struct ecsb_docker *d, const char *host, long timeout_ms, struct ecsb_error *err)
{
    memset(d, 0, sizeof *d);
    if (!host) host = getenv("DOCKER_HOST");
    if (!host || !*host) host = ecsb_docker_default_host();
    enum ecsb_status st = ecsb_docker_endpoint_parse(host, &d->ep, err);
    if (st == ECSB_OK) st = ecsb_http_new(&d->http, err);
    if (st != ECSB_OK) ecsb_docker_endpoint_free(&d->ep);
    d->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
    return st;
}

void ecsb_docker_close(struct ecsb_docker *d)
{
    ecsb_http_free(d->http);
    ecsb_docker_endpoint_free(&d->ep);
    memset(d, 0, sizeof *d);
}

/* One request to path (already versioned or not), the answer in resp. */
static enum ecsb_status send_req(struct ecsb_docker *d, struct ecsb_http_request *req, const char *path,
                                 struct ecsb_http_response *resp, struct ecsb_error *err)
{
    struct ecsb_buf url = ECSB_BUF_INIT;
    ecsb_buf_printf(&url, "%s%s", d->ep.base_url, path);
    req->url = url.data;
    req->unix_socket = d->ep.local_path;
    req->no_proxy = true; /* the engine is local or on the instance's own network */
    if (!req->timeout_ms) req->timeout_ms = d->timeout_ms;
    enum ecsb_status st = ecsb_http_send(d->http, req, resp, err);
    if (st != ECSB_OK)
        ecsb_error_prefix(err, "Docker engine at %s", d->ep.local_path ? d->ep.local_path : d->ep.base_url);
    ecsb_buf_free(&url);
    return st;
}

enum ecsb_status ecsb_docker_ping(struct ecsb_docker *d, struct ecsb_error *err)
{
    struct ecsb_http_request req = {.method = "GET"};
    struct ecsb_http_response resp;
    enum ecsb_status st = send_req(d, &req, "/_ping", &resp, err);
    if (st != ECSB_OK) return st;
    if (resp.status != 200)
        st = ecsb_error_set(err, ECSB_ERR_HTTP, "Docker engine: /_ping answered HTTP %ld", resp.status);
    else
        st = ecsb_docker_negotiate(ecsb_http_headers_get(&resp.headers, "API-Version"), d->api, err);
    ecsb_http_response_free(&resp);
    return st;
}

enum ecsb_status ecsb_docker_wait(struct ecsb_docker *d, long wait_ms, const struct ecsb_clock *clock,
                                  struct ecsb_error *err)
{
    long long deadline = ecsb_clock_mono(clock) + wait_ms;
    for (;;) {
        enum ecsb_status st = ecsb_docker_ping(d, err);
        /* Only a transport failure means "not up yet"; a too-old engine will not get newer. */
        if (st != ECSB_ERR_HTTP && st != ECSB_ERR_TIMEOUT) return st;
        if (ecsb_clock_mono(clock) + 1000 > deadline) {
            ecsb_error_prefix(err, "the Docker engine did not answer within %ld s (is the docker service running?)",
                              wait_ms / 1000);
            err->code = ECSB_ERR_TIMEOUT;
            return ECSB_ERR_TIMEOUT;
        }
        ecsb_clock_sleep(clock, 1000);
    }
}

long ecsb_docker_call_timeout_ms(long long docker_ns)
{
    long long ms = docker_ns / 1000000;
    return ms < 60000 ? (long)ms : 60000;
}

static enum ecsb_status ensure_version(struct ecsb_docker *d, struct ecsb_error *err)
{
    return d->api[0] ? ECSB_OK : ecsb_docker_ping(d, err);
}

/* GET /vX/path, parsed. ECSB_ERR_NOT_FOUND on 404, the engine's message otherwise. */
static enum ecsb_status get_json(struct ecsb_docker *d, const char *path, struct ecsb_json **out,
                                 struct ecsb_error *err)
{
    *out = NULL;
    enum ecsb_status st = ensure_version(d, err);
    if (st != ECSB_OK) return st;
    struct ecsb_buf p = ECSB_BUF_INIT;
    ecsb_buf_printf(&p, "/v%s%s", d->api, path);
    struct ecsb_http_request req = {.method = "GET"};
    struct ecsb_http_response resp;
    st = send_req(d, &req, p.data, &resp, err);
    if (st == ECSB_OK) {
        struct ecsb_json *body = NULL;
        struct ecsb_error jerr = {0};
        bool parsed = ecsb_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, NULL, &body, &jerr) == 0;
        const char *msg = parsed ? ecsb_json_get_string(body, "message") : NULL;
        if (resp.status == 200 && parsed) {
            *out = body;
            body = NULL;
        } else if (resp.status == 200) {
            st = ecsb_error_set(err, ECSB_ERR_INVALID, "Docker engine: GET %s: unreadable answer: %s", p.data,
                                jerr.message);
        } else {
            st = ecsb_error_set(err, resp.status == 404 ? ECSB_ERR_NOT_FOUND : ECSB_ERR_HTTP,
                                "Docker engine: GET %s: HTTP %ld: %.300s", p.data, resp.status, msg ? msg : "");
        }
        ecsb_json_free(body);
        ecsb_http_response_free(&resp);
    }
    ecsb_buf_free(&p);
    return st;
}

enum ecsb_status ecsb_docker_version(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err)
{
    return get_json(d, "/version", out, err);
}

enum ecsb_status ecsb_docker_info(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err)
{
    return get_json(d, "/info", out, err);
}

enum ecsb_status ecsb_docker_image_list(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err)
{
    return get_json(d, "/images/json", out, err);
}

enum ecsb_status ecsb_docker_network_inspect(struct ecsb_docker *d, const char *name, struct ecsb_json **out,
                                             struct ecsb_error *err)
{
    struct ecsb_buf p = ECSB_BUF_INIT;
    ecsb_buf_puts(&p, "/networks/");
    ecsb_uri_encode(&p, name, strlen(name), false);
    enum ecsb_status st = get_json(d, p.data, out, err);
    ecsb_buf_free(&p);
    return st;
}

unsigned ecsb_docker_build_of(const char *v)
{
    /* 10.0.BUILD[.REV] */
    const char *p = v;
    for (int dots = 0; p && *p && dots < 2; p++)
        if (*p == '.') dots++;
    if (!p || !*p || p == v) return 0;
    unsigned long b = strtoul(p, NULL, 10);
    return b > 0xFFFFFFu ? 0 : (unsigned)b;
}

static void add_dir(struct ecsb_docker_image *img, const char *s, size_t n)
{
    if (!n) return;
    img->layer_dirs = ecsb_xrealloc(img->layer_dirs, (img->n_layer_dirs + 1) * sizeof *img->layer_dirs);
    img->layer_dirs[img->n_layer_dirs++] = ecsb_xstrndup(s, n);
}

/* GraphDriver.Data: overlay2 has UpperDir/LowerDir (':'-separated), vfs and
 * windowsfilter have "dir" (windowsfilter: the layer folder). */
static void collect_layer_dirs(struct ecsb_docker_image *img, const struct ecsb_json *data)
{
    for (size_t i = 0; data && data->type == ECSB_JSON_OBJECT && i < data->count; i++) {
        const char *v = ecsb_json_string(data->items[i]);
        const char *k = data->keys[i];
        if (!v || !(ecsb_strcaseeq(k, "dir") || ecsb_strcaseeq(k, "UpperDir") || ecsb_strcaseeq(k, "LowerDir")))
            continue;
        /* LowerDir is a:b:c on Linux; a Windows path has a drive colon, so split only on POSIX-looking lists. */
        if (v[0] == '/') {
            for (const char *s = v; *s;) {
                size_t n = strcspn(s, ":");
                add_dir(img, s, n);
                s += n + (s[n] ? 1 : 0);
            }
        } else {
            add_dir(img, v, strlen(v));
        }
    }
}

enum ecsb_status ecsb_docker_image_inspect(struct ecsb_docker *d, const char *ref, struct ecsb_docker_image *out,
                                           struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    struct ecsb_buf p = ECSB_BUF_INIT;
    ecsb_buf_puts(&p, "/images/");
    ecsb_uri_encode(&p, ref, strlen(ref), true);
    ecsb_buf_puts(&p, "/json");
    struct ecsb_json *j = NULL;
    enum ecsb_status st = get_json(d, p.data, &j, err);
    ecsb_buf_free(&p);
    if (st != ECSB_OK) return st;
    const char *id = ecsb_json_get_string(j, "Id"), *os = ecsb_json_get_string(j, "Os"),
               *osv = ecsb_json_get_string(j, "OsVersion");
    double size = 0;
    ecsb_json_get_number(j, "Size", &size);
    out->id = ecsb_xstrdup(id ? id : "");
    out->os = ecsb_xstrdup(os ? os : "");
    out->os_version = ecsb_xstrdup(osv ? osv : "");
    out->size = (int64_t)size;
    collect_layer_dirs(out, ecsb_json_get(ecsb_json_get(j, "GraphDriver"), "Data"));
    const char *driver = ecsb_json_get_string(ecsb_json_get(j, "GraphDriver"), "Name");
    out->driver = ecsb_xstrdup(driver ? driver : "");
    const struct ecsb_json *layers = ecsb_json_get(ecsb_json_get(j, "RootFS"), "Layers");
    for (size_t i = 0; layers && layers->type == ECSB_JSON_ARRAY && i < layers->count; i++) {
        const char *diff = ecsb_json_string(layers->items[i]);
        if (!diff) continue;
        out->diff_ids = ecsb_xrealloc(out->diff_ids, (out->n_diff_ids + 1) * sizeof *out->diff_ids);
        out->diff_ids[out->n_diff_ids++] = ecsb_xstrdup(diff);
    }
    ecsb_json_free(j);
    return ECSB_OK;
}

void ecsb_docker_image_free(struct ecsb_docker_image *img)
{
    free(img->id);
    free(img->os);
    free(img->os_version);
    for (size_t i = 0; i < img->n_layer_dirs; i++) free(img->layer_dirs[i]);
    free(img->layer_dirs);
    for (size_t i = 0; i < img->n_diff_ids; i++) free(img->diff_ids[i]);
    free(img->diff_ids);
    free(img->driver);
    memset(img, 0, sizeof *img);
}

enum ecsb_status ecsb_docker_ref_split(const char *ref, char **name, char **tag, bool *is_digest,
                                       struct ecsb_error *err)
{
    *name = *tag = NULL;
    *is_digest = false;
    const char *at = strchr(ref, '@');
    const char *slash = strrchr(ref, '/');
    const char *colon = strrchr(ref, ':');
    if (at) {
        *is_digest = true;
        *name = ecsb_xstrndup(ref, (size_t)(at - ref));
        *tag = ecsb_xstrdup(at + 1);
    } else if (colon && (!slash || colon > slash) && colon[1]) {
        *name = ecsb_xstrndup(ref, (size_t)(colon - ref));
        *tag = ecsb_xstrdup(colon + 1);
    }
    if (!*name || !**name || !**tag) {
        free(*name);
        free(*tag);
        *name = *tag = NULL;
        return ecsb_error_set(err, ECSB_ERR_INVALID, "image '%.200s' has no tag or digest; name one "
                              "(mcr.microsoft.com/windows/servercore:ltsc2022): without it the engine pulls every tag",
                              ref);
    }
    return ECSB_OK;
}

struct pull_sink {
    struct ecsb_pull_stream stream;
};

static bool on_pull_data(void *ctx, const char *data, size_t len)
{
    ecsb_pull_stream_feed(&((struct pull_sink *)ctx)->stream, data, len);
    return true; /* never drop a pull connection: a cancelled pull deletes its layers */
}

static void pull_path(struct ecsb_buf *p, const char *api, const char *name, const char *tag)
{
    ecsb_buf_printf(p, "/v%s/images/create?fromImage=", api);
    ecsb_uri_encode(p, name, strlen(name), false);
    ecsb_buf_puts(p, "&tag=");
    ecsb_uri_encode(p, tag, strlen(tag), false);
}

enum ecsb_status ecsb_docker_pull(struct ecsb_docker *d, const char *ref, const char *auth, long idle_ms,
                                  ecsb_pull_progress_fn fn, void *ctx, struct ecsb_error *err)
{
    char *name, *tag;
    bool digest;
    enum ecsb_status st = ecsb_docker_ref_split(ref, &name, &tag, &digest, err);
    if (st == ECSB_OK) st = ensure_version(d, err);
    if (st != ECSB_OK) {
        free(name);
        free(tag);
        return st;
    }
    struct ecsb_buf p = ECSB_BUF_INIT;
    pull_path(&p, d->api, name, tag);
    struct ecsb_http_headers h = {0};
    if (auth) ecsb_http_headers_add(&h, "X-Registry-Auth", auth);
    struct pull_sink sink;
    ecsb_pull_stream_init(&sink.stream, fn, ctx);
    struct ecsb_http_request req = {.method = "POST", .headers = &h, .timeout_ms = -1, .idle_timeout_ms = idle_ms,
                                    .on_data = on_pull_data, .on_data_ctx = &sink};
    struct ecsb_http_response resp;
    st = send_req(d, &req, p.data, &resp, err);
    if (st == ECSB_OK && resp.status != 200) {
        /* An error before streaming: the body is {"message": ...}, already fed to the parser as one line. */
        const char *m = sink.stream.error;
        st = ecsb_error_set(err, resp.status == 404 || (m && ecsb_pull_error_permanent(m)) ? ECSB_ERR_NOT_FOUND
                                                                                       : ECSB_ERR_HTTP,
                            "pulling %s: HTTP %ld: %.300s", ref, resp.status, m ? m : "(no message)");
    } else if (st == ECSB_OK) {
        st = ecsb_pull_stream_finish(&sink.stream, ref, err);
    }
    if (st == ECSB_OK || resp.status) ecsb_http_response_free(&resp);
    ecsb_pull_stream_free(&sink.stream);
    ecsb_http_headers_free(&h);
    ecsb_buf_free(&p);
    free(name);
    free(tag);
    return st;
}

char *ecsb_docker_auth_header(const char *username, const char *password, const char *server)
{
    struct ecsb_buf json = ECSB_BUF_INIT, out = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &json, 0);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "username");
    ecsb_jw_string(&w, username ? username : "");
    ecsb_jw_key(&w, "password");
    ecsb_jw_string(&w, password ? password : "");
    ecsb_jw_key(&w, "serveraddress");
    ecsb_jw_string(&w, server ? server : "");
    ecsb_jw_object_end(&w);
    ecsb_base64_encode(json.data, json.len, true, &out);
    ecsb_buf_free(&json);
    return ecsb_buf_detach(&out);
}
