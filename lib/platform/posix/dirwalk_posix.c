/* Directory walk and sequential read-through, POSIX. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/dirwalk.h"

static bool walk(const char *dir, bool (*fn)(void *, const char *, int64_t), void *ctx, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return true; /* an unreadable subfolder is skipped, not fatal */
    bool go = true;
    struct dirent *e;
    struct ecsb_buf path = ECSB_BUF_INIT;
    while (go && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        ecsb_buf_reset(&path);
        ecsb_buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path.data, &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && depth < 64) go = walk(path.data, fn, ctx, depth + 1);
        else if (S_ISREG(st.st_mode)) go = fn(ctx, path.data, (int64_t)st.st_size);
    }
    ecsb_buf_free(&path);
    closedir(d);
    return go;
}

enum ecsb_status ecsb_dir_walk(const char *root, bool (*fn)(void *ctx, const char *path, int64_t size), void *ctx,
                               struct ecsb_error *err)
{
    struct stat st;
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
        return ecsb_error_set(err, ECSB_ERR_IO, "%s: not a readable folder: %s", root, strerror(errno ? errno : ENOTDIR));
    walk(root, fn, ctx, 0);
    return ECSB_OK;
}

enum ecsb_status ecsb_file_read_through(const char *path, size_t chunk, bool (*stop)(void *ctx), void *ctx,
                                        int64_t *bytes, struct ecsb_error *err)
{
    *bytes = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ecsb_error_set(err, ECSB_ERR_IO, "%s: %s", path, strerror(errno));
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    char *buf = ecsb_xmalloc(chunk);
    enum ecsb_status st = ECSB_OK;
    for (;;) {
        if (stop && stop(ctx)) break;
        ssize_t n = read(fd, buf, chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { st = ecsb_error_set(err, ECSB_ERR_IO, "%s: %s", path, strerror(errno)); break; }
        if (n == 0) break;
        *bytes += n;
    }
    free(buf);
    close(fd);
    return st;
}
