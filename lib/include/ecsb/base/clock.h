/* clock.h: the time sources the AWS and IMDS clients use, behind one seam so tests
 * can substitute a fake clock (lib/platform/posix/clock_posix.c, lib/platform/windows/clock_windows.c). */
#ifndef ECSB_CLOCK_H
#define ECSB_CLOCK_H

#include <time.h>

/* Milliseconds from an arbitrary origin that never goes backwards (deadlines). */
long long ecsb_monotonic_ms(void);
/* Seconds since the Unix epoch, UTC (signing dates, credential expiry). */
long long ecsb_wall_time(void);
void ecsb_sleep_ms(long ms);
/* Thread-safe gmtime (gmtime_r / gmtime_s). */
void ecsb_gmtime(time_t t, struct tm *out);

/* Injectable clock for the clients: any NULL member falls back to the real one. */
struct ecsb_clock {
    long long (*monotonic_ms)(void *ctx);
    long long (*wall_time)(void *ctx);
    void (*sleep_ms)(void *ctx, long ms);
    void *ctx;
};

long long ecsb_clock_mono(const struct ecsb_clock *c);
long long ecsb_clock_wall(const struct ecsb_clock *c);
void ecsb_clock_sleep(const struct ecsb_clock *c, long ms);

/* Environment lookup seam: NULL means getenv. */
typedef const char *(*ecsb_getenv_fn)(const char *name);
const char *ecsb_env(ecsb_getenv_fn fn, const char *name); /* NULL when unset or empty */

#endif
