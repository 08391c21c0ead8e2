/* Unit tests for the AWS client's pure parts: endpoints, backoff schedule, error parsing. */
#include "check.h"

#include "ecsb/config/config_values.h"

#include "ecsb/aws/client.h"

static char *endpoint(const struct ecsb_aws_service *svc, const char *region, const char *const *env)
{
    static char out[1100];
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_error err;
    check_set_env(env);
    enum ecsb_status st = ecsb_aws_endpoint(svc, region, check_getenv, &b, &err);
    snprintf(out, sizeof out, "%s", st == ECSB_OK ? ecsb_buf_cstr(&b) : err.message);
    ecsb_buf_free(&b);
    return out;
}

TEST(endpoints_follow_region_and_partition)
{
    CHECK_STR_EQ(endpoint(&ecsb_aws_ecs, "us-east-1", NULL), "https://ecs.us-east-1.amazonaws.com");
    CHECK_STR_EQ(endpoint(&ecsb_aws_ssm, "eu-west-3", NULL), "https://ssm.eu-west-3.amazonaws.com");
    CHECK_STR_EQ(endpoint(&ecsb_aws_ecs, "cn-north-1", NULL), "https://ecs.cn-north-1.amazonaws.com.cn");
    CHECK_STR_EQ(endpoint(&ecsb_aws_ssm, "us-gov-west-1", NULL), "https://ssm.us-gov-west-1.amazonaws.com");
    CHECK_STR_EQ(ecsb_aws_partition("cn-northwest-1"), "aws-cn");
    CHECK_STR_EQ(ecsb_aws_partition("us-gov-east-1"), "aws-us-gov");
    CHECK_STR_EQ(ecsb_aws_partition("ap-south-2"), "aws");
    CHECK_CONTAINS(endpoint(&ecsb_aws_ecs, "US_EAST_1", NULL), "not a valid AWS region");
    CHECK_CONTAINS(endpoint(&ecsb_aws_ecs, "", NULL), "set AWS_REGION");
}

/* One region validator serves the config, environment.* values and the AWS client. */
TEST(one_region_validator)
{
    static const char *const good[] = {"us-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
                                       "ap-southeast-5", "il-central-1", "eusc-de-east-1", "us-isob-east-1",
                                       "eu-central-2", NULL};
    static const char *const bad[] = {"", "us-east-1.", "-us", "US-EAST-1", "us_east_1", "useast1", "us-east",
                                      "us-east-123", "u-east-1", "us--east-1", "us-east-1-", "us-east-1a",
                                      "local", "abcdefghijklmnop-qrstuvwxyzabcdef-1", NULL};
    for (size_t i = 0; good[i]; i++) {
        CHECK(ecsb_valid_region(good[i]));
        if (!ecsb_valid_region(good[i]))
            printf("  rejected %s\n", good[i]);
    }
    for (size_t i = 0; bad[i]; i++) {
        CHECK(!ecsb_valid_region(bad[i]));
        if (ecsb_valid_region(bad[i]))
            printf("  accepted %s\n", bad[i]);
    }
    CHECK(!ecsb_valid_region(NULL));
    /* The AWS client refuses what the config refuses, with the same rule. */
    CHECK_CONTAINS(endpoint(&ecsb_aws_ecs, "us-east", NULL), "not a valid AWS region");
}

TEST(endpoint_overrides_service_specific_first)
{
    static const char *const both[] = {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000/",
                                       "AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:6000", NULL};
    CHECK_STR_EQ(endpoint(&ecsb_aws_ssm, "us-east-1", both), "http://127.0.0.1:6000");
    CHECK_STR_EQ(endpoint(&ecsb_aws_ecs, "us-east-1", both), "http://127.0.0.1:5000");
    static const char *const ignored[] = {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000",
                                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", NULL};
    CHECK_STR_EQ(endpoint(&ecsb_aws_ecs, "us-east-1", ignored), "https://ecs.us-east-1.amazonaws.com");
    static const char *const bad[] = {"AWS_ENDPOINT_URL_ECS", "ftp://x", NULL};
    CHECK_CONTAINS(endpoint(&ecsb_aws_ecs, "us-east-1", bad), "AWS_ENDPOINT_URL_ECS=ftp://x is not an http(s) URL");
    /* An override needs no valid region: local test endpoints route by signature. */
    static const char *const only[] = {"AWS_ENDPOINT_URL", "http://localhost:1", NULL};
    CHECK_STR_EQ(endpoint(&ecsb_aws_ecs, "", only), "http://localhost:1");
}

static uint32_t rng_max(void *ctx)
{
    (void)ctx;
    return UINT32_MAX;
}

static uint32_t rng_seq(void *ctx)
{
    uint32_t *v = ctx;
    return (*v)++;
}

TEST(backoff_is_full_jitter_capped_exponential)
{
    struct ecsb_aws_retry r;
    ecsb_aws_retry_defaults(&r);
    r.base_ms = 100;
    r.cap_ms = 1000;
    /* With a fixed RNG the schedule is deterministic: x mod (ceiling + 1). */
    uint32_t x = 0;
    CHECK_INT_EQ(ecsb_aws_backoff_ms(&r, 1, rng_seq, &x), 0);
    x = 150;
    CHECK_INT_EQ(ecsb_aws_backoff_ms(&r, 1, rng_seq, &x), 150 % 101);
    x = 150;
    CHECK_INT_EQ(ecsb_aws_backoff_ms(&r, 2, rng_seq, &x), 150);
    long ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int i = 0; i < 7; i++) {
        long hi = ecsb_aws_backoff_ms(&r, i + 1, NULL, NULL);
        CHECK_INT_EQ(hi, 0);
        /* UINT32_MAX mod (c+1) is below c+1: never above the ceiling. */
        long d = ecsb_aws_backoff_ms(&r, i + 1, rng_max, NULL);
        CHECK(d >= 0 && d <= ceilings[i]);
        CHECK_INT_EQ(d, (long)(UINT32_MAX % (uint64_t)(ceilings[i] + 1)));
    }
    CHECK(ecsb_aws_backoff_ms(&r, 1000, rng_max, NULL) <= 1000); /* no overflow at huge retry counts */
}

