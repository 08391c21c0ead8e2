#include "ecsb/agent/environment.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/json.h"
#include "ecsb/base/strutil.h"

static void note(struct ecsb_agentenv *env, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void note(struct ecsb_agentenv *env, const char *fmt, ...)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (env->n_notes == env->cap_notes) {
        env->cap_notes = env->cap_notes ? env->cap_notes * 2 : 4;
        env->notes = ecsb_xrealloc(env->notes, env->cap_notes * sizeof *env->notes);
    }
    env->notes[env->n_notes++] = ecsb_buf_detach(&b);
}

static void push(struct ecsb_agentenv *env, const char *name, const char *value, const char *setting,
                 const char *source, bool user_set)
{
    if (env->count == env->cap) {
        env->cap = env->cap ? env->cap * 2 : 16;
        env->vars = ecsb_xrealloc(env->vars, env->cap * sizeof *env->vars);
    }
    struct ecsb_agentenv_var *v = &env->vars[env->count++];
    v->name = ecsb_xstrdup(name);
    v->value = ecsb_xstrdup(value);
    v->setting = ecsb_xstrdup(setting);
    v->source = ecsb_xstrdup(source);
    v->user_set = user_set;
}

/* Adds a derived variable unless environment.* sets it: then the user's value
 * takes this position, and a note records the difference. */
static void derive(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name, const char *value,
                   const char *setting, const char *source)
{
    const struct ecsb_config_entry *user = ecsb_config_env(cfg, name);
    if (!user) {
        push(env, name, value, setting, source, false);
        return;
    }
    char user_setting[300];
    snprintf(user_setting, sizeof user_setting, "environment.%s", user->key);
    push(env, name, user->value, user_setting, user->source, true);
    if (strcmp(user->value, value) != 0)
        note(env, "%s: environment.%s (%s) wins over %s (%s); the user's value is kept", name, user->key,
             user->source, setting, source);
}

static const char *origin_source(const struct ecsb_config *cfg, const char *section, const char *key)
{
    const char *s = ecsb_config_source(cfg, section, key);
    return s ? s : "default";
}

static void json_strings(struct ecsb_buf *out, const struct ecsb_strlist *l)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, 0);
    ecsb_jw_array_begin(&w);
    for (size_t i = 0; i < l->count; i++)
        ecsb_jw_string(&w, l->items[i]);
    ecsb_jw_array_end(&w);
}

/* JSON object of a map, plus the distinct sources of its entries ("a, b"). */
static void json_map(struct ecsb_buf *out, struct ecsb_buf *sources, const struct ecsb_config_map *m)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, 0);
    ecsb_jw_object_begin(&w);
    for (size_t i = 0; i < m->count; i++) {
        ecsb_jw_key(&w, m->items[i].key);
        ecsb_jw_string(&w, m->items[i].value);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(m->items[j].source, m->items[i].source);
        if (!seen)
            ecsb_buf_printf(sources, "%s%s", sources->len ? ", " : "", m->items[i].source);
    }
    ecsb_jw_object_end(&w);
}

static void derive_bool(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name, bool v,
                        const char *key)
{
    char setting[64];
    snprintf(setting, sizeof setting, "agent.%s", key);
    derive(env, cfg, name, v ? "true" : "false", setting, origin_source(cfg, "agent", key));
}

static void derive_list(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name,
                        const struct ecsb_strlist *l, const char *key)
{
    if (!l->count)
        return;
    struct ecsb_buf b = ECSB_BUF_INIT;
    char setting[64];
    snprintf(setting, sizeof setting, "agent.%s", key);
    json_strings(&b, l);
    derive(env, cfg, name, ecsb_buf_cstr(&b), setting, origin_source(cfg, "agent", key));
    ecsb_buf_free(&b);
}

static void derive_map(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name,
                       const struct ecsb_config_map *m, const char *setting)
{
    if (!m->count)
        return;
    struct ecsb_buf b = ECSB_BUF_INIT, sources = ECSB_BUF_INIT;
    json_map(&b, &sources, m);
    derive(env, cfg, name, ecsb_buf_cstr(&b), setting, ecsb_buf_cstr(&sources));
    ecsb_buf_free(&b);
    ecsb_buf_free(&sources);
}

