/* The config model: a schema table drives validation, defaults, sources and the
 * "valid keys" lists in error messages, so adding a key is one table row. */
#include "ecsb/config/trust.h"
#include "ecsb/config/config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/defaults.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/strutil.h"

static const struct { const char *name, *forms; } ktypes[] = {
    [ECSB_KEY_MAP] = {"map", "name = value entries"},
    [ECSB_KEY_CLUSTER] = {"cluster name", "a cluster name of 1-255 letters, digits, '-' and '_', or a cluster ARN"},
    [ECSB_KEY_REGION] = {"region", "an AWS region such as us-east-1 (leave the key out to take it from instance metadata)"},
    [ECSB_KEY_VERSION] = {"agent version", "cached, latest, or a release such as 1.101.0 or v1.101.0"},
    [ECSB_KEY_BOOL] = {"bool", ECSB_INI_BOOL_FORMS},
    [ECSB_KEY_CIDRS] = {"CIDR list", "comma-separated CIDRs or a JSON array, e.g. 10.0.0.0/16, fd00:ec2::/64"},
    [ECSB_KEY_LIST] = {"list", "comma-separated names of letters, digits and '-', or a JSON array, e.g. json-file, awslogs"},
    [ECSB_KEY_PULL] = {"enum", "default, always, once, prefer-cached"},
    [ECSB_KEY_DURATION] = {"duration", ECSB_DURATION_FORMS ", greater than 0"},
    [ECSB_KEY_IMAGES] = {"image list", "comma-separated image references; {ltsc} stands for the host build's servercore "
                                "tag and {nanoserver} for its nanoserver tag, e.g. "
                                "mcr.microsoft.com/windows/servercore:{ltsc}"},
    [ECSB_KEY_MODE] = {"enum", "pull, verify, off"},
    [ECSB_KEY_PARALLEL] = {"integer", "a whole number from 1 to 8"},
    [ECSB_KEY_PATH] = {"path", "a non-empty path"},
    [ECSB_KEY_TEXT] = {"text", "non-empty text"},
    [ECSB_KEY_TRUST] = {"trust list", "comma-separated settings user data may set: paths.<key> or a steering "
                                        "environment.<NAME>, e.g. paths.status_file, environment.HTTP_PROXY"},
};

#define F(member) offsetof(struct ecsb_config, member)

/* One row per fixed key; adding a key is one row here plus the code that uses it.
 * agent_var/env_pos: the agent variable derived from the key and its place in the
 * agent environment (docs/configuration.md, "The agent environment"); the
 * environment builder, the environment.* value checks and the PowerShell reader
 * all read these columns. ps_param: the Initialize-ECSAgent parameter that sets
 * the key. max: the longest accepted duration. */
