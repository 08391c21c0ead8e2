/* ecs-bootstrap run: takes the host from "AMI just booted" to "registered in the
 * right cluster with the right attributes", or fails fast with one line an
 * operator can act on. Each phase is timed, logged and idempotent; a second run on
 * a configured host changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/fs.h"
#include "run.h"
#include "run_paths.h"

struct phase {
    const char *name;
    run_phase_fn fn;
};

static const struct phase phases[] = {
    {"config", run_phase_config},
    {"preflight", run_phase_preflight},
    {"agent-config", run_phase_agent_config},
    {"service", run_phase_service},
    {"register", run_phase_register},
    {"attributes", run_phase_attributes},
};

static void run_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap run [options]\n"
          "  Configures and starts the ECS agent, waits for it to register, publishes attributes.\n"
          "  Safe to run again: a configured, registered host is verified and left unchanged.\n\n" LOAD_FLAGS_HELP
          "  --state-dir DIR             bookkeeping and the POSIX process backend\n"
          "                              (default " ECSB_DEFAULT_STATE_DIR ")\n"
          "\nexit codes: 0 ok, 2 usage, 3 bad input, 4 preflight, 5 agent, 6 AWS (see 'ecs-bootstrap --help')\n",
          out);
}

enum ecsb_status run_fail(struct run_ctx *ctx, int exit_code, enum ecsb_status code, const char *message)
{
    ecsb_log(&ctx->log, ECSB_LOG_ERROR, "%s", message);
    ecsb_report_add_error(&ctx->report, message);
    ctx->exit_code = exit_code;
    return code;
}

static int parse_args(struct run_ctx *ctx, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int used = load_parse_flag(&ctx->opts, argc, argv, &i);
        if (used < 0)
            return ECSB_EXIT_USAGE;
        if (used)
            continue;
        if (!strcmp(argv[i], "--state-dir") && i + 1 < argc) {
            ctx->state_dir = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            run_usage(stdout);
            return -1;
        } else {
            fprintf(stderr, "ecs-bootstrap run: unknown option '%s'\n", argv[i]);
            run_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
    }
    return ECSB_EXIT_OK;
}

static void run_phases(struct run_ctx *ctx)
{
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++) {
        enum ecsb_phase_result result = ECSB_PHASE_OK;
        struct ecsb_buf detail = ECSB_BUF_INIT;
        long long t0 = ecsb_monotonic_ms();
        enum ecsb_status st = phases[i].fn(ctx, &result, &detail);
        double seconds = (double)(ecsb_monotonic_ms() - t0) / 1000.0;
        if (st != ECSB_OK) {
            result = ECSB_PHASE_FAILED;
            if (ctx->exit_code == 0)
                ctx->exit_code = ECSB_EXIT_FAILURE;
        }
        ecsb_report_add_phase(&ctx->report, phases[i].name, result, seconds, ecsb_buf_cstr(&detail));
        ecsb_log(&ctx->log, st == ECSB_OK ? ECSB_LOG_INFO : ECSB_LOG_ERROR, "phase %s: %s in %.3fs%s%s",
                 phases[i].name, ecsb_phase_result_name(result), seconds, detail.len ? ": " : "",
                 ecsb_buf_cstr(&detail));
        ecsb_buf_free(&detail);
        if (st != ECSB_OK)
            return;
    }
}

/* The status file is written even when a phase failed: that is when it matters most. */
static void write_status(struct run_ctx *ctx)
{
    const char *path = ctx->have_plan && ctx->plan.config.paths.status_file ? ctx->plan.config.paths.status_file
                                                                            : ECSB_DEFAULT_STATUS_FILE;
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

static void run_cleanup(struct run_ctx *ctx)
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

int cmd_run(int argc, char **argv)
{
    struct run_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    load_options_init(&ctx.opts);
    ecsb_log_init(&ctx.log, stdout);
    ecsb_masker_init(&ctx.masker);
    ctx.log.masker = ctx.report.masker = ctx.opts.masker = &ctx.masker;
    ctx.state_dir = ECSB_DEFAULT_STATE_DIR;
    /* The agent's introspection API; the override exists for development hosts
     * where something else holds 51678 (the real agent has no such knob). */
    ctx.introspection_url = getenv("ECS_BOOTSTRAP_INTROSPECTION_URL");
    if (!ctx.introspection_url || !*ctx.introspection_url)
        ctx.introspection_url = "http://127.0.0.1:51678/v1/metadata";
    int rc = parse_args(&ctx, argc, argv);
    if (rc == ECSB_EXIT_OK)
        rc = load_resolve_host(&ctx.opts, "run");
    if (rc != ECSB_EXIT_OK) {
        run_cleanup(&ctx);
        return rc < 0 ? ECSB_EXIT_OK : rc;
    }
    ecsb_format_utc((time_t)ecsb_wall_time(), ctx.report.started_at, sizeof ctx.report.started_at);
    ecsb_log(&ctx.log, ECSB_LOG_INFO, "ecs-bootstrap %s: joining the ECS cluster", ECSB_VERSION);
    run_phases(&ctx);
    write_status(&ctx);
    if (ctx.exit_code == 0)
        ecsb_log(&ctx.log, ECSB_LOG_INFO, "done: %s registered in cluster %s",
                 ctx.container_instance_arn ? ctx.container_instance_arn : "instance",
                 ctx.report.cluster ? ctx.report.cluster : "?");
    rc = ctx.exit_code;
    run_cleanup(&ctx);
    return rc;
}
