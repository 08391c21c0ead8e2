/* The Docker engine's endpoint when DOCKER_HOST is unset, Windows (what the ECS agent uses). */
#include "ecsb/docker/engine.h"

const char *ecsb_docker_default_host(void)
{
    return "npipe:////./pipe/docker_engine";
}
