/* client.h: a small AWS JSON 1.1 client: endpoint resolution per region
 * and partition with the SDK-standard AWS_ENDPOINT_URL[_<SERVICE>] overrides,
 * SigV4 signing, retries with full-jitter exponential backoff bounded by the
 * call's deadline (and an attempt count only when the user asks for one), and error bodies (JSON or XML) turned into one
 * operator-readable line. Secrets never appear in any message it produces.
 * The service clients have one header each: ecsb/aws/ecs.h, ecsb/aws/ssm.h. */
#ifndef ECSB_AWS_CLIENT_H
#define ECSB_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/base/error.h"
#include "ecsb/aws/http.h"
#include "ecsb/base/json.h"

/* ---- services and endpoints ---------------------------------------------- */

struct ecsb_aws_service {
    const char *name;            /* "ECS", "SSM": used in error lines */
    const char *signing_name;    /* "ecs", "ssm" */
    const char *endpoint_prefix; /* host label: "ecs", "ssm" */
    const char *target_prefix;   /* X-Amz-Target prefix before ".<Action>" */
    const char *env_id;          /* AWS_ENDPOINT_URL_<env_id> */
};

extern const struct ecsb_aws_service ecsb_aws_ecs;
extern const struct ecsb_aws_service ecsb_aws_ssm;

/* "aws-cn" for cn-*, "aws-us-gov" for us-gov-*, else "aws". */
const char *ecsb_aws_partition(const char *region);
/* "amazonaws.com.cn" for aws-cn, else "amazonaws.com". */
const char *ecsb_aws_dns_suffix(const char *region);

/* The endpoint URL (no trailing slash) for svc in region. Order: AWS_ENDPOINT_URL_<ID>,
 * AWS_ENDPOINT_URL, then https://<prefix>.<region>.<suffix>; the overrides are
 * skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. */
enum ecsb_status ecsb_aws_endpoint(const struct ecsb_aws_service *svc, const char *region, ecsb_getenv_fn env,
                                   struct ecsb_buf *url, struct ecsb_error *err);

/* ---- retries ------------------------------------------------------------- */

/* Modes: the default retries until the call's deadline (a boot must not fail on
 * a burst of throttling); AWS_RETRY_MODE picks the SDKs' count-bounded modes. */
enum ecsb_aws_retry_mode {
    ECSB_RETRY_DEADLINE = 0, /* AWS_RETRY_MODE unset: no attempt cap unless AWS_MAX_ATTEMPTS */
    ECSB_RETRY_STANDARD,     /* "standard": 3 attempts unless AWS_MAX_ATTEMPTS */
    ECSB_RETRY_LEGACY,       /* "legacy": 5 attempts unless AWS_MAX_ATTEMPTS */
    ECSB_RETRY_ADAPTIVE,     /* "adaptive": standard + a client-side rate limit after throttles */
};

struct ecsb_aws_retry {
    enum ecsb_aws_retry_mode mode;
    int max_attempts;        /* total tries incl. the first; 0 = until the deadline (default) */
    const char *attempts_knob; /* what set max_attempts ("AWS_MAX_ATTEMPTS=3"), for messages */
    long base_ms;            /* default 100 */
    long cap_ms;             /* largest single backoff; default 20000 (the SDKs' cap) */
    long deadline_ms;        /* whole call incl. backoff; default 60000 */
    const char *deadline_knob; /* what sets deadline_ms ("timeouts.aws_call"), NULL = unnamed */
    long per_try_timeout_ms; /* one HTTP exchange; default 15000 */
};

void ecsb_aws_retry_defaults(struct ecsb_aws_retry *r);
/* Bounds a whole call (tries and backoff) by ms, and one try by at most that:
 * timeouts.aws_call. */
void ecsb_aws_retry_set_deadline(struct ecsb_aws_retry *r, long ms);
/* Names the setting that bounds the deadline, for "raise <knob>" in messages
 * (a static string; NULL = unnamed). */
void ecsb_aws_retry_name_deadline(struct ecsb_aws_retry *r, const char *knob);
/* AWS_RETRY_MODE and AWS_MAX_ATTEMPTS from env. knob_buf keeps the text that
 * messages quote (at least 48 bytes, lives as long as r). */
enum ecsb_status ecsb_aws_retry_from_env(struct ecsb_aws_retry *r, ecsb_getenv_fn env, char *knob_buf,
                                         size_t knob_cap, struct ecsb_error *err);
/* Full jitter: uniform in [0, min(cap, base * 2^(retry-1))], retry = 1 for the
 * pause after the first failed try. rng returns uniform 32-bit values. */
