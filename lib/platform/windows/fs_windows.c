/* Windows half of fs.h: write a temp file, flush it, MoveFileEx(REPLACE_EXISTING |
 * WRITE_THROUGH) over the target. Paths are UTF-8 and converted to UTF-16.
 *
 * Files inherit C:\\ProgramData's ACL by default (Users may read, and create files in
 * subfolders), so every file and directory we create gets an explicit protected DACL
 * at creation: SYSTEM and Administrators full control, nobody else. The temp file
 * is created with CREATE_NEW: a file a local user planted under the same name is
 * never opened (CREATE_ALWAYS would keep that user's owner and ACL). */
#include "ecsb/base/fs.h"

#include <windows.h>

#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "ecsb/base/buf.h"
#include "win_util.h"

/* Protected (P: no inheritance from the parent); directories pass the same
 * entries on to what is created inside them (OICI). */
#define SDDL_FILE "D:P(A;;FA;;;SY)(A;;FA;;;BA)"
#define SDDL_DIR "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

const char *ecsb_fs_private_access(bool dir)
{
    return dir ? SDDL_DIR : SDDL_FILE;
}

/* Security attributes carrying the private descriptor; free sa->lpSecurityDescriptor with LocalFree. */
static bool private_sa(bool dir, SECURITY_ATTRIBUTES *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->nLength = sizeof *sa;
    sa->bInheritHandle = FALSE;
    return ConvertStringSecurityDescriptorToSecurityDescriptorA(ecsb_fs_private_access(dir), SDDL_REVISION_1,
                                                                &sa->lpSecurityDescriptor, NULL) != 0;
}

bool ecsb_fs_private_built(bool dir, char *out, size_t cap)
{
    SECURITY_ATTRIBUTES sa;
    if (!private_sa(dir, &sa))
        return false;
    LPSTR text = NULL;
    BOOL ok = ConvertSecurityDescriptorToStringSecurityDescriptorA(sa.lpSecurityDescriptor, SDDL_REVISION_1,
                                                                   DACL_SECURITY_INFORMATION, &text, NULL);
    if (ok)
        snprintf(out, cap, "%s", text);
    LocalFree(text);
    LocalFree(sa.lpSecurityDescriptor);
    return ok != 0;
}

/* A killed run leaves "<path>.tmp.*" behind; the next write of the same target removes it. */
static void remove_leftovers(const char *path)
{
    struct ecsb_buf pat = ECSB_BUF_INIT, dir = ECSB_BUF_INIT;
    ecsb_buf_printf(&pat, "%s.tmp.*", path);
    const char *slash = strrchr(path, '\\'), *fslash = strrchr(path, '/');
    if (!slash || (fslash && fslash > slash))
        slash = fslash;
    if (slash)
        ecsb_buf_append(&dir, path, (size_t)(slash - path + 1));
    wchar_t *wpat = ecsb_utf8_to_wide(pat.data);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(wpat, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT))
                continue;
            char *name = ecsb_wide_to_utf8(fd.cFileName);
            struct ecsb_buf full = ECSB_BUF_INIT;
            ecsb_buf_printf(&full, "%s%s", ecsb_buf_cstr(&dir), name);
            wchar_t *wfull = ecsb_utf8_to_wide(full.data);
            DeleteFileW(wfull);
            free(wfull);
            free(name);
            ecsb_buf_free(&full);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    free(wpat);
    ecsb_buf_free(&pat);
    ecsb_buf_free(&dir);
}

/* A fresh temp file beside path, created exclusively with the private DACL. */
static HANDLE create_temp(const char *path, SECURITY_ATTRIBUTES *sa, struct ecsb_buf *tmp)
{
    for (unsigned attempt = 0; attempt < 16; attempt++) {
        ecsb_buf_reset(tmp);
        ecsb_buf_printf(tmp, "%s.tmp.%lu.%lu.%u", path, (unsigned long)GetCurrentProcessId(),
                        (unsigned long)GetTickCount(), attempt);
        wchar_t *w = ecsb_utf8_to_wide(tmp->data);
        HANDLE h = CreateFileW(w, GENERIC_WRITE, 0, sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        DWORD e = GetLastError();
        free(w);
        if (h != INVALID_HANDLE_VALUE || (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS))
            return h;
    }
    return INVALID_HANDLE_VALUE;
}

enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err)
{
    struct ecsb_buf tmp = ECSB_BUF_INIT;
    SECURITY_ATTRIBUTES sa;
    if (!private_sa(false, &sa))
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s: cannot build the security descriptor (error %lu)",
                              path, GetLastError());
    remove_leftovers(path);
    wchar_t *wtmp = NULL, *wpath = ecsb_utf8_to_wide(path);
    enum ecsb_status st = ECSB_OK;
    HANDLE h = create_temp(path, &sa, &tmp);
    if (h == INVALID_HANDLE_VALUE) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create a temp file beside it (error %lu)", path,
                            GetLastError());
        goto out;
    }
    wtmp = ecsb_utf8_to_wide(tmp.data);
    DWORD written = 0;
    BOOL ok = WriteFile(h, data, (DWORD)len, &written, NULL) && written == len && FlushFileBuffers(h);
    CloseHandle(h);
    if (!ok || !MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot write (error %lu)", path, GetLastError());
        DeleteFileW(wtmp);
    }
