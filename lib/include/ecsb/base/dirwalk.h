/* dirwalk.h: visit every regular file under a directory, and read a file in large
 * sequential chunks (the EBS warm-up of preloaded image layers). One implementation
 * per platform: lib/platform/posix/dirwalk_posix.c (opendir), lib/platform/windows/
 * dirwalk_windows.c (FindFirstFileW; reads at low I/O priority). */
#ifndef ECSB_DIRWALK_H
#define ECSB_DIRWALK_H

#include <stdbool.h>
#include <stdint.h>

#include "ecsb/base/error.h"

/* Calls fn for each regular file below root (symbolic links and reparse points are
 * not followed); fn returns false to stop. ECSB_ERR_IO when root cannot be opened. */
enum ecsb_status ecsb_dir_walk(const char *root, bool (*fn)(void *ctx, const char *path, int64_t size), void *ctx,
                               struct ecsb_error *err);

/* Reads path once, start to end, chunk bytes at a time, discarding the data; stops
 * early when stop(ctx) turns true. *bytes gets what was read. */
enum ecsb_status ecsb_file_read_through(const char *path, size_t chunk, bool (*stop)(void *ctx), void *ctx,
                                        int64_t *bytes, struct ecsb_error *err);

#endif
