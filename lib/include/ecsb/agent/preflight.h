/* preflight.h: checks the boot flow runs before it starts the agent. */
#ifndef ECSB_PREFLIGHT_H
#define ECSB_PREFLIGHT_H

#include <stdbool.h>

#include "ecsb/agent/defaults.h" /* the agent's ports */
#include "ecsb/agent/service.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"

enum ecsb_port_state {
    ECSB_PORT_FREE = 0,
    ECSB_PORT_IN_USE,     /* another socket is bound or listening there */
    ECSB_PORT_RESERVED,   /* Windows: inside an excluded port range (WinNAT/HNS), or not permitted */
};
const char *ecsb_port_state_name(enum ecsb_port_state s);

/* Tries to bind a TCP socket to ipv4:port (dotted quad, e.g. "127.0.0.1") and closes
 * it again. No listener is left behind. The error path is for failures of the check
 * itself (bad address, no sockets), not for a busy port. */
enum ecsb_status ecsb_preflight_tcp_port(const char *ipv4, unsigned port, enum ecsb_port_state *state,
                                         struct ecsb_error *err);

/* Checks 127.0.0.1:51678 and :51679. ECSB_OK when both are free; otherwise
 * ECSB_ERR_PLATFORM with a message naming each busy port and the fix. states[0..1]
 * receive the individual results (may be NULL). */
enum ecsb_status ecsb_preflight_agent_ports(enum ecsb_port_state states[2], struct ecsb_error *err);

/* Waits until service `name` runs, querying every 500 ms, for at most timeout_ms
 * (timeouts.docker bounds the wait for the Docker engine). ECSB_OK when it runs;
 * ECSB_ERR_TIMEOUT when it did not in time (the message names the service, the
 * wait and its last state). clock: NULL = the real one. *waited_ms: time spent. */
enum ecsb_status ecsb_preflight_wait_running(struct ecsb_service_mgr *m, const char *name, long timeout_ms,
                                             const struct ecsb_clock *clock, long *waited_ms,
                                             struct ecsb_error *err);

#endif
