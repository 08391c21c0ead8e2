/* host.h: facts about the host this process runs on. Windows reads them from the
 * OS (RtlGetVersion, the registry); POSIX has no Windows build to read, so callers
 * there must take them from flags (ECSB_ERR_UNSUPPORTED). */
#ifndef ECSB_HOST_H
#define ECSB_HOST_H

#include <stdbool.h>

#include "ecsb/base/error.h"

struct ecsb_os_version {
    unsigned major, minor, build;     /* from RtlGetVersion, not the registry */
    char installation_type[64];       /* HKLM\...\CurrentVersion InstallationType, "" if absent */
};

enum ecsb_status ecsb_host_os_version(struct ecsb_os_version *out, struct ecsb_error *err);

#endif
