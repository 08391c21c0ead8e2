/* preflight.c: the platform-neutral part of preflight.h. */
#include "ecsb/agent/preflight.h"

#include <stdio.h>
#include <string.h>

const char *ecsb_port_state_name(enum ecsb_port_state s)
{
    switch (s) {
    case ECSB_PORT_FREE: return "free";
    case ECSB_PORT_IN_USE: return "in use";
    case ECSB_PORT_RESERVED: return "reserved";
    }
    return "?";
}

enum ecsb_status ecsb_preflight_agent_ports(enum ecsb_port_state states[2], struct ecsb_error *err)
{
    static const unsigned ports[2] = {ECSB_AGENT_INTROSPECTION_PORT, ECSB_AGENT_CREDENTIALS_PORT};
    char msg[512] = "";
    bool bad = false;
    for (int i = 0; i < 2; i++) {
        enum ecsb_port_state s = ECSB_PORT_FREE;
        enum ecsb_status st = ecsb_preflight_tcp_port("127.0.0.1", ports[i], &s, err);
        if (st != ECSB_OK)
            return st;
        if (states)
            states[i] = s;
        if (s != ECSB_PORT_FREE) {
            size_t n = strlen(msg);
            snprintf(msg + n, sizeof msg - n, "%s127.0.0.1:%u is %s", bad ? "; " : "", ports[i],
                     ecsb_port_state_name(s));
            bad = true;
        }
    }
    if (bad)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "agent ports: %s; the agent needs them: stop the process "
                              "holding them, or on Windows check `netsh int ipv4 show excludedportrange tcp` and "
                              "reserve 51678-51679 before Docker/HNS starts", msg);
    return ECSB_OK;
}

enum ecsb_status ecsb_preflight_wait_running(struct ecsb_service_mgr *m, const char *name, long timeout_ms,
                                             const struct ecsb_clock *clock, long *waited_ms,
                                             struct ecsb_error *err)
{
    static const struct ecsb_clock real = {0};
    const struct ecsb_clock *c = clock ? clock : &real;
    const long poll_ms = 500;
    long long start = ecsb_clock_mono(c), deadline = start + (timeout_ms > 0 ? timeout_ms : 0);
    const char *last = "not installed";
    for (;;) {
        struct ecsb_service_status st = {0};
        struct ecsb_error qerr = {0};
        long long now = ecsb_clock_mono(c);
        if (ecsb_service_query(m, name, &st, &qerr) == ECSB_OK) {
            if (st.state == ECSB_SVC_RUNNING) {
                *waited_ms = (long)(now - start);
                return ECSB_OK;
            }
            last = ecsb_service_state_name(st.state);
        }
        if (now >= deadline) {
            *waited_ms = (long)(now - start);
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "service '%s' is %s after waiting %ld ms", name, last,
                                  timeout_ms);
        }
        long long left = deadline - now;
        ecsb_clock_sleep(c, left < poll_ms ? (long)left : poll_ms);
    }
}