out:
    LocalFree(sa.lpSecurityDescriptor);
    free(wtmp);
    free(wpath);
    ecsb_buf_free(&tmp);
    return st;
}

FILE *ecsb_fs_open_private_append(const char *path, struct ecsb_error *err)
{
    SECURITY_ATTRIBUTES sa;
    if (!private_sa(false, &sa)) {
        ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s: cannot build the security descriptor", path);
        return NULL;
    }
    wchar_t *w = ecsb_utf8_to_wide(path);
    HANDLE h = CreateFileW(w, FILE_APPEND_DATA | WRITE_DAC | READ_CONTROL, FILE_SHARE_READ, &sa, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE && GetLastError() == ERROR_ALREADY_EXISTS) {
        /* a log an older version left with the inherited ACL */
        BOOL present = FALSE, defaulted = FALSE;
        PACL dacl = NULL;
        if (GetSecurityDescriptorDacl(sa.lpSecurityDescriptor, &present, &dacl, &defaulted) && present)
            SetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL,
                            NULL, dacl, NULL);
    }
    free(w);
    LocalFree(sa.lpSecurityDescriptor);
    if (h == INVALID_HANDLE_VALUE) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot open for appending (error %lu)", path, GetLastError());
        return NULL;
    }
    int fd = _open_osfhandle((intptr_t)h, _O_APPEND | _O_BINARY);
    FILE *f = fd >= 0 ? _fdopen(fd, "ab") : NULL;
    if (!f) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot open for appending", path);
        if (fd >= 0)
            _close(fd);
        else
            CloseHandle(h);
    }
    return f;
}

bool ecsb_fs_access_of(const char *path, char *out, size_t cap)
{
    wchar_t *w = ecsb_utf8_to_wide(path);
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD rc = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, NULL, NULL, &sd);
    free(w);
    if (rc != ERROR_SUCCESS)
        return false;
    LPSTR text = NULL;
    BOOL ok = ConvertSecurityDescriptorToStringSecurityDescriptorA(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                                   &text, NULL);
    if (ok)
        snprintf(out, cap, "%s", text);
    LocalFree(text);
    LocalFree(sd);
    return ok != 0;
}

bool ecsb_fs_exists(const char *path)
{
    wchar_t *w = ecsb_utf8_to_wide(path);
    DWORD attrs = GetFileAttributesW(w);
    free(w);
    return attrs != INVALID_FILE_ATTRIBUTES;
}

enum ecsb_status ecsb_fs_mkdirs(const char *path, struct ecsb_error *err)
{
    SECURITY_ATTRIBUTES sa; /* directories we create are private; existing ones are left as they are */
    bool have_sa = private_sa(true, &sa);
    char *copy = ecsb_xstrdup(path);
    for (char *p = copy; ; p++) {
        if ((*p == '/' || *p == '\\' || *p == '\0') && p > copy && p[-1] != ':') {
            char saved = *p;
            *p = '\0';
            wchar_t *w = ecsb_utf8_to_wide(copy);
            BOOL ok = CreateDirectoryW(w, have_sa ? &sa : NULL) || GetLastError() == ERROR_ALREADY_EXISTS;
            free(w);
            if (!ok) {
                ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create directory (error %lu)", copy, GetLastError());
                free(copy);
                if (have_sa)
                    LocalFree(sa.lpSecurityDescriptor);
                return ECSB_ERR_IO;
            }
            *p = saved;
        }
        if (!*p)
            break;
    }
    free(copy);
    if (have_sa)
        LocalFree(sa.lpSecurityDescriptor);
    return ECSB_OK;
}

void ecsb_stdin_binary(void)
{
    _setmode(_fileno(stdin), _O_BINARY); /* no CR LF -> LF, no end at ^Z: gzip must arrive unchanged */
}

bool ecsb_fs_stream_size(FILE *f, unsigned long long *size)
{
    struct _stat64 st;
    if (_fstat64(_fileno(f), &st) != 0 || (st.st_mode & _S_IFMT) != _S_IFREG)
        return false;
    *size = (unsigned long long)st.st_size;
    return true;
}

/* The SDKs look for %USERPROFILE%\.aws\...; HOME is not a Windows variable. */
char *ecsb_fs_home_path(ecsb_getenv_fn env, const char *rel)
{
    const char *home = ecsb_env(env, "USERPROFILE");
    if (!home)
        return NULL;
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s\\%s", home, rel);
    char *out = ecsb_buf_detach(&b);
    for (char *p = out + strlen(home); *p; p++)
        if (*p == '/')
            *p = '\\';
    return out;
}
