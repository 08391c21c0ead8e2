/* managed.h: the record of the agent variables ecs-bootstrap wrote, so a host value
 * that differs from it is recognised as the user's and left alone.
 *
 * Crash safety: variables are written one by one (Windows machine scope), so the
 * record is kept as two files in the state dir:
 *   managed-environment         what is on the host and ours (committed)
 *   managed-environment.intent  what the current apply is about to write
 * ecsb_managed_begin writes both BEFORE the host is changed (the committed record
 * rebased on what the host holds now), ecsb_managed_commit replaces the committed
 * record and removes the intent AFTER. A run killed in between leaves the intent
 * behind, and the next run owns a value that matches either file: it converges
 * instead of taking its own half-written values for the user's. */
#ifndef ECSB_AGENT_MANAGED_H
#define ECSB_AGENT_MANAGED_H

#include <stdbool.h>

#include "ecsb/agent/env_store.h"
#include "ecsb/base/error.h"

#define ECSB_MANAGED_FILE "managed-environment"

struct ecsb_managed {
    char *path, *intent_path;
    struct ecsb_envfile done, intent; /* intent is empty unless a run was interrupted */
};

/* Loads both files from state_dir (missing files are empty). */
enum ecsb_status ecsb_managed_load(struct ecsb_managed *m, const char *state_dir, struct ecsb_error *err);
/* True when current (the host's value, NULL = unset) is ours: unset, or equal to
 * what we wrote or were writing. */
bool ecsb_managed_owns(const struct ecsb_managed *m, const char *name, const char *current);
/* Before the host is changed: records, for every var not user_set, the value the
 * host holds now (`current[i]`, NULL when unset) as committed and the new value as
 * intent. Writes nothing when the intent equals the committed record. */
enum ecsb_status ecsb_managed_begin(struct ecsb_managed *m, const struct ecsb_env_var *vars,
                                    const char *const *current, size_t n, struct ecsb_error *err);
/* After the host was changed: the new values (results other than user-set) become
 * the committed record; the intent is removed. */
enum ecsb_status ecsb_managed_commit(struct ecsb_managed *m, const struct ecsb_env_var *vars, size_t n,
                                     struct ecsb_error *err);
void ecsb_managed_free(struct ecsb_managed *m);

#endif
