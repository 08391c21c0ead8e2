/* clock.c: the injectable-clock and environment seams (see ecsb/clock.h). */
#include <stdlib.h>

#include "ecsb/base/clock.h"

long long ecsb_clock_mono(const struct ecsb_clock *c)
{
    return c && c->monotonic_ms ? c->monotonic_ms(c->ctx) : ecsb_monotonic_ms();
}

long long ecsb_clock_wall(const struct ecsb_clock *c)
{
    return c && c->wall_time ? c->wall_time(c->ctx) : ecsb_wall_time();
}

void ecsb_clock_sleep(const struct ecsb_clock *c, long ms)
{
    if (c && c->sleep_ms)
        c->sleep_ms(c->ctx, ms);
    else
        ecsb_sleep_ms(ms);
}

const char *ecsb_env(ecsb_getenv_fn fn, const char *name)
{
    const char *v = fn ? fn(name) : getenv(name);
    return v && *v ? v : NULL;
}
