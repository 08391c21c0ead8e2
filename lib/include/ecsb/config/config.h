/* config.h: the typed configuration of one bootstrap run.
 *
 * Layers are applied in precedence order, lowest first:
 *   defaults (ecsb_config_init) < baked INI file < user data < command line (--set)
 * Each layer is a struct ecsb_settings (ecsb/settings.h); ecsb_config_apply
 * validates every item against the schema (docs/configuration.md) and stores the
 * typed value together with where it came from ("default", "<file>:<line>",
 * "user data:<line>", "command line"). Unknown sections or keys are errors that
 * name the place and list the valid keys: a typo must never pass silently.
 *
 * On error the config holds the layers applied so far and stays safe to free;
 * callers discard it (plan/run stop before acting). */
#ifndef ECSB_CONFIG_H
#define ECSB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/config/config_values.h"
#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

enum ecsb_pull_behavior {
    ECSB_PULL_UNSET = 0, /* not configured: the agent's default (also when images are preloaded) */
    ECSB_PULL_DEFAULT,
    ECSB_PULL_ALWAYS,
    ECSB_PULL_ONCE,
    ECSB_PULL_PREFER_CACHED,
};
const char *ecsb_pull_behavior_name(enum ecsb_pull_behavior b); /* "prefer-cached", "" for UNSET */

enum ecsb_images_mode { ECSB_IMAGES_PULL, ECSB_IMAGES_VERIFY, ECSB_IMAGES_OFF };
const char *ecsb_images_mode_name(enum ecsb_images_mode m);

struct ecsb_strlist {
    char **items;
    size_t count;
};

/* One entry of an open section (attributes.*, tags.*, environment.*). */
struct ecsb_config_entry {
    char *key;
    char *value;
    char *source;
};

struct ecsb_config_map {
    struct ecsb_config_entry *items; /* first-definition order; a later layer replaces the value */
    size_t count, cap;
};

/* Where a fixed key's current value came from. */
struct ecsb_config_origin {
    char *raw;    /* the value as written (defaults: the default text) */
    char *source; /* "default", "<file>:<line>", "user data:<line>", "command line" */
    bool is_set;  /* false while the default holds */
};

#define ECSB_CONFIG_NKEYS 29 /* fixed keys in the schema (config.c asserts it) */

struct ecsb_config {
    struct {
        char *name;   /* ECS_CLUSTER; default "default" */
        char *region; /* NULL = from IMDS at run time */
    } cluster;
    struct {
        enum ecsb_agent_version_kind version_kind;
        char version[32]; /* "cached", "latest" or "1.2.3" */
        bool task_iam_role, task_iam_role_network_host, task_eni, awsvpc_block_imds, external;
        struct ecsb_strlist awsvpc_additional_local_routes; /* validated CIDRs */
        struct ecsb_strlist logging_drivers;
        enum ecsb_pull_behavior image_pull_behavior;
        int64_t registration_timeout_ns;
    } agent;
    struct ecsb_config_map attributes, tags, environment; /* environment keys upper-cased */
    struct {
        struct ecsb_strlist preload; /* as written, {ltsc} not yet expanded */
        enum ecsb_images_mode mode;
        int parallel; /* 1..8 */
        char *registry;          /* the registry the credentials below are for ("r.example:5000"), or NULL */
        char *registry_username; /* NULL: anonymous pulls */
        char *registry_password; /* a secret: registered with the masker when read */
    } images;
    struct {
        int64_t imds_ns, aws_call_ns, docker_ns, preflight_ns;
    } timeouts;
    struct {
        char *datadir, *logfile, *agent_dir, *status_file, *log_dir, *env_file;
    } paths;
    struct {
        struct ecsb_strlist allow_from_userdata; /* "paths.status_file", "environment.HTTP_PROXY" */
    } trust;
    struct ecsb_config_origin origin[ECSB_CONFIG_NKEYS]; /* by schema index */
    char **warnings; /* non-fatal notes: duplicates, risky combinations */
    size_t n_warnings, cap_warnings;
};

