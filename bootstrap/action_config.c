/* Action "config": load the configuration (baked INI, user data from IMDS or a
 * file, --set), which builds the plan, and open the log file the config names. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/fs.h"
#include "run.h"

static void open_log_file(struct run_ctx *ctx)
{
    const char *dir = ctx->plan.config.paths.log_dir;
    if (!dir || !*dir)
        return;
    struct ecsb_error err = {0};
    struct ecsb_buf path = ECSB_BUF_INIT;
    ecsb_buf_printf(&path, "%s%cecs-bootstrap.log", dir, strchr(dir, '\\') ? '\\' : '/');
    if (ecsb_fs_mkdirs(dir, &err) != ECSB_OK || ecsb_log_open_file(&ctx->log, path.data) != 0)
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "cannot open log file %s; logging to stdout only", path.data);
    ecsb_buf_free(&path);
}

static const char *plan_region(const struct ecsb_plan *plan)
{
    if (plan->config.cluster.region)
        return plan->config.cluster.region;
    const struct ecsb_agentenv_var *v = ecsb_agentenv_find(&plan->env, "AWS_DEFAULT_REGION");
    return v ? v->value : NULL;
}

bool plan_action_config(struct ecsb_plan *p, struct ecsb_buf *text)
{
    (void)p; /* always: it builds the plan the other actions come from */
    ecsb_buf_puts(text, "read the configuration (baked file, user data, --set)");
    return true;
}

enum ecsb_status run_action_config(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    struct ecsb_error err = {0};
    /* IMDS serves user data (without --userdata), the region and the role's
     * credentials; the client connects on first use. */
    if (load_open_imds(&ctx->http, &ctx->imds, &err) != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_FAILURE, err.code, err.message);
    ctx->have_imds = true;
    enum ecsb_status st = load_plan(&ctx->opts, &ctx->imds, &ctx->plan, &err);
    if (st != ECSB_OK)
        return run_fail(ctx, load_exit_code(st), st, err.message);
    ctx->have_plan = true;
    open_log_file(ctx);
    const struct ecsb_plan *p = &ctx->plan;
    const char *region = plan_region(p);
    ctx->region = region ? ecsb_xstrdup(region) : NULL;
    ecsb_report_set(&ctx->report.cluster, p->config.cluster.name);
    ecsb_report_set(&ctx->report.region, ctx->region);
    ecsb_report_set(&ctx->report.os_family, p->os_family);
    for (size_t i = 0; i < p->preload.count; i++)
        ecsb_report_add_image(&ctx->report, p->preload.items[i]);
    for (size_t i = 0; i < p->n_warnings; i++) {
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "%s", p->warnings[i]);
        ecsb_report_add_warning(&ctx->report, p->warnings[i]);
    }
    for (size_t i = 0; i < p->n_ignored; i++)
        ecsb_log(&ctx->log, ECSB_LOG_INFO, "user data line %d not acted on (%s): %s", p->ignored[i].line,
                 p->ignored[i].reason, p->ignored[i].text);
    ecsb_buf_printf(detail, "cluster %s, region %s, os-family %s, %zu agent variables",
                    p->config.cluster.name, region ? region : "(unknown)", p->os_family, p->env.count);
    *result = ECSB_PHASE_OK;
    return ECSB_OK;
}
