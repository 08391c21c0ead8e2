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

/* Unset stays unset even when images are preloaded: prefer-cached would switch off
 * all of the agent's image cleanup (agent#4678) and fill the disk on a long-lived
 * host; the preloaded images are kept by ECS_EXCLUDE_UNTRACKED_IMAGE instead
 * (ecsb_agentenv_keep_images), and their layers serve every pull that shares them. */
static void derive_pull(struct ecsb_agentenv *env, const struct ecsb_config *cfg, const char *name,
                        const char *setting, bool preloading)
{
    if (cfg->agent.image_pull_behavior != ECSB_PULL_UNSET) {
        derive(env, cfg, name, ecsb_pull_behavior_name(cfg->agent.image_pull_behavior), setting,
               origin_source(cfg, "agent", "image_pull_behavior"));
    } else if (preloading && !ecsb_config_env(cfg, name)) {
        note(env, "%s: left at the agent's default although images are preloaded: prefer-cached would disable all "
                  "image cleanup; the preloaded images are kept through ECS_EXCLUDE_UNTRACKED_IMAGE "
                  "(docs/images.md)", name);
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

/* Appends item to a comma-separated list unless it is there already. */
static void list_add(struct ecsb_buf *list, const char *item, size_t n)
{
    for (const char *s = ecsb_buf_cstr(list); *s;) {
        size_t len = strcspn(s, ",");
        char *have = ecsb_trimmed_dup(s, len);
        bool same = strlen(have) == n && !strncmp(have, item, n);
        free(have);
        if (same) return;
        s += len + (s[len] ? 1 : 0);
    }
    ecsb_buf_printf(list, "%s%.*s", list->len ? "," : "", (int)n, item);
}

void ecsb_agentenv_keep_images(struct ecsb_agentenv *env, const struct ecsb_config *cfg,
                               const struct ecsb_strlist *images)
{
    struct ecsb_buf list = ECSB_BUF_INIT;
    struct ecsb_agentenv_var *user = (struct ecsb_agentenv_var *)ecsb_agentenv_find(env, ECSB_KEEP_IMAGES_VAR);
    if (user) /* the user's entries first, as written */
        for (const char *s = user->value; *s;) {
            size_t len = strcspn(s, ",");
            char *item = ecsb_trimmed_dup(s, len);
            if (*item) list_add(&list, item, strlen(item));
            free(item);
            s += len + (s[len] ? 1 : 0);
        }
    size_t before = list.len;
    for (size_t i = 0; i < images->count; i++) {
        /* The agent matches repo:tag exactly; a digest reference has no tag to list. */
        if (strchr(images->items[i], '@')) {
            note(env, "%s: %s is pinned by digest and cannot be listed (the agent matches repo:tag)",
                 ECSB_KEEP_IMAGES_VAR, images->items[i]);
            continue;
        }
        list_add(&list, images->items[i], strlen(images->items[i]));
    }
    if (list.len == before) {
        ecsb_buf_free(&list);
        return;
    }
    if (user) {
        free(user->value);
        user->value = ecsb_buf_detach(&list);
        char *setting = user->setting;
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_buf_printf(&b, "%s + images.preload", setting);
        user->setting = ecsb_buf_detach(&b);
        free(setting);
        note(env, "%s: the preloaded images were added to the user's list", ECSB_KEEP_IMAGES_VAR);
        return;
    }
    push(env, ECSB_KEEP_IMAGES_VAR, ecsb_buf_cstr(&list), "images.preload", origin_source(cfg, "images", "preload"),
         false);
    ecsb_buf_free(&list);
}
