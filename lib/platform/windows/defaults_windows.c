/* defaults_windows.c: ecs-bootstrap's own files on a Windows host, beside the
 * agent's under C:\ProgramData\Amazon\ECS. */
#include "ecsb/agent/defaults.h"

const struct ecsb_own_paths *ecsb_own_paths(void)
{
    static const struct ecsb_own_paths paths = {
        .config_file = "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap.ini",
        .status_file = "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap-status.json",
        .state_dir = "C:\\ProgramData\\Amazon\\ECS\\bootstrap",
        .log_dir = "C:\\ProgramData\\Amazon\\ECS\\log",
    };
    return &paths;
}

const struct ecsb_host_traits *ecsb_host_traits(void)
{
    static const struct ecsb_host_traits traits = {true, true, true};
    return &traits;
}
