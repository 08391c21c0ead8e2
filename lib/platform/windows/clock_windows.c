/* clock_windows.c: GetTickCount64, time() and Sleep. */
#include <windows.h>

#include <time.h>

#include "ecsb/base/clock.h"

long long ecsb_monotonic_ms(void)
{
    return (long long)GetTickCount64();
}

long long ecsb_wall_time(void)
{
    return (long long)time(NULL);
}

void ecsb_sleep_ms(long ms)
{
    if (ms > 0)
        Sleep((DWORD)ms);
}

void ecsb_gmtime(time_t t, struct tm *out)
{
    gmtime_s(out, &t);
}
