/* registry.c: the check before download (see ecsb/docker/registry.h). */
#include "ecsb/docker/registry.h"

#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"
#include "ecsb/base/base64.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"
#include "ecsb/docker/engine.h"

#define ACCEPT_MANIFESTS                                                                                   \
    "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json, " \
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"
#define MAX_MANIFEST ((size_t)4 * 1024 * 1024)

enum ecsb_status ecsb_image_ref_parse(const char *ref, struct ecsb_image_ref *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    char *name = NULL, *tag = NULL;
    bool digest = false;
    enum ecsb_status st = ecsb_docker_ref_split(ref, &name, &tag, &digest, err);
    if (st != ECSB_OK) return st;
    const char *slash = strchr(name, '/');
    size_t first = slash ? (size_t)(slash - name) : 0;
    bool has_registry = slash && (memchr(name, '.', first) || memchr(name, ':', first) ||
                                  (first == 9 && !strncmp(name, "localhost", 9)));
    if (has_registry) {
        out->registry = ecsb_xstrndup(name, first);
        out->repository = ecsb_xstrdup(slash + 1);
    } else {
        out->registry = ecsb_xstrdup("registry-1.docker.io");
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_buf_printf(&b, "%s%s", slash ? "" : "library/", name);
        out->repository = ecsb_buf_detach(&b);
    }
    if (!strcmp(out->registry, "docker.io") || !strcmp(out->registry, "index.docker.io")) {
        free(out->registry);
        out->registry = ecsb_xstrdup("registry-1.docker.io");
    }
    out->reference = tag;
    out->plain_http = ecsb_starts_with(out->registry, "127.") || ecsb_starts_with(out->registry, "localhost") ||
                      ecsb_starts_with(out->registry, "[::1]");
    free(name);
    return ECSB_OK;
}

void ecsb_image_ref_free(struct ecsb_image_ref *r)
{
    free(r->registry);
    free(r->repository);
    free(r->reference);
    memset(r, 0, sizeof *r);
}

/* The revision (fourth field) of 10.0.B.R, for choosing the newest entry of a build. */
static unsigned long revision_of(const char *v)
{
    const char *p = v;
    for (int dots = 0; *p && dots < 3; p++)
        if (*p == '.') dots++;
    return *p ? strtoul(p, NULL, 10) : 0;
}

/* Whether v is already an entry of the ", "-separated list (v is registry text and
 * may hold commas of its own: entries are matched whole, never split). */
static bool listed(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *s = strstr(list, v); s; s = strstr(s + 1, v))
        if ((s == list || (s - list >= 2 && !strncmp(s - 2, ", ", 2))) && (!s[n] || !strncmp(s + n, ", ", 2)))
            return true;
    return false;
}

static void offer(struct ecsb_buf *offered, const char *v)
{
    if (!listed(ecsb_buf_cstr(offered), v))
        ecsb_buf_printf(offered, "%s%s", offered->len ? ", " : "", v);
}

long ecsb_registry_pick(const struct ecsb_json *index, unsigned host_build, const char *arch,
                        struct ecsb_buf *offered)
{
    const struct ecsb_json *list = ecsb_json_get(index, "manifests");
    long best = -1;
    unsigned long best_rev = 0;
    for (size_t i = 0; list && list->type == ECSB_JSON_ARRAY && i < list->count; i++) {
        const struct ecsb_json *p = ecsb_json_get(list->items[i], "platform");
        const char *os = ecsb_json_get_string(p, "os"), *a = ecsb_json_get_string(p, "architecture");
        const char *v = ecsb_json_get_string(p, "os.version");
        if (!os || strcmp(os, "windows") || !a || strcmp(a, arch)) continue;
        offer(offered, v && *v ? v : "(no os.version)");
        /* The engine drops newer builds and prefers the host's; an older one would pull
         * and then fail at container start, so only the host's build is accepted. */
        if (!v || ecsb_docker_build_of(v) != host_build) continue;
        if (best < 0 || revision_of(v) > best_rev) {
            best = (long)i;
            best_rev = revision_of(v);
        }
    }
    return best;
}

struct reg {
    struct ecsb_http *http;
    struct ecsb_image_ref ref;
    char *token;      /* bearer token, or base64(user:password) when basic */
    bool basic;
    const char *user, *pass; /* NULL: anonymous */
    long timeout_ms;
};

