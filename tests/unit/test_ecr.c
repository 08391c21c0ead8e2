/* Unit tests for the ECR client (lib/aws/ecr.c): registry host recognition, the
 * GetAuthorizationToken request through the transport seam, token decoding, and
 * the password masked and never quoted in an error. */
#include "check.h"

#include "ecsb/aws/credentials.h"
#include "ecsb/aws/ecr.h"

struct fake {
    const char *answer;
    char url[256], target[128], auth[512], body[256];
};

static enum ecsb_status fake_send(void *ctx, const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                  struct ecsb_error *err)
{
    (void)err;
    struct fake *f = ctx;
    const char *t = ecsb_http_headers_get(req->headers, "X-Amz-Target");
    const char *a = ecsb_http_headers_get(req->headers, "Authorization");
    snprintf(f->url, sizeof f->url, "%s", req->url);
    snprintf(f->target, sizeof f->target, "%s", t ? t : "");
    snprintf(f->auth, sizeof f->auth, "%s", a ? a : "");
    snprintf(f->body, sizeof f->body, "%.*s", (int)req->body_len, req->body);
    resp->status = 200;
    ecsb_buf_puts(&resp->body, f->answer);
    return ECSB_OK;
}

static const char *const test_env[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY",
                                       "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};

TEST(ecr_registry_hosts)
{
    char region[32], account[16];
    CHECK(ecsb_ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com", region, sizeof region, account,
                            sizeof account));
    CHECK_STR_EQ(region, "eu-west-1");
    CHECK_STR_EQ(account, "123456789012");
    CHECK(ecsb_ecr_registry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", region, sizeof region, NULL, 0));
    CHECK_STR_EQ(region, "cn-north-1");
    CHECK(!ecsb_ecr_registry("12345678901.dkr.ecr.eu-west-1.amazonaws.com", region, sizeof region, NULL, 0));
    CHECK(!ecsb_ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example", region, sizeof region,
                             NULL, 0));
    CHECK(!ecsb_ecr_registry("public.ecr.aws", region, sizeof region, NULL, 0));
    CHECK(!ecsb_ecr_registry("mcr.microsoft.com", region, sizeof region, NULL, 0));
    CHECK(!ecsb_ecr_registry("123456789012.dkr.ecr..amazonaws.com", region, sizeof region, NULL, 0));
    CHECK(!ecsb_ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com", region, 4, NULL, 0));
}

TEST(ecr_token_request_and_decoding)
{
    /* base64("AWS:s3cretECRpw") */
    struct fake f = {.answer = "{\"authorizationData\":[{\"authorizationToken\":\"QVdTOnMzY3JldEVDUnB3\","
                               "\"proxyEndpoint\":\"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com\"}]}"};
    struct ecsb_cred_chain chain;
    check_set_env(test_env);
    ecsb_cred_chain_init(&chain, NULL, check_getenv);
    struct ecsb_aws_client c;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_aws_client_init(&c, NULL, &chain, "eu-west-1", check_getenv, &err), ECSB_OK);
    c.send = fake_send, c.send_ctx = &f;
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    struct ecsb_ecr_token t;
    CHECK_INT_EQ(ecsb_ecr_get_token(&c, "123456789012", &m, &t, &err), ECSB_OK);
    CHECK_STR_EQ(f.url, "https://api.ecr.eu-west-1.amazonaws.com/");
    CHECK_STR_EQ(f.target, "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
    CHECK_STR_EQ(f.body, "{\"registryIds\":[\"123456789012\"]}");
    CHECK_CONTAINS(f.auth, "/eu-west-1/ecr/aws4_request");
    CHECK_STR_EQ(t.username, "AWS");
    CHECK_STR_EQ(t.password, "s3cretECRpw");
    CHECK_STR_EQ(t.endpoint, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    char *shown = ecsb_masker_apply(&m, "pw=s3cretECRpw tok=QVdTOnMzY3JldEVDUnB3");
    CHECK(strstr(shown, "s3cretECRpw") == NULL);
    CHECK(strstr(shown, "QVdTOnMzY3JldEVDUnB3") == NULL);
    free(shown);
    ecsb_ecr_token_free(&t);
    ecsb_masker_free(&m);
    ecsb_cred_chain_free(&chain);
}

TEST(ecr_bad_tokens_refused_without_quoting)
{
    static const char *const bad[] = {
        "{\"authorizationData\":[]}",
        "{\"authorizationData\":[{\"authorizationToken\":\"bm9jb2xvbmhlcmVzZWNyZXQ=\"}]}", /* "nocolonheresecret" */
        "{\"authorizationData\":[{\"authorizationToken\":\"not base64 secretXYZ\"}]}",
        "{\"authorizationData\":[{\"authorizationToken\":\"OnNlY3JldA==\"}]}", /* ":secret": no user */
        /* "AWS:s3cretECRpw" with a line break in it, and with padding inside: strict, no whitespace */
        "{\"authorizationData\":[{\"authorizationToken\":\"QVdTOnMz\\nY3JldEVDUnB3\"}]}",
        "{\"authorizationData\":[{\"authorizationToken\":\"QVdT=OnMzY3JldEVDUnB3\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ecsb_json *j = NULL;
        struct ecsb_error err = {0};
        CHECK_INT_EQ(ecsb_json_parse(bad[i], strlen(bad[i]), NULL, &j, &err), ECSB_OK);
        struct ecsb_ecr_token t;
        CHECK(ecsb_ecr_parse_token(j, &t, &err) != ECSB_OK);
        CHECK(t.password == NULL);
        CHECK_CONTAINS(err.message, "ECR GetAuthorizationToken");
        CHECK(strstr(err.message, "secret") == NULL);
        CHECK(strstr(err.message, "bm9jb2xvbmhlcmVzZWNyZXQ") == NULL);
        ecsb_json_free(j);
    }
}

int main(void)
{
    RUN(ecr_registry_hosts);
    RUN(ecr_token_request_and_decoding);
    RUN(ecr_bad_tokens_refused_without_quoting);
    return check_summary();
}
