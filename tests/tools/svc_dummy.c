/* svc_dummy: a minimal service for the host/service tests.
 *   svc_dummy [--exit N] [--print-env NAME]... [--tag WORD]
 * Windows: run by the SCM it registers through StartServiceCtrlDispatcher, reports
 *   RUNNING, and stops on SERVICE_CONTROL_STOP (or at once with --exit N, reporting N
 *   as its service-specific exit code). Run from a console it behaves like POSIX.
 * POSIX: prints the requested variables as NAME=value lines, then exits with N, or
 *   sleeps until SIGTERM and exits 0. --tag only makes command lines differ. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

static int exit_code = -1;

static void parse_and_print(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc) {
            exit_code = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--print-env") == 0 && i + 1 < argc) {
            const char *v = getenv(argv[++i]);
            printf("%s=%s\n", argv[i], v ? v : "(unset)");
        } else if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc) {
            i++;
        }
    }
    fflush(stdout);
}

#ifdef _WIN32
static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static HANDLE stop_event;

static void report(DWORD state, DWORD specific)
{
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    status.dwWin32ExitCode = specific ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
    status.dwServiceSpecificExitCode = specific;
    status.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 3000;
    SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, void *data, void *ctx)
{
    (void)type, (void)data, (void)ctx;
    if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
        report(SERVICE_STOP_PENDING, 0);
        SetEvent(stop_event);
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc, (void)argv;
    status_handle = RegisterServiceCtrlHandlerExW(L"", handler, NULL);
    if (!status_handle)
        return;
    report(SERVICE_START_PENDING, 0);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    report(SERVICE_RUNNING, 0);
    if (exit_code < 0 && stop_event)
        WaitForSingleObject(stop_event, INFINITE);
    report(SERVICE_STOPPED, exit_code > 0 ? (DWORD)exit_code : 0);
    if (stop_event)
        CloseHandle(stop_event);
}

int main(int argc, char **argv)
{
    parse_and_print(argc, argv);
    SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)L"", service_main}, {NULL, NULL}};
    if (StartServiceCtrlDispatcherW(table))
        return 0;
    if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
        return 2;
    if (exit_code >= 0) /* console mode */
        return exit_code;
    for (;;)
        Sleep(1000);
}
#else
static volatile sig_atomic_t stop_requested;

static void on_term(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int main(int argc, char **argv)
{
    /* The handler goes in before anything is printed: the output is the readiness
     * signal tests wait for before they send SIGTERM. */
    /* Block SIGTERM while checking the flag, so a signal between the check and the
     * wait cannot be lost; sigsuspend unblocks and waits atomically. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    parse_and_print(argc, argv);
    if (exit_code >= 0)
        return exit_code;
    while (!stop_requested)
        sigsuspend(&old);
    printf("stopping on SIGTERM\n");
    return 0;
}
#endif
