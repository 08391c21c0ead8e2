/* POSIX half of fs.h: atomic replace with write-temp, fsync, rename. */
#include "ecsb/base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecsb/base/buf.h"

enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err)
{
    struct ecsb_buf tmp = ECSB_BUF_INIT;
    ecsb_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create: %s", tmp.data, strerror(errno));
        ecsb_buf_free(&tmp);
        return ECSB_ERR_IO;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    int ok = left == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp.data, path) != 0) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp.data);
        ecsb_buf_free(&tmp);
        return ECSB_ERR_IO;
    }
    ecsb_buf_free(&tmp);
    return ECSB_OK;
}

bool ecsb_fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

enum ecsb_status ecsb_fs_mkdirs(const char *path, struct ecsb_error *err)
{
    char *copy = ecsb_xstrdup(path);
    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
                ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create directory: %s", copy, strerror(errno));
                free(copy);
                return ECSB_ERR_IO;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    free(copy);
    return ECSB_OK;
}

void ecsb_stdin_binary(void)
{
    /* POSIX streams carry bytes unchanged: nothing to switch. */
}

bool ecsb_fs_stream_size(FILE *f, unsigned long long *size)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    *size = (unsigned long long)st.st_size;
    return true;
}
