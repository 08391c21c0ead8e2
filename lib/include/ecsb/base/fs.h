/* fs.h: the file operations the bootstrapper uses. Every write that changes a host
 * goes through ecsb_fs_write_atomic: write a temp file beside the target, flush,
 * then rename over it, so a crash leaves either the old or the new file.
 *
 * Everything we write may hold a secret, so files and the directories we create
 * are private: POSIX 0600/0700; Windows an explicit protected DACL (SYSTEM and
 * Administrators full control, nobody else) set at creation. Temp files are
 * created exclusively (mkstemp / CREATE_NEW), never opened when they exist. */
#ifndef ECSB_FS_H
#define ECSB_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"

#define ECSB_FS_MAX_READ (64u * 1024u * 1024u)

/* Reads a whole file (NUL-terminated; *len excludes the NUL), at most ECSB_FS_MAX_READ bytes. */
enum ecsb_status ecsb_fs_read(const char *path, char **data, size_t *len, struct ecsb_error *err);
/* The same with a caller's limit: a regular file larger than `limit` is refused by
 * its size before any byte is read; anything else (a pipe, a device) is read up to
 * limit + 1 bytes and refused then. ECSB_ERR_LIMIT names the path and the limit. */
enum ecsb_status ecsb_fs_read_limited(const char *path, size_t limit, char **data, size_t *len,
                                      struct ecsb_error *err);
/* Reads stream f (already open; `name` names it in messages, e.g. "stdin") to its end,
 * never more than limit + 1 bytes: more than `limit` is ECSB_ERR_LIMIT, so an endless
 * stream costs limit bytes of memory, not all of it. NUL-terminated like ecsb_fs_read. */
enum ecsb_status ecsb_read_stream_limited(FILE *f, const char *name, size_t limit, char **data, size_t *len,
                                          struct ecsb_error *err);
/* Platform seam. Puts stdin in binary mode, so gzip arrives byte for byte (Windows
 * would otherwise turn CR LF into LF and stop at ^Z); nothing to do on POSIX. */
void ecsb_stdin_binary(void);
/* Platform seam. True and *size when f is a regular file; false for pipes and devices. */
bool ecsb_fs_stream_size(FILE *f, unsigned long long *size);
/* Platform seam. "<home>/<rel>" with rel's '/' turned into the platform separator
 * (malloc'd), the home directory being HOME on POSIX and USERPROFILE on Windows as
 * env reports them (NULL env = getenv); NULL when that variable is unset. */
char *ecsb_fs_home_path(ecsb_getenv_fn env, const char *rel);
enum ecsb_status ecsb_fs_write_atomic(const char *path, const void *data, size_t len, struct ecsb_error *err);
bool ecsb_fs_exists(const char *path);
/* Creates a directory and its parents (private, see above); fine if it exists. */
enum ecsb_status ecsb_fs_mkdirs(const char *path, struct ecsb_error *err);
/* Creates the directory that will hold path (either separator); fine if it exists. */
enum ecsb_status ecsb_fs_mkparent(const char *path, struct ecsb_error *err);
/* Opens path for appending (binary), creating it private; refuses symlinks on
 * POSIX and makes an existing file private. NULL on failure (err set). */
FILE *ecsb_fs_open_private_append(const char *path, struct ecsb_error *err);

/* Who may access path, as stored: POSIX the mode ("0600"), Windows the DACL as
 * SDDL ("D:P(A;;FA;;;SY)(A;;FA;;;BA)"). False when it cannot be read. */
bool ecsb_fs_access_of(const char *path, char *out, size_t cap);
/* The access ecs-bootstrap gives its files (dir false) and directories: POSIX
 * "0600"/"0700", Windows the SDDL it builds the security descriptor from. */
const char *ecsb_fs_private_access(bool dir);
/* The descriptor actually built for creation, rendered back the way
 * ecsb_fs_access_of renders what is stored (lets tests check the construction
 * where the platform does not store it: Wine keeps its own default DACL). */
bool ecsb_fs_private_built(bool dir, char *out, size_t cap);

#endif
