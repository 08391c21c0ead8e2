/* test_progress_view.c: the live preload display: the pure renderer
 * (lib/docker/progress_view.c) and the terminal driver (bootstrap/preload_live.c). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ecsb/docker/progress_view.h"
#include "preload_live.h"

static char *bar(int64_t done, int64_t total, int width)
{
    static char text[128];
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_progress_bar(done, total, width, &b);
    snprintf(text, sizeof text, "%s", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return text;
}

static char *eta(long long s)
{
    static char text[32];
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_progress_eta(s, &b);
    snprintf(text, sizeof text, "%s", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return text;
}

/* The longest line of text and the number of lines. */
static size_t longest_line(const char *text, size_t *lines)
{
    size_t best = 0, cur = 0;
    *lines = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            (*lines)++;
            if (cur > best) best = cur;
            cur = 0;
        } else {
            cur++;
        }
    }
    return cur > best ? cur : best;
}

TEST(bar_clamps_and_keeps_its_width)
{
    CHECK_STR_EQ(bar(0, 100, 12), "[..........]");
    CHECK_STR_EQ(bar(50, 100, 12), "[#####.....]");
    CHECK_STR_EQ(bar(100, 100, 12), "[##########]");
    CHECK_STR_EQ(bar(250, 100, 12), "[##########]"); /* overflow: never beyond 100 % */
    CHECK_STR_EQ(bar(-5, 100, 12), "[..........]");  /* negative: never below 0 */
    CHECK_STR_EQ(bar(10, 0, 6), "[????]");           /* total unknown */
    CHECK_STR_EQ(bar(10, -1, 6), "[????]");
    CHECK_STR_EQ(bar(INT64_MAX, INT64_MAX - 1, 4), "[##]"); /* no overflow in the arithmetic */
    CHECK_STR_EQ(bar(1, 2, 2), "");                  /* no room: nothing, not a broken bar */
}

TEST(eta_formats)
{
    CHECK_STR_EQ(eta(0), "0:00");
    CHECK_STR_EQ(eta(65), "1:05");
    CHECK_STR_EQ(eta(3599), "59:59");
    CHECK_STR_EQ(eta(3600), "1:00:00");
    CHECK_STR_EQ(eta(3723), "1:02:03");
    CHECK_STR_EQ(eta(-1), "--:--");
    CHECK_STR_EQ(eta(100LL * 3600), "--:--");
}

TEST(render_one_line_per_image_and_a_total)
{
    struct ecsb_progress_row rows[] = {
        {"mcr.microsoft.com/windows/servercore:ltsc2022", "downloading", 500000000, 1000000000, 0, 1000000000},
        {"alpine:3", "waiting", 0, 0, 0, 0},
    };
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_progress_render(rows, 2, 10000, 200, &b);
    const char *t = ecsb_buf_cstr(&b);
    size_t lines;
    longest_line(t, &lines);
    CHECK_INT_EQ(lines, 3);
    CHECK_CONTAINS(t, "servercore:ltsc2022  downloading [#####...............]  25%  500.0/1000.0 MB, extracted 0.0 MB");
    CHECK_CONTAINS(t, "alpine:3");
    CHECK_CONTAINS(t, "[????????????????????]   ?%"); /* the unknown total of alpine */
    CHECK_CONTAINS(t, "\ntotal ");
    CHECK_CONTAINS(t, "  25%  ETA 0:30, 50.0 MB/s, 500.0/1000.0 MB, extracted 0.0 MB");
    CHECK(strchr(t, '\033') == NULL); /* the cursor is the driver's business */
    ecsb_buf_free(&b);
}

TEST(render_never_wraps)
{
    struct ecsb_progress_row rows[] = {
        {"registry.example.com:5000/a/very/long/repository/path/for/an/image:with-a-long-tag", "extracting",
         3, 4, 1, 4},
    };
    for (int width = 1; width <= 130; width += 7) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_progress_render(rows, 1, 1000, width, &b);
        size_t lines;
        size_t longest = longest_line(ecsb_buf_cstr(&b), &lines);
        CHECK(longest <= (size_t)(width > 1 ? width - 1 : 0));
        CHECK_INT_EQ(lines, 2);
        ecsb_buf_free(&b);
    }
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_progress_render(rows, 1, 1000, 200, &b);
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "...");            /* a long name keeps its end */
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "with-a-long-tag  extracting");
    ecsb_buf_free(&b);
}

