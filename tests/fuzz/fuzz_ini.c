/* Differential fuzz target: inih and our reader must make the same handler calls
 * (section, name, value, in order) and return the same value on any input; any
 * difference aborts. Also runs ecsb_settings_from_ini and ecsb_ini_locate on the
 * input, so their walks get the sanitizers too. Seeds: tests/fuzz/corpus/fuzz_ini/. */
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/config/ini.h"
#include "ecsb/config/settings.h"

static int record(void *user, const char *section, const char *name, const char *value)
{
    struct ecsb_buf *b = user;
    ecsb_buf_printf(b, "[%zu:%s] %zu:%s = ", strlen(section), section, strlen(name), name);
    if (value)
        ecsb_buf_printf(b, "%zu:%s\n", strlen(value), value);
    else
        ecsb_buf_puts(b, "(no value)\n");
    return strcmp(name, "stop") != 0; /* a refusing handler is part of the contract */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct ecsb_buf want = ECSB_BUF_INIT, got = ECSB_BUF_INIT;
    int rc_want = ini_parse_string(text, record, &want);
    int rc_got = ecsb_ini_reader_parse_string(text, record, &got);
    if (rc_want != rc_got || strcmp(ecsb_buf_cstr(&want), ecsb_buf_cstr(&got)) != 0) {
        fprintf(stderr, "mismatch: inih returned %d, ours %d\n--- inih\n%s--- ours\n%s", rc_want, rc_got,
                ecsb_buf_cstr(&want), ecsb_buf_cstr(&got));
        abort();
    }

    struct ecsb_settings s;
    struct ecsb_error err;
    ecsb_settings_init(&s, "fuzz");
    if (ecsb_settings_from_ini(text, &s, &err) == ECSB_OK) {
        for (size_t i = 0; i < s.count; i++) {
            int line = 0, column = 0;
            /* every setting read must be locatable, on a line of the input */
            if (ecsb_ini_locate(text, s.items[i].section, s.items[i].key, &line, &column) != 0 || line < 1 ||
                column < 1 || s.items[i].line < 1) {
                fprintf(stderr, "mismatch: setting %zu not located\n", i);
                abort();
            }
        }
    } else if (!err.message[0]) {
        fprintf(stderr, "mismatch: error without a message\n");
        abort();
    }
    ecsb_settings_free(&s);
    ecsb_buf_free(&want);
    ecsb_buf_free(&got);
    free(text);
    return 0;
}
