/* Unit tests for the AWS JSON 1.1 call loop through the transport seam: request
 * shape, retries with a fixed RNG and fake clock, attempt and deadline bounds,
 * one-line errors, and secrets kept out of messages. */
#include "check.h"

#include "ecsb/aws/client.h"
#include "ecsb/aws/ecs.h"
#include "ecsb/aws/ssm.h"
#include "ecsb/aws/credentials.h"

struct answer {
    long status; /* 0 = transport failure */
    const char *body;
};

struct fake {
    const struct answer *script;
    size_t n, next;
    char url[256], target[128], ctype[64], auth[512], token[64], date[32];
    char body[256];
    long long now_ms;
    long sleeps[64];
    size_t nsleeps;
    bool repeat_last; /* past the script, answer its last entry again */
};

static enum ecsb_status fake_send(void *ctx, const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                  struct ecsb_error *err)
{
    struct fake *f = ctx;
    const char *v;
    snprintf(f->url, sizeof f->url, "%s", req->url);
    snprintf(f->body, sizeof f->body, "%.*s", (int)req->body_len, req->body);
    v = ecsb_http_headers_get(req->headers, "X-Amz-Target");
    snprintf(f->target, sizeof f->target, "%s", v ? v : "");
    v = ecsb_http_headers_get(req->headers, "Content-Type");
    snprintf(f->ctype, sizeof f->ctype, "%s", v ? v : "");
    v = ecsb_http_headers_get(req->headers, "Authorization");
    snprintf(f->auth, sizeof f->auth, "%s", v ? v : "");
    v = ecsb_http_headers_get(req->headers, "X-Amz-Security-Token");
    snprintf(f->token, sizeof f->token, "%s", v ? v : "");
    v = ecsb_http_headers_get(req->headers, "X-Amz-Date");
    snprintf(f->date, sizeof f->date, "%s", v ? v : "");
    size_t i = f->next++;
    f->now_ms += 10;
    if (f->repeat_last && i >= f->n)
        i = f->n - 1;
    if (i >= f->n || f->script[i].status == 0)
        return ecsb_error_set(err, ECSB_ERR_HTTP, "connection reset");
    resp->status = f->script[i].status;
    ecsb_buf_puts(&resp->body, f->script[i].body);
    return ECSB_OK;
}

static long long fake_mono(void *ctx) { return ((struct fake *)ctx)->now_ms; }
static long long fake_wall(void *ctx) { (void)ctx; return 1440938160; } /* 2015-08-30T12:36:00Z */
static void fake_sleep(void *ctx, long ms)
{
    struct fake *f = ctx;
    f->now_ms += ms;
    if (f->nsleeps < 64)
        f->sleeps[f->nsleeps++] = ms;
}
static uint32_t fixed_rng(void *ctx) { (void)ctx; return 1000003; }

