/* retry.c: the retry schedule. Full-jitter exponential backoff (the SDKs'
 * "standard" schedule, 20 s cap); by default a call is bounded only by its
 * deadline, because a boot that gives up after a few throttles within a second
 * leaves an instance half-configured. AWS_RETRY_MODE / AWS_MAX_ATTEMPTS (or
 * retry_mode / max_attempts in the shared config file's profile) restore the
 * SDKs' count bounds when the user asks for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"

void ecsb_aws_retry_defaults(struct ecsb_aws_retry *r)
{
    memset(r, 0, sizeof *r);
    r->mode = ECSB_RETRY_DEADLINE;
    r->max_attempts = 0;
    r->base_ms = 100;
    r->cap_ms = 20000;
    r->deadline_ms = 60000;
    r->per_try_timeout_ms = 15000;
}

void ecsb_aws_retry_set_deadline(struct ecsb_aws_retry *r, long ms)
{
    struct ecsb_aws_retry d;
    ecsb_aws_retry_defaults(&d);
    r->deadline_ms = ms > 0 ? ms : 1;
    r->per_try_timeout_ms = d.per_try_timeout_ms < r->deadline_ms ? d.per_try_timeout_ms : r->deadline_ms;
}

void ecsb_aws_retry_name_deadline(struct ecsb_aws_retry *r, const char *knob)
{
    r->deadline_knob = knob;
}

static const struct {
    const char *name;
    enum ecsb_aws_retry_mode mode;
    int attempts; /* the SDKs' default max_attempts for the mode */
} modes[] = {
    {"standard", ECSB_RETRY_STANDARD, 3},
    {"legacy", ECSB_RETRY_LEGACY, 5},
    {"adaptive", ECSB_RETRY_ADAPTIVE, 3},
};

/* mode_knob/ma_knob name where each value came from ("AWS_RETRY_MODE" or
 * "config-file retry_mode") in the knob and in errors. */
static enum ecsb_status retry_apply(struct ecsb_aws_retry *r, const char *mode, const char *mode_knob,
                                    const char *ma, const char *ma_knob, char *knob_buf, size_t knob_cap,
                                    struct ecsb_error *err)
{
    if (mode) {
        size_t i = 0;
        while (i < sizeof modes / sizeof modes[0] && strcmp(modes[i].name, mode) != 0)
            i++;
        if (i == sizeof modes / sizeof modes[0])
            return ecsb_error_set(err, ECSB_ERR_INVALID, "%s=%.32s is not valid -- use standard, "
                                  "legacy or adaptive, or unset it to retry until each call's deadline",
                                  mode_knob, mode);
        r->mode = modes[i].mode;
        r->max_attempts = modes[i].attempts;
        snprintf(knob_buf, knob_cap, "%s=%s", mode_knob, modes[i].name);
        r->attempts_knob = knob_buf;
    }
    if (ma) {
        char *end;
        long n = strtol(ma, &end, 10);
        if (*end || n < 1 || n > 20)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "%s=%.32s is not valid -- use 1..20, or "
                                  "unset it to retry until each call's deadline", ma_knob, ma);
        r->max_attempts = (int)n;
        snprintf(knob_buf, knob_cap, "%s=%ld", ma_knob, n);
        r->attempts_knob = knob_buf;
    }
    return ECSB_OK;
}

/* The environment wins; retry_mode / max_attempts of the profile in the shared
 * config file (ecsb/aws/credentials.h) fill in what it leaves unset. */
enum ecsb_status ecsb_aws_retry_from_env(struct ecsb_aws_retry *r, ecsb_getenv_fn env, char *knob_buf,
                                         size_t knob_cap, struct ecsb_error *err)
{
    const char *mode = ecsb_env(env, "AWS_RETRY_MODE"), *mode_knob = "AWS_RETRY_MODE";
    const char *ma = ecsb_env(env, "AWS_MAX_ATTEMPTS"), *ma_knob = "AWS_MAX_ATTEMPTS";
    struct ecsb_aws_profile prof = {0};
    struct ecsb_error ignored = {0}; /* a broken file is the credential lookup's to report */
    if ((!mode || !ma) && ecsb_aws_profile_load(env, &prof, &ignored) == ECSB_OK) {
        if (!mode && (mode = prof.retry_mode) != NULL)
            mode_knob = "config-file retry_mode";
        if (!ma && (ma = prof.max_attempts) != NULL)
            ma_knob = "config-file max_attempts";
    }
    enum ecsb_status st = retry_apply(r, mode, mode_knob, ma, ma_knob, knob_buf, knob_cap, err);
    ecsb_aws_profile_free(&prof);
    return st;
}

long ecsb_aws_backoff_within_ms(const struct ecsb_aws_retry *r, int retry, long limit_ms, uint32_t (*rng)(void *ctx),
                                void *ctx)
{
    if (retry < 1)
        retry = 1;
    long long ceiling = r->base_ms > 0 ? r->base_ms : 1;
    /* Doubling stops at the cap, so a long run of retries cannot overflow. */
    for (int i = 1; i < retry && ceiling < r->cap_ms; i++)
        ceiling *= 2;
    if (r->cap_ms > 0 && ceiling > r->cap_ms)
        ceiling = r->cap_ms;
    if (limit_ms >= 0 && ceiling > limit_ms)
        ceiling = limit_ms;
    uint32_t x = rng ? rng(ctx) : 0;
    return (long)(x % (uint64_t)(ceiling + 1));
}

long ecsb_aws_backoff_ms(const struct ecsb_aws_retry *r, int retry, uint32_t (*rng)(void *ctx), void *ctx)
{
    return ecsb_aws_backoff_within_ms(r, retry, -1, rng, ctx);
}

/* ---- adaptive mode ------------------------------------------------------- */

static void refill(struct ecsb_aws_rate_limiter *l, long long now_ms)
{
    if (l->last_ms && now_ms > l->last_ms) {
        l->tokens += l->rate * (double)(now_ms - l->last_ms) / 1000.0;
        if (l->tokens > l->max_tokens)
            l->tokens = l->max_tokens;
    }
    l->last_ms = now_ms;
}

long ecsb_aws_rate_acquire(struct ecsb_aws_rate_limiter *l, long long now_ms)
{
    if (!l->enabled)
        return 0;
    refill(l, now_ms);
    if (l->tokens >= 1.0) {
        l->tokens -= 1.0;
        return 0;
    }
    return (long)((1.0 - l->tokens) * 1000.0 / l->rate) + 1;
}

void ecsb_aws_rate_update(struct ecsb_aws_rate_limiter *l, bool throttled, long long now_ms)
{
    if (!throttled && !l->enabled)
        return;
    if (!l->enabled) { /* first throttle: start at 2 calls/s, an empty bucket */
        l->enabled = true;
        l->rate = 4.0;
        l->tokens = 0.0;
        l->last_ms = now_ms;
    }
    refill(l, now_ms);
    l->rate = throttled ? l->rate / 2.0 : l->rate + 0.5;
    if (l->rate < 0.5)
        l->rate = 0.5;
    if (l->rate > 50.0)
        l->rate = 50.0;
    l->max_tokens = l->rate > 1.0 ? l->rate : 1.0;
}
