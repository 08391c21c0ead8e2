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
};

void ecsb_log_init(struct ecsb_log *log, FILE *console);
/* Appends to path (creating its directory is the caller's job). Returns 0 or -1. */
int ecsb_log_open_file(struct ecsb_log *log, const char *path);
ECSB_PRINTF(3, 4)
void ecsb_log(struct ecsb_log *log, enum ecsb_log_level level, const char *fmt, ...);
void ecsb_log_close(struct ecsb_log *log);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out (at least 21 bytes). */
void ecsb_format_utc(time_t t, char *out, size_t cap);

#endif
