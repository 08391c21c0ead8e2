#include "ecsb/config/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/json.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/osfamily.h"
#include "ecsb/base/strutil.h"

void ecsb_plan_warn(struct ecsb_plan *p, const char *fmt, ...)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ECSB_GROW(p->warnings, p->n_warnings, p->cap_warnings);
    p->warnings[p->n_warnings++] = ecsb_buf_detach(&b);
}

void ecsb_plan_add_action(struct ecsb_plan *p, const char *name, const char *text, bool not_yet_done)
{
    ECSB_GROW(p->actions, p->n_actions, p->cap_actions);
    p->actions[p->n_actions++] = (struct ecsb_plan_action){ecsb_xstrdup(name), ecsb_xstrdup(text), not_yet_done};
}

/* Ignored lines are echoed to the operator; one that might carry a credential is
 * shown only by its line number. */
static bool may_hold_secret(const char *text)
{
    static const char *const words[] = {"secret", "password", "token", "credential", "passwd"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        for (const char *s = text; *s; s++)
            if (ecsb_starts_with_ci(s, words[i]))
                return true;
    return false;
}

static void collect_layer(struct ecsb_plan *p, const struct ecsb_settings *l)
{
    const char *origin = l->origin ? l->origin : "";
    for (size_t i = 0; i < l->n_ignored; i++) {
        ECSB_GROW(p->ignored, p->n_ignored, p->cap_ignored);
        struct ecsb_plan_ignored *ig = &p->ignored[p->n_ignored++];
        ig->origin = ecsb_xstrdup(origin);
        ig->line = l->ignored[i].line;
        ig->text = ecsb_xstrdup(may_hold_secret(l->ignored[i].text) ? "<redacted: may contain a secret>"
                                                                     : l->ignored[i].text);
        ig->reason = ecsb_xstrdup(l->ignored[i].reason);
    }
    for (size_t i = 0; i < l->n_warnings; i++) /* readers usually name the place already */
        if (*origin && !ecsb_starts_with(l->warnings[i], origin))
            ecsb_plan_warn(p, "%s: %s", origin, l->warnings[i]);
        else
            ecsb_plan_warn(p, "%s", l->warnings[i]);
}

size_t ecsb_plan_expand_images(const struct ecsb_strlist *images, unsigned build, struct ecsb_strlist *out)
{
    static const char *const names[] = {"{ltsc}", "{nanoserver}"};
    const char *tags[] = {ecsb_servercore_tag(build), ecsb_nanoserver_tag(build)};
    size_t skipped = 0;
    out->items = images->count ? ecsb_xcalloc(images->count, sizeof *out->items) : NULL;
    out->count = 0;
    for (size_t i = 0; i < images->count; i++) {
        const char *img = images->items[i];
        struct ecsb_buf b = ECSB_BUF_INIT;
        bool missing = false;
        for (const char *s = img; *s;) {
            size_t k = !strncmp(s, names[0], 6) ? 1 : !strncmp(s, names[1], 12) ? 2 : 0;
            if (!k) {
                ecsb_buf_putc(&b, *s++);
                continue;
            }
            missing |= tags[k - 1] == NULL;
            ecsb_buf_puts(&b, tags[k - 1] ? tags[k - 1] : "");
            s += strlen(names[k - 1]);
        }
        if (missing) {
            skipped++;
            ecsb_buf_free(&b);
            continue;
        }
        out->items[out->count++] = ecsb_buf_detach(&b);
    }
    return skipped;
}

static void plan_images(struct ecsb_plan *p)
{
    const struct ecsb_config *c = &p->config;
    if (c->images.mode == ECSB_IMAGES_OFF) {
        if (c->images.preload.count)
            ecsb_plan_warn(p, "images.mode = off: the %u image(s) in images.preload are not preloaded",
                  (unsigned)c->images.preload.count);
        return;
    }
    size_t skipped = ecsb_plan_expand_images(&c->images.preload, p->build, &p->preload);
    if (skipped)
        ecsb_plan_warn(p, "build %u has no known tag for a placeholder: %u image(s) using {ltsc} or {nanoserver} in "
                 "images.preload are skipped (name the tag explicitly)", p->build, (unsigned)skipped);
    const char *sc = ecsb_servercore_tag(p->build), *nano = ecsb_nanoserver_tag(p->build);
    for (size_t i = 0; i < c->images.preload.count; i++) {
        const char *img = c->images.preload.items[i];
        if (sc && nano && strcmp(sc, nano) != 0 && strstr(img, "nanoserver") && strstr(img, "{ltsc}"))
            ecsb_plan_warn(p,
                           "images.preload: '%s' uses {ltsc} (%s) for a nanoserver image, whose tag on build %u is %s; "
                     "write {nanoserver}", img, sc, p->build, nano);
    }
}

enum ecsb_status ecsb_plan_build(const struct ecsb_plan_input *in, struct ecsb_plan *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    ecsb_config_init(&out->config);
    for (size_t i = 0; i < in->n_layers; i++) {
        enum ecsb_status st = ecsb_config_apply(&out->config, in->layers[i], err);
        if (st) {
            ecsb_plan_free(out);
            return st;
        }
    }
    ecsb_config_finish(&out->config, err);
    out->build = in->build;
    out->installation_type = ecsb_xstrdup(in->installation_type ? in->installation_type : "");
    out->os_family = ecsb_os_family(in->build, in->installation_type);
    for (size_t i = 0; i < in->n_layers; i++)
        collect_layer(out, in->layers[i]);
    for (size_t i = 0; i < out->config.n_warnings; i++)
        ecsb_plan_warn(out, "%s", out->config.warnings[i]);
    if (!strcmp(out->os_family, ECSB_OS_FAMILY_UNSUPPORTED))
        ecsb_plan_warn(out,
                       "build %u with installation type '%s' is not a Windows Server release the agent recognises: "
                   "ecs.os-family will be 'windows' and WINDOWS_SERVER_* placement constraints will not match",
              in->build, out->installation_type);
    plan_images(out);
    bool preloading = out->preload.count > 0 && out->config.images.mode != ECSB_IMAGES_OFF;
    ecsb_agentenv_build(&out->config, in->region, preloading, &out->env);
    if (preloading)
        ecsb_agentenv_keep_images(&out->env, &out->config, &out->preload);
    return ECSB_OK;
}

void ecsb_plan_free(struct ecsb_plan *p)
{
    ecsb_config_free(&p->config);
    ecsb_agentenv_free(&p->env);
    ecsb_strv_free(p->preload.items, p->preload.count);
    for (size_t i = 0; i < p->n_actions; i++) {
        free(p->actions[i].name);
        free(p->actions[i].text);
    }
    for (size_t i = 0; i < p->n_ignored; i++) {
        free(p->ignored[i].origin);
        free(p->ignored[i].text);
        free(p->ignored[i].reason);
    }
    for (size_t i = 0; i < p->n_warnings; i++)
        free(p->warnings[i]);
    free(p->actions);
    free(p->ignored);
    free(p->warnings);
    free(p->installation_type);
    memset(p, 0, sizeof *p);
}

/* --- output ------------------------------------------------------------------ */

static const char *shown(const char *name, const char *value)
{
    return ecsb_env_is_secret(name) ? "<redacted>" : value;
}

/* One "key": value member. */
static void member_string(struct ecsb_json_writer *w, const char *key, const char *value)
{
    ecsb_jw_key(w, key);
    ecsb_jw_string(w, value);
}

static void member_int(struct ecsb_json_writer *w, const char *key, long long value)
{
    ecsb_jw_key(w, key);
    ecsb_jw_int(w, value);
}

static void member_bool(struct ecsb_json_writer *w, const char *key, bool value)
{
    ecsb_jw_key(w, key);
    ecsb_jw_bool(w, value);
}

static void json_sources(const struct ecsb_plan *p, struct ecsb_json_writer *w)
{
    const struct ecsb_config *c = &p->config;
    char setting[300];
    ecsb_jw_object_begin(w);
    for (size_t i = 0; i < ecsb_config_key_count(); i++) {
        struct ecsb_config_key_info ki, *k = &ki;
        ecsb_config_key(i, &ki);
        snprintf(setting, sizeof setting, "%s.%s", k->section, k->key);
        ecsb_jw_key(w, setting);
        ecsb_jw_string(w, c->origin[i].source);
    }
    const struct { const char *name; const struct ecsb_config_map *m; } maps[] = {
        {"attributes", &c->attributes}, {"tags", &c->tags}, {"environment", &c->environment}};
    for (size_t m = 0; m < 3; m++)
        for (size_t i = 0; i < maps[m].m->count; i++) {
            snprintf(setting, sizeof setting, "%s.%s", maps[m].name, maps[m].m->items[i].key);
            ecsb_jw_key(w, setting);
            ecsb_jw_string(w, maps[m].m->items[i].source);
        }
    ecsb_jw_object_end(w);
}

static void json_strings(struct ecsb_json_writer *w, char *const *items, size_t n)
{
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        ecsb_jw_string(w, items[i]);
    ecsb_jw_array_end(w);
}

static void json_environment(const struct ecsb_plan *p, struct ecsb_json_writer *w)
{
    ecsb_jw_key(w, "agent_environment");
    ecsb_jw_object_begin(w);
    for (size_t i = 0; i < p->env.count; i++) {
        ecsb_jw_key(w, p->env.vars[i].name);
        ecsb_jw_string(w, shown(p->env.vars[i].name, p->env.vars[i].value));
    }
    ecsb_jw_object_end(w);
    ecsb_jw_key(w, "agent_environment_detail");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < p->env.count; i++) {
        const struct ecsb_agentenv_var *v = &p->env.vars[i];
        ecsb_jw_object_begin(w);
        member_string(w, "name", v->name);
        member_string(w, "value", shown(v->name, v->value));
        member_string(w, "setting", v->setting);
        member_string(w, "source", v->source);
        member_bool(w, "user_set", v->user_set);
        ecsb_jw_object_end(w);
    }
    ecsb_jw_array_end(w);
}