static struct ecsb_aws_error_info parse(long status, const char *body)
{
    struct ecsb_aws_error_info e;
    ecsb_aws_parse_error(status, body, body ? strlen(body) : 0, &e);
    return e;
}

TEST(errors_from_json_bodies)
{
    struct ecsb_aws_error_info e = parse(400, "{\"__type\":\"ParameterNotFound\",\"message\":\"no such\"}");
    CHECK_STR_EQ(e.code, "ParameterNotFound");
    CHECK_STR_EQ(e.message, "no such");
    CHECK_INT_EQ(ecsb_aws_error_status(&e), ECSB_ERR_NOT_FOUND);
    CHECK(!ecsb_aws_error_retryable(&e));
    e = parse(400, " {\"__type\":\"com.amazonaws.ecs#ThrottlingException\",\"Message\":\"Rate exceeded\"}");
    CHECK_STR_EQ(e.code, "ThrottlingException");
    CHECK_STR_EQ(e.message, "Rate exceeded");
    CHECK(ecsb_aws_error_retryable(&e));
    CHECK_INT_EQ(ecsb_aws_error_status(&e), ECSB_ERR_AWS);
    e = parse(400, "{\"__type\":\"ClusterNotFoundException:http://internal.amazon.com/\",\"message\":\"a\\nb\"}");
    CHECK_STR_EQ(e.code, "ClusterNotFoundException");
    CHECK_STR_EQ(e.message, "a b"); /* one line, always */
    e = parse(500, "{\"message\":\"boom\"}");
    CHECK_STR_EQ(e.code, "");
    CHECK(ecsb_aws_error_retryable(&e));
    e = parse(400, "{\"__type\":\"AccessDeniedException\",\"message\":\"no\"}");
    CHECK_INT_EQ(ecsb_aws_error_status(&e), ECSB_ERR_AUTH);
    CHECK(!ecsb_aws_error_retryable(&e));
}

TEST(errors_from_xml_and_garbage)
{
    const char *moto = "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type>"
                       "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
                       "not match &amp; so on &lt;x&gt;</Message></Error><RequestId>7a62c49f</RequestId>"
                       "</ErrorResponse>";
    struct ecsb_aws_error_info e = parse(403, moto);
    CHECK_STR_EQ(e.code, "SignatureDoesNotMatch");
    CHECK_STR_EQ(e.message, "The request signature we calculated does not match & so on <x>");
    CHECK_INT_EQ(ecsb_aws_error_status(&e), ECSB_ERR_AUTH);
    CHECK(!ecsb_aws_error_retryable(&e));
    CHECK_CONTAINS(ecsb_aws_error_hint(e.code, 403), "secret access key");
    e = parse(503, "<html>\r\n<body>Service Unavailable</body></html>");
    CHECK_STR_EQ(e.code, "");
    CHECK_CONTAINS(e.message, "Service Unavailable");
    CHECK(strchr(e.message, '\n') == NULL);
    CHECK(ecsb_aws_error_retryable(&e));
    e = parse(502, "");
    CHECK_STR_EQ(e.message, "HTTP 502 with an empty body");
    e = parse(400, "{not json");
    CHECK_STR_EQ(e.code, "");
    CHECK_STR_EQ(e.message, "{not json");
    e = parse(400, "<Code>Unterminated");
    CHECK_STR_EQ(e.code, "");
    e = parse(429, "{\"__type\":\"Whatever\"}");
    CHECK(ecsb_aws_error_retryable(&e));
    const char *throttles[] = {"Throttling", "ThrottlingException", "TooManyRequestsException",
                               "RequestLimitExceeded", "ProvisionedThroughputExceededException"};
    for (size_t i = 0; i < 5; i++)
        CHECK(ecsb_aws_error_is_throttling(throttles[i]));
    CHECK(!ecsb_aws_error_is_throttling("ValidationException"));
}

TEST(scrub_removes_every_secret)
{
    char s[128] = "sig over TOKENxyz and SECRETabc and TOKENxyz again";
    const char *secrets[] = {"SECRETabc", "TOKENxyz", NULL, "ab"};
    ecsb_aws_scrub(s, sizeof s, secrets, 4);
    CHECK_STR_EQ(s, "sig over *** and *** and *** again");
}

TEST(scrub_terminates_for_a_secret_of_stars)
{
    char s[64] = "a *** b ****** c";
    const char *secrets[] = {"***"};
    ecsb_aws_scrub(s, sizeof s, secrets, 1);
    CHECK_STR_EQ(s, "a *** b ****** c");
}

int main(void)
{
    RUN(endpoints_follow_region_and_partition);
    RUN(one_region_validator);
    RUN(endpoint_overrides_service_specific_first);
    RUN(backoff_is_full_jitter_capped_exponential);
    RUN(errors_from_json_bodies);
    RUN(errors_from_xml_and_garbage);
    RUN(scrub_removes_every_secret);
    RUN(scrub_terminates_for_a_secret_of_stars);
    return check_summary();
}
