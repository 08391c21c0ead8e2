/* Fuzz target for the environment-file parser: no crash, and anything it accepts
 * renders back to text that parses to the same list (the round-trip contract). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/env_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_envfile f;
    struct ecsb_error err;
    if (ecsb_envfile_parse((const char *)data, size, "fuzz", &f, &err) != ECSB_OK)
        return 0;
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_envfile_render(&f, "h", &text);
    struct ecsb_envfile g;
    if (ecsb_envfile_parse(text.data, text.len, "render", &g, &err) != ECSB_OK)
        abort();
    if (g.count != f.count)
        abort();
    for (size_t i = 0; i < f.count; i++)
        if (strcmp(f.items[i].name, g.items[i].name) != 0 || strcmp(f.items[i].value, g.items[i].value) != 0)
            abort();
    ecsb_envfile_free(&f);
    ecsb_envfile_free(&g);
    ecsb_buf_free(&text);
    return 0;
}
