/* Action "service": install (or update) the AmazonECS service, keep its own
 * environment in step (Windows), restart it when its configuration changed, and
 * start it. */
#include <stdio.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "run.h"

static enum ecsb_status restart_if_running(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    struct ecsb_service_status st = {0};
    struct ecsb_error err = {0};
    bool changed = false;
    if (ecsb_service_query(ctx->services, ECSB_AGENT_SERVICE_NAME, &st, &err) != ECSB_OK ||
        st.state != ECSB_SVC_RUNNING)
        return ECSB_OK;
    ecsb_log(&ctx->log, ECSB_LOG_INFO, "restarting %s to apply the new configuration", ECSB_AGENT_SERVICE_NAME);
    if (ecsb_service_stop(ctx->services, ECSB_AGENT_SERVICE_NAME, 60000, &changed, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_AGENT, err.code, err.message);
    ecsb_buf_puts(detail, "restarted for new configuration, ");
    return ECSB_OK;
}

bool plan_action_service(struct ecsb_plan *p, struct ecsb_buf *text)
{
    const struct ecsb_config *c = &p->config;
    ecsb_buf_puts(text, "install/update " ECSB_AGENT_SERVICE_NAME " service (agent from the local cache), "
                        "start " ECSB_AGENT_SERVICE_NAME);
    if (c->agent.version_kind != ECSB_AGENT_VERSION_CACHED)
        ecsb_plan_warn(p, "agent.version = %s: fetching an agent release is not yet done by ecs-bootstrap %s; run "
                          "uses the agent installed in %s",
                       c->agent.version_kind == ECSB_AGENT_VERSION_LATEST ? "latest" : c->agent.version,
                       ECSB_VERSION, c->paths.agent_dir);
    return true;
}

enum ecsb_status run_action_service(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    struct ecsb_service_spec spec;
    ecsb_service_spec_amazonecs(&spec, ctx->plan.config.paths.agent_dir);
    spec.env_file = ctx->plan.config.paths.env_file;
    struct ecsb_error err = {0};
    bool installed = false, env_changed = false, started = false;
    enum ecsb_status st = ecsb_service_ensure(ctx->services, &spec, &installed, &err);
    ecsb_service_spec_release(&spec);
    if (st != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_AGENT, st, err.message);
    if (ecsb_host_traits()->service_env_block) {
        /* the service's own Environment block */
        st = run_apply_agent_env(ctx, ECSB_AGENT_SERVICE_NAME, &env_changed, NULL);
        if (st != ECSB_OK)
            return st;
    }
    /* A running agent read its environment when it started: restart it to apply a change. */
    if ((installed || env_changed || ctx->env_changed) && restart_if_running(ctx, detail) != ECSB_OK)
        return ECSB_ERR_PLATFORM;
    st = ecsb_service_start(ctx->services, ECSB_AGENT_SERVICE_NAME, 60000, &started, &err);
    if (st != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_AGENT, st, err.message);
    ecsb_buf_printf(detail, "%s %s, %s", ECSB_AGENT_SERVICE_NAME,
                    installed ? "installed/updated" : "already configured", started ? "started" : "already running");
    *result = installed || started ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
