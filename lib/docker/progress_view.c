/* progress_view.c: the live preload display, state -> text (see ecsb/docker/progress_view.h). */
#include "ecsb/docker/progress_view.h"

#include <string.h>

#include "ecsb/base/bytes.h"

#define NAME_MAX_COLS 40
#define BAR_COLS 22

/* done/total as a fraction in [0, 1]; -1 when the total is unknown. */
static double fraction(int64_t done, int64_t total)
{
    if (total <= 0) return -1;
    if (done <= 0) return 0;
    return done >= total ? 1.0 : (double)done / (double)total;
}

void ecsb_progress_bar(int64_t done, int64_t total, int width, struct ecsb_buf *out)
{
    int inner = width - 2;
    if (inner < 1) return;
    double f = fraction(done, total);
    int full = f < 0 ? 0 : (int)(f * inner);
    ecsb_buf_putc(out, '[');
    for (int i = 0; i < inner; i++) ecsb_buf_putc(out, f < 0 ? '?' : i < full ? '#' : '.');
    ecsb_buf_putc(out, ']');
}

void ecsb_progress_eta(long long s, struct ecsb_buf *out)
{
    if (s < 0 || s > 99LL * 3600) ecsb_buf_puts(out, "--:--");
    else if (s >= 3600) ecsb_buf_printf(out, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else ecsb_buf_printf(out, "%lld:%02lld", s / 60, s % 60);
}

static int64_t nonneg(int64_t v) { return v < 0 ? 0 : v; }

/* The percentage text of done/total: "  ?%" when unknown, never above 100. */
static void percent(int64_t done, int64_t total, struct ecsb_buf *out)
{
    double f = fraction(done, total);
    if (f < 0) ecsb_buf_puts(out, "  ?%");
    else ecsb_buf_printf(out, "%3d%%", (int)(f * 100));
}

/* Cuts the line started at `start` to at most width-1 characters and ends it. */
static void end_line(struct ecsb_buf *out, size_t start, int width)
{
    size_t max = width > 1 ? (size_t)width - 1 : 0;
    if (out->len - start > max) {
        out->len = start + max;
        out->data[out->len] = '\0';
    }
    ecsb_buf_putc(out, '\n');
}

/* The name in a column of cols characters: a long one keeps its end (the tag). */
static void name_column(const char *ref, int cols, struct ecsb_buf *out)
{
    size_t len = strlen(ref);
    if (len > (size_t)cols && cols > 3) ecsb_buf_printf(out, "...%s", ref + len - (size_t)(cols - 3));
    else ecsb_buf_printf(out, "%-*s", cols, ref);
}

static void row_line(const struct ecsb_progress_row *r, int name_cols, int width, struct ecsb_buf *out)
{
    size_t start = out->len;
    int64_t dl = nonneg(r->downloaded), dt = nonneg(r->download_total);
    int64_t ex = nonneg(r->extracted), et = nonneg(r->extract_total);
    int64_t done = ecsb_bytes_add(dl, ex), total = ecsb_bytes_add(dt, et);
    name_column(r->ref ? r->ref : "?", name_cols, out);
    ecsb_buf_printf(out, "  %-11s ", r->step ? r->step : "");
    ecsb_progress_bar(done, total, BAR_COLS, out);
    ecsb_buf_putc(out, ' ');
    percent(done, total, out);
    ecsb_buf_printf(out, "  %.1f/%.1f MB, extracted %.1f MB", dl / 1e6, dt / 1e6, ex / 1e6);
    end_line(out, start, width);
}

static void total_line(const struct ecsb_progress_row *rows, size_t n, long long elapsed_ms, int name_cols,
                       int width, struct ecsb_buf *out)
{
    int64_t dl = 0, dt = 0, ex = 0, et = 0;
    for (size_t i = 0; i < n; i++) {
        dl = ecsb_bytes_add(dl, nonneg(rows[i].downloaded));
        dt = ecsb_bytes_add(dt, nonneg(rows[i].download_total));
        ex = ecsb_bytes_add(ex, nonneg(rows[i].extracted));
        et = ecsb_bytes_add(et, nonneg(rows[i].extract_total));
    }
    if (dl > dt && dt > 0) dl = dt;
    if (ex > et && et > 0) ex = et;
    int64_t done = ecsb_bytes_add(dl, ex), total = ecsb_bytes_add(dt, et);
    size_t start = out->len;
    name_column("total", name_cols, out);
    ecsb_buf_printf(out, "  %-11s ", "");
    ecsb_progress_bar(done, total, BAR_COLS, out);
    ecsb_buf_putc(out, ' ');
    percent(done, total, out);
    double secs = elapsed_ms > 0 ? elapsed_ms / 1000.0 : 0;
    double rate = secs > 0 ? (double)done / secs : 0; /* bytes/s since the start */
    long long eta = rate > 0 && total > 0 ? (long long)((double)(total - done) / rate + 0.5) : -1;
    /* ETA and rate first: on a narrow terminal the cut takes the byte counts, not them. */
    ecsb_buf_puts(out, "  ETA ");
    ecsb_progress_eta(eta, out);
    ecsb_buf_printf(out, ", %.1f MB/s, %.1f/%.1f MB, extracted %.1f MB", secs > 0 ? (double)dl / secs / 1e6 : 0.0,
                    dl / 1e6, dt / 1e6, ex / 1e6);
    end_line(out, start, width);
}

void ecsb_progress_render(const struct ecsb_progress_row *rows, size_t n, long long elapsed_ms, int width,
                          struct ecsb_buf *out)
{
    int name_cols = 5;
    for (size_t i = 0; i < n; i++) {
        size_t len = rows[i].ref ? strlen(rows[i].ref) : 1;
        if (len > (size_t)name_cols) name_cols = len > NAME_MAX_COLS ? NAME_MAX_COLS : (int)len;
    }
    for (size_t i = 0; i < n; i++) row_line(&rows[i], name_cols, width, out);
    total_line(rows, n, elapsed_ms, name_cols, width, out);
}
