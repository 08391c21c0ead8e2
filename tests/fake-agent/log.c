/* Logging like the agent: to stderr, and to ECS_LOGFILE only when that is set. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent.h"

/* One log file per process, opened at start: a global keeps every call site
 * short, and the agent has exactly one log. */
static FILE *log_file;

void fa_log_open(const char *logfile)
{
    if (!logfile || !*logfile)
        return;
    log_file = fopen(logfile, "a");
    if (!log_file)
        fprintf(stderr, "fake-ecs-agent: cannot open ECS_LOGFILE %s; logging to stderr only\n", logfile);
}

void fa_log_close(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
}

void fa_log(const char *level, const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
#if defined(_WIN32)
    gmtime_s(&tm, &now);
#else
    gmtime_r(&now, &tm);
#endif
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "level=%s time=%s msg=\"%s\"\n", level, stamp, msg);
    fflush(stderr);
    if (log_file) {
        fprintf(log_file, "level=%s time=%s msg=\"%s\"\n", level, stamp, msg);
        fflush(log_file);
    }
}
