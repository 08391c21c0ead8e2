/* The fake ECS agent's introspection request handling (tests/fake-agent/http_respond.c).
 * The fake agent is a program, not part of the library, so its socket-free request
 * handler is compiled into this test directly. */
#include "check.h"

#include "../fake-agent/http_respond.c"

static const struct fa_metadata registered = {"blue", "arn:aws:ecs:us-east-1:123456789012:container-instance/blue/abc"};

static char *respond(const char *req, const struct fa_metadata *md)
{
    struct ecsb_buf out = ECSB_BUF_INIT;
    fa_http_respond(req, strlen(req), false, md, &out);
    return ecsb_buf_detach(&out);
}

/* The body after the head; checks Content-Length against it. */
static const char *body_of(const char *resp)
{
    const char *sep = strstr(resp, "\r\n\r\n");
    const char *cl = strstr(resp, "Content-Length: ");
    if (!sep || !cl)
        return NULL;
    if ((size_t)strtoul(cl + 16, NULL, 10) != strlen(sep + 4))
        return NULL;
    return sep + 4;
}

TEST(metadata_after_registration)
{
    char *r = respond("GET /v1/metadata HTTP/1.1\r\nHost: 127.0.0.1:51678\r\nAccept: */*\r\n\r\n", &registered);
    CHECK(!strncmp(r, "HTTP/1.1 200 OK\r\n", 17));
    CHECK_CONTAINS(r, "Content-Type: application/json\r\n");
    CHECK_STR_EQ(body_of(r), "{\"Cluster\":\"blue\",\"ContainerInstanceArn\":\"arn:aws:ecs:us-east-1:123456789012:"
                             "container-instance/blue/abc\",\"Version\":\"Amazon ECS Agent - v" FA_AGENT_VERSION
                             " (" FA_AGENT_HASH ")\"}");
    free(r);
}

TEST(metadata_null_arn_and_escaping)
{
    struct fa_metadata md = {"we\"ird\\\n", NULL};
    char *r = respond("GET /v1/metadata?x=1 HTTP/1.0\r\n\r\n", &md);
    CHECK_CONTAINS(body_of(r), "{\"Cluster\":\"we\\\"ird\\\\\\u000a\",\"ContainerInstanceArn\":null,");
    free(r);
}

TEST(other_routes)
{
    char *r = respond("GET /v1/tasks HTTP/1.1\r\nHost: x\r\n\r\n", &registered);
    CHECK_STR_EQ(body_of(r), "{\"Tasks\":[]}");
    free(r);
    r = respond("GET /license HTTP/1.1\nhost: x\n\n", &registered);
    CHECK(!strncmp(r, "HTTP/1.1 200 ", 13));
    CHECK_CONTAINS(body_of(r), "Apache License");
    free(r);
    r = respond("GET http://127.0.0.1:51678/v1/tasks HTTP/1.1\r\nHost: x\r\n\r\n", &registered);
    CHECK_STR_EQ(body_of(r), "{\"Tasks\":[]}");
    free(r);
    r = respond("GET /v1/metadata/ HTTP/1.1\r\nHost: x\r\n\r\n", &registered);
    CHECK(!strncmp(r, "HTTP/1.1 404 Not Found\r\n", 24));
    CHECK_STR_EQ(body_of(r), "404 page not found\n");
    free(r);
}

TEST(head_has_no_body)
{
    char *r = respond("HEAD /v1/metadata HTTP/1.1\r\nHost: x\r\n\r\n", &registered);
    CHECK(!strncmp(r, "HTTP/1.1 200 OK\r\n", 17));
    CHECK_CONTAINS(r, "Content-Length: 1");
    const char *sep = strstr(r, "\r\n\r\n");
    CHECK(sep && sep[4] == '\0');
    free(r);
}

TEST(bad_requests)
{
    const char *bad[] = {
        "garbage\r\n\r\n", "GET\r\n\r\n", "GET /v1/metadata\r\n\r\n", "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/metadata HTTP/2.0\r\nHost: x\r\n\r\n", "GET /v1/metadata HTTP/1.1\r\n\r\n", /* no Host */
        "GET /v1/metadata HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        "GET /v1/metadata HTTP/1.1\r\n: empty name\r\nHost: x\r\n\r\n", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *r = respond(bad[i], &registered);
        if (strncmp(r, "HTTP/1.1 400 Bad Request\r\n", 26))
            CHECK_FAIL_("request %zu: %.40s", i, r);
        CHECK(body_of(r) != NULL);
        free(r);
    }
}

TEST(method_and_size_limits)
{
    char *r = respond("POST /v1/metadata HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", &registered);
    CHECK(!strncmp(r, "HTTP/1.1 405 Method Not Allowed\r\n", 33));
    CHECK_CONTAINS(r, "Allow: GET, HEAD\r\n");
    free(r);
    struct ecsb_buf out = ECSB_BUF_INIT;
    fa_http_respond("GET /v1/metadata HTTP/1.1\r\nHost: x\r\nX: aaaa", 44, true, &registered, &out);
    CHECK(!strncmp(out.data, "HTTP/1.1 431 ", 13));
    ecsb_buf_free(&out);
}

int main(void)
{
    RUN(metadata_after_registration);
    RUN(metadata_null_arn_and_escaping);
    RUN(other_routes);
    RUN(head_has_no_body);
    RUN(bad_requests);
    RUN(method_and_size_limits);
    return check_summary();
}
