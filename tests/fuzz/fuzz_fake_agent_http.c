/* Fuzz target for the fake ECS agent's introspection request handler: whatever
 * bytes arrive, the answer is one well-formed HTTP/1.1 response whose
 * Content-Length matches its body (HEAD aside), and nothing crashes or leaks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fake-agent/http_respond.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fa_metadata md = {"default", "arn:aws:ecs:us-east-1:123456789012:container-instance/default/x"};
    struct ecsb_buf out = ECSB_BUF_INIT;
    fa_http_respond((const char *)data, size, size > 0 && data[0] == 'Z', &md, &out);
    if (out.len < 17 || memcmp(out.data, "HTTP/1.1 ", 9))
        abort();
    const char *sep = strstr(out.data, "\r\n\r\n");
    const char *cl = strstr(out.data, "Content-Length: ");
    if (!sep || !cl || cl > sep)
        abort();
    size_t body = out.len - (size_t)(sep + 4 - out.data);
    bool head = size >= 5 && !memcmp(data, "HEAD ", 5);
    if (body != (head && body == 0 ? body : strtoul(cl + 16, NULL, 10)))
        abort();
    ecsb_buf_free(&out);
    return 0;
}
