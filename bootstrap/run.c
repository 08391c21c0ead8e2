/* run.c: the single loop that executes the plan's actions (see actions.h), and
 * the run context's life cycle. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/fs.h"

void run_ctx_init(struct run_ctx *ctx, FILE *console)
{
    memset(ctx, 0, sizeof *ctx);
    load_options_init(&ctx->opts);
    ecsb_log_init(&ctx->log, console);
    ecsb_masker_init(&ctx->masker);
    ctx->log.masker = ctx->report.masker = ctx->opts.masker = &ctx->masker;
    ctx->state_dir = ecsb_own_paths()->state_dir;
    /* The override exists for development hosts where something else holds 51678
     * (the real agent has no such knob). */
    ctx->introspection_url = getenv("ECS_BOOTSTRAP_INTROSPECTION_URL");
    if (!ctx->introspection_url || !*ctx->introspection_url)
        ctx->introspection_url = ECSB_AGENT_INTROSPECTION_URL;
}

enum ecsb_status run_fail(struct run_ctx *ctx, int exit_code, enum ecsb_status code, const char *message)
{
    ecsb_log(&ctx->log, ECSB_LOG_ERROR, "%s", message);
    ecsb_report_add_error(&ctx->report, message);
    ctx->exit_code = exit_code;
    return code;
}

enum ecsb_status run_ensure_parent_dir(const char *path, struct ecsb_error *err)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');
    const char *sep = slash > backslash ? slash : backslash;
    if (!sep || sep == path)
        return ECSB_OK;
    char *dir = ecsb_xstrndup(path, (size_t)(sep - path));
    enum ecsb_status st = ecsb_fs_mkdirs(dir, err);
    free(dir);
    return st;
}

/* The i-th action: the first row builds the plan, the plan names the rest. */
static const struct run_action *action_at(const struct run_ctx *ctx, struct run_actions table, size_t i)
{
    if (!ctx->have_plan)
        return i == 0 && table.count ? &table.rows[0] : NULL;
    return i < ctx->plan.n_actions ? run_actions_find(table, ctx->plan.actions[i].name) : NULL;
}

static enum ecsb_status not_yet_done(enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    *result = ECSB_PHASE_SKIPPED;
    ecsb_buf_puts(detail, "not yet done by this version");
    return ECSB_OK;
}

void run_execute(struct run_ctx *ctx, struct run_actions table)
{
    const struct run_action *a;
    for (size_t i = 0; (a = action_at(ctx, table, i)) != NULL; i++) {
        enum ecsb_phase_result result = ECSB_PHASE_OK;
        struct ecsb_buf detail = ECSB_BUF_INIT;
        long long t0 = ecsb_monotonic_ms();
        enum ecsb_status st = a->run ? a->run(ctx, &result, &detail) : not_yet_done(&result, &detail);
        double seconds = (double)(ecsb_monotonic_ms() - t0) / 1000.0;
        if (st != ECSB_OK) {
            result = ECSB_PHASE_FAILED;
            if (ctx->exit_code == 0)
                ctx->exit_code = ECSB_EXIT_FAILURE;
        }
        ecsb_report_add_phase(&ctx->report, a->name, result, seconds, ecsb_buf_cstr(&detail));
        ecsb_log(&ctx->log, st == ECSB_OK ? ECSB_LOG_INFO : ECSB_LOG_ERROR, "phase %s: %s in %.3fs%s%s", a->name,
                 ecsb_phase_result_name(result), seconds, detail.len ? ": " : "", ecsb_buf_cstr(&detail));
        ecsb_buf_free(&detail);
        if (st != ECSB_OK)
            return;
    }
}

/* The status file is written even when an action failed: that is when it matters most. */
void run_write_status(struct run_ctx *ctx)
{
    const char *path = ctx->have_plan && ctx->plan.config.paths.status_file ? ctx->plan.config.paths.status_file
                                                                            : ecsb_own_paths()->status_file;
    char stamp[32];
    ecsb_format_utc((time_t)ecsb_wall_time(), stamp, sizeof stamp);
    snprintf(ctx->report.finished_at, sizeof ctx->report.finished_at, "%s", stamp);
    ctx->report.exit_code = ctx->exit_code;
    struct ecsb_buf json = ECSB_BUF_INIT;
    ecsb_report_to_json(&ctx->report, &json);
    struct ecsb_error err = {0};
    if (run_ensure_parent_dir(path, &err) != ECSB_OK ||
        ecsb_fs_write_atomic(path, json.data, json.len, &err) != ECSB_OK)
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "could not write the status file: %s", err.message);
    ecsb_buf_free(&json);
}

void run_ctx_free(struct run_ctx *ctx)
{
    if (ctx->services)
        ecsb_service_mgr_close(ctx->services);
    ecsb_cred_chain_free(&ctx->creds);
    if (ctx->have_imds)
        ecsb_imds_free(&ctx->imds);
    if (ctx->http)
        ecsb_http_free(ctx->http);
    if (ctx->have_plan)
        ecsb_plan_free(&ctx->plan);
    free(ctx->container_instance_arn);
    free(ctx->region);
    ecsb_report_free(&ctx->report);
    load_options_free(&ctx->opts);
    ecsb_log_close(&ctx->log);
    ecsb_masker_free(&ctx->masker);
}
