/* environment.h: the exact environment the agent gets, rendered from the config.
 *
 * Order: ECS_CLUSTER, ECS_DATADIR, ECS_LOGFILE, ECS_ENABLE_TASK_IAM_ROLE,
 * ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST, ECS_ENABLE_TASK_ENI, ECS_AWSVPC_BLOCK_IMDS,
 * ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES (JSON array, when any), ECS_AVAILABLE_LOGGING_DRIVERS
 * (JSON array, when any), ECS_INSTANCE_ATTRIBUTES (JSON object, when any),
 * ECS_CONTAINER_INSTANCE_TAGS (JSON object, when any), ECS_IMAGE_PULL_BEHAVIOR (only
 * when configured: see docs/images.md), ECS_EXTERNAL, AWS_DEFAULT_REGION (when known),
 * then every environment.* entry not used above, in the order first written, then
 * ECS_EXCLUDE_UNTRACKED_IMAGE when images are preloaded (ecsb_agentenv_keep_images).
 *
 * The user wins: a variable set in environment.* replaces the one we would derive
 * (it keeps the derived variable's position), and a note says so when they differ.
 * (Not to be confused with ecsb/env_store.h, which stores the result on the host.) */
#ifndef ECSB_AGENT_ENVIRONMENT_H
#define ECSB_AGENT_ENVIRONMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/config/config.h"

struct ecsb_agentenv_var {
    char *name;
    char *value;
    char *setting;  /* "cluster.name", "attributes.*", "environment.ECS_LOGLEVEL", ... */
    char *source;   /* where that setting came from ("default", "user data:3", ...) */
    bool user_set;  /* true when it comes verbatim from environment.* */
};

struct ecsb_agentenv {
    struct ecsb_agentenv_var *vars;
    size_t count, cap;
    char **notes; /* "user wins" and derived-value explanations */
    size_t n_notes, cap_notes;
};

/* region: the region when cluster.region is unset (from IMDS), or NULL.
 * preloading: images will be preloaded on this host (a note explains the pull behaviour). */
void ecsb_agentenv_build(const struct ecsb_config *cfg, const char *region, bool preloading,
                         struct ecsb_agentenv *out);
#define ECSB_KEEP_IMAGES_VAR "ECS_EXCLUDE_UNTRACKED_IMAGE"

/* Makes ECS_EXCLUDE_UNTRACKED_IMAGE list every preloaded image (exact repo:tag, the
 * form the agent matches), after the entries the user set in environment.*, so the
 * agent's image cleanup never deletes them. Digest references are noted, not listed. */
void ecsb_agentenv_keep_images(struct ecsb_agentenv *env, const struct ecsb_config *cfg,
                               const struct ecsb_strlist *images);
const struct ecsb_agentenv_var *ecsb_agentenv_find(const struct ecsb_agentenv *env, const char *name);
void ecsb_agentenv_free(struct ecsb_agentenv *env);

#endif
