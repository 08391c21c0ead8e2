/* Unit tests for the contract between plan and run (bootstrap/actions.c, run.c):
 * run executes exactly the actions the plan lists, in that order, each with one
 * report entry. The config action is the real one (user data from a file, no
 * network); the actions that would touch the host or AWS are recorders. */
#include "check.h"

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/config.h"
#include "run.h"

#define SCRATCH "build/test_bootstrap_run.tmp"

static char called[256]; /* names of the run functions called, in order */

static enum ecsb_status record(const char *name, enum ecsb_phase_result *result, struct ecsb_buf *detail)
{
    snprintf(called + strlen(called), sizeof called - strlen(called), "%s%s", *called ? "," : "", name);
    *result = ECSB_PHASE_CHANGED;
    ecsb_buf_printf(detail, "recorded %s", name);
    return ECSB_OK;
}

#define RECORDER(fn, name)                                                                              \
    static enum ecsb_status fn(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *d) \
    {                                                                                                   \
        (void)ctx;                                                                                      \
        return record(name, result, d);                                                                 \
    }
RECORDER(rec_preflight, "preflight")
RECORDER(rec_credential_proxy, "credential-proxy")
RECORDER(rec_service, "service")
RECORDER(rec_register, "register")
RECORDER(rec_attributes, "attributes")
RECORDER(rec_preload, "preload-images")
RECORDER(rec_warm, "warm-images")

static enum ecsb_status fail_agent_config(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *d)
{
    record("agent-config", result, d);
    return run_fail(ctx, ECSB_EXIT_FAILURE, ECSB_ERR_IO, "cannot write the agent environment");
}

static enum ecsb_status rec_agent_config(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *d)
{
    (void)ctx;
    return record("agent-config", result, d);
}

/* The real table with the host-touching run functions replaced (same names, same
 * plan text; rows without a run function stay without). */
static struct run_action stub_rows[16];

static struct run_actions stub_table(run_action_fn agent_config)
{
    struct run_actions real = run_actions_default();
    const struct { const char *name; run_action_fn fn; } stubs[] = {
        {"preflight", rec_preflight}, {"agent-config", agent_config}, {"service", rec_service},
        {"register", rec_register},   {"attributes", rec_attributes}, {"credential-proxy", rec_credential_proxy},
        {"preload-images", rec_preload}, {"warm-images", rec_warm}};
    for (size_t i = 0; i < real.count; i++) {
        stub_rows[i] = real.rows[i];
        for (size_t k = 0; k < sizeof stubs / sizeof stubs[0]; k++)
            if (!strcmp(real.rows[i].name, stubs[k].name))
                stub_rows[i].run = stubs[k].fn;
    }
    return (struct run_actions){stub_rows, real.count};
}