long ecsb_aws_backoff_ms(const struct ecsb_aws_retry *r, int retry, uint32_t (*rng)(void *ctx), void *ctx);
/* The same draw with the ceiling also cut to limit_ms (what is left of the deadline). */
long ecsb_aws_backoff_within_ms(const struct ecsb_aws_retry *r, int retry, long limit_ms, uint32_t (*rng)(void *ctx),
                                void *ctx);

/* Adaptive mode: a client-side token bucket that only starts limiting after the
 * first throttle (the SDKs' design, with a simpler rate update: halve on a
 * throttle, +0.5/s per success). Rates in calls per second. */
struct ecsb_aws_rate_limiter {
    bool enabled;              /* set by the first throttle */
    double rate, tokens, max_tokens;
    long long last_ms;
};
/* ms to wait before the next try (0 = go); takes a token when it returns 0. */
long ecsb_aws_rate_acquire(struct ecsb_aws_rate_limiter *l, long long now_ms);
void ecsb_aws_rate_update(struct ecsb_aws_rate_limiter *l, bool throttled, long long now_ms);

/* ---- errors -------------------------------------------------------------- */

struct ecsb_aws_error_info {
    long status;        /* HTTP status */
    char code[128];     /* "ThrottlingException" (namespace# prefix removed), or "" */
    char message[512];  /* one line, control characters replaced by spaces */
};

/* Reads {"__type": "ns#Code", "message"|"Message": ...} or an XML body with
 * <Code>/<Message> (moto's auth errors, STS/IAM query errors). Never fails: an
 * unreadable body leaves code empty and a short excerpt as the message. */
void ecsb_aws_parse_error(long status, const char *body, size_t len, struct ecsb_aws_error_info *out);
bool ecsb_aws_error_is_throttling(const char *code);
/* Throttling codes, 5xx, 429 and RequestTimeout-like codes. */
bool ecsb_aws_error_retryable(const struct ecsb_aws_error_info *e);
/* ECSB_ERR_AUTH for credential/signature/permission codes, ECSB_ERR_NOT_FOUND for
 * *NotFound codes, else ECSB_ERR_AWS. */
enum ecsb_status ecsb_aws_error_status(const struct ecsb_aws_error_info *e);
/* What an operator should do about code (never NULL). */
const char *ecsb_aws_error_hint(const char *code, long status);
/* Copies s[0..n) into out with every occurrence of each secret (3+ characters)
 * replaced by "***". Done on a whole error body before anything cuts it, so no
 * part of a secret survives a truncation. */
void ecsb_aws_scrub_copy(const char *s, size_t n, const char *const *secrets, size_t k, struct ecsb_buf *out);
/* Replaces every occurrence of each non-empty secret in s with "***" (in place). */
void ecsb_aws_scrub(char *s, size_t cap, const char *const *secrets, size_t n);

/* ---- the client ---------------------------------------------------------- */

typedef enum ecsb_status (*ecsb_http_send_fn)(void *ctx, const struct ecsb_http_request *req,
                                              struct ecsb_http_response *resp, struct ecsb_error *err);

struct ecsb_aws_client {
    struct ecsb_http *http;            /* not owned; used when send is NULL */
    ecsb_http_send_fn send;            /* transport seam for tests; NULL = ecsb_http_send */
    void *send_ctx;
    struct ecsb_cred_chain *creds;     /* not owned */
    char region[64];
    struct ecsb_aws_retry retry;
    ecsb_getenv_fn env;                /* NULL = getenv */
    struct ecsb_clock clock;           /* zeroed = real clock */
    uint32_t (*rng)(void *ctx);        /* NULL = an internal xorshift seeded from the clock */
    void *rng_ctx;
    uint64_t rng_state;
    int last_attempts;                 /* tries the last call made */
    char attempts_knob[64];            /* backs retry.attempts_knob */
    struct ecsb_aws_rate_limiter limiter; /* adaptive mode only */
};

/* Region from the argument, else AWS_REGION, else AWS_DEFAULT_REGION; retry
 * defaults with AWS_RETRY_MODE and AWS_MAX_ATTEMPTS honoured. Fails when no valid region is known. */
enum ecsb_status ecsb_aws_client_init(struct ecsb_aws_client *c, struct ecsb_http *http, struct ecsb_cred_chain *creds,
                                      const char *region, ecsb_getenv_fn env, struct ecsb_error *err);

/* POSTs body (a JSON object; NULL = "{}") as <target_prefix>.<action>. On success
 * *out is the parsed response (caller frees with ecsb_json_free). On failure err
 * holds one line: "SSM GetParameter (us-east-1): Code: message -- hint". */
enum ecsb_status ecsb_aws_call(struct ecsb_aws_client *c, const struct ecsb_aws_service *svc, const char *action,
                               const char *body, struct ecsb_json **out, struct ecsb_error *err);

#endif
