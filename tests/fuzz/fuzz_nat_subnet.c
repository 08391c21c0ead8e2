/* Fuzz target for the Docker nat subnet reader (credential_proxy.h): the input is either a
 * prefix ("172.24.16.0/20") or, when it starts with '{', a network as the Engine API
 * answers it. No crash for any input; a prefix that is accepted formats back to the same
 * text (the parser is strict: one spelling per prefix) and has no host bits; an error is
 * one printable line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/credential_proxy.h"
#include "ecsb/base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prefix(const struct ecsb_cp_prefix *p)
{
    if (p->length > 32 || (p->length < 32 && (p->addr & (0xFFFFFFFFu >> p->length))))
        abort();
}

static void check_error(const struct ecsb_error *err)
{
    for (const char *c = err->message; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct ecsb_cp_prefix p;
    struct ecsb_error err = {0};
    if (size && text[0] == '{') {
        struct ecsb_json *j = NULL;
        if (ecsb_json_parse(text, size, NULL, &j, &err) == ECSB_OK) {
            if (ecsb_cp_nat_subnet(j, &p, &err) == ECSB_OK)
                check_prefix(&p);
            else
                check_error(&err);
        }
        ecsb_json_free(j);
    } else if (ecsb_cp_prefix_parse(text, &p, &err) == ECSB_OK) {
        check_prefix(&p);
        char back[24];
        ecsb_cp_prefix_format(&p, back, sizeof back);
        if (strcmp(back, text) != 0) abort();
    } else {
        check_error(&err);
    }
    free(text);
    return 0;
}