/* "actions" stays a list of lines; "action_detail" adds the name run reports it
 * under and whether this version does it. */
static void json_actions(const struct ecsb_plan *p, struct ecsb_json_writer *w)
{
    ecsb_jw_key(w, "actions");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < p->n_actions; i++)
        ecsb_jw_string(w, p->actions[i].text);
    ecsb_jw_array_end(w);
    ecsb_jw_key(w, "action_detail");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < p->n_actions; i++) {
        ecsb_jw_object_begin(w);
        member_string(w, "name", p->actions[i].name);
        member_string(w, "text", p->actions[i].text);
        member_bool(w, "not_yet_done", p->actions[i].not_yet_done);
        ecsb_jw_object_end(w);
    }
    ecsb_jw_array_end(w);
}

static void json_ignored(const struct ecsb_plan *p, struct ecsb_json_writer *w)
{
    ecsb_jw_key(w, "ignored");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < p->n_ignored; i++) {
        ecsb_jw_object_begin(w);
        member_string(w, "origin", p->ignored[i].origin);
        member_int(w, "line", p->ignored[i].line);
        member_string(w, "text", p->ignored[i].text);
        member_string(w, "reason", p->ignored[i].reason);
        ecsb_jw_object_end(w);
    }
    ecsb_jw_array_end(w);
}

