#include "ecsb/base/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/mask.h"

static const char *level_name(enum ecsb_log_level level)
{
    switch (level) {
    case ECSB_LOG_DEBUG: return "DEBUG";
    case ECSB_LOG_INFO: return "INFO";
    case ECSB_LOG_WARN: return "WARN";
    case ECSB_LOG_ERROR: return "ERROR";
    }
    return "INFO";
}

void ecsb_format_utc(time_t t, char *out, size_t cap)
{
    struct tm tm;
    ecsb_gmtime(t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ecsb_log_init(struct ecsb_log *log, FILE *console)
{
    memset(log, 0, sizeof *log);
    log->console = console;
    log->min_level = ECSB_LOG_INFO;
}

int ecsb_log_open_file(struct ecsb_log *log, const char *path)
{
    /* binary: the same bytes on every platform; private: lines may quote input */
    FILE *f = ecsb_fs_open_private_append(path, NULL);
    if (!f)
        return -1;
    if (log->file)
        fclose(log->file);
    log->file = f;
    return 0;
}

/* One line to the console and the file; to the Event Log too when event_id is not 0. */
static void emit(struct ecsb_log *log, enum ecsb_log_level level, unsigned event_id, const char *fmt, va_list ap)
{
    char stamp[32];
    ecsb_format_utc(log->now ? log->now(NULL) : time(NULL), stamp, sizeof stamp);
    struct ecsb_buf line = ECSB_BUF_INIT;
    ecsb_buf_printf(&line, "%s - [%s]:", stamp, level_name(level));
    size_t text_at = line.len;
    ecsb_buf_vprintf(&line, fmt, ap);
    ecsb_masker_apply_buf(log->masker, &line); /* by name even without a masker */
    FILE *outs[2] = {log->console, log->file};
    for (int i = 0; i < 2; i++) {
        if (outs[i]) {
            fprintf(outs[i], "%s\n", line.data);
            fflush(outs[i]);
        }
    }
    /* The stamp and level prefix never hold a secret, so the masked text follows it. */
    if (event_id && log->event_source && line.len >= text_at)
        (log->event ? log->event : ecsb_eventlog_write)(log->event_source, level, event_id, line.data + text_at);
    ecsb_buf_free(&line);
}

void ecsb_log(struct ecsb_log *log, enum ecsb_log_level level, const char *fmt, ...)
{
    if (level < log->min_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(log, level, level == ECSB_LOG_ERROR ? ECSB_EVENT_ERROR : 0, fmt, ap);
    va_end(ap);
}

void ecsb_log_result(struct ecsb_log *log, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(log, ok ? ECSB_LOG_INFO : ECSB_LOG_ERROR, ok ? ECSB_EVENT_RESULT_OK : ECSB_EVENT_RESULT_FAILED, fmt, ap);
    va_end(ap);
}

void ecsb_log_close(struct ecsb_log *log)
{
    if (log->file)
        fclose(log->file);
    log->file = NULL;
}
