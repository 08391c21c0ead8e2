/* input.c: the one way user data enters from a file or stdin (plan, run,
 * migrate-userdata). Refused by size before it is read: an endless stream costs
 * ECSB_USERDATA_MAX bytes, never more. */
#include "ecsb/userdata/userdata.h"

#include <stdio.h>
#include <string.h>

#include "ecsb/base/fs.h"

enum ecsb_status ecsb_userdata_read(const char *source, char **data, size_t *len, struct ecsb_error *err)
{
    bool from_stdin = !strcmp(source, "-");
    const char *name = from_stdin ? "stdin" : source;
    enum ecsb_status st;
    if (from_stdin) {
        ecsb_stdin_binary();
        st = ecsb_read_stream_limited(stdin, name, ECSB_USERDATA_MAX, data, len, err);
    } else {
        st = ecsb_fs_read_limited(source, ECSB_USERDATA_MAX, data, len, err);
    }
    if (st == ECSB_ERR_LIMIT)
        ecsb_error_set(err, st, "%.600s: user data larger than %u bytes, refused before reading the rest; move "
                       "settings into the baked INI file or gzip the user data", name, ECSB_USERDATA_MAX);
    return st;
}
