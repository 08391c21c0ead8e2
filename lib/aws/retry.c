/* retry.c: the retry schedule (SDK "standard" mode: full-jitter exponential
 * backoff, bounded by max attempts and by a deadline enforced in the caller). */
#include "ecsb/aws/client.h"

void ecsb_aws_retry_defaults(struct ecsb_aws_retry *r)
{
    r->max_attempts = 5;
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

long ecsb_aws_backoff_ms(const struct ecsb_aws_retry *r, int retry, uint32_t (*rng)(void *ctx), void *ctx)
{
    if (retry < 1)
        retry = 1;
    long long ceiling = r->base_ms > 0 ? r->base_ms : 1;
    /* Doubling stops at the cap, so a long run of retries cannot overflow. */
    for (int i = 1; i < retry && ceiling < r->cap_ms; i++)
        ceiling *= 2;
    if (r->cap_ms > 0 && ceiling > r->cap_ms)
        ceiling = r->cap_ms;
    uint32_t x = rng ? rng(ctx) : 0;
    return (long)(x % (uint64_t)(ceiling + 1));
}
