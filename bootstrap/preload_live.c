/* preload_live.c: the live preload display (see preload_live.h). */
#include "preload_live.h"

#include <stdlib.h>

#include "ecsb/docker/progress_view.h"

void preload_live_init(struct preload_live *l, FILE *out, const struct ecsb_masker *m,
                       const struct ecsb_clock *clock, int columns)
{
    *l = (struct preload_live){out, m, clock, columns, ecsb_clock_mono(clock), 0, ECSB_BUF_INIT, NULL};
    l->last_draw = l->started - PRELOAD_LIVE_EVERY_MS; /* the first update draws */
}

void preload_live_free(struct preload_live *l) { ecsb_buf_free(&l->frame); }

/* The rows the frame on screen takes at the terminal's width now: a terminal narrowed
 * since the frame was drawn re-wraps each longer line onto more rows (tmux, Windows
 * Terminal, VTE). Widths count UTF-8 characters; the frame has no escape sequences. */
static size_t frame_rows(const struct preload_live *l)
{
    size_t rows = 0, width = 0, cols = l->columns > 0 ? (size_t)l->columns : 80;
    for (size_t i = 0; i < l->frame.len; i++) {
        unsigned char c = (unsigned char)l->frame.data[i];
        if (c == '\n') {
            rows += width ? (width + cols - 1) / cols : 1;
            width = 0;
        } else if ((c & 0xC0) != 0x80) {
            width++;
        }
    }
    return rows;
}

/* Takes the terminal's width now, moves to the first row of the frame and clears from
 * there to the end of the screen: the next text starts where the frame started. */
static void erase(struct preload_live *l, struct ecsb_buf *b)
{
    int now = l->width ? l->width() : 0;
    if (now > 0) l->columns = now;
    size_t rows = frame_rows(l);
    if (rows) ecsb_buf_printf(b, "\r\033[%zuA\033[J", rows);
}

void preload_live_line(void *ctx, const char *line)
{
    struct preload_live *l = ctx;
    struct ecsb_buf b = ECSB_BUF_INIT;
    char *safe = ecsb_masker_apply(l->masker, line);
    erase(l, &b);
    ecsb_buf_printf(&b, "%s\n", safe);
    ecsb_buf_append(&b, l->frame.data ? l->frame.data : "", l->frame.len);
    fputs(ecsb_buf_cstr(&b), l->out);
    fflush(l->out);
    free(safe);
    ecsb_buf_free(&b);
}

void preload_live_update(void *ctx, const struct ecsb_preload_item *items, size_t n, bool final)
{
    struct preload_live *l = ctx;
    long long now = ecsb_clock_mono(l->clock);
    if (!final && now - l->last_draw < PRELOAD_LIVE_EVERY_MS) return;
    l->last_draw = now;
    struct ecsb_progress_row *rows = ecsb_xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = (struct ecsb_progress_row){items[i].ref, items[i].live.step, items[i].live.downloaded,
                                             items[i].live.download_total, items[i].live.extracted,
                                             items[i].live.extract_total};
    struct ecsb_buf b = ECSB_BUF_INIT;
    erase(l, &b);
    ecsb_buf_reset(&l->frame);
    ecsb_progress_render(rows, n, now - l->started, l->columns, &l->frame);
    ecsb_masker_apply_buf(l->masker, &l->frame);
    ecsb_buf_append(&b, l->frame.data, l->frame.len);
    fputs(ecsb_buf_cstr(&b), l->out);
    fflush(l->out);
    ecsb_buf_free(&b);
    free(rows);
}
