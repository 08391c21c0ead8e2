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

void ecsb_log(struct ecsb_log *log, enum ecsb_log_level level, const char *fmt, ...)
{
    if (level < log->min_level)
        return;
    char stamp[32];
    ecsb_format_utc(log->now ? log->now(NULL) : time(NULL), stamp, sizeof stamp);
    struct ecsb_buf line = ECSB_BUF_INIT;
    ecsb_buf_printf(&line, "%s - [%s]:", stamp, level_name(level));
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&line, fmt, ap);
    va_end(ap);
    ecsb_masker_apply_buf(log->masker, &line); /* by name even without a masker */
    FILE *outs[2] = {log->console, log->file};
    for (int i = 0; i < 2; i++) {
        if (outs[i]) {
            fprintf(outs[i], "%s\n", line.data);
            fflush(outs[i]);
        }
    }
    ecsb_buf_free(&line);
}

void ecsb_log_close(struct ecsb_log *log)
{
    if (log->file)
        fclose(log->file);
    log->file = NULL;
}
