/* Windows half of ecsb_service_host_run: ecs-bootstrap as an own-process service, so
 * the SCM runs it at every boot (the MSI's boot trigger). StartServiceCtrlDispatcherW
 * calls service_main on another thread with no context argument, so the body and its
 * result live in one file-scope record: the SCM's API leaves no other way. */
#include "ecsb/agent/service.h"

#include <windows.h>

#include <stdlib.h>

#include "win_util.h"

static struct {
    int (*body)(void *);
    void *arg;
    int result;
    SERVICE_STATUS_HANDLE handle;
} host;

static void report(DWORD state, int result)
{
    SERVICE_STATUS s = {0};
    s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s.dwCurrentState = state;
    /* Only shutdown is accepted: a run stopped halfway converges on the next boot anyway,
     * and a STOP in the middle would leave the report unwritten. */
    s.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_SHUTDOWN : 0;
    s.dwWin32ExitCode = result ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
    s.dwServiceSpecificExitCode = (DWORD)result;
    s.dwWaitHint = state == SERVICE_START_PENDING ? 5000 : 0;
    SetServiceStatus(host.handle, &s);
}

static DWORD WINAPI control(DWORD code, DWORD type, void *data, void *ctx)
{
    (void)type, (void)data, (void)ctx;
    return code == SERVICE_CONTROL_INTERROGATE || code == SERVICE_CONTROL_SHUTDOWN ? NO_ERROR
                                                                                  : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc, (void)argv;
    host.handle = RegisterServiceCtrlHandlerExW(L"", control, NULL);
    if (!host.handle) {
        host.result = 1;
        return;
    }
    report(SERVICE_START_PENDING, 0);
    report(SERVICE_RUNNING, 0);
    host.result = host.body(host.arg);
    report(SERVICE_STOPPED, host.result);
}

int ecsb_service_host_run(const char *name, int (*body)(void *arg), void *arg)
{
    host.body = body;
    host.arg = arg;
    host.result = 0;
    wchar_t *wname = ecsb_utf8_to_wide(name);
    SERVICE_TABLE_ENTRYW table[] = {{wname, service_main}, {NULL, NULL}};
    /* Fails at once (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) when started from a console. */
    BOOL dispatched = StartServiceCtrlDispatcherW(table);
    free(wname);
    return dispatched ? host.result : body(arg);
}