/* "Basic base64(user:password)": the secret in another encoding, never logged. */
static char *basic_credentials(const struct reg *r)
{
    struct ecsb_buf up = ECSB_BUF_INIT;
    ecsb_buf_printf(&up, "%s:%s", r->user, r->pass ? r->pass : "");
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_base64_encode(up.data, up.len, false, &b);
    ecsb_buf_free(&up);
    return ecsb_buf_detach(&b);
}

/* key="value" out of a WWW-Authenticate: Bearer challenge. */
static char *challenge_param(const char *h, const char *key)
{
    size_t n = strlen(key);
    for (const char *s = h; (s = strstr(s, key)) != NULL; s += n) {
        if ((s == h || s[-1] == ' ' || s[-1] == ',') && s[n] == '=' && s[n + 1] == '"') {
            const char *v = s + n + 2, *end = strchr(v, '"');
            return end ? ecsb_xstrndup(v, (size_t)(end - v)) : NULL;
        }
    }
    return NULL;
}

/* Answers a challenge. Basic: the credentials themselves (none configured: an error
 * naming the settings). Bearer: GET realm?service=..&scope=.. -> token, with Basic
 * credentials on the token request when configured, anonymously otherwise. */
static enum ecsb_status fetch_token(struct reg *r, const char *challenge, struct ecsb_error *err)
{
    if (ecsb_starts_with_ci(challenge, "Basic")) {
        if (!r->user)
            return ecsb_error_set(err, ECSB_ERR_AUTH, "registry %s asks for Basic authentication and no credentials "
                                  "are configured for it: set images.registry, images.registry_username and "
                                  "images.registry_password", r->ref.registry);
        r->token = basic_credentials(r);
        r->basic = true;
        return ECSB_OK;
    }
    if (!ecsb_starts_with_ci(challenge, "Bearer "))
        return ecsb_error_set(err, ECSB_ERR_AUTH, "registry %s asks for '%.40s' authentication; only Basic and "
                              "Bearer are supported by the check before download", r->ref.registry, challenge);
    char *realm = challenge_param(challenge, "realm"), *service = challenge_param(challenge, "service");
    char *scope = challenge_param(challenge, "scope");
    struct ecsb_buf url = ECSB_BUF_INIT;
    ecsb_buf_printf(&url, "%s?", realm ? realm : "");
    if (service) { ecsb_buf_puts(&url, "service="); ecsb_uri_encode(&url, service, strlen(service), false); }
    if (scope) { ecsb_buf_puts(&url, "&scope="); ecsb_uri_encode(&url, scope, strlen(scope), false); }
    struct ecsb_http_headers h = {0};
    struct ecsb_buf auth = ECSB_BUF_INIT;
    if (r->user) {
        char *b = basic_credentials(r);
        ecsb_buf_printf(&auth, "Basic %s", b);
        free(b);
        ecsb_http_headers_add(&h, "Authorization", auth.data);
    }
    struct ecsb_http_request req = {.method = "GET", .url = url.data, .headers = &h, .timeout_ms = r->timeout_ms,
                                    .max_body = 65536};
    struct ecsb_http_response resp;
    enum ecsb_status st = realm ? ecsb_http_send(r->http, &req, &resp, err)
                                : ecsb_error_set(err, ECSB_ERR_AUTH, "registry %s: a bearer challenge without realm",
                                                 r->ref.registry);
    if (st == ECSB_OK) {
        struct ecsb_json *j = NULL;
        struct ecsb_error jerr = {0};
        ecsb_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, NULL, &j, &jerr);
        const char *t = ecsb_json_get_string(j, "token");
        if (!t) t = ecsb_json_get_string(j, "access_token");
        if (resp.status == 200 && t) r->token = ecsb_xstrdup(t);
        else st = ecsb_error_set(err, ECSB_ERR_AUTH, "registry %s: no %s token from %s (HTTP %ld)%s",
                                 r->ref.registry, r->user ? "" : "anonymous", realm, resp.status,
                                 r->user ? ": check images.registry_username and images.registry_password"
                                         : "; credentials for it go in images.registry_username/_password");
        ecsb_json_free(j);
        ecsb_http_response_free(&resp);
    }
    free(realm), free(service), free(scope);
    ecsb_http_headers_free(&h);
    ecsb_buf_free(&auth);
    ecsb_buf_free(&url);
    return st;
}

