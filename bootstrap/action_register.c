/* Action "register": wait until the agent has registered (its introspection API
 * answers with a container-instance ARN), failing at once if the agent exits with
 * a terminal error; a transient exit gets the service's recovery restarts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/base/clock.h"
#include "ecsb/config/config_values.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"
#include "ecsb/aws/ecs.h"
#include "ecsb/agent/service.h"
#include "run.h"

/* Registration usually takes well under a second once the agent runs: poll fast
 * at first, then back off so a slow join costs little. */
#define POLL_FIRST_MS 25
#define POLL_MAX_MS 500
#define LOG_TAIL_LINES 15

/* The ARN when the agent answers /v1/metadata with one, else NULL. */
static char *poll_introspection(struct run_ctx *ctx)
{
    struct ecsb_http_request req = {.method = "GET", .url = ctx->introspection_url, .timeout_ms = 1000,
                                    .connect_timeout_ms = 500, .no_proxy = true};
    struct ecsb_http_response resp = {0};
    struct ecsb_error err = {0};
    char *arn = NULL;
    if (ecsb_http_send(ctx->http, &req, &resp, &err) == ECSB_OK && resp.status == 200) {
        struct ecsb_json *doc = NULL;
        if (ecsb_json_parse(resp.body.data, resp.body.len, NULL, &doc, &err) == ECSB_OK) {
            const char *v = ecsb_json_get_string(doc, "ContainerInstanceArn");
            if (v && *v)
                arn = ecsb_xstrdup(v);
            ecsb_json_free(doc);
        }
    }
    ecsb_http_response_free(&resp);
    return arn;
}

/* The last lines of the agent's log, for the operator who reads our failure.
 * Returns false when there is no such log. */
static bool append_log_tail(const char *path, struct ecsb_buf *out)
{
    char *text = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    if (!path || ecsb_fs_read(path, &text, &len, &err) != ECSB_OK || len == 0) {
        free(text);
        return false;
    }
    size_t start = len, lines = 0;
    while (start > 0 && lines <= LOG_TAIL_LINES)
        if (text[--start] == '\n' && start + 1 < len)
            lines++;
    ecsb_buf_printf(out, "\n--- last lines of %s ---\n%s", path, text + start + (text[start] == '\n'));
    free(text);
    return true;
}

/* What an exit code means while the agent had not yet registered. The agent reports a
 * terminal error (its exit 5) to the Windows service control manager as success so that the
 * SCM does not restart it: a service that stopped with 0 before registering is that case. */
static const char *exit_hint(long code)
{
    switch (code) {
    case 0: return ": a clean exit before registering; the agent reports a terminal error (missing cluster, bad "
                   "configuration) to the service control manager this way";
    case 5: return ": a terminal error such as a missing cluster or bad configuration";
    default: return "";
    }
}

static enum ecsb_status agent_exited(struct run_ctx *ctx, const struct ecsb_service_status *st)
{
    const char *logfile = ctx->plan.config.paths.logfile;
    struct ecsb_buf msg = ECSB_BUF_INIT;
    ecsb_buf_printf(&msg, "the ECS agent stopped before it registered (%s", ecsb_service_state_name(st->state));
    if (st->has_exit_code)
        ecsb_buf_printf(&msg, ", exit code %ld%s", st->exit_code, exit_hint(st->exit_code));
    ecsb_buf_puts(&msg, ")");
    struct ecsb_buf tail = ECSB_BUF_INIT;
    if (append_log_tail(logfile, &tail)) {
        ecsb_buf_printf(&msg, "; see %s%s", logfile, ecsb_buf_cstr(&tail));
    } else {
        /* No log is a finding too: the agent died before opening it, or ECS_LOGFILE never
         * reached its environment (on Windows the machine variables reach a service after a
         * reboot; the service's Environment value at its next start). */
        ecsb_buf_printf(&msg, "; the agent wrote no log at %s: it stopped before opening it, or ECS_LOGFILE is not in "
                              "its environment yet (reboot, or check the Event Log source AmazonECSAgent)", logfile);
        /* The agent's console output, where the backend keeps one, says why. */
        char *console = ecsb_service_console_log(ctx->services, ECSB_AGENT_SERVICE_NAME);
        append_log_tail(console, &msg);
        free(console);
    }
    ecsb_buf_free(&tail);
    run_fail(ctx, ECSB_EXIT_AGENT, ECSB_ERR_PLATFORM, msg.data);
    ecsb_buf_free(&msg);
    return ECSB_ERR_PLATFORM;
}

