/* The config model: a schema table drives validation, defaults, sources and the
 * "valid keys" lists in error messages, so adding a key is one table row. */
#include "ecsb/config/trust.h"
#include "ecsb/config/config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/strutil.h"

enum ktype { K_CLUSTER, K_REGION, K_VERSION, K_BOOL, K_CIDRS, K_LIST, K_PULL, K_DURATION, K_IMAGES, K_MODE,
             K_PARALLEL, K_PATH, K_TRUST };

static const struct { const char *name, *forms; } ktypes[] = {
    [K_CLUSTER] = {"cluster name", "a cluster name of 1-255 letters, digits, '-' and '_', or a cluster ARN"},
    [K_REGION] = {"region", "an AWS region such as us-east-1 (leave the key out to take it from instance metadata)"},
    [K_VERSION] = {"agent version", "cached, latest, or a release such as 1.101.0 or v1.101.0"},
    [K_BOOL] = {"bool", ECSB_INI_BOOL_FORMS},
    [K_CIDRS] = {"CIDR list", "comma-separated CIDRs or a JSON array, e.g. 10.0.0.0/16, fd00:ec2::/64"},
    [K_LIST] = {"list", "comma-separated names of letters, digits and '-', or a JSON array, e.g. json-file, awslogs"},
    [K_PULL] = {"enum", "default, always, once, prefer-cached"},
    [K_DURATION] = {"duration", ECSB_DURATION_FORMS ", greater than 0"},
    [K_IMAGES] = {"image list", "comma-separated image references; {ltsc} stands for the host build's servercore "
                                "tag and {nanoserver} for its nanoserver tag, e.g. "
                                "mcr.microsoft.com/windows/servercore:{ltsc}"},
    [K_MODE] = {"enum", "pull, verify, off"},
    [K_PARALLEL] = {"integer", "a whole number from 1 to 8"},
    [K_PATH] = {"path", "a non-empty path"},
    [K_TRUST] = {"trust list", "comma-separated settings user data may set: paths.<key> or a steering "
                               "environment.<NAME>, e.g. paths.status_file, environment.HTTP_PROXY"},
};

#define F(member) offsetof(struct ecsb_config, member)

static const struct key_def {
    const char *section, *key;
    enum ktype type;
    size_t offset;
    const char *def;
    const char *agent_var;
} schema[] = {
    {"cluster", "name", K_CLUSTER, F(cluster.name), "default", "ECS_CLUSTER"},
    {"cluster", "region", K_REGION, F(cluster.region), "", "AWS_DEFAULT_REGION"},
    {"agent", "version", K_VERSION, F(agent.version_kind), "cached", ""},
    {"agent", "task_iam_role", K_BOOL, F(agent.task_iam_role), "false", "ECS_ENABLE_TASK_IAM_ROLE"},
    {"agent", "task_iam_role_network_host", K_BOOL, F(agent.task_iam_role_network_host), "false",
     "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST"},
    {"agent", "task_eni", K_BOOL, F(agent.task_eni), "false", "ECS_ENABLE_TASK_ENI"},
    {"agent", "awsvpc_block_imds", K_BOOL, F(agent.awsvpc_block_imds), "false", "ECS_AWSVPC_BLOCK_IMDS"},
    {"agent", "awsvpc_additional_local_routes", K_CIDRS, F(agent.awsvpc_additional_local_routes), "",
     "ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES"},
    {"agent", "logging_drivers", K_LIST, F(agent.logging_drivers), "", "ECS_AVAILABLE_LOGGING_DRIVERS"},
    {"agent", "image_pull_behavior", K_PULL, F(agent.image_pull_behavior), "", "ECS_IMAGE_PULL_BEHAVIOR"},
    {"agent", "registration_timeout", K_DURATION, F(agent.registration_timeout_ns), "15m", ""},
    {"agent", "external", K_BOOL, F(agent.external), "false", "ECS_EXTERNAL"},
    {"images", "preload", K_IMAGES, F(images.preload), "", ""},
    {"images", "mode", K_MODE, F(images.mode), "pull", ""},
    {"images", "parallel", K_PARALLEL, F(images.parallel), "2", ""},
    {"timeouts", "imds", K_DURATION, F(timeouts.imds_ns), "10s", ""},
    {"timeouts", "aws_call", K_DURATION, F(timeouts.aws_call_ns), "30s", ""},
    {"timeouts", "docker", K_DURATION, F(timeouts.docker_ns), "5m", ""},
    {"timeouts", "preflight", K_DURATION, F(timeouts.preflight_ns), "5m", ""},
    {"paths", "datadir", K_PATH, F(paths.datadir), "C:\\ProgramData\\Amazon\\ECS\\data", "ECS_DATADIR"},
    {"paths", "logfile", K_PATH, F(paths.logfile), "C:\\ProgramData\\Amazon\\ECS\\log\\ecs-agent.log",
     "ECS_LOGFILE"},
    {"paths", "agent_dir", K_PATH, F(paths.agent_dir), "C:\\Program Files\\Amazon\\ECS", ""},
    {"paths", "status_file", K_PATH, F(paths.status_file),
     "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap-status.json", ""},
    {"paths", "log_dir", K_PATH, F(paths.log_dir), "C:\\ProgramData\\Amazon\\ECS\\log", ""},
    {"paths", "env_file", K_PATH, F(paths.env_file), "/etc/ecs/ecs.config", ""},
    {"trust", "allow_from_userdata", K_TRUST, F(trust.allow_from_userdata), "", ""},
};