/* GET /v2/<repo>/<kind>/<ref>, answering one bearer challenge and following one redirect
 * (blobs are served from elsewhere; the token is not sent there). */
static enum ecsb_status reg_get(struct reg *r, const char *kind, const char *what, struct ecsb_http_response *resp,
                                struct ecsb_error *err)
{
    struct ecsb_buf url = ECSB_BUF_INIT;
    ecsb_buf_printf(&url, "%s://%s/v2/%s/%s/%s", r->ref.plain_http ? "http" : "https", r->ref.registry,
                    r->ref.repository, kind, what);
    enum ecsb_status st = ECSB_OK;
    for (int round = 0; round < 3; round++) {
        struct ecsb_http_headers h = {0};
        ecsb_http_headers_add(&h, "Accept", ACCEPT_MANIFESTS);
        struct ecsb_buf auth = ECSB_BUF_INIT;
        if (r->token && round < 2 && ecsb_starts_with(url.data, r->ref.plain_http ? "http://" : "https://") &&
            strstr(url.data, r->ref.registry)) {
            ecsb_buf_printf(&auth, "%s %s", r->basic ? "Basic" : "Bearer", r->token);
            ecsb_http_headers_add(&h, "Authorization", auth.data);
        }
        struct ecsb_http_request req = {.method = "GET", .url = url.data, .headers = &h, .timeout_ms = r->timeout_ms,
                                        .max_body = MAX_MANIFEST};
        st = ecsb_http_send(r->http, &req, resp, err);
        ecsb_http_headers_free(&h);
        ecsb_buf_free(&auth);
        if (st != ECSB_OK) break;
        const char *challenge = ecsb_http_headers_get(&resp->headers, "WWW-Authenticate");
        const char *location = ecsb_http_headers_get(&resp->headers, "Location");
        if (resp->status == 401 && challenge && !r->token) {
            char *c = ecsb_xstrdup(challenge);
            ecsb_http_response_free(resp);
            st = fetch_token(r, c, err);
            free(c);
            if (st != ECSB_OK) break;
        } else if ((resp->status == 307 || resp->status == 302 || resp->status == 301) && location) {
            ecsb_buf_reset(&url);
            ecsb_buf_puts(&url, location);
            ecsb_http_response_free(resp);
            round = 1; /* the next round is the last and carries no token */
        } else {
            break;
        }
    }
    ecsb_buf_free(&url);
    return st;
}

/* GET a manifest (or blob) as JSON; errors name the image. */
static enum ecsb_status get_json(struct reg *r, const char *ref, const char *kind, const char *what,
                                 struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_http_response resp;
    *out = NULL;
    enum ecsb_status st = reg_get(r, kind, what, &resp, err);
    if (st != ECSB_OK) return ecsb_error_prefix(err, "checking %s in its registry: ", ref);
    if (resp.status == 404)
        st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "%s: the registry %s has no such image (HTTP 404 for %s)", ref,
                            r->ref.registry, what);
    else if (resp.status == 401 || resp.status == 403)
        st = ecsb_error_set(err, ECSB_ERR_AUTH, "%s: the registry %s refused %s (HTTP %ld)", ref, r->ref.registry,
                            r->user ? "the configured credentials (images.registry_username/_password)"
                                    : "anonymous access",
                            resp.status);
    else if (resp.status != 200)
        st = ecsb_error_set(err, ECSB_ERR_HTTP, "%s: the registry %s answered HTTP %ld", ref, r->ref.registry,
                            resp.status);
    else if (ecsb_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, NULL, out, err) != ECSB_OK)
        st = ecsb_error_prefix(err, "%s: unreadable manifest from %s: ", ref, r->ref.registry);
    ecsb_http_response_free(&resp);
    return st;
}

static int64_t layers_size(const struct ecsb_json *manifest)
{
    const struct ecsb_json *layers = ecsb_json_get(manifest, "layers");
    int64_t total = 0;
    for (size_t i = 0; layers && layers->type == ECSB_JSON_ARRAY && i < layers->count; i++) {
        double s = 0;
        if (ecsb_json_get_number(layers->items[i], "size", &s) && s > 0) total += (int64_t)s;
    }
    return total;
}

