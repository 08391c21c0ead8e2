/* defaults_posix.c: ecs-bootstrap's own files on a POSIX host (development and
 * tests: the agent host proper is Windows, see ecsb/agent/defaults.h). */
#include "ecsb/agent/defaults.h"

const struct ecsb_own_paths *ecsb_own_paths(void)
{
    static const struct ecsb_own_paths paths = {
        .config_file = "/etc/ecs-bootstrap.ini",
        .status_file = "/var/lib/ecs-bootstrap/status.json",
        .state_dir = "/var/lib/ecs-bootstrap",
        .log_dir = "/var/log/ecs-bootstrap",
    };
    return &paths;
}

const struct ecsb_host_traits *ecsb_host_traits(void)
{
    static const struct ecsb_host_traits traits = {false, false, false};
    return &traits;
}