void ecsb_plan_json(const struct ecsb_plan *p, struct ecsb_buf *out, int indent)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, indent);
    ecsb_jw_object_begin(&w);
    member_string(&w, "os_family", p->os_family);
    member_int(&w, "build", p->build);
    member_string(&w, "installation_type", p->installation_type);
    json_environment(p, &w);
    ecsb_jw_key(&w, "preload_images");
    json_strings(&w, p->preload.items, p->preload.count);
    json_actions(p, &w);
    json_ignored(p, &w);
    ecsb_jw_key(&w, "sources");
    json_sources(p, &w);
    ecsb_jw_key(&w, "notes");
    json_strings(&w, p->env.notes, p->env.n_notes);
    ecsb_jw_key(&w, "warnings");
    json_strings(&w, p->warnings, p->n_warnings);
    ecsb_jw_object_end(&w);
    if (indent)
        ecsb_buf_putc(out, '\n');
}

static void text_environment(const struct ecsb_plan *p, struct ecsb_buf *out)
{
    ecsb_buf_puts(out, "\nagent environment:\n");
    for (size_t i = 0; i < p->env.count; i++) {
        const struct ecsb_agentenv_var *v = &p->env.vars[i];
        ecsb_buf_printf(out, "  %s=%s\n      from %s (%s)\n", v->name, shown(v->name, v->value), v->setting,
                        v->source);
    }
}