_Static_assert(sizeof schema / sizeof schema[0] == ECSB_CONFIG_NKEYS, "ECSB_CONFIG_NKEYS must match the schema");

/* Open sections: any key, validated per section. */
static const char *const map_sections[] = {"attributes", "tags", "environment"};
static const char *const all_sections[] = {"cluster", "agent", "attributes", "tags",
                                           "images", "environment", "timeouts", "paths", "trust"};

size_t ecsb_config_key_count(void)
{
    return ECSB_CONFIG_NKEYS;
}

bool ecsb_config_key(size_t index, struct ecsb_config_key_info *out)
{
    if (index >= ECSB_CONFIG_NKEYS)
        return false;
    const struct key_def *d = &schema[index];
    *out = (struct ecsb_config_key_info){d->section, d->key, ktypes[d->type].name,
                                         d->def,     d->agent_var, ktypes[d->type].forms};
    return true;
}

int ecsb_config_key_index(const char *section, const char *key)
{
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++)
        if (ecsb_strcaseeq(schema[i].section, section) && ecsb_strcaseeq(schema[i].key, key))
            return (int)i;
    return -1;
}

const char *ecsb_pull_behavior_name(enum ecsb_pull_behavior b)
{
    static const char *const names[] = {"", "default", "always", "once", "prefer-cached"};
    return (unsigned)b < sizeof names / sizeof names[0] ? names[b] : "";
}

const char *ecsb_images_mode_name(enum ecsb_images_mode m)
{
    static const char *const names[] = {"pull", "verify", "off"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "";
}

/* --- places and sources ---------------------------------------------------- */

static void format_place(char *out, size_t cap, const char *origin, int line, int col)
{
    if (line > 0 && col > 0)
        snprintf(out, cap, "%s:%d:%d", origin, line, col);
    else if (line > 0)
        snprintf(out, cap, "%s:%d", origin, line);
    else
        snprintf(out, cap, "%s", origin);
}

static char *make_source(const char *origin, int line)
{
    char buf[512];
    format_place(buf, sizeof buf, origin, line, 0);
    return ecsb_xstrdup(buf);
}

static void warn(struct ecsb_config *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void warn(struct ecsb_config *c, const char *fmt, ...)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (c->n_warnings == c->cap_warnings) {
        c->cap_warnings = c->cap_warnings ? c->cap_warnings * 2 : 8;
        c->warnings = ecsb_xrealloc(c->warnings, c->cap_warnings * sizeof *c->warnings);
    }
    c->warnings[c->n_warnings++] = ecsb_buf_detach(&b);
}

/* Edit distance, capped, for "did you mean" hints on typos. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
            size_t best = diag + (ca != cb);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3; /* only close matches */
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

static bool is_map_section(const char *section)
{
    for (size_t i = 0; i < sizeof map_sections / sizeof map_sections[0]; i++)
        if (ecsb_strcaseeq(section, map_sections[i]))
            return true;
    return false;
}

static bool is_fixed_section(const char *section)
{
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++)
        if (ecsb_strcaseeq(schema[i].section, section))
            return true;
    return false;
}

