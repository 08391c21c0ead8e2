/* run.h: the boot flow's shared context. run.c executes the plan's actions in
 * order (the table is in actions.c); each action lives in its own file, is timed
 * and logged, changes the host only when it differs from the wanted state, and
 * stops at a deadline. */
#ifndef ECSB_RUN_H
#define ECSB_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/http.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/log.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/plan.h"
#include "ecsb/config/report.h"
#include "ecsb/agent/service.h"
#include "actions.h"
#include "load.h"

struct run_ctx {
    struct ecsb_masker masker;      /* shared by the log, the report and load_plan */
    struct load_options opts;
    struct ecsb_log log;
    struct ecsb_report report;
    struct ecsb_plan plan;
    bool have_plan;
    struct ecsb_http *http;
    struct ecsb_imds imds;
    bool have_imds;
    struct ecsb_cred_chain creds;
    struct ecsb_aws_client aws;
    struct ecsb_service_mgr *services;
    const char *state_dir;          /* POSIX process backend + our bookkeeping */
    const char *introspection_url;  /* the agent's /v1/metadata */
    char *region;                   /* configured, else from IMDS */
    bool env_changed;               /* the agent-config phase wrote something */
    char *container_instance_arn;
    int exit_code;                  /* set by the failing phase */
};

/* Zeroes ctx and sets the defaults (state dir, introspection URL, log to console). */
void run_ctx_init(struct run_ctx *ctx, FILE *console);
void run_ctx_free(struct run_ctx *ctx);

/* Executes table.rows[0] (which builds the plan), then exactly the actions the plan
 * lists, in order, each timed, logged and added to the report; stops at the first
 * failure. Rows without a run function are reported as skipped. */
void run_execute(struct run_ctx *ctx, struct run_actions table);

/* Writes the report to paths.status_file (this platform's default without a plan). */
void run_write_status(struct run_ctx *ctx);

/* Applies the plan's agent environment (action_agent_config.c). service = NULL
 * writes machine scope / the env file only; a name also writes that service's own
 * Environment block (Windows). detail may be NULL. */
enum ecsb_status run_apply_agent_env(struct run_ctx *ctx, const char *service, bool *changed,
                                     struct ecsb_buf *detail);

/* Creates the directory that will hold path (both separators accepted). */
enum ecsb_status run_ensure_parent_dir(const char *path, struct ecsb_error *err);

/* Fails the run: logs the message as an error, records it, sets the exit code. */
enum ecsb_status run_fail(struct run_ctx *ctx, int exit_code, enum ecsb_status code, const char *message);

#endif
