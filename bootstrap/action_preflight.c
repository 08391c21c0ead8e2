/* Action "preflight": fail fast, one clear line each, before touching the host:
 * region, credentials, the cluster, the Docker engine, the agent's ports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/json.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/agent/preflight.h"
#include "ecsb/aws/ecs.h"
#include "run.h"


static long ns_to_ms(int64_t ns)
{
    return (long)(ns / 1000000);
}

static long min_ms(long a, long long b)
{
    return b < a ? (long)b : a;
}

static enum ecsb_status check_credentials(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    struct ecsb_error err = {0};
    ecsb_cred_chain_init(&ctx->creds, &ctx->imds, NULL);
    const struct ecsb_credentials *creds = NULL;
    if (ecsb_cred_chain_get(&ctx->creds, &creds, &err) != ECSB_OK) {
        ecsb_error_prefix(&err, "no AWS credentials: ");
        ecsb_buf_printf(detail, "credentials");
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, ECSB_ERR_AUTH, err.message);
    }
    /* A second line of defence: every sink masks these should one ever reach it. */
    ecsb_masker_add(&ctx->masker, creds->secret_access_key);
    ecsb_masker_add(&ctx->masker, creds->session_token);
    if (ecsb_aws_client_init(&ctx->aws, ctx->http, &ctx->creds, ctx->region, NULL, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, err.code, err.message);
    ecsb_aws_retry_set_deadline(&ctx->aws.retry, ns_to_ms(ctx->plan.config.timeouts.aws_call_ns));
    ecsb_aws_retry_name_deadline(&ctx->aws.retry, "timeouts.aws_call");
    ecsb_buf_printf(detail, "credentials from %s", creds->source ? creds->source : "the chain");
    return ECSB_OK;
}

/* Stopping a running agent when its cluster is gone: it would only exit 5 later,
 * and a running service would tell the operator the wrong story. */
static void stop_agent_quietly(struct run_ctx *ctx)
{
    struct ecsb_error err = {0};
    bool changed = false;
    if (ecsb_service_stop(ctx->services, ECSB_AGENT_SERVICE_NAME, 30000, &changed, &err) == ECSB_OK && changed)
        ecsb_log(&ctx->log, ECSB_LOG_INFO, "stopped the %s service: its cluster does not exist",
                 ECSB_AGENT_SERVICE_NAME);
}

static enum ecsb_status check_cluster(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    const char *name = ctx->plan.config.cluster.name;
    const char *names[] = {name};
    struct ecsb_json *resp = NULL;
    struct ecsb_error err = {0};
    enum ecsb_status st = ecsb_ecs_describe_clusters(&ctx->aws, names, 1, &resp, &err);
    if (st != ECSB_OK) {
        bool auth = st == ECSB_ERR_AUTH;
        return run_fail(ctx, auth ? ECSB_EXIT_PREFLIGHT : ECSB_EXIT_AWS, st, err.message);
    }
    const struct ecsb_json *cluster = ecsb_json_at(ecsb_json_get(resp, "clusters"), 0);
    const char *status = ecsb_json_get_string(cluster, "status");
    bool active = status && !strcmp(status, "ACTIVE");
    ecsb_json_free(resp);
    if (!active) {
        struct ecsb_buf msg = ECSB_BUF_INIT;
        ecsb_buf_printf(&msg,
                        "cluster '%s' %s in region %s: create it (aws ecs create-cluster --cluster-name %s "
                        "--region %s) or set [cluster] name to an existing cluster",
                        name, status ? "is not ACTIVE" : "does not exist", ctx->region, name, ctx->region);
        stop_agent_quietly(ctx);
        run_fail(ctx, ECSB_EXIT_PREFLIGHT, ECSB_ERR_NOT_FOUND, msg.data);
        ecsb_buf_free(&msg);
        return ECSB_ERR_NOT_FOUND;
    }
    ecsb_buf_printf(detail, ", cluster %s ACTIVE", name);
    return ECSB_OK;
}

static bool service_running(struct run_ctx *ctx, const char *name)
{
    struct ecsb_service_status st = {0};
    struct ecsb_error err = {0};
    return ecsb_service_query(ctx->services, name, &st, &err) == ECSB_OK && st.state == ECSB_SVC_RUNNING;
}

/* Windows: the engine is the docker service. The POSIX process backend is for
 * development and tests, where a Docker engine is optional. */
