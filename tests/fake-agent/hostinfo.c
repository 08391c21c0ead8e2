/* What the agent reports about its host: ecs.os-family and total resources.
 * On Windows the OS is read (RtlGetVersion + InstallationType, via ecsb/host.h);
 * POSIX has no Windows to read, so FAKE_AGENT_BUILD and
 * FAKE_AGENT_INSTALLATION_TYPE simulate one. */
#include <errno.h>
#include <stdlib.h>

#include "agent.h"
#include "ecsb/config/host.h"
#include "ecsb/config/osfamily.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

const char *fa_os_family(const struct fa_config *cfg)
{
#if defined(_WIN32)
    (void)cfg;
    struct ecsb_os_version v;
    struct ecsb_error err = {0};
    if (ecsb_host_os_version(&v, &err)) {
        fa_log("warn", "Unable to read the Windows version (%s); ecs.os-family is \"windows\"", err.message);
        return ecsb_os_family(0, NULL);
    }
    return ecsb_os_family(v.build, v.installation_type[0] ? v.installation_type : NULL);
#else
    unsigned long build = 0;
    if (cfg->sim_build) {
        char *end;
        errno = 0;
        build = strtoul(cfg->sim_build, &end, 10);
        if (errno || *end || build > 0xFFFFFFFFul) {
            fa_log("warn", "FAKE_AGENT_BUILD=%s is not a build number; simulating an unknown build", cfg->sim_build);
            build = 0;
        }
    }
    return ecsb_os_family((unsigned)build, cfg->sim_installation_type);
#endif
}

void fa_host_resources(long long *cpu_units, long long *memory_mib)
{
#if defined(_WIN32)
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    *cpu_units = (long long)si.dwNumberOfProcessors * 1024;
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof ms;
    *memory_mib = GlobalMemoryStatusEx(&ms) ? (long long)(ms.ullTotalPhys / (1024 * 1024)) : 0;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    *cpu_units = (n > 0 ? n : 1) * 1024LL;
    *memory_mib = pages > 0 && page > 0 ? (long long)pages * page / (1024 * 1024) : 0;
#endif
}
