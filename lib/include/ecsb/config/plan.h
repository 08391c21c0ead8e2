/* plan.h: what a bootstrap run will do on this host, computed without side
 * effects from the settings layers and the host facts. `ecs-bootstrap plan`
 * prints it; `ecs-bootstrap run` executes it (the plan owns the merged config
 * so run has timeouts and paths at hand). */
#ifndef ECSB_PLAN_H
#define ECSB_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/agent/environment.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/compiler.h"
#include "ecsb/config/config.h"
#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

struct ecsb_plan_input {
    const struct ecsb_settings *const *layers; /* lowest precedence first: baked file, user data, command line */
    size_t n_layers;
    unsigned build;                /* host build number (RtlGetVersion) */
    const char *installation_type; /* "Server", "Server Core", ...; NULL if unknown */
    const char *region;            /* region from instance metadata, or NULL */
};

/* One step of the boot flow, as the action table in bootstrap/actions.c lists it:
 * `plan` prints these and `run` executes exactly these, in this order. */
struct ecsb_plan_action {
    char *name;        /* the status report's entry: "agent-config" */
    char *text;        /* "wait for registration (up to 15m)" */
    bool not_yet_done; /* planned, but this version cannot do it yet: run skips it */
};

struct ecsb_plan_ignored {
    char *origin; /* the layer ("user data", a file) */
    int line;
    char *text;   /* redacted when it may hold a secret */
    char *reason;
};

struct ecsb_plan {
    unsigned build;
    char *installation_type;
    const char *os_family; /* static string from ecsb_os_family */
    struct ecsb_config config;
    struct ecsb_agentenv env;
    struct ecsb_strlist preload; /* expanded for the host build; empty when images.mode = off */
    struct ecsb_plan_action *actions;
    size_t n_actions, cap_actions;
    struct ecsb_plan_ignored *ignored;
    size_t n_ignored, cap_ignored;
    char **warnings;
    size_t n_warnings, cap_warnings;
};

/* Merges the layers into a config and derives everything else but the actions
 * (the caller's action table adds those with ecsb_plan_add_action). On bad input
 * returns ECSB_ERR_INVALID with the place in err; *out is then empty. */
enum ecsb_status ecsb_plan_build(const struct ecsb_plan_input *in, struct ecsb_plan *out, struct ecsb_error *err);

/* The image list with {ltsc} replaced by the build's servercore tag and
 * {nanoserver} by its nanoserver tag. Images that cannot be expanded (no tag for
 * this build) are left out; returns how many. */
size_t ecsb_plan_expand_images(const struct ecsb_strlist *images, unsigned build, struct ecsb_strlist *out);

/* Appends one action (copies name and text). */
void ecsb_plan_add_action(struct ecsb_plan *p, const char *name, const char *text, bool not_yet_done);
/* Appends one warning. */
void ecsb_plan_warn(struct ecsb_plan *p, const char *fmt, ...) ECSB_PRINTF(2, 3);

/* JSON object: os_family, build, installation_type, agent_environment {var: value},
 * agent_environment_detail [{name, value, setting, source, user_set}],
 * preload_images [], actions [text], action_detail [{name, text, not_yet_done}], ignored [{origin, line, text, reason}],
 * sources {setting: source}, notes [], warnings []. Secret values are redacted. */
void ecsb_plan_json(const struct ecsb_plan *p, struct ecsb_buf *out, int indent);
/* The same for people. */
void ecsb_plan_text(const struct ecsb_plan *p, struct ecsb_buf *out);

/* Masks the plan's free text (warnings, ignored lines, actions) in place, so both
 * printers quote input masked. */
struct ecsb_masker;
void ecsb_plan_mask(struct ecsb_plan *p, const struct ecsb_masker *m);

void ecsb_plan_free(struct ecsb_plan *p);

#endif
