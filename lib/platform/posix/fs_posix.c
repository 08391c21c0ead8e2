/* POSIX half of fs.h: atomic replace with write-temp, fsync, rename, fsync of the
 * directory. Everything ecs-bootstrap writes may hold a secret (the env file and
 * the status file can carry ECS_ENGINE_AUTH_DATA), so files are 0600 and the
 * directories we create 0700. The temp file is made by mkstemp (O_EXCL, 0600):
 * a name a local user guessed and planted (or symlinked) is never opened. */
#include "ecsb/base/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecsb/base/buf.h"

/* dir and base name of path ("." when it has no '/'). */
static void split_path(const char *path, struct ecsb_buf *dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        ecsb_buf_puts(dir, ".");
    else if (slash == path)
        ecsb_buf_puts(dir, "/");
    else
        ecsb_buf_append(dir, path, (size_t)(slash - path));
}

/* A killed run leaves its temp file behind; the next write of the same target
 * removes it (both this version's ".<base>.tmp.*" and the older "<base>.tmp.<pid>"). */
static void remove_leftovers(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct ecsb_buf hidden = ECSB_BUF_INIT, old = ECSB_BUF_INIT;
    ecsb_buf_printf(&hidden, ".%s.tmp.", base);
    ecsb_buf_printf(&old, "%s.tmp.", base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, hidden.data, hidden.len) && strncmp(e->d_name, old.data, old.len))
            continue;
        struct ecsb_buf p = ECSB_BUF_INIT;
        ecsb_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p.data, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            unlink(p.data);
        ecsb_buf_free(&p);
    }
    closedir(d);
    ecsb_buf_free(&hidden);
    ecsb_buf_free(&old);
}

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The rename is durable only once the directory entry is on disk. */
static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err)
{
    struct ecsb_buf dir = ECSB_BUF_INIT, tmp = ECSB_BUF_INIT;
    const char *base;
    split_path(path, &dir, &base);
    remove_leftovers(dir.data, base);
    ecsb_buf_printf(&tmp, "%s/.%s.tmp.XXXXXX", dir.data, base);
    enum ecsb_status st = ECSB_OK;
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot create a temp file beside it: %s", path, strerror(errno));
        goto out;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    bool ok = fchmod(fd, 0600) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp.data, path) != 0) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp.data);
        goto out;
    }
    fsync_dir(dir.data);
out:
    ecsb_buf_free(&dir);
    ecsb_buf_free(&tmp);
    return st;
}

FILE *ecsb_fs_open_private_append(const char *path, struct ecsb_error *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: cannot open for appending: %s", path,
                       fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if ((st.st_mode & 077) != 0)
        fchmod(fd, 0600); /* a log an older version left readable by everyone */
    FILE *f = fdopen(fd, "ab");
    if (!f) {
        ecsb_error_set(err, ECSB_ERR_IO, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
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
            if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
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

bool ecsb_fs_access_of(const char *path, char *out, size_t cap)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    snprintf(out, cap, "%04o", (unsigned)(st.st_mode & 07777));
    return true;
}

const char *ecsb_fs_private_access(bool dir)
{
    return dir ? "0700" : "0600";
}

bool ecsb_fs_private_built(bool dir, char *out, size_t cap)
{
    snprintf(out, cap, "%s", ecsb_fs_private_access(dir)); /* the mode passed to mkdir/fchmod */
    return true;
}

char *ecsb_fs_home_path(ecsb_getenv_fn env, const char *rel)
{
    const char *home = ecsb_env(env, "HOME");
    if (!home)
        return NULL;
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s/%s", home, rel);
    return ecsb_buf_detach(&b);
}
