/* service.h: the service manager seam the boot flow drives. Every operation is
 * idempotent (reports changed/unchanged) and bounded in time.
 *
 * Windows: the Service Control Manager (CreateService / ChangeServiceConfig[2] /
 *   StartService / ControlService / QueryServiceStatusEx / DeleteService).
 * POSIX: a process backend for development and tests. A state directory holds, per
 *   service, <name>.service (the spec, env-file format), <name>.pid, <name>.exitcode
 *   and <name>.log. start spawns the binary detached (setsid + double fork) with the
 *   variables of spec.env_file; the intermediate process stays as a tiny supervisor
 *   that waits for the child and records its exit status in <name>.exitcode, so a
 *   later query can say "exited with code 5". Dependencies, start type and failure
 *   actions are recorded but not acted on there. */
#ifndef ECSB_SERVICE_H
#define ECSB_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/error.h"

enum ecsb_start_type {
    ECSB_START_AUTO = 0,     /* SERVICE_AUTO_START */
    ECSB_START_DELAYED_AUTO, /* SERVICE_AUTO_START + delayed-auto-start flag */
    ECSB_START_DEMAND,       /* SERVICE_DEMAND_START */
};

#define ECSB_SERVICE_MAX_RESTARTS 3

struct ecsb_service_spec {
    const char *name;          /* AmazonECS */
    const char *display_name;  /* Amazon ECS */
    const char *description;
    const char *binary;        /* absolute path of the executable */
    const char *const *args;   /* arguments after the binary (quoted as needed on Windows) */
    size_t nargs;
    const char *const *dependencies; /* service names that must run first */
    size_t ndeps;
    enum ecsb_start_type start_type;
    /* Recovery: restart after each delay in turn; counts reset after reset_period_s
     * without failures. nrestarts = 0 means no failure actions. */
    unsigned restart_delays_ms[ECSB_SERVICE_MAX_RESTARTS];
    size_t nrestarts;
    unsigned reset_period_s;
    bool failure_actions_on_non_crash; /* SERVICE_CONFIG_FAILURE_ACTIONS_FLAG */
    const char *env_file;      /* POSIX: environment file loaded before exec; NULL = none */
    char *owned_binary;        /* storage behind `binary` when a helper built it */
};

/* The AmazonECS service as the agent installs it: "<install_dir>\amazon-ecs-agent.exe"
 * -windows-service, depends on docker, automatic start, restart 5 s / 30 s / 60 s,
 * reset 300 s, failure-actions flag on. install_dir NULL = C:\Program Files\Amazon\ECS.
 * Release with ecsb_service_spec_release. */
void ecsb_service_spec_amazonecs(struct ecsb_service_spec *spec, const char *install_dir);
void ecsb_service_spec_release(struct ecsb_service_spec *spec);

enum ecsb_service_state {
    ECSB_SVC_NOT_INSTALLED = 0,
    ECSB_SVC_STOPPED,
    ECSB_SVC_START_PENDING,
    ECSB_SVC_STOP_PENDING,
    ECSB_SVC_RUNNING,
    ECSB_SVC_OTHER,            /* paused and friends */
};
const char *ecsb_service_state_name(enum ecsb_service_state s);

struct ecsb_service_status {
    enum ecsb_service_state state;
    unsigned long pid;         /* when running, else 0 */
    bool has_exit_code;        /* when stopped and the exit was recorded */
    long exit_code;            /* Windows: service-specific code if set, else Win32 exit code */
    int term_signal;           /* POSIX: signal that ended the process, 0 if it exited */
};

struct ecsb_service_mgr;

/* Opens the manager. state_dir: POSIX state directory (created if missing); ignored on
 * Windows (NULL is fine there). */
enum ecsb_status ecsb_service_mgr_open(const char *state_dir, struct ecsb_service_mgr **out,
                                       struct ecsb_error *err);
void ecsb_service_mgr_close(struct ecsb_service_mgr *m);

/* Creates the service or changes exactly the settings that differ. */
enum ecsb_status ecsb_service_ensure(struct ecsb_service_mgr *m, const struct ecsb_service_spec *spec,
                                     bool *changed, struct ecsb_error *err);
/* Starts and waits up to timeout_ms for RUNNING. Already running: *changed = false.
 * The service stopping during the wait is ECSB_ERR_PLATFORM with its exit code. */
enum ecsb_status ecsb_service_start(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                    bool *changed, struct ecsb_error *err);
/* Asks the service to stop and waits up to timeout_ms (POSIX: SIGTERM, then SIGKILL
 * when the time is up). Already stopped: *changed = false. */
enum ecsb_status ecsb_service_stop(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                   bool *changed, struct ecsb_error *err);
/* A service that is not installed is ECSB_OK with state ECSB_SVC_NOT_INSTALLED. */
enum ecsb_status ecsb_service_query(struct ecsb_service_mgr *m, const char *name, struct ecsb_service_status *st,
                                    struct ecsb_error *err);
/* Where the service's console output (stdout/stderr) goes, malloc'd: the POSIX
 * backend's <state-dir>/<name>.log. NULL on Windows, where a service has none. */
char *ecsb_service_console_log(const struct ecsb_service_mgr *m, const char *name);
/* Stops (bounded) and removes the service. Not installed: *changed = false. */
enum ecsb_status ecsb_service_uninstall(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                        bool *changed, struct ecsb_error *err);

/* Being a service ourselves (the boot trigger the MSI installs runs `ecs-bootstrap run
 * --service`). Runs body(arg) and returns its result. Windows: when the service control
 * manager started this process, body runs while the service reports RUNNING, and its
 * result becomes the service-specific exit code of the STOPPED service (0 = success);
 * started from a console, body just runs. POSIX: body just runs. */
int ecsb_service_host_run(const char *name, int (*body)(void *arg), void *arg);

#endif
