/* run_paths.h: where run keeps its report by default on each platform. */
#ifndef ECSB_RUN_PATHS_H
#define ECSB_RUN_PATHS_H

#ifdef _WIN32
#define ECSB_DEFAULT_STATUS_FILE "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap-status.json"
#define ECSB_DEFAULT_STATE_DIR "C:\\ProgramData\\Amazon\\ECS\\bootstrap"
#else
#define ECSB_DEFAULT_STATUS_FILE "/var/lib/ecs-bootstrap/status.json"
#define ECSB_DEFAULT_STATE_DIR "/var/lib/ecs-bootstrap"
#endif

#endif