static enum ecsb_status unknown_section(const char *place, const char *section, struct ecsb_error *err)
{
    const size_t n = sizeof all_sections / sizeof all_sections[0];
    const char *hint = suggest(section, all_sections, n);
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s: unknown section [%.64s]", place, section);
    if (hint)
        ecsb_buf_printf(&b, " (did you mean [%s]?)", hint);
    ecsb_buf_puts(&b, "; valid sections:");
    for (size_t i = 0; i < n; i++)
        ecsb_buf_printf(&b, "%s [%s]", i ? "," : "", all_sections[i]);
    enum ecsb_status st = ecsb_error_set(err, ECSB_ERR_INVALID, "%s", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return st;
}

static enum ecsb_status unknown_key(const char *place, const char *section, const char *key, struct ecsb_error *err)
{
    const char *keys[ECSB_CONFIG_NKEYS];
    size_t n = 0;
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++)
        if (ecsb_strcaseeq(schema[i].section, section))
            keys[n++] = schema[i].key;
    const char *hint = suggest(key, keys, n);
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s: unknown key '%.64s' in [%.64s]", place, key, section);
    if (hint)
        ecsb_buf_printf(&b, " (did you mean '%s'?)", hint);
    ecsb_buf_puts(&b, "; valid keys:");
    for (size_t i = 0; i < n; i++)
        ecsb_buf_printf(&b, "%s %s", i ? "," : "", keys[i]);
    enum ecsb_status st = ecsb_error_set(err, ECSB_ERR_INVALID, "%s", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return st;
}

/* --- typed setters ---------------------------------------------------------- */

static void strlist_free(struct ecsb_strlist *l)
{
    ecsb_strv_free(l->items, l->count);
    l->items = NULL;
    l->count = 0;
}

static bool has_control_chars(const char *s, bool newline_ok)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t' && !(newline_ok && *s == '\n'))
            return true;
    return false;
}

static bool valid_driver(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

/* An image reference as far as we can judge without a registry: no spaces, and
 * the only placeholders are {ltsc} and {nanoserver}. */
static bool valid_image(const char *s, char *why, size_t cap)
{
    if (strpbrk(s, " \t")) {
        snprintf(why, cap, "image '%.128s' contains a space", s);
        return false;
    }
    for (const char *p = s; (p = strpbrk(p, "{}")) != NULL;) {
        size_t n = !strncmp(p, "{ltsc}", 6) ? 6 : !strncmp(p, "{nanoserver}", 12) ? 12 : 0;
        if (!n) {
            snprintf(why, cap, "image '%.128s' has an unknown placeholder (only {ltsc} and {nanoserver} exist)", s);
            return false;
        }
        p += n;
    }
    return true;
}

/* Parses raw into the typed field of schema row d. On failure fills why (may stay
 * empty: the generic "not accepted" message then applies). */
static bool set_typed(struct ecsb_config *c, const struct key_def *d, const char *raw, char *why, size_t cap)
{
    char *field = (char *)c + d->offset;
    switch (d->type) {
    case K_CLUSTER:
    case K_REGION:
    case K_PATH:
        if (!*raw || (d->type == K_CLUSTER && !ecsb_valid_cluster_name(raw)) ||
            (d->type == K_REGION && !ecsb_valid_region(raw)))
            return false;
        free(*(char **)field);
        *(char **)field = ecsb_xstrdup(raw);
        return true;
    case K_VERSION:
        return ecsb_parse_agent_version(raw, &c->agent.version_kind, c->agent.version, sizeof c->agent.version);
    case K_BOOL:
        return ecsb_parse_ini_bool(raw, (bool *)field);
    case K_DURATION: {
        int64_t ns;
        if (!ecsb_parse_go_duration(raw, &ns) || ns <= 0)
            return false;
        *(int64_t *)field = ns;
        return true;
    }
    case K_PULL:
    case K_MODE: {
        static const char *const pull[] = {"default", "always", "once", "prefer-cached", NULL};
        static const char *const mode[] = {"pull", "verify", "off", NULL};
        const char *const *names = d->type == K_PULL ? pull : mode;
        for (int i = 0; names[i]; i++)
            if (ecsb_strcaseeq(raw, names[i])) {
                *(int *)field = d->type == K_PULL ? i + 1 : i; /* PULL enum starts with UNSET */
                return true;
            }
        return false;
    }
    case K_PARALLEL: {
        if (strlen(raw) != 1 || raw[0] < '1' || raw[0] > '8')
            return false;
        *(int *)field = raw[0] - '0';
        return true;
    }
    case K_CIDRS:
    case K_LIST:
    case K_TRUST:
    case K_IMAGES: {
        struct ecsb_strlist l = {0};
        if (!ecsb_parse_list(raw, &l.items, &l.count, why, cap))
            return false;
        for (size_t i = 0; i < l.count; i++) {
            const char *it = l.items[i];
            bool ok = d->type == K_CIDRS ? ecsb_parse_cidr(it)
                    : d->type == K_LIST  ? valid_driver(it)
                    : d->type == K_TRUST ? ecsb_trust_item_valid(it)
                                         : valid_image(it, why, cap);
            if (!ok) {
                if (!*why)
                    snprintf(why, cap, "item %zu ('%.128s') is not accepted", i + 1, it);
                strlist_free(&l);
                return false;
            }
        }
        strlist_free((struct ecsb_strlist *)field);
        *(struct ecsb_strlist *)field = l;
        return true;
    }
    }
    return false;
}

static void set_origin(struct ecsb_config *c, size_t index, const char *raw, char *source, bool is_set)
{
    struct ecsb_config_origin *o = &c->origin[index];
    free(o->raw);
    free(o->source);
    o->raw = ecsb_xstrdup(raw);
    o->source = source;
    o->is_set = is_set;
}

static enum ecsb_status set_fixed(struct ecsb_config *c, size_t index, const char *value, const char *place,
                                  char *source, struct ecsb_error *err)
{
    const struct key_def *d = &schema[index];
    char why[300] = "";
    if (!set_typed(c, d, value, why, sizeof why)) {
        free(source);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s: %s.%s = '%.200s' is not accepted%s%s; accepted: %s", place,
                              d->section, d->key, value, *why ? ": " : "", why, ktypes[d->type].forms);
    }
    set_origin(c, index, value, source, true);
    return ECSB_OK;
}