static void text_explicit_settings(const struct ecsb_config *c, struct ecsb_buf *out)
{
    bool header = false;
    for (size_t i = 0; i < ecsb_config_key_count(); i++) {
        if (!c->origin[i].is_set)
            continue;
        struct ecsb_config_key_info ki, *k = &ki;
        ecsb_config_key(i, &ki);
        if (!header)
            ecsb_buf_puts(out, "\nsettings given explicitly:\n");
        header = true;
        ecsb_buf_printf(out, "  %s.%s = ", k->section, k->key);
        for (const char *r = c->origin[i].raw; *r; r++) /* a list over several lines prints on one */
            ecsb_buf_putc(out, *r == '\n' ? ' ' : *r);
        ecsb_buf_printf(out, " (%s)\n", c->origin[i].source);
    }
}

/* A titled list of lines, left out when empty. */
static void text_lines(const char *title, char *const *lines, size_t n, struct ecsb_buf *out)
{
    if (!n)
        return;
    ecsb_buf_printf(out, "\n%s:\n", title);
    for (size_t i = 0; i < n; i++)
        ecsb_buf_printf(out, "  %s\n", lines[i]);
}

void ecsb_plan_text(const struct ecsb_plan *p, struct ecsb_buf *out)
{
    const struct ecsb_config *c = &p->config;
    ecsb_buf_printf(out, "ecs-bootstrap plan (nothing is changed)\n\n");
    ecsb_buf_printf(out, "host: build %u, %s -> ecs.os-family %s\n", p->build,
                    *p->installation_type ? p->installation_type : "(installation type unknown)", p->os_family);
    ecsb_buf_printf(out, "cluster: %s (%s)\n\nactions:\n", c->cluster.name,
                    ecsb_config_source(c, "cluster", "name"));
    for (size_t i = 0; i < p->n_actions; i++)
        ecsb_buf_printf(out, "  %u. %s%s\n", (unsigned)(i + 1), p->actions[i].text,
                        p->actions[i].not_yet_done ? " [not yet done by this version]" : "");
    text_environment(p, out);
    if (p->preload.count) {
        ecsb_buf_printf(out, "\nimages (%s):\n", ecsb_images_mode_name(c->images.mode));
        for (size_t i = 0; i < p->preload.count; i++)
            ecsb_buf_printf(out, "  %s\n", p->preload.items[i]);
    }
    text_explicit_settings(c, out);
    if (p->n_ignored) {
        ecsb_buf_puts(out, "\nlines not acted on:\n");
        for (size_t i = 0; i < p->n_ignored; i++)
            ecsb_buf_printf(out, "  %s:%d: %s\n      %s\n", p->ignored[i].origin, p->ignored[i].line,
                            p->ignored[i].text, p->ignored[i].reason);
    }
    text_lines("notes", p->env.notes, p->env.n_notes, out);
    text_lines("warnings", p->warnings, p->n_warnings, out);
}

void ecsb_plan_mask(struct ecsb_plan *p, const struct ecsb_masker *m)
{
    for (size_t i = 0; i < p->n_warnings; i++)
        ecsb_masker_apply_str(m, &p->warnings[i]);
    for (size_t i = 0; i < p->n_ignored; i++) {
        ecsb_masker_apply_str(m, &p->ignored[i].text);
        ecsb_masker_apply_str(m, &p->ignored[i].reason);
    }
    for (size_t i = 0; i < p->n_actions; i++)
        ecsb_masker_apply_str(m, &p->actions[i].text);
}
