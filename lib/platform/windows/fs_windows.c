/* Windows half of fs.h: write a temp file, flush it, MoveFileEx(REPLACE_EXISTING |
 * WRITE_THROUGH) over the target. Paths are UTF-8 and converted to UTF-16. */
#include "ecsb/base/fs.h"

#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <wchar.h>

#include "ecsb/base/buf.h"
#include "win_util.h"

enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err)
{
    struct ecsb_buf tmp = ECSB_BUF_INIT;
    ecsb_buf_printf(&tmp, "%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
    wchar_t *wtmp = ecsb_utf8_to_wide(tmp.data), *wpath = ecsb_utf8_to_wide(path);
    enum ecsb_status st = ECSB_OK;
    HANDLE h = CreateFileW(wtmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create (error %lu)", tmp.data, GetLastError());
        goto out;
    }
    DWORD written = 0;
    BOOL ok = WriteFile(h, data, (DWORD)len, &written, NULL) && written == len && FlushFileBuffers(h);
    CloseHandle(h);
    if (!ok || !MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot write (error %lu)", path, GetLastError());
        DeleteFileW(wtmp);
    }
out:
    free(wtmp);
    free(wpath);
    ecsb_buf_free(&tmp);
    return st;
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
    char *copy = ecsb_xstrdup(path);
    for (char *p = copy; ; p++) {
        if ((*p == '/' || *p == '\\' || *p == '\0') && p > copy && p[-1] != ':') {
            char saved = *p;
            *p = '\0';
            wchar_t *w = ecsb_utf8_to_wide(copy);
            BOOL ok = CreateDirectoryW(w, NULL) || GetLastError() == ERROR_ALREADY_EXISTS;
            free(w);
            if (!ok) {
                ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create directory (error %lu)", copy, GetLastError());
                free(copy);
                return ECSB_ERR_IO;
            }
            *p = saved;
        }
        if (!*p)
            break;
    }
    free(copy);
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