/* --- open sections ---------------------------------------------------------- */

static const struct ecsb_config_map *map_for(const struct ecsb_config *c, const char *section)
{
    if (ecsb_strcaseeq(section, "attributes"))
        return &c->attributes;
    if (ecsb_strcaseeq(section, "tags"))
        return &c->tags;
    return &c->environment;
}

static struct ecsb_config_entry *map_find(const struct ecsb_config_map *m, const char *key, bool fold_case)
{
    for (size_t i = 0; i < m->count; i++)
        if (fold_case ? ecsb_strcaseeq(m->items[i].key, key) : !strcmp(m->items[i].key, key))
            return &m->items[i];
    return NULL;
}

static void map_put(struct ecsb_config_map *m, const char *key, const char *value, char *source, bool fold_case)
{
    struct ecsb_config_entry *e = map_find(m, key, fold_case);
    if (!e) {
        if (m->count == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 8;
            m->items = ecsb_xrealloc(m->items, m->cap * sizeof *m->items);
        }
        e = &m->items[m->count++];
        e->key = ecsb_xstrdup(key);
    } else {
        free(e->value);
        free(e->source);
    }
    e->value = ecsb_xstrdup(value);
    e->source = source;
}

static char *upper_dup(const char *s)
{
    char *u = ecsb_xstrdup(s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    return u;
}

static enum ecsb_status set_map(struct ecsb_config *c, const char *section, const char *key, const char *value,
                                const char *place, char *source, struct ecsb_error *err)
{
    char why[300] = "";
    const char *forms = NULL;
    enum ecsb_status st = ECSB_OK;
    if (ecsb_strcaseeq(section, "attributes")) {
        if (!ecsb_valid_attribute_name(key, why, sizeof why) || !ecsb_valid_attribute_value(value, why, sizeof why))
            st = ecsb_error_set(err, ECSB_ERR_INVALID,
                                "%s: attributes.%.128s = '%.200s': %s; accepted: names of 1-128 letters, digits and "
                                "- _ . / \\, values of 1-128 letters, digits, spaces and - _ . @ / \\ :",
                                place, key, value, why);
        else if (ecsb_starts_with_ci(key, "ecs."))
            warn(c, "%s: attributes.%s uses the 'ecs.' prefix, which the agent reserves for its own attributes",
                 place, key);
        if (!st)
            map_put(&c->attributes, key, value, source, false);
    } else if (ecsb_strcaseeq(section, "tags")) {
        if (!ecsb_valid_tag_key(key, why, sizeof why) || !ecsb_valid_tag_value(value, why, sizeof why))
            st = ecsb_error_set(err, ECSB_ERR_INVALID,
                                "%s: tags.%.128s = '%.200s': %s; accepted: keys of 1-128 and values of 0-256 "
                                "letters, digits, spaces and + - = . _ : / @, keys not starting with aws:",
                                place, key, value, why);
        else
            map_put(&c->tags, key, value, source, false);
    } else {
        if (!ecsb_env_name_allowed(key))
            st = ecsb_error_set(err, ECSB_ERR_INVALID,
                                "%s: environment.%.128s is not a variable the agent reads; accepted: ECS_* and AWS_* "
                                "names (letters, digits, '_'), HTTP_PROXY, HTTPS_PROXY, NO_PROXY",
                                place, key);
        else if (!ecsb_env_value_valid(key, value, why, sizeof why, &forms))
            st = ecsb_error_set(err, ECSB_ERR_INVALID, "%s: environment.%s = '%.200s' is %s; accepted: %s", place,
                                key, ecsb_env_is_secret(key) ? "<redacted>" : value, why, forms);
        else {
            char *name = upper_dup(key);
            map_put(&c->environment, name, value, source, true);
            free(name);
        }
    }
    if (st)
        free(source);
    return st;
}

/* --- public ----------------------------------------------------------------- */

enum ecsb_status ecsb_config_set(struct ecsb_config *c, const char *section, const char *key, const char *value,
                                 const char *origin, int line, int column, struct ecsb_error *err)
{
    char place[600];
    format_place(place, sizeof place, origin ? origin : "", line, column);
    if (!*section)
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "%s: '%.128s' is outside any section; put it under its section header, e.g. "
                              "[cluster] before name = ...",
                              place, key);
    int index = is_map_section(section) ? -1 : ecsb_config_key_index(section, key);
    /* Only lists may span lines (INI continuation lines arrive joined by '\n'). */
    bool multiline_ok = index >= 0 && (schema[index].type == K_CIDRS || schema[index].type == K_LIST ||
                                       schema[index].type == K_IMAGES);
    if (has_control_chars(value, multiline_ok))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "%s: %.64s.%.128s contains a control character or a line break; write the value on "
                              "one line (only lists may continue on indented lines)",
                              place, section, key);
    if (is_map_section(section)) {
        if (!*key)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "%s: empty key in [%s]; write name = value", place,
                                  section);
        return set_map(c, section, key, value, place, make_source(origin ? origin : "", line), err);
    }
    if (!is_fixed_section(section))
        return unknown_section(place, section, err);
    if (index < 0)
        return unknown_key(place, section, key, err);
    return set_fixed(c, (size_t)index, value, place, make_source(origin ? origin : "", line), err);
}

