/* Portable part of fs.h: reading. Writing is per platform (atomic rename differs). */
#include "ecsb/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"

enum ecsb_status ecsb_fs_read(const char *path, char **data, size_t *len, struct ecsb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ecsb_error_set(err, errno == ENOENT ? ECSB_ERR_NOT_FOUND : ECSB_ERR_IO,
                              "%s: cannot open: %s", path, strerror(errno));
    struct ecsb_buf b = ECSB_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > ECSB_FS_MAX_READ) {
            fclose(f);
            ecsb_buf_free(&b);
            return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: larger than %u bytes", path, ECSB_FS_MAX_READ);
        }
        ecsb_buf_append(&b, chunk, n);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        ecsb_buf_free(&b);
        return ecsb_error_set(err, ECSB_ERR_IO, "%s: read failed", path);
    }
    if (len)
        *len = b.len;
    *data = ecsb_buf_detach(&b);
    return ECSB_OK;
}

enum ecsb_status ecsb_fs_mkparent(const char *path, struct ecsb_error *err)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');
    const char *sep = slash > backslash ? slash : backslash;
    if (!sep || sep == path || (sep == path + 2 && path[1] == ':'))
        return ECSB_OK; /* the current directory, "/", or a drive root */
    char *dir = ecsb_xstrndup(path, (size_t)(sep - path));
    enum ecsb_status st = ecsb_fs_mkdirs(dir, err);
    free(dir);
    return st;
}
