/* client.c: signed AWS JSON 1.1 calls with jittered retries bounded by a deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/aws/sigv4.h"
#include "ecsb/base/strutil.h"
#include "ecsb/config/config_values.h"

enum ecsb_status ecsb_aws_client_init(struct ecsb_aws_client *c, struct ecsb_http *http, struct ecsb_cred_chain *creds,
                                      const char *region, ecsb_getenv_fn env, struct ecsb_error *err)
{
    memset(c, 0, sizeof *c);
    c->http = http;
    c->creds = creds;
    c->env = env;
    ecsb_aws_retry_defaults(&c->retry);
    const char *r = region && *region ? region : ecsb_env(env, "AWS_REGION");
    if (!r)
        r = ecsb_env(env, "AWS_DEFAULT_REGION");
    if (!r)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "no AWS region -- set AWS_REGION (e.g. us-east-1)");
    if (!ecsb_valid_region(r) || strlen(r) >= sizeof c->region)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "region '%.64s' is not a valid AWS region name -- "
                              "use a name like us-east-1", r);
    strcpy(c->region, r);
    enum ecsb_status st = ecsb_aws_retry_from_env(&c->retry, env, c->attempts_knob, sizeof c->attempts_knob, err);
    if (st != ECSB_OK)
        return st;
    return ECSB_OK;
}

static uint32_t default_rng(struct ecsb_aws_client *c)
{
    if (c->rng)
        return c->rng(c->rng_ctx);
    if (!c->rng_state)
        c->rng_state = (((uint64_t)ecsb_monotonic_ms() * 0x9E3779B97F4A7C15ull) ^ (uint64_t)(uintptr_t)c) | 1;
    uint64_t x = c->rng_state; /* xorshift64: jitter needs spread, not secrecy */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c->rng_state = x;
    return (uint32_t)(x >> 32);
}

static uint32_t rng_thunk(void *ctx)
{
    return default_rng(ctx);
}

/* Epoch seconds -> "YYYYMMDDTHHMMSSZ" without gmtime (not thread-safe on every libc). */
static void amz_date(long long t, char out[17])
{
    long long days = t / 86400, secs = t % 86400;
    long long z = days + 719468, era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04lld%02lld%02lldT%02lld%02lld%02lldZ", y % 10000, m, d, secs / 3600,
             secs / 60 % 60, secs % 60);
    memcpy(out, tmp, 16);
    out[16] = '\0';
}

/* "https://host:port/base" -> host header "host:port" and path "/base/" ("/" if none). */
static void split_url(const char *url, struct ecsb_buf *host, struct ecsb_buf *path)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *slash = strchr(p, '/');
    size_t hn = slash ? (size_t)(slash - p) : strlen(p);
    ecsb_buf_append(host, p, hn);
    ecsb_buf_puts(path, slash ? slash : "/");
    if (path->len == 0 || path->data[path->len - 1] != '/')
        ecsb_buf_putc(path, '/');
}

struct attempt {
    const struct ecsb_aws_service *svc;
    const char *action, *body, *url;
    const struct ecsb_credentials *creds;
    long timeout_ms;
};

