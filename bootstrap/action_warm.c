/* Action "warm-images", after registration: read the preloaded images' layer files
 * once so the first task does not pay for the EBS volume's lazy snapshot restore
 * (lib/docker/warm.c; `ecs-bootstrap warm` runs the same code). It never fails the
 * run: what it read, and how fast, goes to the log and the report. */
#include "commands.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/warm.h"
#include "run.h"

#define WARM_BUDGET_MS (10L * 60 * 1000)

bool plan_action_warm(struct ecsb_plan *p, struct ecsb_buf *text)
{
    if (!p->preload.count)
        return false;
    ecsb_buf_printf(text, "warm up %u preloaded image%s (read their layer files once, up to %ld min)",
                    (unsigned)p->preload.count, p->preload.count == 1 ? "" : "s", WARM_BUDGET_MS / 60000);
    return true;
}

static void log_line(void *ctx, const char *line)
{
    ecsb_log((struct ecsb_log *)ctx, ECSB_LOG_WARN, "%s", line);
}

enum ecsb_status run_action_warm(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    struct ecsb_warm_opts o = {.call_timeout_ms = ecsb_docker_call_timeout_ms(ctx->plan.config.timeouts.docker_ns),
                               .budget_ms = WARM_BUDGET_MS, .threads = 4, .on_line = log_line, .ctx = &ctx->log};
    struct ecsb_warm_report r;
    struct ecsb_error err = {0};
    if (ecsb_warm_run(&o, (const char *const *)ctx->plan.preload.items, ctx->plan.preload.count, &r, &err) != ECSB_OK)
        ecsb_buf_printf(detail, "warm-up skipped: %s", err.message);
    else
        ecsb_warm_summary(&r, detail);
    *result = ECSB_PHASE_OK;
    return ECSB_OK;
}
