/* The Docker engine's endpoint when DOCKER_HOST is unset, POSIX. */
#include "ecsb/docker/engine.h"

const char *ecsb_docker_default_host(void)
{
    return "unix:///var/run/docker.sock";
}
