/* SigV4 against every case of the aws-c-auth suite in ../shared/testdata/sigv4:
 * the canonical request, string to sign, signature and signed request must match
 * byte for byte. Also unit checks of the URI helpers SigV4 builds on. */
#include "check.h"

#include <dirent.h>

#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"
#include "ecsb/aws/sigv4.h"
#include "ecsb/base/uri.h"

static char *read_case_file(const char *dir, const char *name, size_t *len)
{
    char rel[512], path[1024];
    snprintf(rel, sizeof rel, "testdata/sigv4/%s/%s", dir, name);
    check_shared_path(path, sizeof path, rel);
    char *data = NULL;
    size_t n = 0;
    struct ecsb_error err;
    if (ecsb_fs_read(path, &data, &n, &err) != ECSB_OK) {
        CHECK_FAIL_("cannot read %s: %s", path, err.message);
        return NULL;
    }
    if (len) *len = n;
    return data;
}

/* A raw HTTP/1.1 request as in request.txt: folded header lines are joined with
 * '\n' into the previous value, which is kept exactly as written after ':'. */
struct raw_request {
    char *method, *path, *query;
    struct ecsb_http_headers headers;
    const char *body;
    size_t body_len;
};

static bool parse_request(char *text, size_t len, struct raw_request *r)
{
    memset(r, 0, sizeof *r);
    char *end = text + len, *nl = strchr(text, '\n');
    char *sp = strchr(text, ' '), *proto = nl ? nl : end;
    while (proto > text && strncmp(proto, " HTTP/", 6) != 0) proto--;
    if (!nl || !sp || proto <= sp) return false;
    r->method = ecsb_xstrndup(text, (size_t)(sp - text));
    char *target = ecsb_xstrndup(sp + 1, (size_t)(proto - sp - 1));
    char *q = strchr(target, '?');
    if (q) {
        r->query = ecsb_xstrdup(q + 1);
        *q = '\0';
    }
    r->path = target;
    char *line = nl + 1;
    while (line < end && *line != '\n') {
        char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        if ((*line == ' ' || *line == '\t') && r->headers.count) {
            struct ecsb_http_header *h = &r->headers.items[r->headers.count - 1];
            struct ecsb_buf v = ECSB_BUF_INIT;
            ecsb_buf_printf(&v, "%s\n%.*s", h->value, (int)(eol - line), line);
            free(h->value);
            h->value = ecsb_buf_detach(&v);
        } else {
            char *colon = memchr(line, ':', (size_t)(eol - line));
            if (!colon) return false;
            char *name = ecsb_xstrndup(line, (size_t)(colon - line));
            char *value = ecsb_xstrndup(colon + 1, (size_t)(eol - colon - 1));
            ecsb_http_headers_add(&r->headers, name, value);
            free(name);
            free(value);
        }
        line = eol < end ? eol + 1 : end;
    }
    if (line < end && *line == '\n') {
        r->body = line + 1;
        r->body_len = (size_t)(end - line - 1);
    }
    return true;
}

static void free_request(struct raw_request *r)
{
    free(r->method);
    free(r->path);
    free(r->query);
    ecsb_http_headers_free(&r->headers);
}

static void check_file_eq(const char *dir, const char *file, const char *actual)
{
    char *expected = read_case_file(dir, file, NULL);
    if (!expected) return;
    if (strcmp(expected, actual) != 0)
        CHECK_FAIL_("%s/%s differs:\n--- expected\n%s\n--- actual\n%s\n---", dir, file, expected, actual);
    free(expected);
}

/* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
static void amz_date_from_iso(const char *iso, char out[17])
{
    size_t n = 0;
    for (; *iso && n < 16; iso++)
        if (*iso != '-' && *iso != ':') out[n++] = *iso;
    out[n] = '\0';
}

static void signed_request_text(const struct raw_request *r, const struct ecsb_sigv4_result *res,
                                struct ecsb_buf *out)
{
    ecsb_buf_printf(out, "%s %s%s%s HTTP/1.1\n", r->method, r->path, r->query ? "?" : "", r->query ? r->query : "");
    for (size_t i = 0; i < r->headers.count; i++)
        ecsb_buf_printf(out, "%s:%s\n", r->headers.items[i].name, r->headers.items[i].value);
    for (size_t i = 0; i < res->add_headers.count; i++)
        ecsb_buf_printf(out, "%s:%s\n", res->add_headers.items[i].name, res->add_headers.items[i].value);
    ecsb_buf_printf(out, "Authorization:%s\n\n", ecsb_buf_cstr(&res->authorization));
    if (r->body_len) ecsb_buf_append(out, r->body, r->body_len);
}

static void run_case(const char *dir)
{
    size_t ctx_len = 0, req_len = 0;
    char *ctx_text = read_case_file(dir, "context.json", &ctx_len);
    char *req_text = read_case_file(dir, "request.txt", &req_len);
    struct ecsb_json *ctx = NULL;
    struct ecsb_error err;
    struct raw_request raw;
    if (!ctx_text || !req_text) goto out;
    CHECK_INT_EQ(ecsb_json_parse(ctx_text, ctx_len, NULL, &ctx, &err), ECSB_OK);
    CHECK(parse_request(req_text, req_len, &raw));
    if (!ctx || check_state_.current_failed) goto out;

    const struct ecsb_json *cj = ecsb_json_get(ctx, "credentials");
    struct ecsb_credentials creds = {
        .access_key_id = (char *)ecsb_json_get_string(cj, "access_key_id"),
        .secret_access_key = (char *)ecsb_json_get_string(cj, "secret_access_key"),
        .session_token = (char *)ecsb_json_get_string(cj, "token"),
    };
    char amz_date[17];
    const char *ts = ecsb_json_get_string(ctx, "timestamp");
    amz_date_from_iso(ts ? ts : "", amz_date);
    struct ecsb_sigv4_params params = {
        .region = ecsb_json_get_string(ctx, "region"),
        .service = ecsb_json_get_string(ctx, "service"),
        .amz_date = amz_date,
        .creds = &creds,
        .normalize_path = ecsb_json_is_true(ecsb_json_get(ctx, "normalize")),
        .omit_session_token = ecsb_json_is_true(ecsb_json_get(ctx, "omit_session_token")),
        .sign_body = ecsb_json_is_true(ecsb_json_get(ctx, "sign_body")),
    };
    struct ecsb_sigv4_request req = {raw.method, raw.path, raw.query, &raw.headers, raw.body, raw.body_len};
    struct ecsb_sigv4_result res;
    CHECK_INT_EQ(ecsb_sigv4_sign(&req, &params, &res, &err), ECSB_OK);
    check_file_eq(dir, "header-canonical-request.txt", ecsb_buf_cstr(&res.canonical_request));
    check_file_eq(dir, "header-string-to-sign.txt", ecsb_buf_cstr(&res.string_to_sign));
    check_file_eq(dir, "header-signature.txt", res.signature);
    struct ecsb_buf signed_req = ECSB_BUF_INIT;
    signed_request_text(&raw, &res, &signed_req);
    check_file_eq(dir, "header-signed-request.txt", ecsb_buf_cstr(&signed_req));
    ecsb_buf_free(&signed_req);
    ecsb_sigv4_result_free(&res);
    free_request(&raw);
out:
    ecsb_json_free(ctx);
    free(ctx_text);
    free(req_text);
}

#define SIGV4_CASES(X)                                                                                        \
    X(get_header_key_duplicate, "get-header-key-duplicate")                                                 \
    X(get_header_value_multiline, "get-header-value-multiline")                                             \
    X(get_header_value_order, "get-header-value-order")                                                     \
    X(get_header_value_trim, "get-header-value-trim")                                                       \
    X(get_relative_normalized, "get-relative-normalized")                                                   \
    X(get_relative_relative_normalized, "get-relative-relative-normalized")                                 \
    X(get_relative_relative_unnormalized, "get-relative-relative-unnormalized")                             \
    X(get_relative_unnormalized, "get-relative-unnormalized")                                               \
    X(get_slash_dot_slash_normalized, "get-slash-dot-slash-normalized")                                     \
    X(get_slash_dot_slash_unnormalized, "get-slash-dot-slash-unnormalized")                                 \
    X(get_slash_normalized, "get-slash-normalized")                                                         \
    X(get_slash_pointless_dot_normalized, "get-slash-pointless-dot-normalized")                             \
    X(get_slash_pointless_dot_unnormalized, "get-slash-pointless-dot-unnormalized")                         \
    X(get_slash_unnormalized, "get-slash-unnormalized")                                                     \
    X(get_slashes_normalized, "get-slashes-normalized")                                                     \
    X(get_slashes_unnormalized, "get-slashes-unnormalized")                                                 \
    X(get_space_normalized, "get-space-normalized")                                                         \
    X(get_space_unnormalized, "get-space-unnormalized")                                                     \
    X(get_unreserved, "get-unreserved")                                                                     \
    X(get_utf8, "get-utf8")                                                                                 \
    X(get_vanilla, "get-vanilla")                                                                           \
    X(get_vanilla_empty_query_key, "get-vanilla-empty-query-key")                                           \
    X(get_vanilla_query, "get-vanilla-query")                                                               \
    X(get_vanilla_query_order_encoded, "get-vanilla-query-order-encoded")                                   \
    X(get_vanilla_query_order_key_case, "get-vanilla-query-order-key-case")                                 \
    X(get_vanilla_query_unreserved, "get-vanilla-query-unreserved")                                         \
    X(get_vanilla_utf8_query, "get-vanilla-utf8-query")                                                     \
    X(get_vanilla_with_session_token, "get-vanilla-with-session-token")                                     \
    X(post_header_key_case, "post-header-key-case")                                                         \
    X(post_header_key_sort, "post-header-key-sort")                                                         \
    X(post_header_value_case, "post-header-value-case")                                                     \
    X(post_sts_header_after, "post-sts-header-after")                                                       \
    X(post_sts_header_before, "post-sts-header-before")                                                     \
    X(post_vanilla, "post-vanilla")                                                                         \
    X(post_vanilla_empty_query_value, "post-vanilla-empty-query-value")                                     \
    X(post_vanilla_query, "post-vanilla-query")                                                             \
    X(post_x_www_form_urlencoded, "post-x-www-form-urlencoded")                                             \
    X(post_x_www_form_urlencoded_parameters, "post-x-www-form-urlencoded-parameters")

#define DEFINE_CASE(fn, dir) TEST(fn) { run_case(dir); }
SIGV4_CASES(DEFINE_CASE)

/* Every case directory of the suite is listed above: a new one cannot be skipped silently. */
TEST(suite_fully_covered)
{
    static const char *const known[] = {
#define NAME_OF(fn, dir) dir,
        SIGV4_CASES(NAME_OF)
    };
    char path[1024];
    DIR *d = opendir(check_shared_path(path, sizeof path, "testdata/sigv4"));
    CHECK(d != NULL);
    if (!d) return;
    size_t dirs = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '.')) continue; /* LICENSE.x, NOTICE.x */
        dirs++;
        bool found = false;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            if (strcmp(known[i], e->d_name) == 0) found = true;
        if (!found) CHECK_FAIL_("suite case %s has no test", e->d_name);
    }
    closedir(d);
    CHECK_INT_EQ(dirs, sizeof known / sizeof *known);
}

