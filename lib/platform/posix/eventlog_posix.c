/* POSIX half of the Event Log seam (log.h): there is no Event Log; the log file and
 * the status file carry the same lines. */
#include "ecsb/base/log.h"

int ecsb_eventlog_write(const char *source, enum ecsb_log_level level, unsigned id, const char *message)
{
    (void)source, (void)level, (void)id, (void)message;
    return -1;
}
