/* ecs-bootstrap run: takes the host from "AMI just booted" to "registered in the
 * right cluster with the right attributes", or fails fast with one line an
 * operator can act on. It executes the actions `plan` prints (actions.c), each
 * timed, logged and idempotent; a second run on a configured host changes nothing. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/agent/service.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/options.h"
#include "run.h"

static const struct command_usage run_usage = {
    ECSB_BOOTSTRAP_PROG, "run", "[options]",
    "  Configures and starts the ECS agent, waits for it to register, publishes attributes:\n"
    "  the actions 'ecs-bootstrap plan' lists, in that order.\n"
    "  Safe to run again: a configured, registered host is verified and left unchanged.\n",
    "exit codes: 0 ok, 2 usage, 3 bad input, 4 preflight, 5 agent, 6 AWS, 7 attributes pending (see 'ecs-bootstrap --help')\n"};

/* Returns -1 to go on, otherwise the exit code. */
static int parse_args(struct run_ctx *ctx, bool *service, int argc, char **argv)
{
    const struct option opts[] = {
        LOAD_OPTIONS(&ctx->opts),
        OPT_FLAG_("service", 0, service, "run as the boot-time service the MSI installs (Windows: report to "
                                         "the service control manager; the exit code becomes the service's)"),
        OPT_STRING_("state-dir", &ctx->state_dir, "DIR", "bookkeeping and the POSIX process backend",
                    ecsb_own_paths()->state_dir),
        OPT_END_(),
    };
    switch (parse_options(&run_usage, opts, argc, argv, NULL)) {
    case PARSE_OK: return -1;
    case PARSE_HELP: return ECSB_EXIT_OK;
    default: return ECSB_EXIT_USAGE;
    }
}

/* As a service there is no console: until the config action opens the configured log
 * file, lines go to the default one, so a run that fails before (IMDS unreachable, bad
 * user data) still leaves its reason in a file, not only in the status file and the
 * Event Log. */
static void open_default_log(struct run_ctx *ctx)
{
    const char *dir = ecsb_own_paths()->log_dir;
    struct ecsb_error err = {0};
    struct ecsb_buf path = ECSB_BUF_INIT;
    ecsb_buf_printf(&path, "%s%cecs-bootstrap.log", dir, strchr(dir, '\\') ? '\\' : '/');
    if (ecsb_fs_mkdirs(dir, &err) == ECSB_OK)
        ecsb_log_open_file(&ctx->log, path.data);
    ecsb_buf_free(&path);
}

/* The run itself, the body of the boot-time service too. */
static int run_body(void *arg)
{
    struct run_ctx *ctx = arg;
    ecsb_format_utc((time_t)ecsb_wall_time(), ctx->report.started_at, sizeof ctx->report.started_at);
    ecsb_log(&ctx->log, ECSB_LOG_INFO, "ecs-bootstrap %s: joining the ECS cluster", ECSB_VERSION);
    run_execute(ctx, run_actions_default());
    run_write_status(ctx);
    if (ctx->exit_code == 0)
        ecsb_log_result(&ctx->log, true, "done: %s registered in cluster %s",
                        ctx->container_instance_arn ? ctx->container_instance_arn : "instance",
                        ctx->report.cluster ? ctx->report.cluster : "?");
    else
        ecsb_log_result(&ctx->log, false, "failed with exit code %d: %s", ctx->exit_code,
                        ctx->report.n_errors ? ctx->report.errors[0] : "see the lines above");
    return ctx->exit_code;
}

int cmd_run(int argc, char **argv)
{
    struct run_ctx ctx;
    run_ctx_init(&ctx, stdout);
    /* Errors and the result go to the Event Log too (the MSI registers the source). */
    ctx.log.event_source = ECSB_EVENT_SOURCE;
    bool service = false;
    int rc = parse_args(&ctx, &service, argc, argv); /* -1: go on */
    int host_rc = rc < 0 ? load_resolve_host(&ctx.opts, "run") : ECSB_EXIT_OK;
    if (host_rc != ECSB_EXIT_OK)
        rc = host_rc;
    if (rc >= 0) {
        run_ctx_free(&ctx);
        return rc;
    }
    if (service)
        open_default_log(&ctx);
    rc = service ? ecsb_service_host_run(ECSB_BOOT_SERVICE_NAME, run_body, &ctx) : run_body(&ctx);
    run_ctx_free(&ctx);
    return rc;
}
