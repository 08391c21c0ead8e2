/* Log line format (ECSTools-compatible) and secret masking. */
#include "check.h"

#include <string.h>

#include "ecsb/base/fs.h"
#include "ecsb/base/log.h"
#include "ecsb/base/mask.h"

static time_t fixed_clock(time_t *t)
{
    time_t v = 1706702400; /* 2024-01-31T12:00:00Z */
    if (t)
        *t = v;
    return v;
}

/* Runs body(log, arg) with a log writing to a file, and returns what the file holds. */
static char *log_to_file(void (*body)(struct ecsb_log *, const void *), const void *arg)
{
    const char *path = "build/test_log.out";
    remove(path);
    struct ecsb_log log;
    ecsb_log_init(&log, NULL);
    log.now = fixed_clock;
    if (ecsb_log_open_file(&log, path) != 0)
        return NULL;
    body(&log, arg);
    ecsb_log_close(&log);
    char *data = NULL;
    struct ecsb_error err;
    ecsb_fs_read(path, &data, NULL, &err);
    remove(path);
    return data;
}

static void write_info(struct ecsb_log *log, const void *unused)
{
    (void)unused;
    ecsb_log(log, ECSB_LOG_INFO, "Cluster %s", "prod");
    ecsb_log(log, ECSB_LOG_DEBUG, "hidden");
    ecsb_log(log, ECSB_LOG_ERROR, "failed");
}

/* The Event Log sink, recorded. */
static char events[1024];
static int record_event(const char *source, enum ecsb_log_level level, unsigned id, const char *message)
{
    snprintf(events + strlen(events), sizeof events - strlen(events), "%s|%d|%u|%s\n", source, (int)level, id,
             message);
    return 0;
}

static void write_result(struct ecsb_log *log, const void *unused)
{
    (void)unused;
    log->event = record_event;
    ecsb_log_result(log, false, "failed with exit code %d", 4);
    ecsb_log_result(log, true, "done");
}

TEST(lines_use_ecstools_format_and_level_filter)
{
    char *out = log_to_file(write_info, NULL);
    CHECK_STR_EQ(out, "2024-01-31T12:00:00Z - [INFO]:Cluster prod\n"
                      "2024-01-31T12:00:00Z - [ERROR]:failed\n");
    free(out);
}

/* One warning line logged with one secret registered. */
struct masked_line {
    const char *secret, *line;
};
static void write_masked(struct ecsb_log *log, const void *arg)
{
    const struct masked_line *ml = arg;
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    log->masker = &m;
    ecsb_masker_add(&m, ml->secret);
    ecsb_log(log, ECSB_LOG_WARN, "%s", ml->line);
    log->masker = NULL;
    ecsb_masker_free(&m);
}

TEST(registered_secrets_are_masked)
{
    struct masked_line ml = {"wJalrXUtnFEMI/K7MDENG", "key=wJalrXUtnFEMI/K7MDENG twice wJalrXUtnFEMI/K7MDENG"};
    char *out = log_to_file(write_masked, &ml);
    CHECK(out && !strstr(out, "wJalrXUtnFEMI"));
    CHECK_CONTAINS(out, "[WARN]:key=<redacted> twice <redacted>");
    free(out);
}

TEST(a_secret_made_of_stars_does_not_hang)
{
    struct masked_line ml = {"****", "a **** b"};
    char *out = log_to_file(write_masked, &ml);
    CHECK_CONTAINS(out, "[WARN]:a <redacted> b");
    free(out);
}

TEST(errors_and_the_result_become_events_masked)
{
    events[0] = '\0';
    struct ecsb_log log;
    ecsb_log_init(&log, NULL);
    log.now = fixed_clock;
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, "wJalrXUtnFEMI/K7MDENG");
    log.masker = &m;
    log.event = record_event;
    ecsb_log(&log, ECSB_LOG_ERROR, "no source yet"); /* event_source unset: no event */
    log.event_source = "ecs-bootstrap";
    ecsb_log(&log, ECSB_LOG_INFO, "an info line");
    ecsb_log(&log, ECSB_LOG_WARN, "a warning");
    ecsb_log(&log, ECSB_LOG_ERROR, "bad key wJalrXUtnFEMI/K7MDENG");
    ecsb_log_result(&log, false, "failed with exit code %d: %s", 5, "agent died");
    ecsb_log_result(&log, true, "done: %s", "arn");
    ecsb_masker_free(&m);
    CHECK_STR_EQ(events, "ecs-bootstrap|3|1|bad key " ECSB_MASK_TEXT "\n"
                         "ecs-bootstrap|3|101|failed with exit code 5: agent died\n"
                         "ecs-bootstrap|1|100|done: arn\n");
}

TEST(result_lines_use_the_log_format)
{
    events[0] = '\0';
    char *out = log_to_file(write_result, NULL);
    CHECK_STR_EQ(out, "2024-01-31T12:00:00Z - [ERROR]:failed with exit code 4\n"
                      "2024-01-31T12:00:00Z - [INFO]:done\n");
    free(out);
    CHECK_STR_EQ(events, ""); /* no source: no event */
}

TEST(the_event_log_seam_answers_on_this_platform)
{
#ifdef _WIN32
    /* Wine and Windows accept an event under an unregistered source. */
    CHECK_INT_EQ(ecsb_eventlog_write("ecs-bootstrap-test", ECSB_LOG_ERROR, ECSB_EVENT_ERROR, "unit test event"), 0);
#else
    CHECK_INT_EQ(ecsb_eventlog_write("ecs-bootstrap-test", ECSB_LOG_ERROR, ECSB_EVENT_ERROR, "unit test event"), -1);
#endif
}

int main(void)
{
    RUN(errors_and_the_result_become_events_masked);
    RUN(result_lines_use_the_log_format);
    RUN(the_event_log_seam_answers_on_this_platform);
    RUN(lines_use_ecstools_format_and_level_filter);
    RUN(registered_secrets_are_masked);
    RUN(a_secret_made_of_stars_does_not_hang);
    return check_summary();
}
