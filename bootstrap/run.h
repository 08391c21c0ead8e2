/* run.h: the boot flow's shared context. cmd_run.c drives the phases in order;
 * each phase lives in its own file, is timed and logged, changes the host only
 * when it differs from the wanted state, and stops at a deadline. */
#ifndef ECSB_RUN_H
#define ECSB_RUN_H

#include <stdbool.h>

#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/http.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/log.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/plan.h"
#include "ecsb/config/report.h"
#include "ecsb/agent/service.h"
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

/* A phase returns ECSB_OK or sets ctx->exit_code, logs one clear line and adds
 * the error to the report. `detail` describes what it did (for the report). */
typedef enum ecsb_status (*run_phase_fn)(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                          struct ecsb_buf *detail);

enum ecsb_status run_phase_config(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
enum ecsb_status run_phase_preflight(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
enum ecsb_status run_phase_agent_config(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                        struct ecsb_buf *detail);
enum ecsb_status run_phase_service(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
enum ecsb_status run_phase_register(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
enum ecsb_status run_phase_attributes(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                      struct ecsb_buf *detail);

/* Creates the directory that will hold path (both separators accepted). */
enum ecsb_status run_ensure_parent_dir(const char *path, struct ecsb_error *err);

/* Fails the run: logs the message as an error, records it, sets the exit code. */
enum ecsb_status run_fail(struct run_ctx *ctx, int exit_code, enum ecsb_status code, const char *message);

#endif
