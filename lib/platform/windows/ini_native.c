/* Windows backend of ecsb_ini_parse_string: our own reader (lib/config/ini_reader.c),
 * proven equal to inih by tests/unit/posix/test_ini_diff.c, since inih is not
 * packaged for the mingw-w64 build. */
#include "ecsb/config/ini.h"

int ecsb_ini_parse_string(const char *text, ecsb_ini_handler handler, void *user)
{
    return ecsb_ini_reader_parse_string(text, handler, user);
}
