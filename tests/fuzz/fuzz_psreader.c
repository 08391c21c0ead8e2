/* Fuzz target for the legacy PowerShell reader: no crash, no leak; an error
 * leaves the settings unchanged and carries "<origin>:<line>:<col>:"; every
 * setting has a position inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/userdata/psreader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_settings s;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "fuzz");
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (ecsb_psreader_parse((const char *)data, size, "fuzz", &s, &err) != ECSB_OK) {
        if (s.count || s.n_ignored || s.n_warnings || strncmp(err.message, "fuzz:", 5) != 0)
            abort();
    } else {
        for (size_t i = 0; i < s.count; i++)
            if (s.items[i].line < 1 || (size_t)s.items[i].line > lines || s.items[i].column < 1)
                abort();
    }
    ecsb_settings_free(&s);
    return 0;
}
