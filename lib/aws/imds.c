/* imds.c: the IMDSv2 client (see ecsb/imds.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/strutil.h"

void ecsb_imds_config_defaults(struct ecsb_imds_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->token_ttl_s = 21600;
    cfg->deadline_ms = 20000;
    cfg->per_try_timeout_ms = 2000;
    cfg->max_attempts = 8;
    cfg->base_backoff_ms = 100;
}

enum ecsb_status ecsb_imds_init(struct ecsb_imds *m, struct ecsb_http *http, const struct ecsb_imds_config *cfg,
                                ecsb_getenv_fn env, struct ecsb_error *err)
{
    memset(m, 0, sizeof *m);
    m->http = http;
    if (cfg)
        m->cfg = *cfg;
    else
        ecsb_imds_config_defaults(&m->cfg);
    if (m->cfg.token_ttl_s < 1 || m->cfg.token_ttl_s > 21600)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "IMDS token TTL %ld is out of range -- use 1..21600 seconds",
                              m->cfg.token_ttl_s);
    /* The SDKs' switch for hosts without IMDS (development machines, containers). */
    const char *disabled = ecsb_env(env, "AWS_EC2_METADATA_DISABLED");
    m->disabled = disabled && ecsb_strcaseeq(disabled, "true");
    const char *ep = m->cfg.endpoint;
    if (!ep)
        ep = ecsb_env(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *mode = ecsb_env(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (mode && !ecsb_strcaseeq(mode, "IPv6") && !ecsb_strcaseeq(mode, "IPv4"))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=%s is not valid -- use IPv4 or IPv6", mode);
    bool v6 = m->cfg.ipv6 || (mode && ecsb_strcaseeq(mode, "IPv6"));
    if (!ep)
        ep = v6 ? ECSB_IMDS_ENDPOINT_V6 : ECSB_IMDS_ENDPOINT_V4;
    if (!ecsb_starts_with_ci(ep, "http://") && !ecsb_starts_with_ci(ep, "https://"))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "IMDS endpoint '%s' is not an http URL -- fix AWS_EC2_METADATA_SERVICE_ENDPOINT", ep);
    size_t n = strlen(ep);
    while (n > 0 && ep[n - 1] == '/')
        n--;
    if (n >= sizeof m->endpoint)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "IMDS endpoint is longer than %lu characters",
                              (unsigned long)(sizeof m->endpoint - 1));
    memcpy(m->endpoint, ep, n);
    m->endpoint[n] = '\0';
    return ECSB_OK;
}

void ecsb_imds_free(struct ecsb_imds *m)
{
    free(m->token);
    m->token = NULL;
}

void ecsb_imds_set_deadline(struct ecsb_imds *m, long ms)
{
    m->cfg.deadline_ms = ms > 0 ? ms : 1;
}

bool ecsb_imds_token_usable(const struct ecsb_imds *m, long long now_ms)
{
    return m->token && now_ms < m->token_expires_ms;
}

/* Stores a fresh token. A margin (a tenth of the TTL, at most 60 s) keeps us from
 * sending a token that expires while the request is in flight. */
static void store_token(struct ecsb_imds *m, const char *tok, size_t n, long long now_ms)
{
    free(m->token);
    m->token = ecsb_xstrndup(tok, n);
    long long ttl_ms = m->cfg.token_ttl_s * 1000LL;
    long long margin = ttl_ms / 10 < 60000 ? ttl_ms / 10 : 60000;
    m->token_expires_ms = now_ms + ttl_ms - margin;
    m->token_fetches++;
}

static void drop_token(struct ecsb_imds *m)
{
    free(m->token);
    m->token = NULL;
    m->token_expires_ms = 0;
}

struct op {
    long long deadline;  /* monotonic ms */
    size_t max_body;     /* the cap of the answer this operation wants */
    int attempt;         /* tries made so far, token PUTs included */
    int failures;        /* transient failures so far: the backoff exponent */
    struct ecsb_error last;
};

