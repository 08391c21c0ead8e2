#include "ecsb/config/osfamily.h"

#include <stddef.h>
#include <string.h>

#include "ecsb/base/strutil.h"

/* One row per Windows Server build the agent recognises (reference: windows-ecs-host.md). */
static const struct ecsb_windows_release releases[] = {
    {14393, "2016", "ltsc2016", NULL, "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2016_CORE"},
    {17763, "2019", "ltsc2019", "1809", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE"},
    {19041, "2004", "2004", "2004", "WINDOWS_SERVER_2004_FULL", "WINDOWS_SERVER_2004_CORE"},
    {19042, "20H2", "20H2", "20H2", "WINDOWS_SERVER_20H2_FULL", "WINDOWS_SERVER_20H2_CORE"},
    {20348, "2022", "ltsc2022", "ltsc2022", "WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2022_CORE"},
    {26100, "2025", "ltsc2025", "ltsc2025", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_2025_CORE"},
};

const struct ecsb_windows_release *ecsb_windows_release(unsigned build)
{
    for (size_t i = 0; i < sizeof releases / sizeof releases[0]; i++)
        if (releases[i].build == build)
            return &releases[i];
    return NULL;
}

/* Case-insensitive compare of a trimmed view of `s` with `want`. */
static int trimmed_caseeq(const char *s, const char *want)
{
    while (ecsb_is_space((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && ecsb_is_space((unsigned char)s[n - 1]))
        n--;
    return n == strlen(want) && ecsb_strncaseeq(s, want, n);
}

const char *ecsb_os_family(unsigned build, const char *installation_type)
{
    const struct ecsb_windows_release *r = ecsb_windows_release(build);
    if (!r || !installation_type)
        return ECSB_OS_FAMILY_UNSUPPORTED;
    if (trimmed_caseeq(installation_type, "Server"))
        return r->family_full;
    if (trimmed_caseeq(installation_type, "Server Core"))
        return r->family_core;
    return ECSB_OS_FAMILY_UNSUPPORTED; /* Nano Server, Client, anything else */
}

const char *ecsb_servercore_tag(unsigned build)
{
    const struct ecsb_windows_release *r = ecsb_windows_release(build);
    return r ? r->servercore : NULL;
}

const char *ecsb_nanoserver_tag(unsigned build)
{
    const struct ecsb_windows_release *r = ecsb_windows_release(build);
    return r ? r->nanoserver : NULL;
}
