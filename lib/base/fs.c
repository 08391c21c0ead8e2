/* Portable part of fs.h: reading. Writing is per platform (atomic rename differs). */
#include "ecsb/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"

static enum ecsb_status too_large(const char *name, size_t limit, struct ecsb_error *err)
{
    return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: larger than %lu bytes", name, (unsigned long)limit);
}

enum ecsb_status ecsb_read_stream_limited(FILE *f, const char *name, size_t limit, char **data, size_t *len,
                                          struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    char chunk[8192];
    size_t n;
    /* Ask for no more than limit + 1 bytes in all: one byte past the limit proves "too large". */
    while (b.len <= limit) {
        size_t want = limit + 1 - b.len < sizeof chunk ? limit + 1 - b.len : sizeof chunk;
        if ((n = fread(chunk, 1, want, f)) == 0)
            break;
        ecsb_buf_append(&b, chunk, n);
    }
    if (b.len > limit) {
        ecsb_buf_free(&b);
        return too_large(name, limit, err);
    }
    if (ferror(f)) {
        ecsb_buf_free(&b);
        return ecsb_error_set(err, ECSB_ERR_IO, "%s: read failed", name);
    }
    if (len)
        *len = b.len;
    *data = ecsb_buf_detach(&b);
    return ECSB_OK;
}

enum ecsb_status ecsb_fs_read_limited(const char *path, size_t limit, char **data, size_t *len,
                                      struct ecsb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ecsb_error_set(err, errno == ENOENT ? ECSB_ERR_NOT_FOUND : ECSB_ERR_IO,
                              "%s: cannot open: %s", path, strerror(errno));
    unsigned long long size = 0;
    enum ecsb_status st = ecsb_fs_stream_size(f, &size) && size > limit
                              ? too_large(path, limit, err)
                              : ecsb_read_stream_limited(f, path, limit, data, len, err);
    fclose(f);
    return st;
}

enum ecsb_status ecsb_fs_read(const char *path, char **data, size_t *len, struct ecsb_error *err)
{
    return ecsb_fs_read_limited(path, ECSB_FS_MAX_READ, data, len, err);
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