static enum ecsb_status check_docker(struct run_ctx *ctx, struct ecsb_buf *detail, long budget_ms)
{
    if (!ecsb_host_traits()->docker_service_required) {
        (void)budget_ms;
        ecsb_buf_puts(detail, ", docker check skipped (POSIX process backend)");
        return ECSB_OK;
    }
    /* At boot the engine may still be starting: wait up to timeouts.docker. */
    long wait_ms = min_ms(ns_to_ms(ctx->plan.config.timeouts.docker_ns), budget_ms), waited = 0;
    struct ecsb_error err = {0};
    if (ecsb_preflight_wait_running(ctx->services, ECSB_DOCKER_SERVICE_NAME, wait_ms, NULL, &waited, &err) !=
        ECSB_OK) {
        struct ecsb_buf msg = ECSB_BUF_INIT;
        ecsb_buf_printf(&msg, "the Docker engine is not running (%s, timeouts.docker): start it with "
                              "'Start-Service docker' and check 'Get-EventLog -LogName Application -Source docker'",
                        err.message);
        run_fail(ctx, ECSB_EXIT_PREFLIGHT, ECSB_ERR_NOT_FOUND, msg.data);
        ecsb_buf_free(&msg);
        return ECSB_ERR_NOT_FOUND;
    }
    ecsb_buf_printf(detail, ", docker running%s", waited >= 1000 ? " (waited for it)" : "");
    return ECSB_OK;
}

static enum ecsb_status check_ports(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    if (getenv("ECS_BOOTSTRAP_INTROSPECTION_URL")) {
        /* A development host that moved the agent elsewhere: the default ports are not its ports. */
        ecsb_buf_puts(detail, ", agent ports not checked (ECS_BOOTSTRAP_INTROSPECTION_URL is set)");
        return ECSB_OK;
    }
    if (service_running(ctx, ECSB_AGENT_SERVICE_NAME)) {
        ecsb_buf_puts(detail, ", agent already running");
        return ECSB_OK;
    }
    struct ecsb_error err = {0};
    enum ecsb_port_state states[2];
    if (ecsb_preflight_agent_ports(states, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, err.code, err.message);
    ecsb_buf_printf(detail, ", ports %d/%d free", ECSB_AGENT_INTROSPECTION_PORT, ECSB_AGENT_CREDENTIALS_PORT);
    return ECSB_OK;
}

bool plan_action_preflight(struct ecsb_plan *p, struct ecsb_buf *text)
{
    ecsb_buf_printf(text, "preflight: region, AWS credentials, cluster %s ACTIVE, Docker engine, agent ports %d/%d",
                    p->config.cluster.name, ECSB_AGENT_INTROSPECTION_PORT, ECSB_AGENT_CREDENTIALS_PORT);
    return true;
}

enum ecsb_status run_action_preflight(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    *result = ECSB_PHASE_OK;
    if (!ctx->region)
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, ECSB_ERR_NOT_FOUND,
                        "the AWS region is unknown: the instance metadata service did not answer and no region "
                        "is configured; set '[cluster] region = <region>' in user data or the config file");
    struct ecsb_error err = {0};
    if (ecsb_service_mgr_open(ctx->state_dir, &ctx->services, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, err.code, err.message);
    /* timeouts.preflight bounds the checks together: each IMDS and AWS call, and
     * the wait for Docker, gets at most what is left of it. */
    const struct ecsb_config *cfg = &ctx->plan.config;
    long preflight_ms = ns_to_ms(cfg->timeouts.preflight_ns);
    long long deadline = ecsb_monotonic_ms() + preflight_ms;
    enum ecsb_status st = ECSB_OK;
    for (int step = 0; st == ECSB_OK && step < 4; step++) {
        long long left = deadline - ecsb_monotonic_ms();
        if (left <= 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "the preflight checks did not finish within timeouts.preflight (%ld ms); "
                                      "raise [timeouts] preflight if the host is slow", preflight_ms);
            return run_fail(ctx, ECSB_EXIT_PREFLIGHT, ECSB_ERR_TIMEOUT, msg);
        }
        ecsb_imds_set_deadline(&ctx->imds, min_ms(ns_to_ms(cfg->timeouts.imds_ns), left));
        if (step > 0) { /* the message names whichever bound is the nearer one */
            long call_ms = ns_to_ms(cfg->timeouts.aws_call_ns);
            ecsb_aws_retry_set_deadline(&ctx->aws.retry, min_ms(call_ms, left));
            ecsb_aws_retry_name_deadline(&ctx->aws.retry, call_ms <= left ? "timeouts.aws_call" : "timeouts.preflight");
        }
        st = step == 0   ? check_credentials(ctx, detail)
           : step == 1 ? check_cluster(ctx, detail)
           : step == 2 ? check_docker(ctx, detail, (long)left)
                       : check_ports(ctx, detail);
    }
    if (st != ECSB_OK && ecsb_monotonic_ms() >= deadline)
        ecsb_log(&ctx->log, ECSB_LOG_ERROR, "preflight stopped at timeouts.preflight (%ld ms)", preflight_ms);
    /* The later phases get the full per-call timeouts again. */
    ecsb_imds_set_deadline(&ctx->imds, ns_to_ms(cfg->timeouts.imds_ns));
    if (st == ECSB_OK) {
        ecsb_aws_retry_set_deadline(&ctx->aws.retry, ns_to_ms(cfg->timeouts.aws_call_ns));
        ecsb_aws_retry_name_deadline(&ctx->aws.retry, "timeouts.aws_call");
    }
    return st;
}