static enum ecsb_status send_once(struct ecsb_imds *m, struct op *op, const char *method, const char *path,
                                  const struct ecsb_http_headers *h, size_t max_body,
                                  struct ecsb_http_response *resp)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", m->endpoint, path);
    long long left = op->deadline - ecsb_clock_mono(&m->clock);
    long timeout = m->cfg.per_try_timeout_ms;
    if (left < timeout)
        timeout = left > 1 ? (long)left : 1;
    struct ecsb_http_request req = {0};
    req.method = method;
    req.url = url;
    req.headers = h;
    req.timeout_ms = timeout;
    req.connect_timeout_ms = timeout;
    req.no_proxy = true;
    req.max_body = max_body;
    memset(resp, 0, sizeof *resp);
    op->attempt++;
    m->requests++;
    ecsb_error_clear(&op->last);
    if (m->send)
        return m->send(m->send_ctx, &req, resp, &op->last);
    return ecsb_http_send(m->http, &req, resp, &op->last);
}

/* Decides whether another try fits (attempts and deadline) and sleeps the backoff. */
static bool backoff(struct ecsb_imds *m, struct op *op)
{
    if (op->attempt >= m->cfg.max_attempts)
        return false;
    op->failures++;
    long long delay = m->cfg.base_backoff_ms;
    for (int i = 1; i < op->failures && delay < 2000; i++)
        delay *= 2;
    if (delay > 2000)
        delay = 2000;
    long long now = ecsb_clock_mono(&m->clock);
    if (now + delay >= op->deadline)
        return false;
    ecsb_clock_sleep(&m->clock, (long)delay);
    return true;
}

static bool transient(enum ecsb_status st, long status)
{
    return st == ECSB_ERR_HTTP || st == ECSB_ERR_TIMEOUT || (st == ECSB_OK && status >= 500);
}

/* A token goes into a header: printable ASCII only, so CR/LF cannot add headers. */
static bool token_ok(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
            return false;
    return true;
}

/* Gets a token unless a usable one is cached. ECSB_ERR_UNSUPPORTED means the
 * service refused IMDSv2 tokens (403/404/405) and v1 is allowed. */
static enum ecsb_status ensure_token(struct ecsb_imds *m, struct op *op, struct ecsb_error *err)
{
    if (ecsb_imds_token_usable(m, ecsb_clock_mono(&m->clock)))
        return ECSB_OK;
    drop_token(m);
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%ld", m->cfg.token_ttl_s);
    struct ecsb_http_headers h = {0};
    ecsb_http_headers_add(&h, "X-aws-ec2-metadata-token-ttl-seconds", ttl);
    enum ecsb_status rc;
    for (;;) {
        struct ecsb_http_response resp;
        enum ecsb_status st = send_once(m, op, "PUT", "/latest/api/token", &h, ECSB_IMDS_MAX_TOKEN, &resp);
        if (st == ECSB_OK && resp.status == 200 && resp.body.len > 0 && !token_ok(resp.body.data, resp.body.len)) {
            rc = ecsb_error_set(err, ECSB_ERR_HTTP,
                                "IMDS token request to %s returned a token with a control character or line "
                                "break; refusing to send it as a header -- check what answers at that address",
                                m->endpoint);
        } else if (st == ECSB_OK && resp.status == 200 && resp.body.len > 0) {
            store_token(m, resp.body.data, resp.body.len, ecsb_clock_mono(&m->clock));
            rc = ECSB_OK;
        } else if (st == ECSB_OK && (resp.status == 403 || resp.status == 404 || resp.status == 405) &&
                   m->cfg.allow_v1) {
            rc = ECSB_ERR_UNSUPPORTED;
        } else if (st == ECSB_ERR_LIMIT) {
            rc = ecsb_error_set(err, ECSB_ERR_LIMIT, "IMDS token request to %s: the answer is larger than %u bytes; "
                                "refusing it", m->endpoint, ECSB_IMDS_MAX_TOKEN);
        } else if (transient(st, st == ECSB_OK ? resp.status : 0) && backoff(m, op)) {
            ecsb_http_response_free(&resp);
            continue;
        } else if (st != ECSB_OK) {
            rc = ecsb_error_set(err, st == ECSB_ERR_TIMEOUT ? ECSB_ERR_TIMEOUT : ECSB_ERR_HTTP,
                                "IMDS token request to %s failed after %d tries: %s -- check that the instance "
                                "metadata service is enabled and reachable (hop limit 2 for containers)",
                                m->endpoint, op->attempt, op->last.message);
        } else {
            rc = ecsb_error_set(err, resp.status >= 500 ? ECSB_ERR_HTTP : ECSB_ERR_AUTH,
                                "IMDS token request to %s answered HTTP %ld after %d tries -- %s", m->endpoint,
                                resp.status, op->attempt,
                                resp.status == 400 ? "the TTL header was rejected"
                                                   : "enable IMDSv2 (HttpTokens) on the instance");
        }
        ecsb_http_response_free(&resp);
        break;
    }
    ecsb_http_headers_free(&h);
    return rc;
}

