/* Action "agent-config": write the agent's environment where it reads it.
 * Variables the user set before us (machine scope on Windows, [environment] in any
 * layer) are never overwritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/agent/env_store.h"
#include "ecsb/agent/managed.h"
#include "ecsb/base/fs.h"
#include "run.h"

static void fill_target(const struct run_ctx *ctx, struct ecsb_agent_env_target *t, const char *service)
{
    memset(t, 0, sizeof *t);
    t->env_file = ctx->plan.config.paths.env_file;
    t->service_name = service;
    t->broadcast = true;
}

/* A variable is the user's when the host already holds a value we did not write
 * (on Windows, e.g. SetEnvironmentVariable(..., "Machine") before the run). Values
 * from [environment] are the user's too, but they are ours to write: the plan has
 * already let them win over derived ones. *current: the host's value (NULL = unset). */
static bool held_by_user(const struct ecsb_agent_env_target *t, const struct ecsb_managed *managed,
                         const struct ecsb_agentenv_var *v, char **current)
{
    struct ecsb_error err = {0};
    if (ecsb_agent_env_get(t, v->name, current, &err) != ECSB_OK)
        *current = NULL;
    if (!ecsb_host_traits()->env_shared_with_user)
        return false; /* the POSIX env file is ours alone */
    return !ecsb_managed_owns(managed, v->name, *current);
}

static void count_results(const struct ecsb_env_var *vars, size_t n, struct ecsb_buf *detail)
{
    size_t counts[4] = {0};
    for (size_t i = 0; i < n; i++)
        counts[vars[i].result]++;
    ecsb_buf_printf(detail, "%zu variables: %zu added, %zu updated, %zu unchanged, %zu set by the user (kept)", n,
                    counts[ECSB_ENV_ADDED], counts[ECSB_ENV_UPDATED], counts[ECSB_ENV_UNCHANGED],
                    counts[ECSB_ENV_USER_SET]);
}

/* Applies the plan's environment; service = NULL writes machine scope / env file
 * only, a name also writes that service's own Environment block (Windows). */
enum ecsb_status run_apply_agent_env(struct run_ctx *ctx, const char *service, bool *changed, struct ecsb_buf *detail)
{
    struct ecsb_agent_env_target target;
    fill_target(ctx, &target, service);
    struct ecsb_managed managed;
    struct ecsb_error err = {0};
    enum ecsb_status st = ecsb_managed_load(&managed, ctx->state_dir, &err);
    const struct ecsb_agentenv *env = &ctx->plan.env;
    struct ecsb_env_var *vars = ecsb_xcalloc(env->count, sizeof *vars);
    char **current = ecsb_xcalloc(env->count + 1, sizeof *current);
    for (size_t i = 0; st == ECSB_OK && i < env->count; i++) {
        vars[i].name = env->vars[i].name;
        vars[i].value = env->vars[i].value;
        vars[i].user_set = held_by_user(&target, &managed, &env->vars[i], &current[i]);
    }
    /* intent first: a run killed between two variable writes converges on the next */
    if (st == ECSB_OK)
        st = ecsb_managed_begin(&managed, vars, (const char *const *)current, env->count, &err);
    struct ecsb_env_apply_report rep = {0};
    if (st == ECSB_OK)
        st = ecsb_agent_env_apply(&target, vars, env->count, &rep, &err);
    if (st == ECSB_OK && detail)
        count_results(vars, env->count, detail);
    if (st == ECSB_OK)
        st = ecsb_managed_commit(&managed, vars, env->count, &err);
    *changed = rep.changed;
    for (size_t i = 0; i < env->count; i++)
        free(current[i]);
    free(current);
    free(vars);
    ecsb_managed_free(&managed);
    if (st != ECSB_OK)
        return run_fail(ctx, ECSB_EXIT_FAILURE, st, err.message);
    return ECSB_OK;
}

bool plan_action_agent_config(struct ecsb_plan *p, struct ecsb_buf *text)
{
    ecsb_buf_printf(text, "write agent environment (%u variables)", (unsigned)p->env.count);
    return true;
}

enum ecsb_status run_action_agent_config(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                         struct ecsb_buf *detail)
{
    enum ecsb_status st = run_apply_agent_env(ctx, NULL, &ctx->env_changed, detail);
    *result = ctx->env_changed ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return st;
}