static const struct key_def {
    const char *section, *key;
    enum ecsb_key_type type;
    size_t offset;
    const char *def; /* NULL: this platform's default for ecs-bootstrap's own file (key_default) */
    const char *agent_var;
    int env_pos;
    const char *ps_param;
    const char *max;
} schema[] = {
    {"cluster", "name", ECSB_KEY_CLUSTER, F(cluster.name), "default", "ECS_CLUSTER", 1, "Cluster", NULL},
    {"cluster", "region", ECSB_KEY_REGION, F(cluster.region), "", "AWS_DEFAULT_REGION", 14, "AWSDefaultRegion", NULL},
    {"agent", "version", ECSB_KEY_VERSION, F(agent.version_kind), "cached", "", 0, "Version", NULL},
    {"agent", "task_iam_role", ECSB_KEY_BOOL, F(agent.task_iam_role), "false", "ECS_ENABLE_TASK_IAM_ROLE", 4,
     "EnableTaskIAMRole", NULL},
    {"agent", "task_iam_role_network_host", ECSB_KEY_BOOL, F(agent.task_iam_role_network_host), "false",
     "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", 5, NULL, NULL},
    {"agent", "task_eni", ECSB_KEY_BOOL, F(agent.task_eni), "false", "ECS_ENABLE_TASK_ENI", 6, "EnableTaskENI", NULL},
    {"agent", "awsvpc_block_imds", ECSB_KEY_BOOL, F(agent.awsvpc_block_imds), "false", "ECS_AWSVPC_BLOCK_IMDS", 7,
     "AwsvpcBlockIMDS", NULL},
    {"agent", "awsvpc_additional_local_routes", ECSB_KEY_CIDRS, F(agent.awsvpc_additional_local_routes), "",
     "ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES", 8, "AwsvpcAdditionalLocalRoutes", NULL},
    {"agent", "logging_drivers", ECSB_KEY_LIST, F(agent.logging_drivers), "", "ECS_AVAILABLE_LOGGING_DRIVERS", 9,
     "LoggingDrivers", NULL},
    {"agent", "image_pull_behavior", ECSB_KEY_PULL, F(agent.image_pull_behavior), "", "ECS_IMAGE_PULL_BEHAVIOR", 12,
     NULL, NULL},
    {"agent", "registration_timeout", ECSB_KEY_DURATION, F(agent.registration_timeout_ns), "15m", "", 0, NULL, "24h"},
    {"agent", "external", ECSB_KEY_BOOL, F(agent.external), "false", "ECS_EXTERNAL", 13, "ExternalInstance", NULL},
    {"images", "preload", ECSB_KEY_IMAGES, F(images.preload), "", "", 0, NULL, NULL},
    {"images", "mode", ECSB_KEY_MODE, F(images.mode), "pull", "", 0, NULL, NULL},
    {"images", "parallel", ECSB_KEY_PARALLEL, F(images.parallel), "2", "", 0, NULL, NULL},
    {"images", "registry", ECSB_KEY_TEXT, F(images.registry), "", "", 0, NULL, NULL},
    {"images", "registry_username", ECSB_KEY_TEXT, F(images.registry_username), "", "", 0, NULL, NULL},
    {"images", "registry_password", ECSB_KEY_TEXT, F(images.registry_password), "", "", 0, NULL, NULL},
    {"timeouts", "imds", ECSB_KEY_DURATION, F(timeouts.imds_ns), "10s", "", 0, NULL, "5m"},
    {"timeouts", "aws_call", ECSB_KEY_DURATION, F(timeouts.aws_call_ns), "30s", "", 0, NULL, "10m"},
    {"timeouts", "docker", ECSB_KEY_DURATION, F(timeouts.docker_ns), "5m", "", 0, NULL, "1h"},
    {"timeouts", "preflight", ECSB_KEY_DURATION, F(timeouts.preflight_ns), "5m", "", 0, NULL, "1h"},
    {"paths", "datadir", ECSB_KEY_PATH, F(paths.datadir), ECSB_AGENT_DATADIR, "ECS_DATADIR", 2, NULL, NULL},
    {"paths", "logfile", ECSB_KEY_PATH, F(paths.logfile), ECSB_AGENT_LOGFILE, "ECS_LOGFILE", 3, NULL, NULL},
    {"paths", "agent_dir", ECSB_KEY_PATH, F(paths.agent_dir), ECSB_AGENT_DIR, "", 0, NULL, NULL},
    {"paths", "status_file", ECSB_KEY_PATH, F(paths.status_file), NULL, "", 0, NULL, NULL},
    {"paths", "log_dir", ECSB_KEY_PATH, F(paths.log_dir), NULL, "", 0, NULL, NULL},
    {"paths", "env_file", ECSB_KEY_PATH, F(paths.env_file), ECSB_AGENT_ENV_FILE, "", 0, NULL, NULL},
    {"trust", "allow_from_userdata", ECSB_KEY_TRUST, F(trust.allow_from_userdata), "", "", 0, NULL, NULL},
};

_Static_assert(sizeof schema / sizeof schema[0] == ECSB_CONFIG_NKEYS, "ECSB_CONFIG_NKEYS must match the schema");

/* Open sections: any key, validated per section. attributes.* and tags.* each
 * derive one agent variable (a JSON object), placed like the fixed keys'. */
static const struct map_def {
    const char *section, *agent_var;
    int env_pos;
} map_defs[] = {
    {"attributes", "ECS_INSTANCE_ATTRIBUTES", 10},
    {"tags", "ECS_CONTAINER_INSTANCE_TAGS", 11},
    {"environment", "", 0},
};
static const char *const all_sections[] = {"cluster", "agent", "attributes", "tags",
                                           "images", "environment", "timeouts", "paths", "trust"};

size_t ecsb_config_key_count(void)
{
    return ECSB_CONFIG_NKEYS;
}

/* ecs-bootstrap's own files default per platform (ecsb/agent/defaults.h); the
 * agent's paths do not, so a plan made anywhere describes a Windows host. */
static const char *key_default(const struct key_def *d)
{
    if (d->def)
        return d->def;
    const struct ecsb_own_paths *own = ecsb_own_paths();
    return d->offset == F(paths.status_file) ? own->status_file : own->log_dir;
}

