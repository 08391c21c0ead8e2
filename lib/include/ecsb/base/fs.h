/* fs.h: the file operations the bootstrapper uses. Every write that changes a host
 * goes through ecsb_fs_write_atomic: write a temp file beside the target, flush,
 * then rename over it, so a crash leaves either the old or the new file. */
#ifndef ECSB_FS_H
#define ECSB_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/error.h"

#define ECSB_FS_MAX_READ (64u * 1024u * 1024u)

/* Reads a whole file (NUL-terminated; *len excludes the NUL). */
enum ecsb_status ecsb_fs_read(const char *path, char **data, size_t *len, struct ecsb_error *err);
enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err);
bool ecsb_fs_exists(const char *path);
/* Puts stdin in binary mode (Windows: no CRLF translation, no ^Z end), so gzip
 * user data arrives byte for byte. A no-op on POSIX. */
void ecsb_stdin_binary(void);
/* Creates a directory and its parents; fine if it exists. */
enum ecsb_status ecsb_fs_mkdirs(const char *path, struct ecsb_error *err);

#endif
