/* log.h: ECSTools-compatible log lines ("2024-01-31T12:00:00Z - [INFO]:message")
 * to stdout and, when set, a log file. Every line goes through the masker
 * (ecsb/base/mask.h) as a second line of defence: callers must not pass secrets
 * in the first place. */
#ifndef ECSB_LOG_H
#define ECSB_LOG_H

#include "ecsb/base/compiler.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

enum ecsb_log_level { ECSB_LOG_DEBUG, ECSB_LOG_INFO, ECSB_LOG_WARN, ECSB_LOG_ERROR };

struct ecsb_masker;

struct ecsb_log {
    FILE *console;                /* stdout, or NULL for none */
    FILE *file;                   /* owned; NULL for none */
    enum ecsb_log_level min_level;
    time_t (*now)(time_t *);      /* injectable clock for tests; time() when NULL */
    const struct ecsb_masker *masker; /* not owned; NULL masks by name only */
    /* The Event Log: when event_source is set, every ERROR line and the final result
     * (ecsb_log_result) also become events under that source, masked like the lines.
     * event is the sink: ecsb_eventlog_write when NULL (tests inject a recorder). */
    const char *event_source;
    int (*event)(const char *source, enum ecsb_log_level level, unsigned id, const char *message);
};

/* Event ids (the MSI registers the source with a message file that shows every id as its text). */
#define ECSB_EVENT_ERROR 1      /* an ERROR line */
#define ECSB_EVENT_RESULT_OK 100 /* run joined the cluster */
#define ECSB_EVENT_RESULT_FAILED 101 /* run failed */

void ecsb_log_init(struct ecsb_log *log, FILE *console);
/* Appends to path (creating its directory is the caller's job). Returns 0 or -1. */
int ecsb_log_open_file(struct ecsb_log *log, const char *path);
ECSB_PRINTF(3, 4)
void ecsb_log(struct ecsb_log *log, enum ecsb_log_level level, const char *fmt, ...);
void ecsb_log_close(struct ecsb_log *log);
/* The final result: one INFO (ok) or ERROR line, and one event (ECSB_EVENT_RESULT_OK/_FAILED)
 * that an operator's monitoring can pick up. */
ECSB_PRINTF(3, 4)
void ecsb_log_result(struct ecsb_log *log, bool ok, const char *fmt, ...);

/* The Event Log seam (lib/platform/<plat>/eventlog_*.c). Windows: ReportEventW under
 * source (registered by the MSI); POSIX: nothing to write to. 0 written, -1 not (never
 * fatal: the log file and the status file still say it). */
int ecsb_eventlog_write(const char *source, enum ecsb_log_level level, unsigned id, const char *message);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out (at least 21 bytes). */
void ecsb_format_utc(time_t t, char *out, size_t cap);

#endif
