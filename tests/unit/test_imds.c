/* Unit tests for the IMDSv2 client and the credential chain, driven through the
 * transport seam with scripted answers and a fake clock (no server needed). */
#include "check.h"

#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/fs.h"

/* ---- scripted transport and fake clock ---- */

struct answer {
    long status;          /* 0 = transport failure */
    const char *body;
};

struct fake {
    const struct answer *script;
    size_t n, next;
    char methods[32][8];
    char urls[32][256];
    char tokens[32][128];  /* X-aws-ec2-metadata-token sent, "" when none */
    char ttl[32][16];
    size_t max_body[32];   /* the cap each request carried (0 = the transport's 32 MiB) */
    long long now_ms, wall;
    long slept_ms;
};

static enum ecsb_status fake_send(void *ctx, const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                  struct ecsb_error *err)
{
    struct fake *f = ctx;
    size_t i = f->next++;
    if (i < 32) {
        snprintf(f->methods[i], sizeof f->methods[i], "%s", req->method);
        snprintf(f->urls[i], sizeof f->urls[i], "%s", req->url);
        const char *t = ecsb_http_headers_get(req->headers, "X-aws-ec2-metadata-token");
        snprintf(f->tokens[i], sizeof f->tokens[i], "%s", t ? t : "");
        t = ecsb_http_headers_get(req->headers, "X-aws-ec2-metadata-token-ttl-seconds");
        snprintf(f->ttl[i], sizeof f->ttl[i], "%s", t ? t : "");
        f->max_body[i] = req->max_body;
    }
    f->now_ms += 5; /* every exchange takes a little time */
    if (i >= f->n)
        return ecsb_error_set(err, ECSB_ERR_HTTP, "script exhausted");
    if (f->script[i].status == 0)
        return ecsb_error_set(err, ECSB_ERR_HTTP, "connection refused");
    /* The transport refuses a body over the request's cap, as http_curl/http_winhttp do. */
    const char *body = f->script[i].body ? f->script[i].body : "";
    size_t cap = req->max_body ? req->max_body : ECSB_HTTP_DEFAULT_MAX_BODY;
    if (strlen(body) > cap)
        return ecsb_error_set(err, ECSB_ERR_LIMIT, "response body larger than %zu bytes", cap);
    resp->status = f->script[i].status;
    ecsb_buf_puts(&resp->body, body);
    return ECSB_OK;
}

static long long fake_mono(void *ctx) { return ((struct fake *)ctx)->now_ms; }
static long long fake_wall(void *ctx) { return ((struct fake *)ctx)->wall; }
static void fake_sleep(void *ctx, long ms)
{
    struct fake *f = ctx;
    f->now_ms += ms;
    f->slept_ms += ms;
}

