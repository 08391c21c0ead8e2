/* fake-ecs-agent: entry point. On Windows, `-windows-service` runs it under the
 * service control manager like amazon-ecs-agent.exe (RUNNING at once, stop on
 * SERVICE_CONTROL_STOP); otherwise it runs in the console. The agent is the same. */
#include <stdio.h>
#include <string.h>

#include "agent.h"

#if defined(_WIN32)
#include <windows.h>

/* ServiceMain and the control handler get no context from the SCM, so the
 * status handle and the exit code live here. */
static SERVICE_STATUS_HANDLE service_handle;
static int service_exit_code;

static void report(DWORD state, int exit_code)
{
    SERVICE_STATUS st;
    memset(&st, 0, sizeof st);
    st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    st.dwCurrentState = state;
    st.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    if (state == SERVICE_STOPPED && exit_code != FA_EXIT_OK && exit_code != FA_EXIT_TERMINAL) {
        /* A failure: the recovery actions restart the service. */
        st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        st.dwServiceSpecificExitCode = (DWORD)exit_code;
    }
    /* Terminal (5) is reported as success so that the SCM does NOT restart it. */
    if (state == SERVICE_STOP_PENDING)
        st.dwWaitHint = 10000;
    SetServiceStatus(service_handle, &st);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    (void)type, (void)data, (void)ctx;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report(SERVICE_STOP_PENDING, 0);
        fa_request_stop();
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    (void)argc, (void)argv;
    service_handle = RegisterServiceCtrlHandlerExW(L"AmazonECS", control_handler, NULL);
    if (!service_handle)
        return;
    report(SERVICE_RUNNING, 0); /* at once, like the agent: RUNNING does not mean registered */
    service_exit_code = fa_agent_run();
    if (service_exit_code == FA_EXIT_TERMINAL)
        fa_log("critical", "Terminal exit code received from the agent; the SCM will not restart AmazonECS");
    report(SERVICE_STOPPED, service_exit_code);
}

static int run_as_service(void)
{
    wchar_t name[] = L"AmazonECS";
    SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {NULL, NULL}};
    if (!StartServiceCtrlDispatcherW(table)) {
        fprintf(stderr, "fake-ecs-agent: -windows-service: not started by the service control manager (error %lu)\n",
                GetLastError());
        return FA_EXIT_ERROR;
    }
    return service_exit_code;
}

static BOOL WINAPI console_handler(DWORD event)
{
    (void)event; /* Ctrl-C, Ctrl-Break, close, logoff, shutdown: all stop cleanly */
    fa_request_stop();
    return TRUE;
}
#else
#include <signal.h>

static void on_signal(int sig)
{
    (void)sig;
    fa_request_stop();
}
#endif

int main(int argc, char **argv)
{
    bool service = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-windows-service"))
            service = true;
        else if (!strcmp(argv[i], "-version") || !strcmp(argv[i], "--version")) {
            printf("Amazon ECS Agent:\n\tVersion: %s\n\tCommit: %s\n\t(fake agent for tests)\n", FA_AGENT_VERSION,
                   FA_AGENT_HASH);
            return FA_EXIT_OK;
        } else {
            fprintf(stderr, "fake-ecs-agent: unknown argument %s (accepted: -windows-service, -version)\n", argv[i]);
            return FA_EXIT_TERMINAL;
        }
    }
#if defined(_WIN32)
    if (service)
        return run_as_service();
    SetConsoleCtrlHandler(console_handler, TRUE);
#else
    /* The POSIX process backend starts the agent with the same arguments as the
     * Windows service (-windows-service); there it just runs in the foreground. */
    (void)service;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
#endif
    return fa_agent_run();
}