static enum ecsb_status send_signed(struct ecsb_aws_client *c, const struct attempt *a,
                                    struct ecsb_http_response *resp, struct ecsb_error *err)
{
    struct ecsb_buf host = ECSB_BUF_INIT, path = ECSB_BUF_INIT, target = ECSB_BUF_INIT, full = ECSB_BUF_INIT;
    split_url(a->url, &host, &path);
    ecsb_buf_printf(&target, "%s.%s", a->svc->target_prefix, a->action);
    ecsb_buf_printf(&full, "%s/", a->url);
    struct ecsb_http_headers h = {0};
    ecsb_http_headers_add(&h, "Host", host.data);
    ecsb_http_headers_add(&h, "Content-Type", "application/x-amz-json-1.1");
    ecsb_http_headers_add(&h, "X-Amz-Target", target.data);
    char date[17];
    amz_date(ecsb_clock_wall(&c->clock), date);
    struct ecsb_sigv4_request sreq = {"POST", path.data, NULL, &h, a->body, strlen(a->body)};
    struct ecsb_sigv4_params params = {0};
    params.region = c->region;
    params.service = a->svc->signing_name;
    params.amz_date = date;
    params.creds = a->creds;
    params.normalize_path = true;
    struct ecsb_sigv4_result sig;
    memset(&sig, 0, sizeof sig);
    enum ecsb_status st = ecsb_sigv4_sign(&sreq, &params, &sig, err);
    if (st == ECSB_OK) {
        for (size_t i = 0; i < sig.add_headers.count; i++)
            ecsb_http_headers_add(&h, sig.add_headers.items[i].name, sig.add_headers.items[i].value);
        ecsb_http_headers_add(&h, "Authorization", sig.authorization.data);
        ecsb_http_headers_add(&h, "User-Agent", "ecs-bootstrap/" ECSB_VERSION);
        struct ecsb_http_request req = {0};
        req.method = "POST";
        req.url = full.data;
        req.headers = &h;
        req.body = a->body;
        req.body_len = strlen(a->body);
        req.timeout_ms = a->timeout_ms;
        req.connect_timeout_ms = a->timeout_ms < 5000 ? a->timeout_ms : 5000;
        memset(resp, 0, sizeof *resp);
        st = c->send ? c->send(c->send_ctx, &req, resp, err) : ecsb_http_send(c->http, &req, resp, err);
    }
    ecsb_sigv4_result_free(&sig);
    ecsb_http_headers_free(&h);
    ecsb_buf_free(&host);
    ecsb_buf_free(&path);
    ecsb_buf_free(&target);
    ecsb_buf_free(&full);
    return st;
}

/* The one line every failure becomes; secrets are scrubbed as a second defence
 * (moto echoes the canonical request, which carries the session token). bound,
 * when retries ran out, says which limit ended them and how to change it. */
static enum ecsb_status fail(struct ecsb_aws_client *c, const struct attempt *a, enum ecsb_status code,
                             const char *what, const char *hint, const char *bound, struct ecsb_error *err)
{
    char line[sizeof err->message];
    struct ecsb_buf clean = ECSB_BUF_INIT;
    if (a->creds) { /* scrub before the line below can cut anything */
        const char *secrets[2] = {a->creds->secret_access_key, a->creds->session_token};
        ecsb_aws_scrub_copy(what, strlen(what), secrets, 2, &clean);
        what = ecsb_buf_cstr(&clean);
    }
    /* The bound goes before the service's text so a long message cannot cut it. */
    snprintf(line, sizeof line, "%s %s (%s): %s%s%s -- %s", a->svc->name, a->action, c->region,
             bound ? bound : "", bound ? ": " : "", what, hint);
    ecsb_buf_free(&clean);
    if (a->creds) {
        const char *secrets[2] = {a->creds->secret_access_key, a->creds->session_token};
        ecsb_aws_scrub(line, sizeof line, secrets, 2);
    }
    return ecsb_error_set(err, code, "%s", line);
}

static enum ecsb_status parse_ok(const struct ecsb_http_response *resp, struct ecsb_json **out,
                                 struct ecsb_error *err)
{
    const char *body = resp->body.len ? resp->body.data : "{}";
    size_t len = resp->body.len ? resp->body.len : 2;
    struct ecsb_json *doc = NULL;
    enum ecsb_status st = ecsb_json_parse(body, len, NULL, &doc, err);
    if (st != ECSB_OK)
        return st;
    if (out)
        *out = doc;
    else
        ecsb_json_free(doc);
    return ECSB_OK;
}

/* What a failed try leaves for the retry decision and the final message. */
struct failure {
    enum ecsb_status code;
    bool retry, throttled;
    char what[700];
    const char *hint;
};

enum try_result { TRY_DONE, TRY_FAILED, TRY_REFRESH };

/* A non-2xx answer. TRY_REFRESH when expired role credentials were dropped and the
 * call should be made again at once (once per call). */
