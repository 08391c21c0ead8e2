/* warm.h: the EBS warm-up of preloaded images. A volume restored from a snapshot
 * fetches each block on its first read; reading the images' layer files once, with
 * large sequential reads and several files in flight, moves that cost from the first
 * task to the boot. The layer folders come from GraphDriver.Data of the image inspect
 * (windowsfilter: the top layer's folder plus the parents in its layerchain.json).
 * Bounded in time; never an error for the caller's flow (the report says what ran). */
#ifndef ECSB_DOCKER_WARM_H
#define ECSB_DOCKER_WARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

struct ecsb_warm_opts {
    const char *docker_host;  /* NULL: DOCKER_HOST, else the platform default */
    long call_timeout_ms;
    long budget_ms;           /* stop reading after this long (0: 10 minutes) */
    int threads;              /* files in flight (1..16; 0: 4) */
    size_t chunk;             /* bytes per read (0: 1 MiB) */
    void (*on_line)(void *ctx, const char *line);
    void *ctx;
};

struct ecsb_warm_report {
    unsigned images, folders;
    uint64_t files, files_read;
    int64_t bytes_total, bytes_read;
    long long ms;
    bool complete;            /* every file was read before the budget ran out */
    unsigned errors;          /* files or images that could not be read */
};

enum ecsb_status ecsb_warm_run(const struct ecsb_warm_opts *o, const char *const *images, size_t n,
                               struct ecsb_warm_report *out, struct ecsb_error *err);
/* "warm: 3 images, 812 files, 5.2 GB read in 41.0 s (127 MB/s), complete" */
void ecsb_warm_summary(const struct ecsb_warm_report *r, struct ecsb_buf *out);

#endif
