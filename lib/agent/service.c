/* service.c: the platform-neutral part of service.h: the AmazonECS spec and names. */
#include "ecsb/agent/service.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/defaults.h"

#include "ecsb/base/buf.h"

static const char *const AGENT_ARGS[] = {"-windows-service"};
static const char *const AGENT_DEPS[] = {"docker"};

void ecsb_service_spec_amazonecs(struct ecsb_service_spec *spec, const char *install_dir)
{
    memset(spec, 0, sizeof *spec);
    if (!install_dir || !*install_dir)
        install_dir = "C:\\Program Files\\Amazon\\ECS";
    /* A POSIX-style directory (development) gets a '/', anything else the Windows one. */
    char sep = install_dir[0] == '/' ? '/' : '\\';
    size_t n = strlen(install_dir);
    while (n > 1 && (install_dir[n - 1] == '/' || install_dir[n - 1] == '\\'))
        n--;
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_append(&b, install_dir, n);
    ecsb_buf_printf(&b, "%camazon-ecs-agent.exe", sep);
    spec->owned_binary = ecsb_buf_detach(&b);
    spec->binary = spec->owned_binary;
    spec->name = ECSB_AGENT_SERVICE_NAME;
    spec->display_name = "Amazon ECS";
    spec->description = "The AmazonECS service runs the Amazon ECS agent";
    spec->args = AGENT_ARGS;
    spec->nargs = 1;
    spec->dependencies = AGENT_DEPS;
    spec->ndeps = 1;
    spec->start_type = ECSB_START_AUTO;
    spec->restart_delays_ms[0] = 5000;
    spec->restart_delays_ms[1] = 30000;
    spec->restart_delays_ms[2] = 60000;
    spec->nrestarts = 3;
    spec->reset_period_s = 300;
    spec->failure_actions_on_non_crash = true;
}

void ecsb_service_spec_release(struct ecsb_service_spec *spec)
{
    free(spec->owned_binary);
    spec->owned_binary = NULL;
    spec->binary = NULL;
}

const char *ecsb_service_state_name(enum ecsb_service_state s)
{
    switch (s) {
    case ECSB_SVC_NOT_INSTALLED: return "not installed";
    case ECSB_SVC_STOPPED: return "stopped";
    case ECSB_SVC_START_PENDING: return "start pending";
    case ECSB_SVC_STOP_PENDING: return "stop pending";
    case ECSB_SVC_RUNNING: return "running";
    case ECSB_SVC_OTHER: return "other";
    }
    return "?";
}
