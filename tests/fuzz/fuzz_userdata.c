/* Fuzz target for the user data parser: any input either fails with a message
 * and leaves the settings empty, or parses; a parsed result rendered as INI must
 * parse again (as INI) to the same values for every key INI can carry. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/userdata/userdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_settings s, again;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "fuzz");
    if (ecsb_userdata_parse((const char *)data, size, &s, &err) != ECSB_OK) {
        if (s.count || s.n_ignored || s.n_warnings || !err.message[0])
            abort(); /* errors leave out unchanged and say why */
        ecsb_settings_free(&s);
        return 0;
    }
    struct ecsb_buf ini = ECSB_BUF_INIT;
    ecsb_settings_to_ini(&s, &ini);
    ecsb_settings_init(&again, "fuzz.ini");
    if (ecsb_userdata_parse(ini.data, ini.len, &again, &err) == ECSB_OK) {
        for (size_t i = 0; i < again.count; i++) {
            const struct ecsb_setting *orig = ecsb_settings_find(&s, again.items[i].section, again.items[i].key);
            if (!orig || strcmp(orig->value, again.items[i].value) != 0) {
                fprintf(stderr, "to_ini changed %s.%s\n", again.items[i].section, again.items[i].key);
                abort();
            }
        }
    }
    ecsb_settings_free(&again);
    ecsb_settings_free(&s);
    ecsb_buf_free(&ini);
    return 0;
}