static void derive_pull(struct ecsb_agentenv *env, const struct ecsb_config *cfg, bool preloading)
{
    if (cfg->agent.image_pull_behavior != ECSB_PULL_UNSET) {
        derive(env, cfg, "ECS_IMAGE_PULL_BEHAVIOR", ecsb_pull_behavior_name(cfg->agent.image_pull_behavior),
               "agent.image_pull_behavior", origin_source(cfg, "agent", "image_pull_behavior"));
    } else if (preloading) {
        derive(env, cfg, "ECS_IMAGE_PULL_BEHAVIOR", "prefer-cached", "images.preload",
               origin_source(cfg, "images", "preload"));
        if (!ecsb_config_env(cfg, "ECS_IMAGE_PULL_BEHAVIOR"))
            note(env, "ECS_IMAGE_PULL_BEHAVIOR: prefer-cached because images are preloaded "
                      "(set agent.image_pull_behavior to choose another)");
    }
}

void ecsb_agentenv_build(const struct ecsb_config *cfg, const char *region, bool preloading,
                         struct ecsb_agentenv *out)
{
    memset(out, 0, sizeof *out);
    derive(out, cfg, "ECS_CLUSTER", cfg->cluster.name, "cluster.name", origin_source(cfg, "cluster", "name"));
    derive(out, cfg, "ECS_DATADIR", cfg->paths.datadir, "paths.datadir", origin_source(cfg, "paths", "datadir"));
    derive(out, cfg, "ECS_LOGFILE", cfg->paths.logfile, "paths.logfile", origin_source(cfg, "paths", "logfile"));
    derive_bool(out, cfg, "ECS_ENABLE_TASK_IAM_ROLE", cfg->agent.task_iam_role, "task_iam_role");
    derive_bool(out, cfg, "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", cfg->agent.task_iam_role_network_host,
                "task_iam_role_network_host");
    derive_bool(out, cfg, "ECS_ENABLE_TASK_ENI", cfg->agent.task_eni, "task_eni");
    derive_bool(out, cfg, "ECS_AWSVPC_BLOCK_IMDS", cfg->agent.awsvpc_block_imds, "awsvpc_block_imds");
    derive_list(out, cfg, "ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES", &cfg->agent.awsvpc_additional_local_routes,
                "awsvpc_additional_local_routes");
    derive_list(out, cfg, "ECS_AVAILABLE_LOGGING_DRIVERS", &cfg->agent.logging_drivers, "logging_drivers");
    derive_map(out, cfg, "ECS_INSTANCE_ATTRIBUTES", &cfg->attributes, "attributes.*");
    derive_map(out, cfg, "ECS_CONTAINER_INSTANCE_TAGS", &cfg->tags, "tags.*");
    derive_pull(out, cfg, preloading);
    derive_bool(out, cfg, "ECS_EXTERNAL", cfg->agent.external, "external");
    if (cfg->cluster.region)
        derive(out, cfg, "AWS_DEFAULT_REGION", cfg->cluster.region, "cluster.region",
               origin_source(cfg, "cluster", "region"));
    else if (region && *region)
        derive(out, cfg, "AWS_DEFAULT_REGION", region, "cluster.region", "instance metadata");
    /* environment.* verbatim, except what already took a derived variable's place. */
    for (size_t i = 0; i < cfg->environment.count; i++) {
        const struct ecsb_config_entry *e = &cfg->environment.items[i];
        if (ecsb_agentenv_find(out, e->key))
            continue;
        char setting[300];
        snprintf(setting, sizeof setting, "environment.%s", e->key);
        push(out, e->key, e->value, setting, e->source, true);
    }
}

const struct ecsb_agentenv_var *ecsb_agentenv_find(const struct ecsb_agentenv *env, const char *name)
{
    for (size_t i = 0; i < env->count; i++)
        if (ecsb_strcaseeq(env->vars[i].name, name))
            return &env->vars[i];
    return NULL;
}

void ecsb_agentenv_free(struct ecsb_agentenv *env)
{
    for (size_t i = 0; i < env->count; i++) {
        free(env->vars[i].name);
        free(env->vars[i].value);
        free(env->vars[i].setting);
        free(env->vars[i].source);
    }
    for (size_t i = 0; i < env->n_notes; i++)
        free(env->notes[i]);
    free(env->vars);
    free(env->notes);
    memset(env, 0, sizeof *env);
}
