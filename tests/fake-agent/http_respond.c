/* The introspection API's request handling, apart from sockets so that a fuzz
 * target can drive it: one request head in, one complete HTTP/1.1 response out.
 * Routes as in the agent (agent/handlers): /v1/metadata, /v1/tasks, /license. */
#include <stdio.h>
#include <string.h>

#include "agent.h"

static const char license_text[] =
    "Amazon Elastic Container Service Agent (fake, for tests)\n"
    "Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.\n"
    "Licensed under the Apache License, Version 2.0.\n";

static void json_string(struct ecsb_buf *out, const char *s)
{
    ecsb_buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            ecsb_buf_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            ecsb_buf_printf(out, "\\u%04x", *p);
        else
            ecsb_buf_putc(out, (char)*p);
    }
    ecsb_buf_putc(out, '"');
}

static void reply(struct ecsb_buf *out, bool head_only, int status, const char *reason, const char *type,
                  const char *extra_headers, const char *body)
{
    size_t n = strlen(body);
    ecsb_buf_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n%sConnection: close\r\n\r\n",
                    status, reason, type, (unsigned long)n, extra_headers ? extra_headers : "");
    if (!head_only)
        ecsb_buf_append(out, body, n);
}

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Checks the header lines after the request line: "name: value" each, a token name. */
static bool headers_ok(const char *p, const char *end, bool *has_host)
{
    *has_host = false;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\r' && *eol != '\n')
            eol++;
        if (eol == p)
            break; /* the blank line ending the head */
        const char *colon = p;
        while (colon < eol && is_tchar(*colon))
            colon++;
        if (colon == p || colon == eol || *colon != ':')
            return false;
        for (const char *c = colon + 1; c < eol; c++)
            if ((unsigned char)*c < 0x20 && *c != '\t')
                return false;
        if (colon - p == 4 && (p[0] | 0x20) == 'h' && (p[1] | 0x20) == 'o' && (p[2] | 0x20) == 's' &&
                 (p[3] | 0x20) == 't')
            *has_host = true;
        p = eol;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    return true;
}

static void route(const char *path, size_t plen, bool head_only, const struct fa_metadata *md,
                  struct ecsb_buf *out)
{
    if (plen == 12 && !memcmp(path, "/v1/metadata", 12)) {
        struct ecsb_buf body = ECSB_BUF_INIT;
        ecsb_buf_puts(&body, "{\"Cluster\":");
        json_string(&body, md->cluster ? md->cluster : "");
        ecsb_buf_puts(&body, ",\"ContainerInstanceArn\":");
        if (md->container_instance_arn)
            json_string(&body, md->container_instance_arn);
        else
            ecsb_buf_puts(&body, "null");
        ecsb_buf_puts(&body, ",\"Version\":\"Amazon ECS Agent - v" FA_AGENT_VERSION " (" FA_AGENT_HASH ")\"}");
        reply(out, head_only, 200, "OK", "application/json", NULL, ecsb_buf_cstr(&body));
        ecsb_buf_free(&body);
    } else if (plen == 9 && !memcmp(path, "/v1/tasks", 9)) {
        reply(out, head_only, 200, "OK", "application/json", NULL, "{\"Tasks\":[]}");
    } else if (plen == 8 && !memcmp(path, "/license", 8)) {
        reply(out, head_only, 200, "OK", "text/plain; charset=utf-8", NULL, license_text);
    } else {
        reply(out, head_only, 404, "Not Found", "text/plain; charset=utf-8", NULL, "404 page not found\n");
    }
}

void fa_http_respond(const char *head, size_t len, bool too_large, const struct fa_metadata *md,
                     struct ecsb_buf *out)
{
    if (too_large) {
        reply(out, false, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8", NULL,
              "431 Request Header Fields Too Large\n");
        return;
    }
    const char *end = head + len;
    const char *eol = memchr(head, '\n', len);
    if (!eol)
        eol = end;
    const char *line_end = eol > head && eol[-1] == '\r' ? eol - 1 : eol;
    /* METHOD SP request-target SP HTTP/1.x */
    const char *sp1 = memchr(head, ' ', (size_t)(line_end - head));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
    bool has_host = false;
    if (!sp1 || !sp2 || sp1 == head || sp2 == sp1 + 1 || line_end - sp2 != 9 || memcmp(sp2 + 1, "HTTP/1.", 7) ||
        (sp2[8] != '0' && sp2[8] != '1') || !headers_ok(eol < end ? eol + 1 : end, end, &has_host) ||
        (sp2[8] == '1' && !has_host)) {
        reply(out, false, 400, "Bad Request", "text/plain; charset=utf-8", NULL, "400 Bad Request\n");
        return;
    }
    for (const char *c = head; c < sp1; c++)
        if (!is_tchar(*c)) {
            reply(out, false, 400, "Bad Request", "text/plain; charset=utf-8", NULL, "400 Bad Request\n");
            return;
        }
    bool is_get = sp1 - head == 3 && !memcmp(head, "GET", 3);
    bool is_head = sp1 - head == 4 && !memcmp(head, "HEAD", 4);
    if (!is_get && !is_head) {
        reply(out, false, 405, "Method Not Allowed", "text/plain; charset=utf-8", "Allow: GET, HEAD\r\n",
              "405 Method Not Allowed\n");
        return;
    }
    const char *path = sp1 + 1;
    size_t plen = (size_t)(sp2 - path);
    if (plen > 7 && !memcmp(path, "http://", 7)) { /* absolute-form: skip scheme and authority */
        const char *slash = memchr(path + 7, '/', plen - 7);
        plen = slash ? plen - (size_t)(slash - path) : 1;
        path = slash ? slash : "/";
    }
    for (size_t i = 0; i < plen; i++)
        if (path[i] == '?' || path[i] == '#') {
            plen = i;
            break;
        }
    route(path, plen, is_head, md, out);
}
