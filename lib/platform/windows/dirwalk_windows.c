/* Directory walk and sequential read-through, Windows: FindFirstFileW without
 * following reparse points; reads at low I/O priority (FILE_FLAG_SEQUENTIAL_SCAN and
 * the thread's background mode) so the warm-up yields to the tasks' own I/O. */
#include <windows.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/dirwalk.h"
#include "win_util.h"

static bool walk(const char *dir, bool (*fn)(void *, const char *, int64_t), void *ctx, int depth)
{
    struct ecsb_buf pattern = ECSB_BUF_INIT;
    ecsb_buf_printf(&pattern, "%s\\*", dir);
    wchar_t *w = ecsb_utf8_to_wide(pattern.data);
    ecsb_buf_free(&pattern);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    if (h == INVALID_HANDLE_VALUE) return true;
    bool go = true;
    struct ecsb_buf path = ECSB_BUF_INIT;
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) continue;
        char *name = ecsb_wide_to_utf8(fd.cFileName);
        ecsb_buf_reset(&path);
        ecsb_buf_printf(&path, "%s\\%s", dir, name);
        free(name);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            if (depth < 64) go = walk(path.data, fn, ctx, depth + 1);
        } else {
            go = fn(ctx, path.data, (int64_t)fd.nFileSizeHigh << 32 | fd.nFileSizeLow);
        }
    } while (go && FindNextFileW(h, &fd));
    ecsb_buf_free(&path);
    FindClose(h);
    return go;
}

enum ecsb_status ecsb_dir_walk(const char *root, bool (*fn)(void *ctx, const char *path, int64_t size), void *ctx,
                               struct ecsb_error *err)
{
    wchar_t *w = ecsb_utf8_to_wide(root);
    DWORD attr = GetFileAttributesW(w);
    free(w);
    if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY))
        return ecsb_error_set(err, ECSB_ERR_IO, "%s: not a readable folder (Windows error %lu)", root,
                              (unsigned long)GetLastError());
    walk(root, fn, ctx, 0);
    return ECSB_OK;
}

enum ecsb_status ecsb_file_read_through(const char *path, size_t chunk, bool (*stop)(void *ctx), void *ctx,
                                        int64_t *bytes, struct ecsb_error *err)
{
    *bytes = 0;
    wchar_t *w = ecsb_utf8_to_wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_SEQUENTIAL_SCAN | FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot open (Windows error %lu)", path, (unsigned long)GetLastError());
    SetThreadPriority(GetCurrentThread(), THREAD_MODE_BACKGROUND_BEGIN);
    char *buf = ecsb_xmalloc(chunk);
    enum ecsb_status st = ECSB_OK;
    for (;;) {
        if (stop && stop(ctx)) break;
        DWORD n = 0;
        if (!ReadFile(h, buf, (DWORD)chunk, &n, NULL)) {
            st = ecsb_error_set(err, ECSB_ERR_IO, "%s: read failed (Windows error %lu)", path,
                                (unsigned long)GetLastError());
            break;
        }
        if (n == 0) break;
        *bytes += n;
    }
    SetThreadPriority(GetCurrentThread(), THREAD_MODE_BACKGROUND_END);
    free(buf);
    CloseHandle(h);
    return st;
}