static enum try_result classify_error(struct ecsb_aws_client *c, const struct attempt *a,
                                      const struct ecsb_http_response *resp, bool *refreshed, struct failure *f)
{
    /* Scrub the whole body first: the parsed message is cut at 511 bytes, and a
     * cut secret would no longer match. */
    const char *secrets[2] = {a->creds->secret_access_key, a->creds->session_token};
    struct ecsb_buf clean = ECSB_BUF_INIT;
    struct ecsb_aws_error_info info;
    ecsb_aws_scrub_copy(resp->body.data ? resp->body.data : "", resp->body.len, secrets, 2, &clean);
    ecsb_aws_parse_error(resp->status, clean.data, clean.len, &info);
    ecsb_buf_free(&clean);
    f->retry = ecsb_aws_error_retryable(&info);
    f->throttled = ecsb_aws_error_is_throttling(info.code) || info.status == 429;
    f->code = ecsb_aws_error_status(&info);
    f->hint = ecsb_aws_error_hint(info.code, info.status);
    snprintf(f->what, sizeof f->what, "%.127s: %.511s", info.code[0] ? info.code : "HTTP error", info.message);
    /* Role credentials can expire between our check and the call: refresh once. */
    bool expired = strcmp(info.code, "ExpiredToken") == 0 || strcmp(info.code, "ExpiredTokenException") == 0;
    if (!*refreshed && expired && a->creds->source && strcmp(a->creds->source, "environment") != 0) {
        *refreshed = true;
        ecsb_cred_chain_invalidate(c->creds);
        return TRY_REFRESH;
    }
    return TRY_FAILED;
}

/* One signed exchange within what is left of the deadline. TRY_DONE sets *rc. */
static enum try_result try_once(struct ecsb_aws_client *c, struct attempt *a, long long deadline, bool *refreshed,
                                struct ecsb_json **out, struct failure *f, enum ecsb_status *rc,
                                struct ecsb_error *err)
{
    long long left = deadline - ecsb_clock_mono(&c->clock);
    a->timeout_ms = c->retry.per_try_timeout_ms < left ? c->retry.per_try_timeout_ms : (long)(left > 1 ? left : 1);
    struct ecsb_http_response resp;
    struct ecsb_error e2;
    enum ecsb_status st = send_signed(c, a, &resp, &e2);
    enum try_result r = TRY_FAILED;
    if (st != ECSB_OK) {
        f->retry = st == ECSB_ERR_HTTP || st == ECSB_ERR_TIMEOUT;
        f->throttled = false;
        f->code = st;
        f->hint = "check the network, proxy settings and the endpoint";
        snprintf(f->what, sizeof f->what, "request to %.200s failed: %.400s", a->url, e2.message);
    } else if (resp.status >= 200 && resp.status < 300) {
        *rc = parse_ok(&resp, out, &e2);
        if (*rc != ECSB_OK)
            *rc = fail(c, a, *rc, e2.message, "the service sent a response that is not JSON", NULL, err);
        r = TRY_DONE;
    } else {
        r = classify_error(c, a, &resp, refreshed, f);
    }
    ecsb_http_response_free(&resp);
    return r;
}

/* "30s" or "250 ms": deadlines are set in whole seconds in practice. */
static void format_ms(long ms, char *out, size_t cap)
{
    if (ms >= 1000 && ms % 1000 == 0)
        snprintf(out, cap, "%lds", ms / 1000);
    else
        snprintf(out, cap, "%ld ms", ms);
}

/* Names the bound that ended the retries and the setting that moves it. */
static void bound_text(const struct ecsb_aws_client *c, int tries, bool by_attempts, char *out, size_t cap)
{
    const char *s = tries == 1 ? "" : "s";
    if (by_attempts) {
        const char *knob = c->retry.attempts_knob ? c->retry.attempts_knob : "max_attempts";
        snprintf(out, cap, "gave up after %d attempt%s, the limit set by %s: raise AWS_MAX_ATTEMPTS, or unset it "
                 "and AWS_RETRY_MODE to retry until the call's deadline", tries, s, knob);
        return;
    }
    char d[32];
    format_ms(c->retry.deadline_ms, d, sizeof d);
    if (c->retry.deadline_knob)
        snprintf(out, cap, "gave up after %d attempt%s at the %s deadline (%s): raise %s", tries, s, d,
                 c->retry.deadline_knob, c->retry.deadline_knob);
    else
        snprintf(out, cap, "gave up after %d attempt%s at the call's %s deadline", tries, s, d);
}

/* Time kept for the last try: a try with less than this would only time out. */
static long last_try_reserve_ms(const struct ecsb_aws_retry *r)
{
    long q = r->deadline_ms / 4;
    return q < 1000 ? q : 1000;
}