static enum ecsb_status refuse(const char *ref, const char *offered, unsigned host_build, struct ecsb_error *err)
{
    return ecsb_error_set(err, ECSB_ERR_INVALID, "%s offers Windows build(s) %s but this host is build %u: refused "
                          "before download (a newer build is refused by the engine, an older one fails at container "
                          "start with 0xc0370101); use the tag of the host's release", ref, offered, host_build);
}

/* A manifest list / OCI index: pick the entry, then read its manifest for the size. */
static enum ecsb_status check_index(struct reg *r, const char *ref, const struct ecsb_json *index, unsigned build,
                                    struct ecsb_registry_check *out, struct ecsb_error *err)
{
    struct ecsb_buf offered = ECSB_BUF_INIT;
    long i = ecsb_registry_pick(index, build, "amd64", &offered);
    enum ecsb_status st = ECSB_OK;
    if (i < 0) {
        /* No windows entry at all: nothing to compare here (the engine decides). */
        if (offered.len) st = refuse(ref, offered.data, build, err);
        ecsb_buf_free(&offered);
        return st;
    }
    ecsb_buf_free(&offered);
    const struct ecsb_json *entry = ecsb_json_at(ecsb_json_get(index, "manifests"), (size_t)i);
    const char *digest = ecsb_json_get_string(entry, "digest");
    out->checked = true;
    out->os_version = ecsb_xstrdup(ecsb_json_get_string(ecsb_json_get(entry, "platform"), "os.version"));
    out->digest = ecsb_xstrdup(digest ? digest : "");
    struct ecsb_json *m = NULL;
    if (digest && get_json(r, ref, "manifests", digest, &m, err) == ECSB_OK)
        out->download_size = layers_size(m);
    ecsb_json_free(m);
    return ECSB_OK;
}

/* A single manifest: its config blob (small, not a layer) tells os and os.version. */
static enum ecsb_status check_single(struct reg *r, const char *ref, const struct ecsb_json *m, unsigned build,
                                     struct ecsb_registry_check *out, struct ecsb_error *err)
{
    out->download_size = layers_size(m);
    const char *cfg_digest = ecsb_json_get_string(ecsb_json_get(m, "config"), "digest");
    struct ecsb_json *cfg = NULL;
    if (!cfg_digest || get_json(r, ref, "blobs", cfg_digest, &cfg, err) != ECSB_OK)
        return ECSB_OK; /* nothing to compare: the check after the pull remains */
    const char *os = ecsb_json_get_string(cfg, "os"), *v = ecsb_json_get_string(cfg, "os.version");
    enum ecsb_status st = ECSB_OK;
    if (os && !strcmp(os, "windows") && v && *v) {
        out->checked = true;
        out->os_version = ecsb_xstrdup(v);
        if (ecsb_docker_build_of(v) != build) st = refuse(ref, v, build, err);
    }
    ecsb_json_free(cfg);
    return st;
}

enum ecsb_status ecsb_registry_check(struct ecsb_http *http, const char *ref, unsigned host_build, long timeout_ms,
                                     struct ecsb_registry_check *out, struct ecsb_error *err)
{
    return ecsb_registry_check_auth(http, ref, host_build, timeout_ms, NULL, out, err);
}

enum ecsb_status ecsb_registry_check_auth(struct ecsb_http *http, const char *ref, unsigned host_build,
                                          long timeout_ms, const struct ecsb_registry_creds *creds,
                                          struct ecsb_registry_check *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    struct reg r = {.http = http, .timeout_ms = timeout_ms > 0 ? timeout_ms : 30000};
    enum ecsb_status st = ecsb_image_ref_parse(ref, &r.ref, err);
    /* Credentials go only to the registry they were configured for. */
    if (st == ECSB_OK && creds && creds->registry && creds->username && !strcmp(creds->registry, r.ref.registry))
        r.user = creds->username, r.pass = creds->password;
    struct ecsb_json *top = NULL;
    if (st == ECSB_OK) st = get_json(&r, ref, "manifests", r.ref.reference, &top, err);
    if (st == ECSB_OK) {
        if (ecsb_json_get(top, "manifests"))
            st = check_index(&r, ref, top, host_build, out, err);
        else
            st = check_single(&r, ref, top, host_build, out, err);
    }
    ecsb_json_free(top);
    ecsb_image_ref_free(&r.ref);
    free(r.token);
    return st;
}

void ecsb_registry_check_free(struct ecsb_registry_check *c)
{
    free(c->os_version);
    free(c->digest);
    memset(c, 0, sizeof *c);
}