static const char *const test_env[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                                       "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                       "AWS_SESSION_TOKEN", "SESSIONTOKENVALUE", "AWS_REGION", "us-east-1", NULL};

static void setup(struct ecsb_aws_client *c, struct ecsb_cred_chain *chain, struct fake *f,
                  const struct answer *s, size_t n)
{
    memset(f, 0, sizeof *f);
    f->script = s;
    f->n = n;
    f->now_ms = 5000;
    check_set_env(test_env);
    ecsb_cred_chain_init(chain, NULL, check_getenv);
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_aws_client_init(c, NULL, chain, NULL, check_getenv, &err), ECSB_OK);
    c->send = fake_send;
    c->send_ctx = f;
    c->clock.monotonic_ms = fake_mono;
    c->clock.wall_time = fake_wall;
    c->clock.sleep_ms = fake_sleep;
    c->clock.ctx = f;
    c->rng = fixed_rng;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(request_is_signed_json_1_1)
{
    static const struct answer s[] = {{200, "{\"clusters\":[{\"clusterName\":\"default\"}],\"failures\":[]}"}};
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    struct ecsb_json *doc = NULL;
    struct ecsb_error err;
    const char *names[] = {"default"};
    CHECK_INT_EQ(ecsb_ecs_describe_clusters(&c, names, 1, &doc, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_get_string(ecsb_json_at(ecsb_json_get(doc, "clusters"), 0), "clusterName"), "default");
    CHECK_STR_EQ(f.url, "https://ecs.us-east-1.amazonaws.com/");
    CHECK_STR_EQ(f.target, "AmazonEC2ContainerServiceV20141113.DescribeClusters");
    CHECK_STR_EQ(f.ctype, "application/x-amz-json-1.1");
    CHECK_STR_EQ(f.body, "{\"clusters\":[\"default\"]}");
    CHECK_CONTAINS(f.auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecs/aws4_request");
    CHECK_STR_EQ(f.token, "SESSIONTOKENVALUE");
    CHECK_STR_EQ(f.date, "20150830T123600Z");
    CHECK_INT_EQ(c.last_attempts, 1);
    ecsb_json_free(doc);
    ecsb_cred_chain_free(&chain);
}

TEST(throttling_is_retried_until_success)
{
    static const struct answer s[] = {
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {503, "Service Unavailable"},
        {0, NULL},
        {200, "{\"Parameter\":{\"Name\":\"/p\",\"Value\":\"v1\"}}"},
    };
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    char *value = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_ssm_get_parameter(&c, "/p", false, &value, &err), ECSB_OK);
    CHECK_STR_EQ(value, "v1");
    CHECK_STR_EQ(f.target, "AmazonSSM.GetParameter");
    CHECK_CONTAINS(f.auth, "/us-east-1/ssm/aws4_request");
    CHECK_INT_EQ(c.last_attempts, 4);
    /* fixed RNG 1000003 mod (ceiling+1): ceilings 100, 200, 400 */
    CHECK_INT_EQ(f.nsleeps, 3);
    CHECK_INT_EQ(f.sleeps[0], 1000003 % 101);
    CHECK_INT_EQ(f.sleeps[1], 1000003 % 201);
    CHECK_INT_EQ(f.sleeps[2], 1000003 % 401);
    free(value);
    ecsb_cred_chain_free(&chain);
}

static const struct answer throttled[] = {
    {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
};

TEST(retries_are_bounded_by_attempts_and_deadline)
{
    static const char *const env5[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secretsecret",
                                       "AWS_REGION", "us-east-1", "AWS_MAX_ATTEMPTS", "5", NULL};
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, throttled, N(throttled));
    f.repeat_last = true;
    struct ecsb_error err;
    check_set_env(env5);
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, NULL, check_getenv, &err), ECSB_OK);
    c.send = fake_send, c.send_ctx = &f, c.rng = fixed_rng;
    c.clock.monotonic_ms = fake_mono, c.clock.wall_time = fake_wall, c.clock.sleep_ms = fake_sleep, c.clock.ctx = &f;
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ssm, "GetParameter", "{\"Name\":\"/p\"}", NULL, &err), ECSB_ERR_AWS);
    CHECK_INT_EQ(c.last_attempts, 5);
    CHECK_STR_EQ(err.message, "SSM GetParameter (us-east-1): gave up after 5 attempts, the limit set by "
                              "AWS_MAX_ATTEMPTS=5: raise AWS_MAX_ATTEMPTS, or unset it and AWS_RETRY_MODE to retry "
                              "until the call's deadline: ThrottlingException: Rate exceeded -- the service "
                              "throttled the calls: lower the request rate");
    ecsb_cred_chain_free(&chain);

    setup(&c, &chain, &f, throttled, N(throttled));
    f.repeat_last = true;
    ecsb_aws_retry_set_deadline(&c.retry, 250); /* 10 ms per exchange, 62 ms kept for a last try */
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ssm, "GetParameter", "{}", NULL, &err), ECSB_ERR_AWS);
    CHECK(c.last_attempts >= 3);
    CHECK(f.now_ms - 5000 <= 250);
    CHECK_CONTAINS(err.message, "at the call's 250 ms deadline: ThrottlingException");
    ecsb_cred_chain_free(&chain);
}

/* The default (no AWS_RETRY_MODE, no AWS_MAX_ATTEMPTS): a burst of throttling
 * far longer than 5 tries is ridden out within the deadline. */