/* The agent exits 1 when registering failed for a transient reason (throttling
 * during a scale-out, a network blip) and relies on the service's recovery
 * actions (restart after 5 s, 30 s, 60 s) to try again. The wait does what the
 * service manager does -- after the next recovery delay it starts the agent
 * again (a no-op when the service manager already has) -- while the recovery
 * actions last and registration_timeout allows. Exit 5 (terminal), a clean exit
 * and a crash by signal end the wait at once. */
static bool restart_transient(struct run_ctx *ctx, const struct ecsb_service_status *st, size_t *restarts,
                              long long deadline)
{
    if (!st->has_exit_code || st->term_signal || st->exit_code == 0 || st->exit_code == 5)
        return false;
    struct ecsb_service_spec spec;
    ecsb_service_spec_amazonecs(&spec, ctx->plan.config.paths.agent_dir);
    size_t n = spec.nrestarts;
    unsigned delay = *restarts < n ? spec.restart_delays_ms[*restarts] : 0;
    ecsb_service_spec_release(&spec);
    if (*restarts >= n || ecsb_monotonic_ms() + delay >= deadline)
        return false;
    ecsb_log(&ctx->log, ECSB_LOG_WARN, "the ECS agent exited with code %ld before it registered (a transient "
             "failure such as throttling): starting it again in %u ms, as its recovery actions do (%zu of %zu)",
             st->exit_code, delay, *restarts + 1, n);
    ecsb_sleep_ms(delay);
    bool started = false;
    struct ecsb_error err = {0};
    if (ecsb_service_start(ctx->services, ECSB_AGENT_SERVICE_NAME, 60000, &started, &err) != ECSB_OK) {
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "restarting the ECS agent failed: %s", err.message);
        return false;
    }
    (*restarts)++;
    return true;
}

bool plan_action_register(struct ecsb_plan *p, struct ecsb_buf *text)
{
    char dur[32];
    ecsb_format_duration(p->config.agent.registration_timeout_ns, dur, sizeof dur);
    ecsb_buf_printf(text, "wait for registration (up to %s)", dur);
    return true;
}

enum ecsb_status run_action_register(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    long long timeout_ms = ctx->plan.config.agent.registration_timeout_ns / 1000000;
    long long start = ecsb_monotonic_ms(), deadline = start + timeout_ms, next_note = start + 10000;
    long interval = POLL_FIRST_MS;
    size_t restarts = 0;
    for (int polls = 0;; polls++) {
        char *arn = poll_introspection(ctx);
        if (arn) {
            ctx->container_instance_arn = arn;
            ecsb_report_set(&ctx->report.container_instance_arn, arn);
            ecsb_buf_printf(detail, "registered as %s", arn);
            if (restarts)
                ecsb_buf_printf(detail, " after %zu restart%s of the agent", restarts, restarts == 1 ? "" : "s");
            *result = polls == 0 ? ECSB_PHASE_UNCHANGED : ECSB_PHASE_OK;
            return ECSB_OK;
        }
        struct ecsb_service_status st = {0};
        struct ecsb_error err = {0};
        if (ecsb_service_query(ctx->services, ECSB_AGENT_SERVICE_NAME, &st, &err) == ECSB_OK &&
            st.state != ECSB_SVC_RUNNING && st.state != ECSB_SVC_START_PENDING &&
            !restart_transient(ctx, &st, &restarts, deadline))
            return agent_exited(ctx, &st);
        long long now = ecsb_monotonic_ms();
        if (now >= deadline)
            break;
        if (now >= next_note) {
            ecsb_log(&ctx->log, ECSB_LOG_INFO, "waiting for the agent to register (%llds so far)", (now - start) / 1000);
            next_note = now + 10000;
        }
        ecsb_sleep_ms(interval);
        interval = interval * 2 > POLL_MAX_MS ? POLL_MAX_MS : interval * 2;
    }
    struct ecsb_buf msg = ECSB_BUF_INIT;
    ecsb_buf_printf(&msg,
                    "the ECS agent did not register within %llds: check %s and that the instance can reach the "
                    "ECS endpoint; raise [agent] registration_timeout if the network is slow",
                    timeout_ms / 1000, ctx->plan.config.paths.logfile);
    run_fail(ctx, ECSB_EXIT_AGENT, ECSB_ERR_TIMEOUT, msg.data);
    ecsb_buf_free(&msg);
    return ECSB_ERR_TIMEOUT;
}
