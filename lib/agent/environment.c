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

static void derive_map(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name,
                       const struct ecsb_config_map *m, const char *section)
{
    if (!m->count)
        return;
    struct ecsb_buf b = ECSB_BUF_INIT, sources = ECSB_BUF_INIT;
    char setting[64];
    snprintf(setting, sizeof setting, "%s.*", section);
    json_map(&b, &sources, m);
    derive(env, cfg, name, ecsb_buf_cstr(&b), setting, ecsb_buf_cstr(&sources));
    ecsb_buf_free(&b);
    ecsb_buf_free(&sources);
}

static void derive_pull(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name,
                        const char *setting, bool preloading)
{
    if (cfg->agent.image_pull_behavior != ECSB_PULL_UNSET) {
        derive(env, cfg, name, ecsb_pull_behavior_name(cfg->agent.image_pull_behavior), setting,
               origin_source(cfg, "agent", "image_pull_behavior"));
    } else if (preloading) {
        derive(env, cfg, name, "prefer-cached", "images.preload", origin_source(cfg, "images", "preload"));
        if (!ecsb_config_env(cfg, name))
            note(env, "%s: prefer-cached because images are preloaded "
                      "(set agent.image_pull_behavior to choose another)", name);
    }
}

/* One variable of a schema row, rendered by the row's type. */
static void derive_key(struct ecsb_agentenv *env, const struct ecsb_config *cfg,
                       const struct ecsb_config_agent_var *v, const char *region, bool preloading)
{
    char setting[128];
    snprintf(setting, sizeof setting, "%s.%s", v->section, v->key);
    const char *source = origin_source(cfg, v->section, v->key);
    const void *field = ecsb_config_field(cfg, (size_t)v->schema_index);
    switch (v->kind) {
    case ECSB_KEY_BOOL:
        derive(env, cfg, v->name, *(const bool *)field ? "true" : "false", setting, source);
        break;
    case ECSB_KEY_CIDRS:
    case ECSB_KEY_LIST: {
        const struct ecsb_strlist *l = field;
        if (!l->count)
            break;
        struct ecsb_buf b = ECSB_BUF_INIT;
        json_strings(&b, l);
        derive(env, cfg, v->name, ecsb_buf_cstr(&b), setting, source);
        ecsb_buf_free(&b);
        break;
    }
    case ECSB_KEY_PULL:
        derive_pull(env, cfg, v->name, setting, preloading);
        break;
    case ECSB_KEY_REGION: /* written only when known: configured, else from instance metadata */
        if (*(char *const *)field)
            derive(env, cfg, v->name, *(char *const *)field, setting, source);
        else if (region && *region)
            derive(env, cfg, v->name, region, setting, "instance metadata");
        break;
    default: /* names and paths */
        if (*(char *const *)field)
            derive(env, cfg, v->name, *(char *const *)field, setting, source);
        break;
    }
}

void ecsb_agentenv_build(const struct ecsb_config *cfg, const char *region, bool preloading,
                         struct ecsb_agentenv *out)
{
    memset(out, 0, sizeof *out);
    /* The schema's agent variables, in their documented order. */
    struct ecsb_config_agent_var v;
    for (size_t i = 0; ecsb_config_agent_var(i, &v); i++) {
        if (v.kind == ECSB_KEY_MAP)
            derive_map(out, cfg, v.name, ecsb_config_map(cfg, v.section), v.section);
        else
            derive_key(out, cfg, &v, region, preloading);
    }
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
