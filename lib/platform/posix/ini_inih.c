/* POSIX backend of ecsb_ini_parse_string: the packaged inih (libinih-dev). */
#include "ecsb/config/ini.h"

#include <ini.h>

int ecsb_ini_parse_string(const char *text, ecsb_ini_handler handler, void *user)
{
    /* ecsb_ini_handler and inih's ini_handler (INI_HANDLER_LINENO 0) have the same type. */
    return ini_parse_string(text, handler, user);
}