void ecsb_config_init(struct ecsb_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++) {
        char why[300] = "";
        /* Defaults go through the same parser as user values; "" means unset. */
        if (schema[i].def[0] && !set_typed(c, &schema[i], schema[i].def, why, sizeof why))
            abort(); /* a bad default is a bug in the table; tests catch it */
        set_origin(c, i, schema[i].def, ecsb_xstrdup("default"), false);
    }
}

static void map_free(struct ecsb_config_map *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->items[i].key);
        free(m->items[i].value);
        free(m->items[i].source);
    }
    free(m->items);
}

void ecsb_config_free(struct ecsb_config *c)
{
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++) {
        const struct key_def *d = &schema[i];
        char *field = (char *)c + d->offset;
        if (d->type == K_CLUSTER || d->type == K_REGION || d->type == K_PATH)
            free(*(char **)field);
        else if (d->type == K_CIDRS || d->type == K_LIST || d->type == K_IMAGES || d->type == K_TRUST)
            strlist_free((struct ecsb_strlist *)field);
        free(c->origin[i].raw);
        free(c->origin[i].source);
    }
    map_free(&c->attributes);
    map_free(&c->tags);
    map_free(&c->environment);
    for (size_t i = 0; i < c->n_warnings; i++)
        free(c->warnings[i]);
    free(c->warnings);
    memset(c, 0, sizeof *c);
}

/* The earlier item of the same layer with the same section/key, if any. */
static const struct ecsb_setting *earlier_same(const struct ecsb_settings *layer, size_t i)
{
    const struct ecsb_setting *it = &layer->items[i];
    bool fold = !ecsb_strcaseeq(it->section, "attributes") && !ecsb_strcaseeq(it->section, "tags");
    for (size_t j = 0; j < i; j++) {
        const struct ecsb_setting *e = &layer->items[j];
        if (ecsb_strcaseeq(e->section, it->section) && (fold ? ecsb_strcaseeq(e->key, it->key) : !strcmp(e->key, it->key)))
            return e;
    }
    return NULL;
}

