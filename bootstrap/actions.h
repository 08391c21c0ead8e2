/* actions.h: the one list of what `run` does. `plan` prints it: each row writes its
 * own plan line and decides whether it applies to this host. `run` executes exactly
 * the rows the plan lists, in that order, and the status report has one entry per
 * row. Adding a capability is adding one row in actions.c: its plan text, its run
 * function (in action_<name>.c) and its report entry (the row's name). A row
 * without a run function is planned as "not yet done by this version", with a
 * warning, and reported as skipped. */
#ifndef ECSB_ACTIONS_H
#define ECSB_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/config/plan.h"
#include "ecsb/config/report.h"

struct run_ctx;

/* Does the action. Returns ECSB_OK, or fails through run_fail (which sets the exit
 * code and records the error); `detail` says what it did, for the log and report. */
typedef enum ecsb_status (*run_action_fn)(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                          struct ecsb_buf *detail);

struct run_action {
    const char *name; /* the report entry and the log's "phase <name>:" */
    /* Writes the plan line into text; false when the action does not apply. May add
     * plan warnings for settings this version does not act on. */
    bool (*describe)(struct ecsb_plan *p, struct ecsb_buf *text);
    run_action_fn run; /* NULL: not yet done by this version */
};

struct run_actions {
    const struct run_action *rows;
    size_t count;
};

/* The boot flow. rows[0] loads the configuration, so it builds the plan the other
 * rows are chosen from. */
struct run_actions run_actions_default(void);

/* Adds the rows that apply to p->actions, in table order. */
void run_actions_plan(struct run_actions table, struct ecsb_plan *p);

/* The row called name, or NULL. */
const struct run_action *run_actions_find(struct run_actions table, const char *name);

/* The run functions and plan lines, one file each (action_<name>.c). */
enum ecsb_status run_action_config(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
bool plan_action_config(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_preflight(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
bool plan_action_preflight(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_agent_config(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                         struct ecsb_buf *detail);
bool plan_action_agent_config(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_service(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
bool plan_action_service(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_credential_proxy(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                             struct ecsb_buf *detail);
bool plan_action_credential_proxy(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_register(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
bool plan_action_register(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_attributes(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                       struct ecsb_buf *detail);
bool plan_action_attributes(struct ecsb_plan *p, struct ecsb_buf *text);
bool plan_action_preload_images(struct ecsb_plan *p, struct ecsb_buf *text);
enum ecsb_status run_action_preload_images(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                           struct ecsb_buf *detail);
enum ecsb_status run_action_warm(struct run_ctx *ctx, enum ecsb_phase_result *result, struct ecsb_buf *detail);
bool plan_action_warm(struct ecsb_plan *p, struct ecsb_buf *text);

/* What the preload-images action and `ecs-bootstrap preload` share (action_preload.c):
 * the preload options from the plan (host build, images.*, timeouts.docker), and the
 * exit code for a failed preload (3: fix the image list; 4: the engine or network). */
struct ecsb_preload_opts;
void preload_opts_from_plan(const struct ecsb_plan *p, struct ecsb_preload_opts *o);
int preload_exit_code(enum ecsb_status st);
/* Credentials for the registries of a preload (action_preload.c): images.registry with
 * images.registry_username/_password; an Amazon ECR token for images.registry when it is
 * an ECR registry without a username; and a token for every other ECR registry of the
 * image list, each in its own region and account. Other registries are anonymous. */
struct ecsb_masker;
struct ecsb_aws_client;
struct ecsb_registry_login;
struct preload_login {
    char *registry, *username, *password, *header;
};
struct preload_auth {
    struct preload_login *owned;
    struct ecsb_registry_login *logins; /* views of owned, for ecsb_preload_opts */
    size_t count;
};
/* The first ECR registry host a token is needed for (copied into host), or false. */
bool preload_ecr_registry(const struct ecsb_plan *p, const char *const *images, size_t n, char *host, size_t cap);
/* Fills a and points o's logins at it. aws (its region is replaced by each registry's)
 * may be NULL when no ECR registry is involved. Every secret and header is registered
 * with the masker. On an error a holds what was fetched so far: preload_auth_free. */
enum ecsb_status preload_auth_setup(const struct ecsb_plan *p, const char *const *images, size_t n,
                                    const struct ecsb_aws_client *aws, struct ecsb_masker *masker,
                                    struct ecsb_preload_opts *o, struct preload_auth *a, struct ecsb_error *err);
void preload_auth_free(struct preload_auth *a);
/* The images `preload` and `warm` work on: the --images value (NULL: none), else
 * [images] preload, else servercore and nanoserver of the host's release, expanded
 * for the host build (cmd_preload.c). Returns an exit code; messages on stderr. */
int preload_image_list(const char *images, const struct ecsb_plan *p, struct ecsb_strlist *out);

#endif