/* After a failed try: sleeps the backoff (full jitter, its ceiling cut to what
 * is left of the deadline) and returns true when another try fits; otherwise
 * sets *rc to the final error, naming the bound that ended the retries. */
static bool retry_after(struct ecsb_aws_client *c, const struct attempt *a, const struct failure *f, int tries,
                        long long deadline, enum ecsb_status *rc, struct ecsb_error *err)
{
    char bound[300];
    if (!f->retry) {
        *rc = fail(c, a, f->code, f->what, f->hint, NULL, err);
        return false;
    }
    if (c->retry.max_attempts > 0 && tries >= c->retry.max_attempts) {
        bound_text(c, tries, true, bound, sizeof bound);
        *rc = fail(c, a, f->code, f->what, f->hint, bound, err);
        return false;
    }
    long long left = deadline - ecsb_clock_mono(&c->clock) - last_try_reserve_ms(&c->retry);
    if (left <= 0) {
        bound_text(c, tries, false, bound, sizeof bound);
        *rc = fail(c, a, f->code, f->what, f->hint, bound, err);
        return false;
    }
    ecsb_clock_sleep(&c->clock, ecsb_aws_backoff_within_ms(&c->retry, tries, (long)left, rng_thunk, c));
    return true;
}

/* Adaptive mode: waits for a token of the client-side rate limit; false when
 * the wait would pass the deadline. */
static bool rate_wait(struct ecsb_aws_client *c, long long deadline)
{
    if (c->retry.mode != ECSB_RETRY_ADAPTIVE)
        return true;
    for (;;) {
        long long now = ecsb_clock_mono(&c->clock);
        long wait = ecsb_aws_rate_acquire(&c->limiter, now);
        if (wait == 0)
            return true;
        if (now + wait >= deadline)
            return false;
        ecsb_clock_sleep(&c->clock, wait);
    }
}

enum ecsb_status ecsb_aws_call(struct ecsb_aws_client *c, const struct ecsb_aws_service *svc, const char *action,
                               const char *body, struct ecsb_json **out, struct ecsb_error *err)
{
    if (out)
        *out = NULL;
    struct attempt a = {svc, action, body ? body : "{}", NULL, NULL, 0};
    struct ecsb_buf url = ECSB_BUF_INIT;
    struct ecsb_error e2;
    c->last_attempts = 0;
    if (ecsb_aws_endpoint(svc, c->region, c->env, &url, &e2) != ECSB_OK) {
        ecsb_buf_free(&url);
        return fail(c, &a, e2.code, e2.message, "fix the endpoint configuration", NULL, err);
    }
    a.url = url.data;
    long long deadline = ecsb_clock_mono(&c->clock) + c->retry.deadline_ms;
    bool refreshed = false;
    enum ecsb_status rc = ECSB_OK;
    for (int tries = 1;; tries++) {
        c->last_attempts = tries;
        if (ecsb_cred_chain_get(c->creds, &a.creds, &e2) != ECSB_OK) {
            rc = fail(c, &a, e2.code, e2.message, "provide credentials", NULL, err);
            break;
        }
        struct failure f = {0};
        if (!rate_wait(c, deadline)) {
            char bound[300];
            bound_text(c, tries - 1, false, bound, sizeof bound);
            rc = fail(c, &a, ECSB_ERR_AWS, "the client-side rate limit (AWS_RETRY_MODE=adaptive) left no time",
                      "unset AWS_RETRY_MODE or lower the request rate", bound, err);
            break;
        }
        enum try_result r = try_once(c, &a, deadline, &refreshed, out, &f, &rc, err);
        if (c->retry.mode == ECSB_RETRY_ADAPTIVE && r != TRY_REFRESH)
            ecsb_aws_rate_update(&c->limiter, r == TRY_FAILED && f.throttled, ecsb_clock_mono(&c->clock));
        if (r == TRY_DONE)
            break;
        if (r == TRY_REFRESH) {
            tries--; /* the refresh does not count as an attempt */
            continue;
        }
        if (!retry_after(c, &a, &f, tries, deadline, &rc, err))
            break;
    }
    ecsb_buf_free(&url);
    return rc;
}