TEST(default_retries_until_the_deadline)
{
    static const struct answer s[] = {
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {500, "Internal Server Error"},
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {503, "Service Unavailable"},
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {0, NULL},
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {200, "{\"clusters\":[],\"failures\":[]}"},
    };
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    CHECK_INT_EQ(c.retry.mode, ECSB_RETRY_DEADLINE);
    CHECK_INT_EQ(c.retry.max_attempts, 0);
    ecsb_aws_retry_set_deadline(&c.retry, 30000);
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ecs, "DescribeClusters", NULL, NULL, &err), ECSB_OK);
    CHECK_INT_EQ(c.last_attempts, 9);
    CHECK(f.now_ms - 5000 < 30000);
    ecsb_cred_chain_free(&chain);

    /* Endless throttling: stops at the deadline, names it and the knob to raise. */
    setup(&c, &chain, &f, throttled, N(throttled));
    f.repeat_last = true;
    ecsb_aws_retry_set_deadline(&c.retry, 30000);
    ecsb_aws_retry_name_deadline(&c.retry, "timeouts.aws_call");
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ecs, "PutAttributes", NULL, NULL, &err), ECSB_ERR_AWS);
    CHECK(c.last_attempts > 5);
    CHECK(f.now_ms - 5000 <= 30000);
    CHECK(f.now_ms - 5000 >= 29000 - 20); /* it used the time it had, not 5 quick tries */
    char want[160];
    snprintf(want, sizeof want, "gave up after %d attempts at the 30s deadline (timeouts.aws_call): raise "
             "timeouts.aws_call: ThrottlingException", c.last_attempts);
    CHECK_CONTAINS(err.message, want);
    for (size_t i = 0; i < f.nsleeps; i++)
        CHECK(f.sleeps[i] <= 20000);
    ecsb_cred_chain_free(&chain);
}

TEST(retry_mode_and_max_attempts_from_env)
{
    static const char *const standard[] = {"AWS_RETRY_MODE", "standard", NULL};
    static const char *const legacy_4[] = {"AWS_RETRY_MODE", "legacy", "AWS_MAX_ATTEMPTS", "4", NULL};
    static const char *const adaptive[] = {"AWS_RETRY_MODE", "adaptive", NULL};
    static const struct {
        const char *const *env;
        enum ecsb_aws_retry_mode mode;
        int max_attempts;
        const char *knob; /* the setting the attempt count came from */
    } cases[] = {
        {standard, ECSB_RETRY_STANDARD, 3, "AWS_RETRY_MODE=standard"},
        {legacy_4, ECSB_RETRY_LEGACY, 4, "AWS_MAX_ATTEMPTS=4"},
        {adaptive, ECSB_RETRY_ADAPTIVE, 3, "AWS_RETRY_MODE=adaptive"},
    };
    struct ecsb_aws_retry r;
    char knob[64];
    struct ecsb_error err;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ecsb_aws_retry_defaults(&r);
        check_set_env(cases[i].env);
        CHECK_INT_EQ(ecsb_aws_retry_from_env(&r, check_getenv, knob, sizeof knob, &err), ECSB_OK);
        CHECK_INT_EQ(r.mode, cases[i].mode);
        CHECK_INT_EQ(r.max_attempts, cases[i].max_attempts);
        CHECK_STR_EQ(r.attempts_knob, cases[i].knob);
    }
    static const char *const bad[] = {"AWS_RETRY_MODE", "turbo", NULL};
    check_set_env(bad);
    CHECK_INT_EQ(ecsb_aws_retry_from_env(&r, check_getenv, knob, sizeof knob, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "AWS_RETRY_MODE=turbo is not valid -- use standard, legacy or adaptive");
}

static uint32_t max_rng(void *ctx) { (void)ctx; return 0xFFFFFFFFu; }
static uint32_t rng_20000(void *ctx) { (void)ctx; return 20000; }

