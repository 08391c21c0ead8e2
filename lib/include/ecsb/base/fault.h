/* fault.h: a test hook that kills the process at a named point, so tests can show
 * that an interrupted run converges on the next one.
 *
 * ECS_BOOTSTRAP_FAULT=POINT:N (in ecs-bootstrap's own environment; never read from
 * user data or the INI) makes the N-th hit of POINT in one call site's sequence end
 * the process at once (_Exit(ECSB_FAULT_EXIT)), as a power cut or a kill would:
 * no cleanup, no status file. Points: "env-write" (each agent-variable write, counted
 * from 1 per apply). Documented in docs/security.md as a test hook. */
#ifndef ECSB_FAULT_H
#define ECSB_FAULT_H

#define ECSB_FAULT_EXIT 137

/* Ends the process when ECS_BOOTSTRAP_FAULT names point and hit n. */
void ecsb_fault_point(const char *point, unsigned n);

#endif