TEST(render_zero_totals_and_overflow)
{
    struct ecsb_progress_row zero[] = {{"a:1", "waiting", 0, 0, 0, 0}};
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_progress_render(zero, 1, 0, 120, &b); /* no time elapsed: no division by zero */
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "ETA --:--, 0.0 MB/s");
    ecsb_buf_reset(&b);
    struct ecsb_progress_row over[] = {{"a:1", "downloading", 300, 100, -7, 100}};
    ecsb_progress_render(over, 1, 1000, 120, &b);
    CHECK(strstr(ecsb_buf_cstr(&b), "101%") == NULL);
    CHECK_CONTAINS(ecsb_buf_cstr(&b), " 50%"); /* download capped at 100 %, extraction at 0 */
    ecsb_buf_reset(&b);
    /* the largest counts a pull stream can report (its sums saturate): no overflow here either */
    struct ecsb_progress_row huge[] = {{"a:1", "downloading", INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX},
                                       {"b:1", "extracting", INT64_MAX, INT64_MAX, 5, 9}};
    ecsb_progress_render(huge, 2, 1000, 200, &b);
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "a:1    downloading [####################] 100%");
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "total  ");
    ecsb_buf_reset(&b);
    ecsb_progress_render(NULL, 0, 1000, 120, &b); /* no images: the total line alone */
    CHECK_CONTAINS(ecsb_buf_cstr(&b), "total");
    ecsb_buf_free(&b);
}

static long long fake_now;
static long long fake_mono(void *ctx) { (void)ctx; return fake_now; }

TEST(live_redraws_in_place_and_throttles)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    struct ecsb_clock clock = {fake_mono, NULL, NULL, NULL};
    struct ecsb_preload_item items[2] = {{.ref = "a:1"}, {.ref = "b:2"}};
    items[0].live.step = "pulling";
    items[1].live.step = "waiting";
    struct preload_live l;
    fake_now = 1000;
    preload_live_init(&l, f, NULL, &clock, 100);
    preload_live_update(&l, items, 2, false);  /* drawn: 3 lines */
    fake_now += 50;
    items[0].live.step = "downloading";
    preload_live_update(&l, items, 2, false);  /* too soon: not drawn */
    preload_live_line(&l, "preload: b:2: present"); /* above the frame, the frame again below */
    fake_now += 10;
    preload_live_update(&l, items, 2, true);   /* the last frame is always drawn */
    preload_live_free(&l);
    char text[4096] = {0};
    rewind(f);
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    CHECK(got > 0);
    CHECK(strncmp(text, "a:1", 3) == 0);       /* the first frame starts without moving the cursor */
    CHECK_CONTAINS(text, "\r\033[3A\033[Jpreload: b:2: present\na:1");
    size_t frames = 0;
    for (const char *p = text; (p = strstr(p, "\ntotal")); p++) frames++;
    CHECK_INT_EQ(frames, 3);                   /* first, under the line, final: not the throttled one */
    CHECK_INT_EQ(text[got - 1], '\n');         /* ends below the display */
    CHECK_CONTAINS(strrchr(text, '\033'), "[Ja:1    downloading");
}

static int term_width = 100;
static int fake_width(void) { return term_width; }

TEST(live_erases_the_rows_a_narrowed_terminal_wrapped_the_frame_onto)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    struct ecsb_clock clock = {fake_mono, NULL, NULL, NULL};
    struct ecsb_preload_item items[1] = {{.ref = "registry.example/a/long-image-name:1"}};
    items[0].live.step = "downloading";
    items[0].live.downloaded = 5, items[0].live.download_total = 10;
    struct preload_live l;
    fake_now = 5000;
    term_width = 100;
    preload_live_init(&l, f, NULL, &clock, 80);
    l.width = fake_width;
    preload_live_update(&l, items, 1, false); /* drawn at 100 columns */
    CHECK_INT_EQ(l.columns, 100);
    /* what the terminal shows at 30 columns: each line of that frame on ceil(len/30) rows */
    size_t rows = 0;
    for (const char *p = l.frame.data; p && *p;) {
        size_t len = strcspn(p, "\n");
        rows += len ? (len + 29) / 30 : 1;
        p += len + (p[len] == '\n');
    }
    CHECK(rows > 2); /* the test means something: the lines do wrap at 30 */
    term_width = 30;
    preload_live_update(&l, items, 1, true);
    CHECK_INT_EQ(l.columns, 30);
    preload_live_free(&l);
    char text[8192] = {0}, want[32];
    rewind(f);
    CHECK(fread(text, 1, sizeof text - 1, f) > 0);
    fclose(f);
    snprintf(want, sizeof want, "\r\033[%zuA\033[J", rows);
    CHECK_CONTAINS(text, want);
    const char *last = strrchr(text, '\033'); /* the new frame fits the new width */
    for (const char *p = last ? strchr(last, 'J') + 1 : text; *p;) {
        size_t len = strcspn(p, "\n");
        CHECK(len < 30);
        p += len + (p[len] == '\n');
    }
}

int main(void)
{
    RUN(bar_clamps_and_keeps_its_width);
    RUN(eta_formats);
    RUN(render_one_line_per_image_and_a_total);
    RUN(render_never_wraps);
    RUN(render_zero_totals_and_overflow);
    RUN(live_redraws_in_place_and_throttles);
    RUN(live_erases_the_rows_a_narrowed_terminal_wrapped_the_frame_onto);
    return check_summary();
}
