/* Stop requests and time, per platform. */
#include <signal.h>

#include "agent.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif

/* Set from a signal handler (POSIX) or another thread (console control handler,
 * service control handler): that is why this one flag is global. */
#if defined(_WIN32)
static volatile LONG stop_flag;
void fa_request_stop(void) { InterlockedExchange(&stop_flag, 1); }
bool fa_stop_requested(void) { return InterlockedCompareExchange(&stop_flag, 0, 0) != 0; }
long long fa_now_ms(void) { return (long long)GetTickCount64(); }
static void sleep_ms(long ms) { Sleep((DWORD)ms); }
#else
static volatile sig_atomic_t stop_flag;
void fa_request_stop(void) { stop_flag = 1; }
bool fa_stop_requested(void) { return stop_flag != 0; }
long long fa_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
#endif

enum fa_wake fa_wait(const struct fa_run *run, long ms)
{
    long long end = fa_now_ms() + ms;
    for (;;) {
        if (fa_stop_requested())
            return FA_WAKE_STOP;
        long long now = fa_now_ms();
        if (run->cfg->exit_after_ms >= 0 && now >= run->started_ms + run->cfg->exit_after_ms)
            return FA_WAKE_EXIT_KNOB;
        if (now >= end)
            return FA_WAKE_TIMEOUT;
        long step = (long)(end - now);
        sleep_ms(step > 50 ? 50 : step);
    }
}

/* The process environment, for the FAKE_AGENT_LOG_ENVIRONMENT knob. */
#if defined(_WIN32)
char **fa_environ(void) { return _environ; }
#else
extern char **environ;
char **fa_environ(void) { return environ; }
#endif
