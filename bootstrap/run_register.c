/* Phases 5 and 6: wait until the agent has registered (its introspection API
 * answers with a container-instance ARN), failing at once if the agent exits; then
 * make sure the registered instance carries ecs.os-family and the custom attributes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"
#include "ecsb/aws/ecs.h"
#include "run.h"

#define AGENT_SERVICE "AmazonECS"
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

/* POSIX process backend: the agent's stdout/stderr go to <state-dir>/AmazonECS.log.
 * On Windows there is no console log (NULL). */
static char *service_console_log(const struct run_ctx *ctx)
{
#ifdef _WIN32
    (void)ctx;
    return NULL;
#else
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s/%s.log", ctx->state_dir, AGENT_SERVICE);
    return ecsb_buf_detach(&b);
#endif
}

static enum ecsb_status agent_exited(struct run_ctx *ctx, const struct ecsb_service_status *st)
{
    struct ecsb_buf msg = ECSB_BUF_INIT;
    ecsb_buf_printf(&msg, "the ECS agent stopped before it registered (%s", ecsb_service_state_name(st->state));
    if (st->has_exit_code)
        ecsb_buf_printf(&msg, ", exit code %ld%s", st->exit_code,
                        st->exit_code == 5 ? ": a terminal error such as a missing cluster or bad configuration" : "");
    ecsb_buf_printf(&msg, "); see %s", ctx->plan.config.paths.logfile);
    if (!append_log_tail(ctx->plan.config.paths.logfile, &msg)) {
        /* The agent died before it opened its log: its console output says why. */
        char *console = service_console_log(ctx);
        append_log_tail(console, &msg);
        free(console);
    }
    run_fail(ctx, ECSB_EXIT_AGENT, ECSB_ERR_PLATFORM, msg.data);
    ecsb_buf_free(&msg);
    return ECSB_ERR_PLATFORM;
}

enum ecsb_status run_phase_register(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    long long timeout_ms = ctx->plan.config.agent.registration_timeout_ns / 1000000;
    long long start = ecsb_monotonic_ms(), deadline = start + timeout_ms, next_note = start + 10000;
    long interval = POLL_FIRST_MS;
    for (int polls = 0;; polls++) {
        char *arn = poll_introspection(ctx);
        if (arn) {
            ctx->container_instance_arn = arn;
            ecsb_report_set(&ctx->report.container_instance_arn, arn);
            ecsb_buf_printf(detail, "registered as %s", arn);
            *result = polls == 0 ? ECSB_PHASE_UNCHANGED : ECSB_PHASE_OK;
            return ECSB_OK;
        }
        struct ecsb_service_status st = {0};
        struct ecsb_error err = {0};
        if (ecsb_service_query(ctx->services, AGENT_SERVICE, &st, &err) == ECSB_OK && st.state != ECSB_SVC_RUNNING &&
            st.state != ECSB_SVC_START_PENDING)
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

/* Registered attribute value of name, or NULL. */
static const char *find_attribute(const struct ecsb_json *attrs, const char *name)
{
    for (size_t i = 0; attrs && attrs->type == ECSB_JSON_ARRAY && i < attrs->count; i++) {
        const char *n = ecsb_json_get_string(attrs->items[i], "name");
        if (n && !strcmp(n, name)) {
            const char *v = ecsb_json_get_string(attrs->items[i], "value");
            return v ? v : "";
        }
    }
    return NULL;
}

struct wanted {
    struct ecsb_ecs_attribute *items;
    size_t count;
};

static void want(struct wanted *w, const char *name, const char *value, const char *arn)
{
    w->items[w->count++] = (struct ecsb_ecs_attribute){name, value, arn};
}

/* Splits wanted attributes into those already right and those to put. */
static size_t select_missing(const struct ecsb_json *registered, struct wanted *all, struct ecsb_buf *detail)
{
    size_t missing = 0;
    for (size_t i = 0; i < all->count; i++) {
        const char *have = find_attribute(registered, all->items[i].name);
        if (have && !strcmp(have, all->items[i].value)) {
            ecsb_buf_printf(detail, "%s%s", detail->len ? ", " : "present: ", all->items[i].name);
            continue;
        }
        all->items[missing++] = all->items[i];
    }
    return missing;
}

enum ecsb_status run_phase_attributes(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                      struct ecsb_buf *detail)
{
    const char *cluster = ctx->plan.config.cluster.name, *arn = ctx->container_instance_arn;
    const char *arns[] = {arn};
    struct ecsb_json *resp = NULL;
    struct ecsb_error err = {0};
    if (ecsb_ecs_describe_container_instances(&ctx->aws, cluster, arns, 1, &resp, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_AWS, err.code, err.message);
    const struct ecsb_json *inst = ecsb_json_at(ecsb_json_get(resp, "containerInstances"), 0);
    const struct ecsb_config_map *custom = &ctx->plan.config.attributes;
    struct wanted all = {ecsb_xcalloc(custom->count + 1, sizeof *all.items), 0};
    want(&all, "ecs.os-family", ctx->plan.os_family, arn);
    for (size_t i = 0; i < custom->count; i++)
        want(&all, custom->items[i].key, custom->items[i].value, arn);
    size_t missing = select_missing(ecsb_json_get(inst, "attributes"), &all, detail);
    enum ecsb_status st = ECSB_OK;
    if (missing > 0) {
        st = ecsb_ecs_put_attributes(&ctx->aws, cluster, all.items, missing, &err);
        for (size_t i = 0; st == ECSB_OK && i < missing; i++)
            ecsb_buf_printf(detail, "%s%s=%s", i ? ", " : (detail->len ? "; added: " : "added: "), all.items[i].name,
                            all.items[i].value);
    }
    free(all.items);
    ecsb_json_free(resp);
    if (st != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_AWS, st, err.message);
    *result = missing ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
