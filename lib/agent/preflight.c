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
