/* defaults.h: the one place for the agent's fixed names and every default path.
 *
 * Two kinds of default live here:
 * - the agent host's layout (service name, ports, the agent's data dir and log file):
 *   the Windows agent's own, the same on every platform, because a plan computed on
 *   a POSIX build machine (`plan --build N`) describes a Windows host;
 * - ecs-bootstrap's own files on the machine it runs on (config file, status file,
 *   state dir, log dir): per platform, in lib/platform/{posix,windows}/defaults_*.c,
 *   so a POSIX run never writes a relative file named C:\... */
#ifndef ECSB_AGENT_DEFAULTS_H
#define ECSB_AGENT_DEFAULTS_H

#include <stdbool.h>

#define ECSB_AGENT_SERVICE_NAME "AmazonECS"
#define ECSB_DOCKER_SERVICE_NAME "docker"
/* ecs-bootstrap's own boot-time service (installed by the MSI, msi/ecs-bootstrap.wxs). */
#define ECSB_BOOT_SERVICE_NAME "EcsBootstrap"
/* The Event Log source run reports under (registered by the MSI). */
#define ECSB_EVENT_SOURCE "ecs-bootstrap"
#define ECSB_AGENT_INTROSPECTION_PORT 51678
#define ECSB_AGENT_CREDENTIALS_PORT 51679
/* The agent's introspection API; registration is done when it names an ARN. */
#define ECSB_AGENT_INTROSPECTION_URL "http://127.0.0.1:51678/v1/metadata"

/* The Windows agent's paths (config schema defaults of paths.*). */
#define ECSB_AGENT_DATADIR "C:\\ProgramData\\Amazon\\ECS\\data"
#define ECSB_AGENT_LOGFILE "C:\\ProgramData\\Amazon\\ECS\\log\\ecs-agent.log"
#define ECSB_AGENT_DIR "C:\\Program Files\\Amazon\\ECS"
/* The POSIX process backend reads the agent's variables from this file. */
#define ECSB_AGENT_ENV_FILE "/etc/ecs/ecs.config"

/* ecs-bootstrap's own files on this platform. */
struct ecsb_own_paths {
    const char *config_file; /* baked INI; a missing default file is fine */
    const char *status_file; /* the report of the last run (paths.status_file default) */
    const char *state_dir;   /* bookkeeping, and the POSIX process backend's services */
    const char *log_dir;     /* ecs-bootstrap.log (paths.log_dir default) */
};
const struct ecsb_own_paths *ecsb_own_paths(void);

/* How this platform hosts the agent, where the boot flow must act differently. */
struct ecsb_host_traits {
    /* Windows: the Docker engine is the 'docker' service and must run. POSIX: the
     * process backend is for development and tests, where an engine is optional. */
    bool docker_service_required;
    /* Windows: machine-scope variables are shared with the user, so a value we did
     * not write is the user's. POSIX: the env file is ours alone. */
    bool env_shared_with_user;
    /* Windows: the service has its own Environment block to keep in step. */
    bool service_env_block;
};
const struct ecsb_host_traits *ecsb_host_traits(void);

#endif