/* The SDKs' 20 s cap holds however many retries came before. */
TEST(backoff_is_capped_and_fits_the_deadline)
{
    struct ecsb_aws_retry r;
    ecsb_aws_retry_defaults(&r);
    long most = 0;
    for (int retry = 1; retry < 64; retry++) {
        CHECK(ecsb_aws_backoff_ms(&r, retry, max_rng, NULL) <= 20000);
        long d = ecsb_aws_backoff_ms(&r, retry, rng_20000, NULL);
        CHECK(d <= 20000);
        most = d > most ? d : most;
    }
    CHECK_INT_EQ(most, 20000); /* the ceiling reaches the cap and stays there */
    CHECK(ecsb_aws_backoff_within_ms(&r, 20, 1234, max_rng, NULL) <= 1234);
}

/* AWS_RETRY_MODE=adaptive: after a throttle the client paces its own tries. */
TEST(adaptive_mode_paces_after_a_throttle)
{
    struct ecsb_aws_rate_limiter l = {0};
    CHECK_INT_EQ(ecsb_aws_rate_acquire(&l, 1000), 0); /* no limit before any throttle */
    ecsb_aws_rate_update(&l, true, 1000);
    long wait = ecsb_aws_rate_acquire(&l, 1000);
    CHECK(wait > 0 && wait <= 1000); /* an empty bucket at 2 calls/s */
    CHECK_INT_EQ(ecsb_aws_rate_acquire(&l, 1000 + wait), 0);
    double before = l.rate;
    ecsb_aws_rate_update(&l, false, 2000);
    CHECK(l.rate > before);
    for (int i = 0; i < 10; i++)
        ecsb_aws_rate_update(&l, true, 2000);
    CHECK(l.rate >= 0.5);

    static const char *const env[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secretsecret",
                                      "AWS_REGION", "us-east-1", "AWS_RETRY_MODE", "adaptive",
                                      "AWS_MAX_ATTEMPTS", "6", NULL};
    static const struct answer s[] = {
        {400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"},
        {200, "{}"},
    };
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    struct ecsb_error err;
    setup(&c, &chain, &f, s, N(s));
    check_set_env(env);
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, NULL, check_getenv, &err), ECSB_OK);
    c.send = fake_send, c.send_ctx = &f, c.rng = fixed_rng;
    c.clock.monotonic_ms = fake_mono, c.clock.wall_time = fake_wall, c.clock.sleep_ms = fake_sleep, c.clock.ctx = &f;
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ecs, "ListClusters", NULL, NULL, &err), ECSB_OK);
    CHECK_INT_EQ(c.last_attempts, 2);
    CHECK(c.limiter.enabled);
    CHECK(f.nsleeps >= 2); /* the backoff, then the wait for a token */
    ecsb_cred_chain_free(&chain);
}

TEST(auth_errors_are_one_line_and_never_retried)
{
    static const struct answer s[] = {
        {403, "<?xml version=\"1.0\"?><ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The "
              "request signature we calculated does not match.\nCanonical: x-amz-security-token:SESSIONTOKENVALUE "
              "key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY</Message></Error></ErrorResponse>"},
    };
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    struct ecsb_error err;
    const char *names[] = {"default"};
    CHECK_INT_EQ(ecsb_ecs_describe_clusters(&c, names, 1, NULL, &err), ECSB_ERR_AUTH);
    CHECK_INT_EQ(c.last_attempts, 1);
    CHECK(strncmp(err.message, "ECS DescribeClusters (us-east-1): SignatureDoesNotMatch: The request signature",
                  78) == 0);
    CHECK_CONTAINS(err.message, "-- check the secret access key");
    CHECK(strchr(err.message, '\n') == NULL);
    CHECK(strstr(err.message, "SESSIONTOKENVALUE") == NULL);
    CHECK(strstr(err.message, "wJalrXUtnFEMI") == NULL);
    ecsb_cred_chain_free(&chain);
}

