/* Windows half of host.h. The build number comes from RtlGetVersion: GetVersionEx lies
 * to processes without a compatibility manifest, and the registry's CurrentBuild is
 * not what the agent uses (agent/config/os_family_windows.go). */
#include "ecsb/config/host.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "win_util.h"

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

static const wchar_t CURRENT_VERSION_KEY[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

enum ecsb_status ecsb_host_os_version(struct ecsb_os_version *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    rtl_get_version_fn fn = NULL;
    if (ntdll) /* cast through FARPROC: the documented way to type a GetProcAddress result */
        fn = (rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
    if (!fn)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "RtlGetVersion not found in ntdll.dll (error %lu); "
                              "pass --build/--installation-type", GetLastError());
    OSVERSIONINFOW vi;
    memset(&vi, 0, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    LONG status = fn(&vi);
    if (status != 0)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "RtlGetVersion failed (NTSTATUS 0x%08lx); "
                              "pass --build/--installation-type", (unsigned long)status);
    out->major = vi.dwMajorVersion;
    out->minor = vi.dwMinorVersion;
    out->build = vi.dwBuildNumber;

    /* InstallationType is absent on client SKUs and on a fresh Wine prefix: "" then. */
    wchar_t buf[64];
    DWORD size = sizeof buf;
    LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, CURRENT_VERSION_KEY, L"InstallationType", RRF_RT_REG_SZ, NULL,
                              buf, &size);
    if (rc == ERROR_SUCCESS) {
        char *u = ecsb_wide_to_utf8(buf);
        strncpy(out->installation_type, u, sizeof out->installation_type - 1);
        free(u);
    } else if (rc != ERROR_FILE_NOT_FOUND) {
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
                              "\\InstallationType: RegGetValueW failed (error %ld); pass --installation-type",
                              (long)rc);
    }
    return ECSB_OK;
}
