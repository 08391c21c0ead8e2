/* preload_live.h: the live display of `ecs-bootstrap preload` on a terminal: one
 * line per image and a total line, redrawn in place (ANSI cursor movement) at most
 * every PRELOAD_LIVE_EVERY_MS; log lines are printed above it. The text itself
 * comes from ecsb_progress_render (lib/docker/progress_view.c). */
#ifndef ECSB_BOOTSTRAP_PRELOAD_LIVE_H
#define ECSB_BOOTSTRAP_PRELOAD_LIVE_H

#include <stdio.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/mask.h"
#include "ecsb/docker/preload.h"

#define PRELOAD_LIVE_EVERY_MS 200 /* ~5 redraws a second: smooth enough, cheap on a slow console */

struct preload_live {
    FILE *out;
    const struct ecsb_masker *masker;
    const struct ecsb_clock *clock;
    int columns;
    long long started, last_draw;
    struct ecsb_buf frame; /* the frame now on screen, masked (the cursor is below it) */
    int (*width)(void);    /* the terminal's width now (resizes), 0 unknown; NULL: columns stays */
};

void preload_live_init(struct preload_live *l, FILE *out, const struct ecsb_masker *m,
                       const struct ecsb_clock *clock, int columns);
void preload_live_free(struct preload_live *l);
/* The on_line and on_update hooks of ecsb_preload_opts (ctx = the preload_live). */
void preload_live_line(void *ctx, const char *line);
void preload_live_update(void *ctx, const struct ecsb_preload_item *items, size_t n, bool final);

#endif