static void start(struct run_ctx *ctx, const char *userdata)
{
    struct ecsb_error err = {0};
    called[0] = '\0';
    CHECK_INT_EQ(ecsb_fs_mkdirs(SCRATCH, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_fs_write_atomic(SCRATCH "/ud.ini", userdata, strlen(userdata), &err), ECSB_OK);
    /* [paths] is the AMI owner's: the baked file, not user data (docs/security.md) */
    static const char baked[] = "[paths]\nlog_dir = " SCRATCH "/log\n";
    CHECK_INT_EQ(ecsb_fs_write_atomic(SCRATCH "/baked.ini", baked, strlen(baked), &err), ECSB_OK);
    run_ctx_init(ctx, tmpfile());
    ctx->opts.userdata_file = SCRATCH "/ud.ini";
    ctx->opts.config_file = SCRATCH "/baked.ini";
    ctx->opts.host.build_arg = "20348";
    ctx->opts.host.itype_arg = "Server Core";
    CHECK_INT_EQ(load_resolve_host(&ctx->opts, "run"), ECSB_EXIT_OK);
}

static void finish(struct run_ctx *ctx)
{
    FILE *console = ctx->log.console;
    run_ctx_free(ctx);
    fclose(console);
}

static const char full_ud[] = "[cluster]\nname = prod\nregion = us-east-1\n"
                              "[agent]\ntask_iam_role = true\n"
                              "[images]\npreload = busybox:1\n"
                              "[attributes]\nteam = payments\n";

TEST(run_executes_exactly_the_plan)
{
    struct run_ctx ctx;
    start(&ctx, full_ud);
    run_execute(&ctx, stub_table(rec_agent_config));
    CHECK(ctx.have_plan);
    CHECK_INT_EQ(ctx.exit_code, 0);
    /* The report lists every planned action, in the plan's order. */
    CHECK_INT_EQ(ctx.report.n_phases, ctx.plan.n_actions);
    char planned[256] = "", to_run[256] = "";
    for (size_t i = 0; i < ctx.plan.n_actions; i++) {
        const struct ecsb_plan_action *a = &ctx.plan.actions[i];
        snprintf(planned + strlen(planned), sizeof planned - strlen(planned), "%s%s", i ? "," : "", a->name);
        if (i < ctx.report.n_phases)
            CHECK_STR_EQ(ctx.report.phases[i].name, a->name);
        if (i > 0 && !a->not_yet_done)
            snprintf(to_run + strlen(to_run), sizeof to_run - strlen(to_run), "%s%s", *to_run ? "," : "", a->name);
    }
    CHECK_STR_EQ(planned,
                 "config,preflight,agent-config,credential-proxy,preload-images,service,register,attributes,warm-images");
    /* Every action this version does ran, once, in order; the others were skipped. */
    CHECK_STR_EQ(called, to_run);
    CHECK_STR_EQ(called,
                 "preflight,agent-config,credential-proxy,preload-images,service,register,attributes,warm-images");
    CHECK_INT_EQ(ctx.report.phases[3].result, ECSB_PHASE_CHANGED);
    CHECK_STR_EQ(ctx.report.phases[3].detail, "recorded credential-proxy");
    CHECK_INT_EQ(ctx.report.phases[4].result, ECSB_PHASE_CHANGED);
    CHECK_STR_EQ(ctx.report.phases[4].detail, "recorded preload-images");
    CHECK_INT_EQ(ctx.report.phases[5].result, ECSB_PHASE_CHANGED);
    CHECK_STR_EQ(ctx.report.phases[5].detail, "recorded service");
    finish(&ctx);
}

static bool describe_always(struct ecsb_plan *p, struct ecsb_buf *text)
{
    (void)p;
    ecsb_buf_puts(text, "do a future thing");
    return true;
}

/* A row without a run function is planned as not yet done, with a warning: plan
 * never promises what run does not do. */
TEST(a_row_without_a_run_function_is_planned_as_not_yet_done)
{
    static const struct run_action rows[] = {{"future", describe_always, NULL},
                                             {"present", describe_always, rec_service}};
    struct ecsb_plan plan;
    memset(&plan, 0, sizeof plan);
    run_actions_plan((struct run_actions){rows, 2}, &plan);
    CHECK_INT_EQ(plan.n_actions, 2);
    CHECK(plan.n_actions == 2 && plan.actions[0].not_yet_done && !plan.actions[1].not_yet_done);
    CHECK_INT_EQ(plan.n_warnings, 1);
    if (plan.n_warnings == 1)
        CHECK_CONTAINS(plan.warnings[0], "do a future thing: not yet done");
    ecsb_plan_free(&plan);
}

TEST(a_plan_without_the_optional_actions_runs_without_them)
{
    struct run_ctx ctx;
    start(&ctx, "[cluster]\nname = small\nregion = eu-west-1\n");
    run_execute(&ctx, stub_table(rec_agent_config));
    CHECK_INT_EQ(ctx.plan.n_actions, 6);
    CHECK_INT_EQ(ctx.report.n_phases, 6);
    CHECK_STR_EQ(called, "preflight,agent-config,service,register,attributes");
    for (size_t i = 0; i < ctx.plan.n_actions; i++)
        CHECK(!ctx.plan.actions[i].not_yet_done);
    finish(&ctx);
}

TEST(a_failing_action_stops_the_run)
{
    struct run_ctx ctx;
    start(&ctx, full_ud);
    run_execute(&ctx, stub_table(fail_agent_config));
    CHECK_STR_EQ(called, "preflight,agent-config");
    CHECK_INT_EQ(ctx.report.n_phases, 3);
    CHECK_INT_EQ(ctx.report.phases[2].result, ECSB_PHASE_FAILED);
    CHECK_INT_EQ(ctx.exit_code, ECSB_EXIT_FAILURE);
    CHECK_INT_EQ(ctx.report.n_errors, 1);
    finish(&ctx);
}

TEST(bad_user_data_fails_config_and_nothing_else_runs)
{
    struct run_ctx ctx;
    start(&ctx, "[cluster]\nname = bad name!\n");
    run_execute(&ctx, stub_table(rec_agent_config));
    CHECK(!ctx.have_plan);
    CHECK_STR_EQ(called, "");
    CHECK_INT_EQ(ctx.report.n_phases, 1);
    CHECK_STR_EQ(ctx.report.phases[0].name, "config");
    CHECK_INT_EQ(ctx.report.phases[0].result, ECSB_PHASE_FAILED);
    CHECK_INT_EQ(ctx.exit_code, ECSB_EXIT_BAD_INPUT);
    finish(&ctx);
}

/* One default per platform: run's status file default (the schema) is the one
 * status reads, and ecs-bootstrap's own paths are this platform's. */
TEST(own_paths_are_this_platforms)
{
    struct ecsb_config c;
    ecsb_config_init(&c);
    const struct ecsb_own_paths *own = ecsb_own_paths();
    CHECK_STR_EQ(c.paths.status_file, own->status_file);
    CHECK_STR_EQ(c.paths.log_dir, own->log_dir);
    /* The agent's own paths describe a Windows host wherever the plan is made. */
    CHECK_STR_EQ(c.paths.datadir, ECSB_AGENT_DATADIR);
    CHECK_STR_EQ(c.paths.logfile, ECSB_AGENT_LOGFILE);
    bool windows_paths = own->status_file[1] == ':';
    CHECK(windows_paths == ecsb_host_traits()->service_env_block);
    const char *mine[] = {own->config_file, own->status_file, own->state_dir, own->log_dir};
    for (size_t i = 0; i < 4; i++)
        CHECK(windows_paths ? !strncmp(mine[i], "C:\\", 3) : mine[i][0] == '/');
    ecsb_config_free(&c);
}

int main(void)
{
    RUN(run_executes_exactly_the_plan);
    RUN(a_row_without_a_run_function_is_planned_as_not_yet_done);
    RUN(a_plan_without_the_optional_actions_runs_without_them);
    RUN(a_failing_action_stops_the_run);
    RUN(bad_user_data_fails_config_and_nothing_else_runs);
    RUN(own_paths_are_this_platforms);
    return check_summary();
}