static void setup(struct ecsb_imds *m, struct fake *f, const struct answer *script, size_t n,
                  const struct ecsb_imds_config *cfg)
{
    memset(f, 0, sizeof *f);
    f->script = script;
    f->n = n;
    f->now_ms = 1000000;
    f->wall = 1700000000;
    struct ecsb_error err;
    check_set_env(NULL);
    CHECK_INT_EQ(ecsb_imds_init(m, NULL, cfg, check_getenv, &err), ECSB_OK);
    m->send = fake_send;
    m->send_ctx = f;
    m->clock.monotonic_ms = fake_mono;
    m->clock.wall_time = fake_wall;
    m->clock.sleep_ms = fake_sleep;
    m->clock.ctx = f;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(token_is_fetched_once_and_reused)
{
    static const struct answer s[] = {{200, "TOKEN1"}, {200, "i-0abc"}, {200, "us-west-2"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    char *id = NULL, *region = NULL;
    CHECK_INT_EQ(ecsb_imds_instance_id(&m, &id, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_imds_region(&m, &region, &err), ECSB_OK);
    CHECK_STR_EQ(id, "i-0abc");
    CHECK_STR_EQ(region, "us-west-2");
    CHECK_STR_EQ(f.methods[0], "PUT");
    CHECK_STR_EQ(f.urls[0], "http://169.254.169.254/latest/api/token");
    CHECK_STR_EQ(f.ttl[0], "21600");
    CHECK_STR_EQ(f.urls[1], "http://169.254.169.254/latest/meta-data/instance-id");
    CHECK_STR_EQ(f.tokens[1], "TOKEN1");
    CHECK_STR_EQ(f.tokens[2], "TOKEN1");
    CHECK_INT_EQ(m.token_fetches, 1);
    free(id);
    free(region);
    ecsb_imds_free(&m);
}

TEST(token_is_renewed_shortly_before_expiry)
{
    static const struct answer s[] = {{200, "T1"}, {200, "a"}, {200, "b"}, {200, "T2"}, {200, "c"}};
    struct ecsb_imds_config cfg;
    ecsb_imds_config_defaults(&cfg);
    cfg.token_ttl_s = 100; /* margin: 10 s */
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), &cfg);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/x", &b, &err), ECSB_OK);
    CHECK(ecsb_imds_token_usable(&m, f.now_ms + 80000));
    CHECK(!ecsb_imds_token_usable(&m, f.now_ms + 95000));
    f.now_ms += 80000;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/x", &b, &err), ECSB_OK);
    CHECK_INT_EQ(m.token_fetches, 1);
    f.now_ms += 15000;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/x", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "c");
    CHECK_INT_EQ(m.token_fetches, 2);
    CHECK_STR_EQ(f.tokens[4], "T2");
    CHECK_STR_EQ(f.ttl[3], "100");
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(a_401_refreshes_the_token_once)
{
    static const struct answer ok[] = {{200, "T1"}, {401, ""}, {200, "T2"}, {200, "data"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, ok, N(ok), NULL);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/latest/user-data", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "data");
    CHECK_STR_EQ(f.tokens[3], "T2");
    ecsb_imds_free(&m);

    static const struct answer twice[] = {{200, "T1"}, {401, ""}, {200, "T2"}, {401, ""}};
    setup(&m, &f, twice, N(twice), NULL);
    CHECK_INT_EQ(ecsb_imds_get(&m, "/latest/user-data", &b, &err), ECSB_ERR_AUTH);
    CHECK_CONTAINS(err.message, "HTTP 401");
    CHECK_INT_EQ(f.next, 4); /* no third token */
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(server_errors_are_retried_with_backoff)
{
    static const struct answer s[] = {{200, "T"}, {500, ""}, {0, NULL}, {503, ""}, {200, "ok"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/p", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "ok");
    CHECK_INT_EQ(f.slept_ms, 100 + 200 + 400); /* doubling from base_backoff_ms */
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(retries_stop_at_the_deadline)
{
    static const struct answer s[] = {{200, "T"}, {500, ""}, {500, ""}, {500, ""}, {500, ""}, {500, ""},
                                      {500, ""}, {500, ""}, {500, ""}, {500, ""}, {500, ""}};
    struct ecsb_imds_config cfg;
    ecsb_imds_config_defaults(&cfg);
    cfg.deadline_ms = 1000;
    cfg.max_attempts = 100;
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), &cfg);
    long long start = f.now_ms;
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/p", &b, &err), ECSB_ERR_HTTP);
    CHECK_CONTAINS(err.message, "HTTP 500");
    CHECK(f.now_ms - start <= 1000);
    CHECK_INT_EQ(f.next, 5); /* token + tries after 0, 100, 200, 400 ms of backoff */

    cfg.deadline_ms = 60000;
    cfg.max_attempts = 3;
    ecsb_imds_free(&m);
    setup(&m, &f, s, N(s), &cfg);
    CHECK_INT_EQ(ecsb_imds_get(&m, "/p", &b, &err), ECSB_ERR_HTTP);
    CHECK_INT_EQ(f.next, 3); /* the attempt bound counts the token PUT too */
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(missing_user_data_is_not_an_error)
{
    static const struct answer s[] = {{200, "T"}, {404, "Not Found"}, {200, "<powershell/>"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    bool present = true;
    CHECK_INT_EQ(ecsb_imds_user_data(&m, &b, &present, &err), ECSB_OK);
    CHECK(!present);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(ecsb_imds_user_data(&m, &b, &present, &err), ECSB_OK);
    CHECK(present);
    CHECK_STR_EQ(b.data, "<powershell/>");
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(imdsv1_only_when_allowed)
{
    static const struct answer s[] = {{403, ""}, {200, "v1data"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_imds_get(&m, "/p", &b, &err), ECSB_ERR_AUTH);
    CHECK_CONTAINS(err.message, "IMDSv2");
    CHECK_INT_EQ(f.next, 1);
    ecsb_imds_free(&m);
    struct ecsb_imds_config cfg;
    ecsb_imds_config_defaults(&cfg);
    cfg.allow_v1 = true;
    setup(&m, &f, s, N(s), &cfg);
    CHECK_INT_EQ(ecsb_imds_get(&m, "/p", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "v1data");
    CHECK_STR_EQ(f.tokens[1], "");
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
}

TEST(endpoint_from_environment_and_mode)
{
    struct ecsb_imds m;
    struct ecsb_error err;
    static const char *const v6[] = {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", NULL};
    check_set_env(v6);
    CHECK_INT_EQ(ecsb_imds_init(&m, NULL, NULL, check_getenv, &err), ECSB_OK);
    CHECK_STR_EQ(m.endpoint, "http://[fd00:ec2::254]");
    static const char *const ep[] = {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111/",
                                     "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", NULL};
    check_set_env(ep);
    CHECK_INT_EQ(ecsb_imds_init(&m, NULL, NULL, check_getenv, &err), ECSB_OK);
    CHECK_STR_EQ(m.endpoint, "http://127.0.0.1:8111");
    static const char *const bad[] = {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5", NULL};
    check_set_env(bad);
    CHECK_INT_EQ(ecsb_imds_init(&m, NULL, NULL, check_getenv, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "use IPv4 or IPv6");
    check_set_env(NULL);
    struct ecsb_imds_config cfg;
    ecsb_imds_config_defaults(&cfg);
    cfg.token_ttl_s = 21601;
    CHECK_INT_EQ(ecsb_imds_init(&m, NULL, &cfg, check_getenv, &err), ECSB_ERR_INVALID);
}

TEST(credentials_from_environment)
{
    struct ecsb_credentials c;
    struct ecsb_error err;
    static const char *const full[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t",
                                       "AWS_SESSION_TOKEN", "tok", NULL};
    check_set_env(full);
    CHECK_INT_EQ(ecsb_credentials_from_env(check_getenv, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c.access_key_id, "AKIDEXAMPLE");
    CHECK_STR_EQ(c.secret_access_key, "s3cr3t");
    CHECK_STR_EQ(c.session_token, "tok");
    CHECK_STR_EQ(c.source, "environment");
    ecsb_credentials_free(&c);
    static const char *const half[] = {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "", NULL};
    check_set_env(half);
    CHECK_INT_EQ(ecsb_credentials_from_env(check_getenv, &c, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "AWS_SECRET_ACCESS_KEY is not");
    check_set_env(NULL);
    CHECK_INT_EQ(ecsb_credentials_from_env(check_getenv, &c, &err), ECSB_ERR_NOT_FOUND);
}

TEST(iso8601_times)
{
    long long t = 0;
    CHECK(ecsb_parse_iso8601_utc("1970-01-01T00:00:00Z", &t));
    CHECK_INT_EQ(t, 0);
    CHECK(ecsb_parse_iso8601_utc("2024-02-29T12:34:56Z", &t));
    CHECK_INT_EQ(t, 1709210096);
    CHECK(ecsb_parse_iso8601_utc("2024-02-29T12:34:56.123+00:00", &t));
    CHECK_INT_EQ(t, 1709210096);
    CHECK(!ecsb_parse_iso8601_utc("2024-02-29 12:34", &t));
    CHECK(!ecsb_parse_iso8601_utc("2024-13-01T00:00:00Z", &t));
    CHECK(!ecsb_parse_iso8601_utc("2024-01-01T00:00:00+02:00", &t));
}

static const char role_doc[] = "{\"Code\":\"Success\",\"LastUpdated\":\"2023-11-14T22:00:00Z\","
                               "\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAROLE\",\"SecretAccessKey\":\"rs\","
                               "\"Token\":\"rt\",\"Expiration\":\"2023-11-14T23:13:20Z\"}";

TEST(chain_prefers_environment_then_instance_role)
{
    static const struct answer s[] = {{200, "T"}, {200, "ecsInstanceRole\n"}, {200, role_doc},
                                      {200, "ecsInstanceRole"}, {200, role_doc}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_cred_chain chain;
    ecsb_cred_chain_init(&chain, &m, check_getenv);
    chain.clock = m.clock;
    static const char *const env[] = {"AWS_ACCESS_KEY_ID", "AKENV", "AWS_SECRET_ACCESS_KEY", "se", NULL};
    check_set_env(env);
    const struct ecsb_credentials *c = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "AKENV");
    CHECK_INT_EQ(f.next, 0);
    ecsb_cred_chain_invalidate(&chain);
    check_set_env(NULL);
    f.wall = 1700000000; /* 2023-11-14T22:13:20Z: the role document expires in one hour */
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "ASIAROLE");
    CHECK_STR_EQ(c->session_token, "rt");
    CHECK_STR_EQ(c->source, "instance role ecsInstanceRole");
    CHECK_INT_EQ(c->expiration, 1700003600);
    CHECK_STR_EQ(f.urls[2], "http://169.254.169.254/latest/meta-data/iam/security-credentials/ecsInstanceRole");
    f.wall += 3600 - 301; /* still outside the 5-minute refresh window: cached */
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_INT_EQ(f.next, 3);
    f.wall += 2;          /* inside it: fetched again */
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_INT_EQ(f.next, 5);
    ecsb_cred_chain_free(&chain);
    ecsb_imds_free(&m);
}

TEST(chain_prefers_shared_files_over_instance_role)
{
    static const struct answer s[] = {{200, "T"}, {200, "ecsInstanceRole\n"}, {200, role_doc}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err = {0};
    const char *path = "build/test_imds_credentials";
    const char *text = "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = sf\n";
    CHECK_INT_EQ(ecsb_fs_write_atomic(path, text, strlen(text), &err), ECSB_OK);
    static const char *const env[] = {"AWS_SHARED_CREDENTIALS_FILE", "build/test_imds_credentials", NULL};
    check_set_env(env);
    struct ecsb_cred_chain chain;
    ecsb_cred_chain_init(&chain, &m, check_getenv);
    chain.clock = m.clock;
    const struct ecsb_credentials *c = NULL;
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "AKFILE");
    CHECK_INT_EQ(f.next, 0); /* IMDS never asked */
    ecsb_cred_chain_invalidate(&chain);
    remove(path);
    f.wall = 1700000000;
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "ASIAROLE"); /* no file: the role */
    check_set_env(NULL);
    ecsb_cred_chain_free(&chain);
    ecsb_imds_free(&m);
}

TEST(role_document_errors_are_clear)
{
    struct ecsb_credentials c;
    struct ecsb_error err;
    const char *bad = "{\"Code\":\"AssumeRoleUnauthorizedAccess\"}";
    CHECK_INT_EQ(ecsb_credentials_from_imds_json(bad, strlen(bad), "r", &c, &err), ECSB_ERR_AUTH);
    CHECK_CONTAINS(err.message, "AssumeRoleUnauthorizedAccess");
    const char *nokey = "{\"Code\":\"Success\",\"AccessKeyId\":\"A\"}";
    CHECK_INT_EQ(ecsb_credentials_from_imds_json(nokey, strlen(nokey), "r", &c, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_credentials_from_imds_json("[", 1, "r", &c, &err), ECSB_ERR_INVALID);
}


static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* Each call caps the answer: user data 64 KiB, the token and credentials far less. */
TEST(bodies_are_capped_per_call)
{
    char *big_ud = repeat('u', ECSB_IMDS_MAX_USER_DATA + 1), *ok_ud = repeat('u', ECSB_IMDS_MAX_USER_DATA);
    char *big_creds = repeat('c', ECSB_IMDS_MAX_CREDENTIALS + 1);
    const struct answer s[] = {{200, "T1"}, {200, ok_ud}, {200, big_ud}, {200, "role"}, {200, big_creds}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    bool present = false;
    CHECK_INT_EQ(ecsb_imds_user_data(&m, &b, &present, &err), ECSB_OK);
    CHECK_INT_EQ(b.len, ECSB_IMDS_MAX_USER_DATA);
    CHECK_INT_EQ(ecsb_imds_user_data(&m, &b, &present, &err), ECSB_ERR_LIMIT);
    CHECK_CONTAINS(err.message, "/latest/user-data: the answer is larger than 65536 bytes");
    CHECK_INT_EQ(f.max_body[0], ECSB_IMDS_MAX_TOKEN);
    CHECK_INT_EQ(f.max_body[1], ECSB_IMDS_MAX_USER_DATA);
    struct ecsb_credentials creds = {0};
    CHECK_INT_EQ(ecsb_imds_role_credentials(&m, &creds, &err), ECSB_ERR_LIMIT);
    CHECK_INT_EQ(f.max_body[3], ECSB_IMDS_MAX_METADATA);
    CHECK_INT_EQ(f.max_body[4], ECSB_IMDS_MAX_CREDENTIALS);
    CHECK(ECSB_IMDS_MAX_TOKEN <= 4096 && ECSB_IMDS_MAX_CREDENTIALS <= 16384);
    ecsb_credentials_free(&creds);
    ecsb_buf_free(&b);
    ecsb_imds_free(&m);
    free(big_ud);
    free(ok_ud);
    free(big_creds);
}

/* A token with CR/LF would add headers to every later request: refused, never sent. */
TEST(token_with_line_break_is_refused)
{
    static const struct answer s[] = {{200, "T1\r\nX-Injected: yes"}, {200, "i-0abc"}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    struct ecsb_error err;
    char *id = NULL;
    CHECK_INT_EQ(ecsb_imds_instance_id(&m, &id, &err), ECSB_ERR_HTTP);
    CHECK_CONTAINS(err.message, "control character or line break");
    CHECK_INT_EQ(f.next, 1); /* no GET carried it */
    CHECK(m.token == NULL);
    static const struct answer s2[] = {{200, "T1\tX"}};
    setup(&m, &f, s2, N(s2), NULL);
    CHECK_INT_EQ(ecsb_imds_instance_id(&m, &id, &err), ECSB_ERR_HTTP);
    free(id);
    ecsb_imds_free(&m);
}

/* timeouts.imds: the deadline set on the client bounds an operation's retries. */
TEST(deadline_bounds_the_retries)
{
    static const struct answer s[] = {{0, NULL}, {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL},
                                      {0, NULL}, {0, NULL}};
    struct ecsb_imds m;
    struct fake f;
    setup(&m, &f, s, N(s), NULL);
    ecsb_imds_set_deadline(&m, 1000);
    struct ecsb_error err;
    char *id = NULL;
    long long t0 = f.now_ms;
    CHECK(ecsb_imds_instance_id(&m, &id, &err) != ECSB_OK);
    CHECK(f.now_ms - t0 <= 1000);
    CHECK_CONTAINS(err.message, "IMDS token request");
    size_t short_tries = f.next;
    setup(&m, &f, s, N(s), NULL);
    ecsb_imds_set_deadline(&m, 20000);
    CHECK(ecsb_imds_instance_id(&m, &id, &err) != ECSB_OK);
    CHECK(f.next > short_tries); /* a longer deadline allows more tries */
    free(id);
    ecsb_imds_free(&m);
}

int main(void)
{
    RUN(bodies_are_capped_per_call);
    RUN(token_with_line_break_is_refused);
    RUN(deadline_bounds_the_retries);
    RUN(token_is_fetched_once_and_reused);
    RUN(token_is_renewed_shortly_before_expiry);
    RUN(a_401_refreshes_the_token_once);
    RUN(server_errors_are_retried_with_backoff);
    RUN(retries_stop_at_the_deadline);
    RUN(missing_user_data_is_not_an_error);
    RUN(imdsv1_only_when_allowed);
    RUN(endpoint_from_environment_and_mode);
    RUN(credentials_from_environment);
    RUN(iso8601_times);
    RUN(chain_prefers_environment_then_instance_role);
    RUN(chain_prefers_shared_files_over_instance_role);
    RUN(role_document_errors_are_clear);
    return check_summary();
}
