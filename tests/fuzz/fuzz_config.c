/* Fuzz target: INI text -> settings -> config -> plan (JSON and text). Must never
 * crash, leak or read out of bounds; errors must carry a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/config/config.h"
#include "ecsb/config/ini.h"
#include "ecsb/config/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    /* First byte picks the host build, so {ltsc} expansion and os-family vary too. */
    static const unsigned builds[] = {14393, 17763, 19041, 19042, 20348, 26100, 18363, 0};
    unsigned build = size ? builds[data[0] % 8] : 0;
    const char *itype = size && (data[0] & 8) ? "Server Core" : "Server";
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct ecsb_settings s;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "fuzz.ini");
    if (ecsb_settings_from_ini(text, &s, &err) == ECSB_OK) {
        const struct ecsb_settings *layers[] = {&s};
        struct ecsb_plan_input in = {layers, 1, build, itype, "us-east-1"};
        struct ecsb_plan plan;
        if (ecsb_plan_build(&in, &plan, &err) == ECSB_OK) {
            struct ecsb_buf out = ECSB_BUF_INIT;
            ecsb_plan_json(&plan, &out, 0);
            ecsb_plan_text(&plan, &out);
            ecsb_buf_free(&out);
            ecsb_plan_free(&plan);
        } else if (!err.message[0]) {
            abort(); /* every error explains itself */
        }
        /* The same items through --set assignments must not crash either. */
        struct ecsb_settings cli;
        ecsb_settings_init(&cli, "command line");
        for (size_t i = 0; i < s.count && i < 64; i++) {
            char arg[512];
            snprintf(arg, sizeof arg, "%s.%s=%s", s.items[i].section, s.items[i].key, s.items[i].value);
            ecsb_config_parse_assignment(arg, &cli, &err);
        }
        struct ecsb_config c;
        ecsb_config_init(&c);
        ecsb_config_apply(&c, &cli, &err);
        ecsb_config_free(&c);
        ecsb_settings_free(&cli);
    }
    ecsb_settings_free(&s);
    free(text);
    return 0;
}
