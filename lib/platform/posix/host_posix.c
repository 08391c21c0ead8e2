/* POSIX half of host.h: there is no Windows build to read here (development hosts,
 * CI). The caller takes the facts from flags instead. */
#include "ecsb/config/host.h"

#include <string.h>

enum ecsb_status ecsb_host_os_version(struct ecsb_os_version *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED,
                          "the Windows build and installation type cannot be read on this platform; "
                          "pass --build <number> and --installation-type \"Server\"|\"Server Core\"");
}
