/* clock_posix.c: CLOCK_MONOTONIC, time() and nanosleep. */
#include <errno.h>
#include <time.h>

#include "ecsb/base/clock.h"

long long ecsb_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long ecsb_wall_time(void)
{
    return (long long)time(NULL);
}

void ecsb_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

void ecsb_gmtime(time_t t, struct tm *out)
{
    gmtime_r(&t, out);
}