TEST(missing_host_or_secret_is_rejected)
{
    struct ecsb_http_headers h = {0};
    struct ecsb_credentials c = {.access_key_id = "AKID", .secret_access_key = "secret"};
    struct ecsb_sigv4_params p = {.region = "us-east-1", .service = "ecs", .amz_date = "20150830T123600Z", .creds = &c};
    struct ecsb_sigv4_request r = {.method = "POST", .path = "/", .headers = &h};
    struct ecsb_sigv4_result res;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_sigv4_sign(&r, &p, &res, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "Host");
    ecsb_http_headers_add(&h, "Host", "ecs.us-east-1.amazonaws.com");
    c.secret_access_key = NULL;
    CHECK_INT_EQ(ecsb_sigv4_sign(&r, &p, &res, &err), ECSB_ERR_AUTH);
    c.secret_access_key = "secret";
    p.amz_date = "2015-08-30";
    CHECK_INT_EQ(ecsb_sigv4_sign(&r, &p, &res, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "amz_date");
    ecsb_http_headers_free(&h);
}

TEST(already_encoded_path_is_encoded_again)
{
    struct ecsb_http_headers h = {0};
    ecsb_http_headers_add(&h, "Host", "example.amazonaws.com");
    struct ecsb_credentials c = {.access_key_id = "AKID", .secret_access_key = "secret"};
    struct ecsb_sigv4_params p = {.region = "us-east-1", .service = "ecs", .amz_date = "20150830T123600Z",
                                  .creds = &c, .normalize_path = true};
    struct ecsb_sigv4_request r = {.method = "GET", .path = "/a%20b/./c", .headers = &h};
    struct ecsb_sigv4_result res;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_sigv4_sign(&r, &p, &res, &err), ECSB_OK);
    CHECK(strncmp(ecsb_buf_cstr(&res.canonical_request), "GET\n/a%2520b/c\n\n", 16) == 0);
    CHECK(strstr(ecsb_buf_cstr(&res.authorization), "secret") == NULL);
    ecsb_sigv4_result_free(&res);
    ecsb_http_headers_free(&h);
}

