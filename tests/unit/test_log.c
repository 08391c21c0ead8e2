/* Log line format (ECSTools-compatible) and secret masking. */
#include "check.h"

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

static char *log_to_file(void (*body)(struct ecsb_log *))
{
    const char *path = "build/test_log.out";
    remove(path);
    struct ecsb_log log;
    ecsb_log_init(&log, NULL);
    log.now = fixed_clock;
    if (ecsb_log_open_file(&log, path) != 0)
        return NULL;
    body(&log);
    ecsb_log_close(&log);
    char *data = NULL;
    struct ecsb_error err;
    ecsb_fs_read(path, &data, NULL, &err);
    remove(path);
    return data;
}

static void write_info(struct ecsb_log *log)
{
    ecsb_log(log, ECSB_LOG_INFO, "Cluster %s", "prod");
    ecsb_log(log, ECSB_LOG_DEBUG, "hidden");
    ecsb_log(log, ECSB_LOG_ERROR, "failed");
}

TEST(lines_use_ecstools_format_and_level_filter)
{
    char *out = log_to_file(write_info);
    CHECK_STR_EQ(out, "2024-01-31T12:00:00Z - [INFO]:Cluster prod\n"
                      "2024-01-31T12:00:00Z - [ERROR]:failed\n");
    free(out);
}

static void write_secret(struct ecsb_log *log)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    log->masker = &m;
    ecsb_masker_add(&m, "wJalrXUtnFEMI/K7MDENG");
    ecsb_log(log, ECSB_LOG_WARN, "key=wJalrXUtnFEMI/K7MDENG twice wJalrXUtnFEMI/K7MDENG");
    log->masker = NULL;
    ecsb_masker_free(&m);
}

TEST(registered_secrets_are_masked)
{
    char *out = log_to_file(write_secret);
    CHECK(out && !strstr(out, "wJalrXUtnFEMI"));
    CHECK_CONTAINS(out, "[WARN]:key=<redacted> twice <redacted>");
    free(out);
}

static void write_star_secret(struct ecsb_log *log)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    log->masker = &m;
    ecsb_masker_add(&m, "****");
    ecsb_log(log, ECSB_LOG_WARN, "a **** b");
    log->masker = NULL;
    ecsb_masker_free(&m);
}

TEST(a_secret_made_of_stars_does_not_hang)
{
    char *out = log_to_file(write_star_secret);
    CHECK_CONTAINS(out, "[WARN]:a <redacted> b");
    free(out);
}

int main(void)
{
    RUN(lines_use_ecstools_format_and_level_filter);
    RUN(registered_secrets_are_masked);
    RUN(a_secret_made_of_stars_does_not_hang);
    return check_summary();
}
