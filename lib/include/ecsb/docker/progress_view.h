/* progress_view.h: the live preload display as a pure function (state -> text),
 * so widths, unknown totals and overflow are unit-tested without a terminal.
 * bootstrap/preload_live.c owns the terminal side (when to redraw, the cursor). */
#ifndef ECSB_DOCKER_PROGRESS_VIEW_H
#define ECSB_DOCKER_PROGRESS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"

struct ecsb_progress_row {
    const char *ref;
    const char *step;                 /* "waiting", "downloading", ..., or a result word */
    int64_t downloaded, download_total; /* a total of 0 is unknown */
    int64_t extracted, extract_total;
};

/* A bar of exactly width cells ("[###....]" counts the brackets): done/total
 * clamped to 0..100 %; an unknown (<= 0) total draws "?" cells. */
void ecsb_progress_bar(int64_t done, int64_t total, int width, struct ecsb_buf *out);
/* "m:ss", "h:mm:ss", or "--:--" for unknown (negative) or absurd (> 99 h) values. */
void ecsb_progress_eta(long long seconds, struct ecsb_buf *out);
/* One line per row plus a total line (ETA, download rate since the start,
 * downloaded/total, extracted), each ending in "\n" and at most width-1 characters long so that no
 * line wraps (a wrapped line would break the cursor arithmetic of the redraw). */
void ecsb_progress_render(const struct ecsb_progress_row *rows, size_t n, long long elapsed_ms, int width,
                          struct ecsb_buf *out);

#endif
