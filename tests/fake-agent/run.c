/* The agent's lifetime: configure, (wait), register, then serve introspection
 * until a stop request (exit 0) or the exit knob (FAKE_AGENT_EXIT_CODE). */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

int fa_wake_code(const struct fa_run *run, enum fa_wake wake)
{
    if (wake == FA_WAKE_STOP) {
        fa_log("info", "Agent received a stop request; exiting cleanly");
        return FA_EXIT_OK;
    }
    fa_log("warn", "FAKE_AGENT_EXIT_AFTER_MS=%ld reached; exiting with code %d (test knob)",
           run->cfg->exit_after_ms, run->cfg->exit_code);
    return run->cfg->exit_code;
}

static int serve(const struct fa_run *run, const char *arn)
{
    struct fa_server *srv = NULL;
    struct ecsb_error err = {0};
    if (fa_server_listen(&srv, "127.0.0.1", run->cfg->introspection_port, &err)) {
        fa_log("error", "Unable to start the introspection server: %s", err.message);
        return FA_EXIT_ERROR;
    }
    fa_log("info", "Introspection server listening on 127.0.0.1:%d", run->cfg->introspection_port);
    struct fa_metadata md = {run->cfg->cluster, arn};
    enum fa_wake wake;
    while ((wake = fa_wait(run, 0)) == FA_WAKE_TIMEOUT)
        fa_server_poll(srv, 100, &md);
    fa_server_close(srv);
    return fa_wake_code(run, wake);
}

static int lifecycle(const struct fa_run *run)
{
    const struct fa_config *cfg = run->cfg;
    int code = fa_preflight(run);
    if (code != FA_CONTINUE)
        return code;
    if (cfg->register_delay_ms > 0) {
        fa_log("info", "Waiting %ld ms before registering (FAKE_AGENT_REGISTER_DELAY_MS)", cfg->register_delay_ms);
        enum fa_wake wake = fa_wait(run, cfg->register_delay_ms);
        if (wake != FA_WAKE_TIMEOUT)
            return fa_wake_code(run, wake);
    }
    if (cfg->never_register) {
        fa_log("warn", "FAKE_AGENT_NEVER_REGISTER=1: not registering, not serving introspection");
        enum fa_wake wake;
        while ((wake = fa_wait(run, 1000)) == FA_WAKE_TIMEOUT)
            ;
        return fa_wake_code(run, wake);
    }
    char *arn = NULL;
    code = fa_register(run, &arn);
    if (code == FA_CONTINUE)
        code = serve(run, arn);
    free(arn);
    return code;
}

int fa_agent_run(void)
{
    struct fa_config cfg;
    struct ecsb_error err = {0};
    if (fa_config_load(&cfg, &err)) {
        fa_log_open(cfg.logfile);
        fa_log("critical", "Unable to load the agent configuration: %s", err.message);
        fa_log_close();
        fa_config_free(&cfg);
        return FA_EXIT_TERMINAL;
    }
    fa_log_open(cfg.logfile);
    fa_log("info", "Amazon ECS agent (fake) v%s starting: cluster %s, region %s, data dir %s", FA_AGENT_VERSION,
           cfg.cluster, cfg.region ? cfg.region : "(from IMDS)", cfg.datadir ? cfg.datadir : "(none: no checkpoint)");
    /* Test knob: an agent that logs its whole environment, as a careless one might;
     * ecs-bootstrap quotes the tail of this log when the agent dies. */
    const char *dump = getenv("FAKE_AGENT_LOG_ENVIRONMENT");
    for (char **e = fa_environ(); dump && !strcmp(dump, "1") && e && *e; e++)
        fa_log("debug", "environment: %s", *e);
    struct fa_run run = {&cfg, fa_now_ms()};
    int code = lifecycle(&run);
    fa_log("info", "Agent exiting with code %d", code);
    fa_log_close();
    fa_config_free(&cfg);
    return code;
}