TEST(paging_collects_every_page)
{
    static const struct answer s[] = {
        {200, "{\"Parameters\":[{\"Name\":\"/t/a\"},{\"Name\":\"/t/b\"}],\"NextToken\":\"n1\"}"},
        {200, "{\"Parameters\":[{\"Name\":\"/t/c\"}],\"NextToken\":\"n2\"}"},
        {200, "{\"Parameters\":[{\"Name\":\"/t/d\"}]}"},
    };
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    struct ecsb_json *doc = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_ssm_get_parameters_by_path(&c, "/t", true, &doc, &err), ECSB_OK);
    struct ecsb_json *p = ecsb_json_get(doc, "Parameters");
    CHECK(p && p->count == 4);
    CHECK_STR_EQ(ecsb_json_get_string(ecsb_json_at(p, 3), "Name"), "/t/d");
    CHECK_STR_EQ(f.body, "{\"Path\":\"/t\",\"Recursive\":true,\"MaxResults\":10,\"NextToken\":\"n2\"}");
    ecsb_json_free(doc);
    ecsb_cred_chain_free(&chain);
}

TEST(missing_region_and_credentials_are_clear)
{
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct ecsb_error err;
    check_set_env(NULL);
    ecsb_cred_chain_init(&chain, NULL, check_getenv);
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, NULL, check_getenv, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "set AWS_REGION");
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, "eu-west-1", check_getenv, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_aws_call(&c, &ecsb_aws_ecs, "ListClusters", NULL, NULL, &err), ECSB_ERR_AUTH);
    CHECK_CONTAINS(err.message, "ECS ListClusters (eu-west-1): no AWS credentials");
    static const char *const bad[] = {"AWS_MAX_ATTEMPTS", "0", NULL};
    check_set_env(bad);
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, "eu-west-1", check_getenv, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "AWS_MAX_ATTEMPTS=0");
}


/* A secret straddling the 511-byte cut of the error message: scrubbing the whole
 * body first leaves no part of it (scrubbing after the cut left "SESSIONTOK"). */
TEST(error_text_is_scrubbed_before_it_is_cut)
{
    static char body[1024];
    char pad[501];
    memset(pad, 'x', 500);
    pad[500] = '\0';
    snprintf(body, sizeof body, "{\"__type\":\"ValidationException\",\"message\":\"%s SESSIONTOKENVALUE and "
             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"}", pad);
    const struct answer s[] = {{400, body}};
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    struct fake f;
    setup(&c, &chain, &f, s, N(s));
    struct ecsb_error err;
    const char *names[] = {"default"};
    struct ecsb_json *out = NULL;
    CHECK(ecsb_ecs_describe_clusters(&c, names, 1, &out, &err) != ECSB_OK);
    CHECK(!strstr(err.message, "SESSIONTOK"));
    CHECK(!strstr(err.message, "SESS"));
    CHECK(!strstr(err.message, "wJalr"));
    CHECK_CONTAINS(err.message, "xxxx ***");
    ecsb_cred_chain_free(&chain);
}

TEST(scrub_copy_replaces_whole_secrets_and_terminates)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    const char *const secrets[] = {"TOKEN123", "***", NULL, "ab"};
    ecsb_aws_scrub_copy("a TOKEN123 b TOKEN123TOKEN123 *** ab", 36, secrets, 4, &b);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "a *** b ****** *** ab");
    ecsb_aws_scrub_copy("bin\0TOKEN123", 12, secrets, 1, &b); /* past a NUL byte too */
    CHECK_INT_EQ(b.len, 7);
    CHECK(memcmp(b.data, "bin\0***", 7) == 0);
    ecsb_buf_free(&b);
}

int main(void)
{
    RUN(error_text_is_scrubbed_before_it_is_cut);
    RUN(scrub_copy_replaces_whole_secrets_and_terminates);
    RUN(request_is_signed_json_1_1);
    RUN(throttling_is_retried_until_success);
    RUN(retries_are_bounded_by_attempts_and_deadline);
    RUN(default_retries_until_the_deadline);
    RUN(retry_mode_and_max_attempts_from_env);
    RUN(backoff_is_capped_and_fits_the_deadline);
    RUN(adaptive_mode_paces_after_a_throttle);
    RUN(auth_errors_are_one_line_and_never_retried);
    RUN(paging_collects_every_page);
    RUN(missing_region_and_credentials_are_clear);
    return check_summary();
}