static enum ecsb_status get_with_deadline(struct ecsb_imds *m, const char *path, size_t max_body,
                                          struct ecsb_buf *out, struct ecsb_error *err)
{
    struct op op = {0};
    op.deadline = ecsb_clock_mono(&m->clock) + m->cfg.deadline_ms;
    op.max_body = max_body;
    bool refreshed = false;
    for (;;) {
        enum ecsb_status tst = ensure_token(m, &op, err);
        if (tst != ECSB_OK && tst != ECSB_ERR_UNSUPPORTED)
            return tst;
        struct ecsb_http_headers h = {0};
        if (tst == ECSB_OK)
            ecsb_http_headers_add(&h, "X-aws-ec2-metadata-token", m->token);
        struct ecsb_http_response resp;
        enum ecsb_status st = send_once(m, &op, "GET", path, &h, max_body, &resp);
        ecsb_http_headers_free(&h);
        long status = st == ECSB_OK ? resp.status : 0;
        enum ecsb_status rc = ECSB_OK;
        bool again = false;
        if (st == ECSB_OK && status == 200) {
            ecsb_buf_reset(out);
            ecsb_buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len);
        } else if (st == ECSB_ERR_LIMIT) {
            rc = ecsb_error_set(err, ECSB_ERR_LIMIT, "IMDS %s: the answer is larger than %zu bytes; refusing it",
                                path, max_body);
        } else if (st == ECSB_OK && status == 404) {
            rc = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "IMDS %s: not found (HTTP 404)", path);
        } else if (st == ECSB_OK && status == 401 && tst == ECSB_OK && !refreshed) {
            /* The token expired or was revoked early: fetch a new one, once. */
            drop_token(m);
            refreshed = true;
            again = true;
        } else if (transient(st, status) && backoff(m, &op)) {
            again = true;
        } else if (st != ECSB_OK) {
            rc = ecsb_error_set(err, st == ECSB_ERR_TIMEOUT ? ECSB_ERR_TIMEOUT : ECSB_ERR_HTTP,
                                "IMDS %s failed after %d tries within %ld ms: %s -- check that the instance "
                                "metadata service is reachable", path, op.attempt, m->cfg.deadline_ms,
                                op.last.message);
        } else {
            rc = ecsb_error_set(err, status == 401 ? ECSB_ERR_AUTH : ECSB_ERR_HTTP,
                                "IMDS %s answered HTTP %ld after %d tries -- %s", path, status, op.attempt,
                                status == 401 ? "the IMDSv2 token was refused twice" : "retry later");
        }
        ecsb_http_response_free(&resp);
        if (!again)
            return rc;
    }
}