bool ecsb_config_key(size_t index, struct ecsb_config_key_info *out)
{
    if (index >= ECSB_CONFIG_NKEYS)
        return false;
    const struct key_def *d = &schema[index];
    *out = (struct ecsb_config_key_info){.section = d->section,
                                         .key = d->key,
                                         .type = ktypes[d->type].name,
                                         .def = key_default(d),
                                         .agent_var = d->agent_var,
                                         .forms = ktypes[d->type].forms,
                                         .kind = d->type,
                                         .ps_param = d->ps_param,
                                         .max = d->max};
    return true;
}

/* Agent variables by position: schema rows first, then the map sections. */
static bool agent_var_at(int pos, struct ecsb_config_agent_var *out)
{
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++)
        if (schema[i].env_pos == pos) {
            *out = (struct ecsb_config_agent_var){schema[i].agent_var, schema[i].section, schema[i].key,
                                                  schema[i].type, (int)i};
            return true;
        }
    for (size_t i = 0; i < sizeof map_defs / sizeof map_defs[0]; i++)
        if (map_defs[i].env_pos == pos) {
            *out = (struct ecsb_config_agent_var){map_defs[i].agent_var, map_defs[i].section, "*", ECSB_KEY_MAP,
                                                  -1};
            return true;
        }
    return false;
}

bool ecsb_config_agent_var(size_t index, struct ecsb_config_agent_var *out)
{
    return index < INT32_MAX && agent_var_at((int)index + 1, out);
}

bool ecsb_config_agent_var_named(const char *name, struct ecsb_config_agent_var *out)
{
    for (size_t i = 0; ecsb_config_agent_var(i, out); i++)
        if (ecsb_strcaseeq(out->name, name))
            return true;
    return false;
}

const void *ecsb_config_field(const struct ecsb_config *c, size_t index)
{
    return index < ECSB_CONFIG_NKEYS ? (const char *)c + schema[index].offset : NULL;
}

