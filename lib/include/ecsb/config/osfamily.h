/* osfamily.h: the ecs.os-family attribute and the matching base-image tags,
 * as pure functions of the host build number and InstallationType, so they can
 * be tested on any platform and used by `plan` with flags instead of a host.
 * Parity: aws/amazon-ecs-agent agent/config/os_family_windows.go. */
#ifndef ECSB_OSFAMILY_H
#define ECSB_OSFAMILY_H

#define ECSB_OS_FAMILY_UNSUPPORTED "windows" /* what the agent reports for anything else */

struct ecsb_windows_release {
    unsigned build;          /* RtlGetVersion build number, e.g. 20348 */
    const char *release;     /* "2022" */
    const char *servercore;  /* mcr.microsoft.com/windows/servercore tag, e.g. "ltsc2022" */
    const char *nanoserver;  /* nanoserver tag; NULL when no supported tag exists (2016) */
    const char *family_full; /* "WINDOWS_SERVER_2022_FULL" */
    const char *family_core; /* "WINDOWS_SERVER_2022_CORE" */
};

/* The release row for a build, or NULL when the agent does not know the build. */
const struct ecsb_windows_release *ecsb_windows_release(unsigned build);

/* The ecs.os-family value: WINDOWS_SERVER_<release>_<FULL|CORE> for a known build
 * and installation type "Server" / "Server Core" (compared like the agent:
 * case-insensitively, surrounding spaces ignored); "windows" for anything else.
 * installation_type may be NULL (read failure). Returns a static string. */
const char *ecsb_os_family(unsigned build, const char *installation_type);

/* Base-image tags for a build; NULL when none. */
const char *ecsb_servercore_tag(unsigned build);
const char *ecsb_nanoserver_tag(unsigned build);

#endif