static enum ecsb_status get_capped(struct ecsb_imds *m, const char *path, size_t max_body, struct ecsb_buf *out,
                                   struct ecsb_error *err)
{
    if (m->disabled)
        return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED,
                              "IMDS %s: the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED=true)",
                              path);
    return get_with_deadline(m, path, max_body, out, err);
}

enum ecsb_status ecsb_imds_get(struct ecsb_imds *m, const char *path, struct ecsb_buf *out, struct ecsb_error *err)
{
    return get_capped(m, path, ECSB_IMDS_MAX_METADATA, out, err);
}

enum ecsb_status ecsb_imds_user_data(struct ecsb_imds *m, struct ecsb_buf *out, bool *present,
                                     struct ecsb_error *err)
{
    enum ecsb_status st = get_capped(m, "/latest/user-data", ECSB_IMDS_MAX_USER_DATA, out, err);
    *present = st == ECSB_OK;
    if (st == ECSB_ERR_NOT_FOUND || m->disabled) { /* disabled: no user data to read */
        ecsb_buf_reset(out);
        ecsb_error_clear(err);
        return ECSB_OK;
    }
    return st;
}

static enum ecsb_status get_line(struct ecsb_imds *m, const char *path, char **out, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    enum ecsb_status st = ecsb_imds_get(m, path, &b, err);
    if (st == ECSB_OK) {
        *out = ecsb_trimmed_dup(ecsb_buf_cstr(&b), b.len);
        if (!**out) {
            free(*out);
            *out = NULL;
            st = ecsb_error_set(err, ECSB_ERR_INVALID, "IMDS %s returned an empty value", path);
        }
    }
    ecsb_buf_free(&b);
    return st;
}

enum ecsb_status ecsb_imds_instance_id(struct ecsb_imds *m, char **out, struct ecsb_error *err)
{
    return get_line(m, "/latest/meta-data/instance-id", out, err);
}

enum ecsb_status ecsb_imds_region(struct ecsb_imds *m, char **out, struct ecsb_error *err)
{
    return get_line(m, "/latest/meta-data/placement/region", out, err);
}

enum ecsb_status ecsb_imds_identity_document(struct ecsb_imds *m, struct ecsb_buf *raw, struct ecsb_json **doc,
                                             struct ecsb_error *err)
{
    enum ecsb_status st = ecsb_imds_get(m, "/latest/dynamic/instance-identity/document", raw, err);
    if (st != ECSB_OK || !doc)
        return st;
    st = ecsb_json_parse(raw->data ? raw->data : "", raw->len, NULL, doc, err);
    if (st != ECSB_OK)
        return ecsb_error_prefix(err, "IMDS instance identity document: ");
    return ECSB_OK;
}

enum ecsb_status ecsb_imds_role_credentials(struct ecsb_imds *m, struct ecsb_credentials *out,
                                            struct ecsb_error *err)
{
    char *role = NULL;
    enum ecsb_status st = get_line(m, "/latest/meta-data/iam/security-credentials/", &role, err);
    if (st == ECSB_ERR_NOT_FOUND)
        return ecsb_error_set(err, ECSB_ERR_AUTH,
                              "no IAM role is attached to this instance -- attach an instance profile "
                              "(e.g. ecsInstanceRole) or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
    if (st != ECSB_OK)
        return st;
    char *nl = strchr(role, '\n'); /* several roles: the first one, as the SDKs do */
    if (nl) {
        *nl = '\0';
        ecsb_trim(role);
    }
    struct ecsb_buf path = ECSB_BUF_INIT, body = ECSB_BUF_INIT;
    ecsb_buf_printf(&path, "/latest/meta-data/iam/security-credentials/%s", role);
    st = get_capped(m, path.data, ECSB_IMDS_MAX_CREDENTIALS, &body, err);
    if (st == ECSB_OK)
        st = ecsb_credentials_from_imds_json(ecsb_buf_cstr(&body), body.len, role, out, err);
    ecsb_buf_free(&path);
    ecsb_buf_free(&body);
    free(role);
    return st;
}