const struct ecsb_config_map *ecsb_config_map(const struct ecsb_config *c, const char *section)
{
    if (ecsb_strcaseeq(section, "attributes"))
        return &c->attributes;
    if (ecsb_strcaseeq(section, "tags"))
        return &c->tags;
    if (ecsb_strcaseeq(section, "environment"))
        return &c->environment;
    return NULL;
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
    struct ecsb_buf e = ECSB_BUF_INIT; /* warnings quote values: one printable line each */
    ecsb_buf_put_escaped(&e, ecsb_buf_cstr(&b), b.len);
    ecsb_buf_free(&b);
    c->warnings[c->n_warnings++] = ecsb_buf_detach(&e);
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
    for (size_t i = 0; i < sizeof map_defs / sizeof map_defs[0]; i++)
        if (ecsb_strcaseeq(section, map_defs[i].section))
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

static bool set_string(const struct key_def *d, char *field, const char *raw)
{
    if (!*raw || (d->type == ECSB_KEY_CLUSTER && !ecsb_valid_cluster_name(raw)) ||
        (d->type == ECSB_KEY_REGION && !ecsb_valid_region(raw)))
        return false;
    free(*(char **)field);
    *(char **)field = ecsb_xstrdup(raw);
    return true;
}

/* Durations are positive and bounded by the row's max: a typo such as 2562047h
 * would otherwise mean "wait forever". */
static bool set_duration(const struct key_def *d, char *field, const char *raw, char *why, size_t cap)
{
    int64_t ns, max_ns;
    if (!ecsb_parse_go_duration(raw, &ns) || ns <= 0)
        return false;
    if (d->max && ecsb_parse_go_duration(d->max, &max_ns) && ns > max_ns) {
        snprintf(why, cap, "%s.%s may be at most %s", d->section, d->key, d->max);
        return false;
    }
    *(int64_t *)field = ns;
    return true;
}

static bool set_enum(const struct key_def *d, char *field, const char *raw)
{
    static const char *const pull[] = {"default", "always", "once", "prefer-cached", NULL};
    static const char *const mode[] = {"pull", "verify", "off", NULL};
    const char *const *names = d->type == ECSB_KEY_PULL ? pull : mode;
    for (int i = 0; names[i]; i++)
        if (ecsb_strcaseeq(raw, names[i])) {
            *(int *)field = d->type == ECSB_KEY_PULL ? i + 1 : i; /* PULL enum starts with UNSET */
            return true;
        }
    return false;
}

static bool set_list(const struct key_def *d, char *field, const char *raw, char *why, size_t cap)
{
    struct ecsb_strlist l = {0};
    if (!ecsb_parse_list(raw, &l.items, &l.count, why, cap))
        return false;
    for (size_t i = 0; i < l.count; i++) {
        const char *it = l.items[i];
        bool ok = d->type == ECSB_KEY_CIDRS ? ecsb_parse_cidr(it)
                : d->type == ECSB_KEY_LIST  ? valid_driver(it)
                : d->type == ECSB_KEY_TRUST ? ecsb_trust_item_valid(it)
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

/* Parses raw into the typed field of schema row d. On failure fills why (may stay
 * empty: the generic "not accepted" message then applies). */
static bool set_typed(struct ecsb_config *c, const struct key_def *d, const char *raw, char *why, size_t cap)
{
    char *field = (char *)c + d->offset;
    switch (d->type) {
    case ECSB_KEY_CLUSTER:
    case ECSB_KEY_REGION:
    case ECSB_KEY_PATH:
    case ECSB_KEY_TEXT:
        return set_string(d, field, raw);
    case ECSB_KEY_VERSION:
        return ecsb_parse_agent_version(raw, &c->agent.version_kind, c->agent.version, sizeof c->agent.version);
    case ECSB_KEY_BOOL:
        return ecsb_parse_ini_bool(raw, (bool *)field);
    case ECSB_KEY_DURATION:
        return set_duration(d, field, raw, why, cap);
    case ECSB_KEY_PULL:
    case ECSB_KEY_MODE:
        return set_enum(d, field, raw);
    case ECSB_KEY_PARALLEL:
        if (strlen(raw) != 1 || raw[0] < '1' || raw[0] > '8')
            return false;
        *(int *)field = raw[0] - '0';
        return true;
    case ECSB_KEY_CIDRS:
    case ECSB_KEY_LIST:
    case ECSB_KEY_TRUST:
    case ECSB_KEY_IMAGES:
        return set_list(d, field, raw, why, cap);
    case ECSB_KEY_MAP:
        break;
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

static void map_put(struct ecsb_config_map *m, const char *key, const char *value, char *source, bool fold_case);
static char *upper_dup(const char *s);

/* The rule for values the agent tolerates (docs/configuration.md, "Values the agent
 * tolerates"): the boot goes on. A bracketed list of bare names is written as the JSON
 * its writer meant; anything else is passed through verbatim, and either way the plan,
 * the run log and the report carry a warning. bad_forms is NULL for a valid value. */
static void env_put_tolerant(struct ecsb_config *c, const char *key, const char *value, const char *place,
                             char *source, const char *bad_forms)
{
    char *name = upper_dup(key);
    char *fixed = bad_forms ? ecsb_repair_bare_list(value) : NULL;
    char why[300] = "";
    const char *forms = NULL;
    if (fixed && !ecsb_env_value_valid(name, fixed, why, sizeof why, &forms)) {
        free(fixed); /* the repaired text would still be refused: keep what was written */
        fixed = NULL;
    }
    const char *shown = ecsb_env_is_secret(name) ? "<redacted>" : value;
    if (fixed)
        warn(c, "%s: %s = '%.200s' is not valid JSON; written as %s (the agent would ignore the value and use its "
                "default)", place, name, shown, fixed);
    else if (bad_forms)
        warn(c, "%s: %s = '%.200s' is not a value the agent accepts (%s); passed through as written: the agent "
                "logs a warning and uses its default", place, name, shown, bad_forms);
    map_put(&c->environment, name, fixed ? fixed : value, source, true);
    free(fixed);
    free(name);
}

/* A typed key whose value we refuse but the agent, reading its variable, would start
 * with (it warns and uses its default). A value the agent parses (valid JSON naming an
 * unknown logging driver) stops the agent, so it stays an error here too. */
static bool agent_tolerates(const struct key_def *d, const char *value)
{
    char why[300];
    const char *forms;
    return d->agent_var[0] && ecsb_env_value_tolerated(d->agent_var) &&
           !ecsb_env_value_valid(d->agent_var, value, why, sizeof why, &forms);
}

/* Our own keys keep their strict syntax (the error names the fix); only an unambiguous
 * slip in the agent's syntax, a bracketed list of bare names, is written as the JSON
 * its writer meant, with a warning. Takes source on success. */
static bool set_repaired(struct ecsb_config *c, size_t index, const char *value, const char *place, char *source)
{
    const struct key_def *d = &schema[index];
    char why[300] = "";
    char *fixed = ecsb_repair_bare_list(value);
    bool ok = fixed && set_typed(c, d, fixed, why, sizeof why);
    if (ok) {
        warn(c, "%s: %s.%s = '%.200s' is not valid JSON; written as %s (the agent would ignore the value and use "
                "its default)", place, d->section, d->key, value, fixed);
        set_origin(c, index, fixed, source, true);
    }
    free(fixed);
    return ok;
}

static enum ecsb_status set_fixed(struct ecsb_config *c, size_t index, const char *value, const char *place,
                                  char *source, struct ecsb_error *err)
{
    const struct key_def *d = &schema[index];
    char why[300] = "";
    if (!set_typed(c, d, value, why, sizeof why)) {
        if (agent_tolerates(d, value) && set_repaired(c, index, value, place, source))
            return ECSB_OK;
        free(source);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s: %s.%s = '%.200s' is not accepted%s%s; accepted: %s", place,
                              d->section, d->key, value, *why ? ": " : "", why, ktypes[d->type].forms);
    }
    set_origin(c, index, value, source, true);
    return ECSB_OK;
}

/* --- open sections ---------------------------------------------------------- */

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
        else if (ecsb_env_value_valid(key, value, why, sizeof why, &forms))
            env_put_tolerant(c, key, value, place, source, NULL);
        else if (ecsb_env_value_tolerated(key))
            env_put_tolerant(c, key, value, place, source, forms);
        else
            st = ecsb_error_set(err, ECSB_ERR_INVALID, "%s: environment.%s = '%.200s' is %s; accepted: %s", place,
                                key, ecsb_env_is_secret(key) ? "<redacted>" : value, why, forms);
    }
    if (st)
        free(source);
    return st;
}

/* --- public ----------------------------------------------------------------- */

static enum ecsb_status config_set(struct ecsb_config *c, const char *section, const char *key, const char *value,
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
    bool multiline_ok = index >= 0 && (schema[index].type == ECSB_KEY_CIDRS || schema[index].type == ECSB_KEY_LIST ||
                                       schema[index].type == ECSB_KEY_IMAGES);
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

enum ecsb_status ecsb_config_set(struct ecsb_config *c, const char *section, const char *key, const char *value,
                                 const char *origin, int line, int column, struct ecsb_error *err)
{
    enum ecsb_status st = config_set(c, section, key, value, origin, line, column, err);
    if (st != ECSB_OK)
        ecsb_error_escape(err); /* messages quote the key and value */
    return st;
}

void ecsb_config_init(struct ecsb_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < ECSB_CONFIG_NKEYS; i++) {
        char why[300] = "";
        const char *def = key_default(&schema[i]);
        /* Defaults go through the same parser as user values; "" means unset. */
        if (def[0] && !set_typed(c, &schema[i], def, why, sizeof why))
            abort(); /* a bad default is a bug in the table; tests catch it */
        set_origin(c, i, def, ecsb_xstrdup("default"), false);
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
        if (d->type == ECSB_KEY_CLUSTER || d->type == ECSB_KEY_REGION || d->type == ECSB_KEY_PATH ||
            d->type == ECSB_KEY_TEXT)
            free(*(char **)field);
        else if (d->type == ECSB_KEY_CIDRS || d->type == ECSB_KEY_LIST || d->type == ECSB_KEY_IMAGES ||
                 d->type == ECSB_KEY_TRUST)
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
    const struct ecsb_config_map *m = ecsb_config_map(c, section);
    const struct ecsb_config_entry *e = map_find(m, key, m == &c->environment);
    return e ? e->source : NULL;
}

const struct ecsb_config_entry *ecsb_config_env(const struct ecsb_config *c, const char *name)
{
    return map_find(&c->environment, name, true);
}

int64_t ecsb_config_layered_duration(const struct ecsb_settings *const *layers, size_t n, const char *section,
                                     const char *key)
{
    int index = ecsb_config_key_index(section, key);
    if (index < 0 || schema[index].type != ECSB_KEY_DURATION)
        return 0;
    struct ecsb_config tmp;
    ecsb_config_init(&tmp);
    for (size_t i = 0; i < n; i++) {
        const struct ecsb_setting *s = layers[i] ? ecsb_settings_find(layers[i], section, key) : NULL;
        struct ecsb_error ignored = {0};
        if (s) /* a bad value keeps the lower layer's; the plan reports it later */
            ecsb_config_set(&tmp, section, key, s->value, "", 0, 0, &ignored);
    }
    int64_t ns = *(const int64_t *)ecsb_config_field(&tmp, (size_t)index);
    ecsb_config_free(&tmp);
    return ns;
}