/* The type of a schema row; ECSB_KEY_MAP for the open sections attributes.* and tags.*. */
enum ecsb_key_type {
    ECSB_KEY_CLUSTER, ECSB_KEY_REGION, ECSB_KEY_VERSION, ECSB_KEY_BOOL, ECSB_KEY_CIDRS, ECSB_KEY_LIST,
    ECSB_KEY_PULL, ECSB_KEY_DURATION, ECSB_KEY_IMAGES, ECSB_KEY_MODE, ECSB_KEY_PARALLEL, ECSB_KEY_PATH,
    ECSB_KEY_TRUST, ECSB_KEY_TEXT, ECSB_KEY_MAP,
};

/* Schema, for docs, error messages and `plan` sources. The schema is the one
 * list of keys: the agent environment, the environment.* value checks and the
 * PowerShell reader read it instead of listing keys again. */
struct ecsb_config_key_info {
    const char *section, *key;
    const char *type;      /* "bool", "duration", "list", ... */
    const char *def;       /* default as text ("" = unset) */
    const char *agent_var; /* the agent variable it maps to, or "" */
    const char *forms;     /* accepted forms, used in error messages */
    enum ecsb_key_type kind;
    const char *ps_param;  /* the Initialize-ECSAgent parameter that sets it, or NULL */
    const char *max;       /* durations: the largest accepted value ("24h"), or NULL */
};
size_t ecsb_config_key_count(void);
bool ecsb_config_key(size_t index, struct ecsb_config_key_info *out); /* false past the end */
/* Schema index of section.key (case-insensitive), or -1. */
int ecsb_config_key_index(const char *section, const char *key);

/* The agent variables the schema derives, in agent-environment order (index 0 is
 * ECS_CLUSTER). key is "*" and schema_index -1 for a map section. */
struct ecsb_config_agent_var {
    const char *name;
    const char *section, *key;
    enum ecsb_key_type kind;
    int schema_index;
};
bool ecsb_config_agent_var(size_t index, struct ecsb_config_agent_var *out); /* false past the end */
bool ecsb_config_agent_var_named(const char *name, struct ecsb_config_agent_var *out); /* any letter case */
/* The typed field of schema row index (char * for names and paths, bool, struct
 * ecsb_strlist, int64_t ns, an enum); NULL past the end. */
const void *ecsb_config_field(const struct ecsb_config *c, size_t index);
/* attributes, tags or environment; NULL for another section. */
const struct ecsb_config_map *ecsb_config_map(const struct ecsb_config *c, const char *section);

/* A duration key as the given layers (lowest first) set it, else its default;
 * for values needed before the whole configuration exists (timeouts.imds while
 * user data is fetched). A bad value in a layer is skipped here: the plan reports it. */
int64_t ecsb_config_layered_duration(const struct ecsb_settings *const *layers, size_t n, const char *section,
                                     const char *key);

void ecsb_config_init(struct ecsb_config *c);
void ecsb_config_free(struct ecsb_config *c);

/* Applies one layer. Errors are ECSB_ERR_INVALID with
 * "<origin>:<line>:<col>: <what>; <the fix>". Layer warnings are not copied. */
enum ecsb_status ecsb_config_apply(struct ecsb_config *c, const struct ecsb_settings *layer, struct ecsb_error *err);

/* Applies one value; `origin` names the layer ("user data", a file, "command line"). */
enum ecsb_status ecsb_config_set(struct ecsb_config *c, const char *section, const char *key, const char *value,
                                 const char *origin, int line, int column, struct ecsb_error *err);

/* Cross-key checks after the last layer (warnings only today; returns ECSB_OK). */
enum ecsb_status ecsb_config_finish(struct ecsb_config *c, struct ecsb_error *err);

/* Parses one command-line assignment "section.key=value" (the argument of --set)
 * into `out` (origin "command line"). The key may itself contain dots
 * (attributes.stack.tier=blue). */
enum ecsb_status ecsb_config_parse_assignment(const char *arg, struct ecsb_settings *out, struct ecsb_error *err);

/* Source of section.key ("default", ...) for fixed keys and map entries; NULL if unknown. */
const char *ecsb_config_source(const struct ecsb_config *c, const char *section, const char *key);

/* Looks up an environment.* entry (case-insensitive name); NULL if absent. */
const struct ecsb_config_entry *ecsb_config_env(const struct ecsb_config *c, const char *name);

#endif