enum ecsb_status ecsb_config_apply(struct ecsb_config *c, const struct ecsb_settings *layer, struct ecsb_error *err)
{
    const char *origin = layer->origin ? layer->origin : "";
    for (size_t i = 0; i < layer->count; i++) {
        const struct ecsb_setting *it = &layer->items[i];
        const struct ecsb_strlist *allow = &c->trust.allow_from_userdata;
        if (layer->untrusted && ecsb_trust_steers(it->section, it->key) &&
            !ecsb_trust_allows(allow->items, allow->count, it->section, it->key)) {
            char place[600];
            format_place(place, sizeof place, origin, it->line, it->column);
            return ecsb_trust_refuse(place, it->section, it->key, err);
        }
        enum ecsb_status st = ecsb_config_set(c, it->section, it->key, it->value, origin, it->line, it->column, err);
        if (st)
            return st;
        const struct ecsb_setting *prev = earlier_same(layer, i);
        if (prev) {
            char place[600];
            format_place(place, sizeof place, origin, it->line, 0);
            if (prev->line > 0)
                warn(c, "%s: %s.%s is set again (first on line %d); the last value wins", place, it->section,
                     it->key, prev->line);
            else
                warn(c, "%s: %s.%s is set more than once; the last value wins", place, it->section, it->key);
        }
    }
    return ECSB_OK;
}

enum ecsb_status ecsb_config_finish(struct ecsb_config *c, struct ecsb_error *err)
{
    (void)err;
    if (c->agent.task_iam_role_network_host && !c->agent.task_iam_role)
        warn(c, "agent.task_iam_role_network_host is on but agent.task_iam_role is off; host-network tasks get "
                "IAM roles only with both (set agent.task_iam_role = true)");
    if (c->agent.awsvpc_block_imds && !c->agent.task_eni)
        warn(c, "agent.awsvpc_block_imds only affects awsvpc tasks; it has no effect while agent.task_eni is off");
    if (c->agent.awsvpc_additional_local_routes.count && !c->agent.task_eni)
        warn(c, "agent.awsvpc_additional_local_routes only affects awsvpc tasks; agent.task_eni is off");
    const struct ecsb_config_entry *no_proxy = ecsb_config_env(c, "NO_PROXY");
    bool proxy = ecsb_config_env(c, "HTTP_PROXY") || ecsb_config_env(c, "HTTPS_PROXY");
    if (proxy && !no_proxy)
        warn(c, "a proxy is set but environment.NO_PROXY is not; set NO_PROXY = "
                "169.254.169.254,169.254.170.2,\\\\.\\pipe\\docker_engine so the agent reaches IMDS, task "
                "credentials and Docker directly");
    if (no_proxy) {
        static const char *const need[] = {"169.254.169.254", "169.254.170.2", "\\\\.\\pipe\\docker_engine"};
        for (size_t i = 0; i < 3; i++)
            if (!strstr(no_proxy->value, need[i]))
                warn(c, "%s: environment.NO_PROXY lacks %s; the agent would send that traffic to the proxy",
                     no_proxy->source, need[i]);
    }
    return ECSB_OK;
}

enum ecsb_status ecsb_config_parse_assignment(const char *arg, struct ecsb_settings *out, struct ecsb_error *err)
{
    const char *eq = strchr(arg, '=');
    const char *dot = strchr(arg, '.');
    if (!eq || !dot || dot > eq || dot == arg || dot + 1 == eq)
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "command line: --set '%.200s' is not section.key=value; write e.g. "
                              "--set cluster.name=prod or --set environment.ECS_LOGLEVEL=debug",
                              arg);
    char *section = ecsb_trimmed_dup(arg, (size_t)(dot - arg));
    char *key = ecsb_trimmed_dup(dot + 1, (size_t)(eq - dot - 1));
    char *value = ecsb_trimmed_dup(eq + 1, strlen(eq + 1));
    ecsb_settings_add(out, section, key, value, 0, 0);
    free(section);
    free(key);
    free(value);
    return ECSB_OK;
}

const char *ecsb_config_source(const struct ecsb_config *c, const char *section, const char *key)
{
    int index = ecsb_config_key_index(section, key);
    if (index >= 0)
        return c->origin[index].source;
    if (!is_map_section(section))
        return NULL;
    const struct ecsb_config_map *m = map_for(c, section);
    const struct ecsb_config_entry *e = map_find(m, key, m == &c->environment);
    return e ? e->source : NULL;
}

const struct ecsb_config_entry *ecsb_config_env(const struct ecsb_config *c, const char *name)
{
    return map_find(&c->environment, name, true);
}