TEST(uri_encode_decode_normalize)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_uri_encode(&b, "a b/c~é", strlen("a b/c~é"), false);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "a%20b%2Fc~%C3%A9");
    ecsb_buf_reset(&b);
    ecsb_uri_decode(&b, "%41%zz+%4", 9);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "A%zz+%4");
    static const char *const cases[][2] = {
        {"/", "/"}, {"//", "/"}, {"/a/b/../c", "/a/c"}, {"/a/b/..", "/a/"}, {"/..", "/"},
        {"/./a/", "/a/"}, {"//a//b", "/a/b"}, {"/a/.", "/a/"}, {"/a/b/../../..", "/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ecsb_buf_reset(&b);
        ecsb_uri_normalize_path(&b, cases[i][0], strlen(cases[i][0]));
        CHECK_STR_EQ(ecsb_buf_cstr(&b), cases[i][1]);
    }
    ecsb_buf_free(&b);
}

TEST(url_parse_splits_and_rejects)
{
    struct ecsb_url u;
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_url_parse("http://[fd00:ec2::254]/latest/api/token", &u, &err), ECSB_OK);
    CHECK_STR_EQ(u.host, "fd00:ec2::254");
    CHECK_INT_EQ(u.port, 80);
    CHECK_STR_EQ(u.path, "/latest/api/token");
    CHECK(u.query == NULL);
    ecsb_url_host_header(&u, &b);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "[fd00:ec2::254]");
    ecsb_url_free(&u);
    CHECK_INT_EQ(ecsb_url_parse("HTTPS://ssm.us-east-1.amazonaws.com:8443?a=1&b#frag", &u, &err), ECSB_OK);
    CHECK_STR_EQ(u.scheme, "https");
    CHECK_INT_EQ(u.port, 8443);
    CHECK_STR_EQ(u.path, "/");
    CHECK_STR_EQ(u.query, "a=1&b");
    ecsb_buf_reset(&b);
    ecsb_url_host_header(&u, &b);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "ssm.us-east-1.amazonaws.com:8443");
    ecsb_url_free(&u);
    CHECK_INT_EQ(ecsb_url_parse("ftp://x/", &u, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_url_parse("http://user@x/", &u, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_url_parse("http://x:99999/", &u, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "port");
    CHECK_INT_EQ(ecsb_url_parse("http://:80/", &u, &err), ECSB_ERR_INVALID);
    ecsb_buf_free(&b);
}

int main(void)
{
#define RUN_CASE(fn, dir) RUN(fn);
    SIGV4_CASES(RUN_CASE)
    RUN(suite_fully_covered);
    RUN(missing_host_or_secret_is_rejected);
    RUN(already_encoded_path_is_encoded_again);
    RUN(uri_encode_decode_normalize);
    RUN(url_parse_splits_and_rejects);
    return check_summary();
}
