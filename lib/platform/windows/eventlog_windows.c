/* Windows half of the Event Log seam (log.h): ReportEventW into the Application log
 * under the source the MSI registers (HKLM\SYSTEM\CurrentControlSet\Services\EventLog\
 * Application\ecs-bootstrap, message file EventLogMessages.dll: every id shows its one
 * string as the text). An unregistered source still records the event, with Windows'
 * "description not found" preamble before the string. */
#include "ecsb/base/log.h"

#include <windows.h>

#include <stdlib.h>

#include "win_util.h"

int ecsb_eventlog_write(const char *source, enum ecsb_log_level level, unsigned id, const char *message)
{
    wchar_t *wsource = ecsb_utf8_to_wide(source);
    HANDLE h = RegisterEventSourceW(NULL, wsource);
    free(wsource);
    if (!h)
        return -1;
    WORD type = level == ECSB_LOG_ERROR ? EVENTLOG_ERROR_TYPE
                : level == ECSB_LOG_WARN ? EVENTLOG_WARNING_TYPE : EVENTLOG_INFORMATION_TYPE;
    wchar_t *wmsg = ecsb_utf8_to_wide(message);
    const wchar_t *strings[1] = {wmsg};
    BOOL ok = ReportEventW(h, type, 0, id, NULL, 1, 0, strings, NULL);
    free(wmsg);
    DeregisterEventSource(h);
    return ok ? 0 : -1;
}
