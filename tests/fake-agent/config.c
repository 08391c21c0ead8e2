/* Configuration from the environment, like the agent (agent/config/config.go):
 * the service runs with machine-scope variables, which is all the fake reads. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/* A copy of the variable, or NULL when it is unset or empty (the agent treats
 * an empty variable as unset). */
static char *env_dup(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? ecsb_xstrdup(v) : NULL;
}

static enum ecsb_status env_long(const char *name, long min, long max, long dflt, long *out,
                                 struct ecsb_error *err)
{
    const char *v = getenv(name);
    *out = dflt;
    if (!v || !*v)
        return ECSB_OK;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || end == v || n < min || n > max)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s=%s: expected an integer from %ld to %ld", name, v,
                              min, max);
    *out = n;
    return ECSB_OK;
}

enum ecsb_status fa_config_load(struct fa_config *cfg, struct ecsb_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->cluster = env_dup("ECS_CLUSTER");
    if (!cfg->cluster)
        cfg->cluster = ecsb_xstrdup("default");
    cfg->region = env_dup("AWS_DEFAULT_REGION");
    if (!cfg->region)
        cfg->region = env_dup("AWS_REGION");
    cfg->datadir = env_dup("ECS_DATADIR");
    cfg->logfile = env_dup("ECS_LOGFILE");
    cfg->instance_attributes = env_dup("ECS_INSTANCE_ATTRIBUTES");
    cfg->instance_tags = env_dup("ECS_CONTAINER_INSTANCE_TAGS");
    cfg->ecs_endpoint = env_dup("AWS_ENDPOINT_URL_ECS");
    if (!cfg->ecs_endpoint)
        cfg->ecs_endpoint = env_dup("AWS_ENDPOINT_URL");
    cfg->imds_endpoint = env_dup("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    cfg->sim_build = env_dup("FAKE_AGENT_BUILD");
    cfg->sim_installation_type = env_dup("FAKE_AGENT_INSTALLATION_TYPE");
    const char *never = getenv("FAKE_AGENT_NEVER_REGISTER");
    cfg->never_register = never && !strcmp(never, "1");
    const char *mirror = getenv("FAKE_AGENT_MOTO_ATTRIBUTES");
    cfg->mirror_attributes = mirror && !strcmp(mirror, "1");

    long port, delay, after, code;
    enum ecsb_status st;
    if ((st = env_long("ECS_FAKE_AGENT_INTROSPECTION_PORT", 1, 65535, FA_DEFAULT_INTROSPECTION_PORT, &port, err)) ||
        (st = env_long("FAKE_AGENT_REGISTER_DELAY_MS", 0, LONG_MAX, 0, &delay, err)) ||
        (st = env_long("FAKE_AGENT_EXIT_AFTER_MS", 0, LONG_MAX, -1, &after, err)) ||
        (st = env_long("FAKE_AGENT_EXIT_CODE", 0, 255, FA_EXIT_ERROR, &code, err)))
        return st;
    cfg->introspection_port = (int)port;
    cfg->register_delay_ms = delay;
    cfg->exit_after_ms = after;
    cfg->exit_code = (int)code;
    return ECSB_OK;
}

void fa_config_free(struct fa_config *cfg)
{
    char **fields[] = {&cfg->cluster, &cfg->region, &cfg->datadir, &cfg->logfile, &cfg->instance_attributes,
                       &cfg->instance_tags, &cfg->ecs_endpoint, &cfg->imds_endpoint, &cfg->sim_build,
                       &cfg->sim_installation_type};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
}
