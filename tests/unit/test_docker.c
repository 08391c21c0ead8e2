/* Unit tests for the Docker Engine API client's pure parts: the pull progress
 * stream (split at every byte), version negotiation, DOCKER_HOST parsing,
 * image references, the build field, the X-Registry-Auth header. */
#include "check.h"

#include <stdlib.h>

#include "ecsb/docker/engine.h"

static const char stream_ok[] =
    "{\"status\":\"Pulling from windows/servercore\",\"id\":\"ltsc2022\"}\r\n"
    "{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"aaa\"}\r\n"
    "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":500,\"total\":1000},\"progress\":\"[==>  ]\",\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1000,\"total\":1000},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Verifying Checksum\",\"progressDetail\":{},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Download complete\",\"progressDetail\":{},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":300,\"total\":4000},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"bbb\"}\r\n"
    "{\"status\":\"Digest: sha256:0123abcd\"}\r\n"
    "{\"status\":\"Status: Downloaded newer image for windows/servercore:ltsc2022\"}\r\n";

struct seen {
    int calls;
    struct ecsb_pull_progress last;
};

static void on_progress(void *ctx, const struct ecsb_pull_progress *p)
{
    struct seen *s = ctx;
    s->calls++;
    s->last = *p;
}

static enum ecsb_status feed_split(const char *text, size_t len, size_t step, struct seen *seen,
                                   struct ecsb_error *err, char **digest)
{
    struct ecsb_pull_stream s;
    ecsb_pull_stream_init(&s, on_progress, seen);
    for (size_t i = 0; i < len; i += step)
        ecsb_pull_stream_feed(&s, text + i, len - i < step ? len - i : step);
    enum ecsb_status st = ecsb_pull_stream_finish(&s, "img:tag", err);
    if (digest) *digest = s.digest ? strdup(s.digest) : NULL;
    ecsb_pull_stream_free(&s);
    return st;
}

TEST(stream_parsed_the_same_at_any_split)
{
    for (size_t step = 1; step <= sizeof stream_ok && !check_state_.current_failed; step++) {
        struct seen seen = {0};
        struct ecsb_error err = {0};
        char *digest = NULL;
        CHECK_INT_EQ(feed_split(stream_ok, sizeof stream_ok - 1, step, &seen, &err, &digest), ECSB_OK);
        CHECK_INT_EQ(seen.calls, 11); /* every status message, "Pulling from" included */
        CHECK_INT_EQ(seen.last.layers, 2);
        CHECK_INT_EQ(seen.last.layers_done, 2);
        CHECK_INT_EQ(seen.last.layers_present, 1);
        CHECK_INT_EQ(seen.last.downloaded, 1000);
        CHECK_INT_EQ(seen.last.extracted, 4000);
        CHECK_STR_EQ(digest, "sha256:0123abcd");
        free(digest);
    }
}

TEST(error_detail_fails_the_pull_under_http_200)
{
    static const char text[] =
        "{\"status\":\"Pulling fs layer\",\"id\":\"bbb\"}\r\n"
        "{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\r\n"
        "{\"status\":\"Status: Downloaded newer image for x:y\"}\r\n";
    struct seen seen = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(feed_split(text, sizeof text - 1, 7, &seen, &err, NULL), ECSB_ERR_HTTP);
    CHECK_CONTAINS(err.message, "pulling img:tag");
    CHECK_CONTAINS(err.message, "unexpected EOF");
}

TEST(unknown_image_is_permanent)
{
    static const char text[] = "{\"errorDetail\":{\"message\":\"manifest for r/x:1 not found: manifest unknown\"}}";
    struct seen seen = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(feed_split(text, sizeof text - 1, 3, &seen, &err, NULL), ECSB_ERR_NOT_FOUND); /* no final newline */
    CHECK(ecsb_pull_error_permanent("pull access denied for x, repository does not exist"));
    CHECK(!ecsb_pull_error_permanent("read tcp 1.2.3.4:443: connection reset by peer"));
}

