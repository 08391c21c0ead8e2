/* POSIX half of ecsb_service_host_run: there is no service control manager to talk
 * to (systemd or a test harness starts the process directly), so the body just runs. */
#include "ecsb/agent/service.h"

int ecsb_service_host_run(const char *name, int (*body)(void *arg), void *arg)
{
    (void)name;
    return body(arg);
}