TEST(stream_without_final_status_is_a_failure)
{
    static const char text[] = "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":9},\"id\":\"a\"}\r\n";
    struct seen seen = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(feed_split(text, sizeof text - 1, 1000, &seen, &err, NULL), ECSB_ERR_HTTP);
    CHECK_CONTAINS(err.message, "without a final status");
}

TEST(garbage_and_overlong_lines_are_skipped)
{
    struct ecsb_pull_stream s;
    ecsb_pull_stream_init(&s, NULL, NULL);
    ecsb_pull_stream_feed(&s, "not json\r\n", 10);
    char *big = malloc(100000);
    memset(big, 'x', 100000);
    ecsb_pull_stream_feed(&s, big, 100000);
    ecsb_pull_stream_feed(&s, big, 100000);
    ecsb_pull_stream_feed(&s, "\n{\"status\":\"Status: Image is up to date for a:b\"}\n", 51);
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_pull_stream_finish(&s, "a:b", &err), ECSB_OK);
    CHECK(s.bad_message);
    CHECK_STR_EQ(s.final_status, "Image is up to date for a:b");
    CHECK(s.pending.len == 0);
    ecsb_pull_stream_free(&s);
    free(big);
}

TEST(version_negotiation)
{
    char v[16];
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_docker_negotiate("1.44", v, &err), ECSB_OK);
    CHECK_STR_EQ(v, "1.44");
    CHECK_INT_EQ(ecsb_docker_negotiate("1.41", v, &err), ECSB_OK);
    CHECK_STR_EQ(v, "1.41");
    CHECK_INT_EQ(ecsb_docker_negotiate("1.99", v, &err), ECSB_OK);
    CHECK_STR_EQ(v, ECSB_DOCKER_API_MAX);
    CHECK_INT_EQ(ecsb_docker_negotiate("2.0", v, &err), ECSB_OK);
    CHECK_STR_EQ(v, ECSB_DOCKER_API_MAX);
    CHECK_INT_EQ(ecsb_docker_negotiate("1.40", v, &err), ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "at least 1.41");
    CHECK_INT_EQ(ecsb_docker_negotiate(NULL, v, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_docker_negotiate("1.4x", v, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_docker_negotiate("", v, &err), ECSB_ERR_INVALID);
}

TEST(docker_host_forms)
{
    struct ecsb_docker_endpoint e;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_docker_endpoint_parse("unix:///run/d.sock", &e, &err), ECSB_OK);
    CHECK_STR_EQ(e.local_path, "/run/d.sock");
    CHECK_STR_EQ(e.base_url, "http://localhost");
    ecsb_docker_endpoint_free(&e);
    CHECK_INT_EQ(ecsb_docker_endpoint_parse("npipe:////./pipe/docker_engine", &e, &err), ECSB_OK);
    CHECK_STR_EQ(e.local_path, "\\\\.\\pipe\\docker_engine");
    ecsb_docker_endpoint_free(&e);
    CHECK_INT_EQ(ecsb_docker_endpoint_parse("tcp://127.0.0.1:2375", &e, &err), ECSB_OK);
    CHECK(e.local_path == NULL);
    CHECK_STR_EQ(e.base_url, "http://127.0.0.1:2375");
    ecsb_docker_endpoint_free(&e);
    CHECK_INT_EQ(ecsb_docker_endpoint_parse("ssh://host", &e, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "DOCKER_HOST 'ssh://host'");
    CHECK_INT_EQ(ecsb_docker_endpoint_parse("tcp://", &e, &err), ECSB_ERR_INVALID);
    CHECK(ecsb_docker_default_host()[0] != '\0');
}

TEST(image_references)
{
    char *n, *t;
    bool dig;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_docker_ref_split("mcr.microsoft.com/windows/servercore:ltsc2022", &n, &t, &dig, &err), ECSB_OK);
    CHECK_STR_EQ(n, "mcr.microsoft.com/windows/servercore");
    CHECK_STR_EQ(t, "ltsc2022");
    CHECK(!dig);
    free(n), free(t);
    CHECK_INT_EQ(ecsb_docker_ref_split("127.0.0.1:5000/a/b:1", &n, &t, &dig, &err), ECSB_OK);
    CHECK_STR_EQ(n, "127.0.0.1:5000/a/b");
    free(n), free(t);
    CHECK_INT_EQ(ecsb_docker_ref_split("r/x@sha256:abc", &n, &t, &dig, &err), ECSB_OK);
    CHECK_STR_EQ(t, "sha256:abc");
    CHECK(dig);
    free(n), free(t);
    CHECK_INT_EQ(ecsb_docker_ref_split("127.0.0.1:5000/a/b", &n, &t, &dig, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "no tag or digest");
    CHECK_INT_EQ(ecsb_docker_ref_split("x:", &n, &t, &dig, &err), ECSB_ERR_INVALID);
}

TEST(build_field)
{
    CHECK_INT_EQ(ecsb_docker_build_of("10.0.20348.2762"), 20348);
    CHECK_INT_EQ(ecsb_docker_build_of("10.0.17763"), 17763);
    CHECK_INT_EQ(ecsb_docker_build_of(""), 0);
    CHECK_INT_EQ(ecsb_docker_build_of(NULL), 0);
    CHECK_INT_EQ(ecsb_docker_build_of("10.0"), 0);
}

TEST(registry_auth_header_is_base64url_json)
{
    char *h = ecsb_docker_auth_header("AWS", "p?>w", "r.example");
    /* {"username":"AWS","password":"p?>w","serveraddress":"r.example"} */
    CHECK_STR_EQ(h, "eyJ1c2VybmFtZSI6IkFXUyIsInBhc3N3b3JkIjoicD8-dyIsInNlcnZlcmFkZHJlc3MiOiJyLmV4YW1wbGUifQ==");
    free(h);
}

TEST(one_call_waits_the_docker_timeout_but_at_most_a_minute)
{
    CHECK_INT_EQ(ecsb_docker_call_timeout_ms(300LL * 1000000000), 60000); /* the default 5m */
    CHECK_INT_EQ(ecsb_docker_call_timeout_ms(2LL * 1000000000), 2000);
    CHECK_INT_EQ(ecsb_docker_call_timeout_ms(60LL * 1000000000), 60000);
    CHECK_INT_EQ(ecsb_docker_call_timeout_ms(1500000), 1);
}

TEST(absurd_byte_counts_are_clamped_not_undefined)
{
    /* found by fuzz_pull_stream: 7.4e47 bytes cast to int64_t; and sums over many layers */
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_buf_puts(&text, "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":7.44444e47,\"total\":1e300},"
                         "\"id\":\"a\"}\r\n"
                         "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":-5,\"total\":-1},\"id\":\"b\"}\r\n");
    for (int i = 0; i < 2000; i++)
        ecsb_buf_printf(&text, "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":9e15,\"total\":9e18},"
                               "\"id\":\"l%d\"}\r\n", i);
    ecsb_buf_puts(&text, "{\"status\":\"Status: Downloaded newer image for x:1\"}\r\n");
    struct seen seen = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(feed_split(text.data, text.len, text.len, &seen, &err, NULL), ECSB_OK);
    CHECK_INT_EQ(seen.last.layers, 2002);
    CHECK(seen.last.downloaded == INT64_MAX); /* saturated, not wrapped */
    CHECK(seen.last.download_total == INT64_MAX);
    CHECK_INT_EQ(seen.last.extracted, 0); /* a negative count is none */
    ecsb_buf_free(&text);
}

int main(void)
{
    RUN(absurd_byte_counts_are_clamped_not_undefined);
    RUN(one_call_waits_the_docker_timeout_but_at_most_a_minute);
    RUN(stream_parsed_the_same_at_any_split);
    RUN(error_detail_fails_the_pull_under_http_200);
    RUN(unknown_image_is_permanent);
    RUN(stream_without_final_status_is_a_failure);
    RUN(garbage_and_overlong_lines_are_skipped);
    RUN(version_negotiation);
    RUN(docker_host_forms);
    RUN(image_references);
    RUN(build_field);
    RUN(registry_auth_header_is_base64url_json);
    return check_summary();
}
