/* Typed value parsers for the config model. The Go-compatible ones mirror the Go
 * standard library algorithms so that what we accept, the agent accepts. */
#include "ecsb/config/config_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/base/json.h"
#include "ecsb/base/mask.h"
#include "ecsb/base/strutil.h"
#include "ecsb/config/config.h"

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static bool in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return true;
    return false;
}

bool ecsb_parse_go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
    if (in_set(s, yes))
        return *out = true, true;
    if (in_set(s, no))
        return *out = false, true;
    return false;
}

bool ecsb_parse_ini_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "true", "yes", "on", NULL};
    static const char *const no[] = {"0", "f", "false", "no", "off", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (ecsb_strcaseeq(s, yes[i]))
            return *out = true, true;
    for (size_t i = 0; no[i]; i++)
        if (ecsb_strcaseeq(s, no[i]))
            return *out = false, true;
    return false;
}

/* --- Go time.ParseDuration ------------------------------------------------ */

static const struct { const char *name; uint64_t ns; } duration_units[] = {
    {"ns", 1ull}, {"us", 1000ull}, {"\xC2\xB5s", 1000ull} /* U+00B5 */, {"\xCE\xBCs", 1000ull} /* U+03BC */,
    {"ms", 1000000ull}, {"s", 1000000000ull}, {"m", 60000000000ull}, {"h", 3600000000000ull},
};

#define DUR_LIMIT (1ull << 63)

/* Go's leadingInt: digits into *v; false on overflow. */
static bool leading_int(const char **s, uint64_t *v)
{
    for (*v = 0; is_digit((unsigned char)**s); (*s)++) {
        if (*v > (DUR_LIMIT - 1) / 10)
            return false;
        *v = *v * 10 + (uint64_t)(**s - '0');
        if (*v > DUR_LIMIT - 1)
            return false;
    }
    return true;
}

/* Go's leadingFraction: digits into *f with *scale = 10^(digits kept); digits past
 * the precision are consumed and dropped, as Go does. */
static void leading_fraction(const char **s, uint64_t *f, double *scale)
{
    bool overflow = false;
    for (*f = 0, *scale = 1; is_digit((unsigned char)**s); (*s)++) {
        if (overflow)
            continue;
        if (*f > (DUR_LIMIT - 1) / 10) {
            overflow = true;
            continue;
        }
        uint64_t y = *f * 10 + (uint64_t)(**s - '0');
        if (y > DUR_LIMIT) {
            overflow = true;
            continue;
        }
        *f = y;
        *scale *= 10;
    }
}

/* The unit at *s (advanced past it), in ns; 0 when missing or unknown. */
static uint64_t duration_unit(const char **s)
{
    size_t ulen = 0;
    while ((*s)[ulen] && (*s)[ulen] != '.' && !is_digit((unsigned char)(*s)[ulen]))
        ulen++;
    for (size_t i = 0; ulen && i < sizeof duration_units / sizeof duration_units[0]; i++)
        if (strlen(duration_units[i].name) == ulen && !strncmp(*s, duration_units[i].name, ulen)) {
            *s += ulen;
            return duration_units[i].ns;
        }
    return 0;
}

/* One "<number><unit>" component, in ns, advancing *s; false on a syntax error or overflow. */
static bool duration_component(const char **s, uint64_t *out)
{
    if (!(**s == '.' || is_digit((unsigned char)**s)))
        return false;
    uint64_t v, f = 0;
    double scale = 1;
    const char *start = *s;
    if (!leading_int(s, &v))
        return false;
    bool pre = *s != start, post = false;
    if (**s == '.') {
        (*s)++;
        const char *fs = *s;
        leading_fraction(s, &f, &scale);
        post = *s != fs;
    }
    if (!pre && !post)
        return false;
    uint64_t unit = duration_unit(s);
    if (!unit || v > DUR_LIMIT / unit)
        return false;
    v *= unit;
    if (f > 0) {
        v += (uint64_t)((double)f * ((double)unit / scale));
        if (v > DUR_LIMIT)
            return false;
    }
    *out = v;
    return true;
}

bool ecsb_parse_go_duration(const char *s, int64_t *ns)
{
    bool neg = false;
    uint64_t d = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (!strcmp(s, "0"))
        return *ns = 0, true;
    if (!*s)
        return false;
    while (*s) {
        uint64_t v;
        if (!duration_component(&s, &v))
            return false;
        d += v;
        if (d > DUR_LIMIT)
            return false;
    }
    if (neg) {
        *ns = d == DUR_LIMIT ? INT64_MIN : -(int64_t)d;
        return true;
    }
    if (d > DUR_LIMIT - 1)
        return false;
    *ns = (int64_t)d;
    return true;
}

void ecsb_format_duration(int64_t ns, char *out, size_t cap)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        ecsb_buf_putc(&b, '-');
    if (u == 0) {
        ecsb_buf_puts(&b, "0s");
    } else if (u % 1000000ull != 0 || u < 1000000000ull) {
        if (u % 1000000ull == 0)
            ecsb_buf_printf(&b, "%llums", (unsigned long long)(u / 1000000ull));
        else
            ecsb_buf_printf(&b, "%lluns", (unsigned long long)u);
    } else {
        uint64_t ms = u / 1000000ull, h = ms / 3600000ull, m = ms / 60000ull % 60, sec = ms / 1000 % 60,
                 rest = ms % 1000;
        if (h)
            ecsb_buf_printf(&b, "%lluh", (unsigned long long)h);
        if (m)
            ecsb_buf_printf(&b, "%llum", (unsigned long long)m);
        if (sec || rest) {
            if (rest)
                ecsb_buf_printf(&b, "%llu.%03llus", (unsigned long long)sec, (unsigned long long)rest);
            else
                ecsb_buf_printf(&b, "%llus", (unsigned long long)sec);
        }
    }
    snprintf(out, cap, "%s", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
}

/* --- CIDR (Go net.ParseCIDR) ---------------------------------------------- */

/* IPv6 address up to '/' or end; groups counted in 16-bit units. */
static bool ipv6(const char **p)
{
    const char *s = *p;
    int groups = 0;
    bool ellipsis = false;
    if (s[0] == ':' && s[1] == ':') {
        ellipsis = true;
        s += 2;
    }
    while (*s && *s != '/') {
        /* Dotted IPv4 tail, only as the last piece. */
        size_t n = 0;
        while (is_hex((unsigned char)s[n]))
            n++;
        if (s[n] == '.') {
            if (groups > 6)
                return false;
            if (!ecsb_scan_ipv4(&s, NULL))
                return false;
            groups += 2;
            break;
        }
        if (n == 0 || n > 4)
            return false;
        s += n;
        groups++;
        if (*s == ':') {
            if (s[1] == ':') {
                if (ellipsis)
                    return false;
                ellipsis = true;
                s += 2;
                if (!*s || *s == '/')
                    break;
            } else {
                s++;
                if (!*s || *s == '/')
                    return false; /* trailing single colon */
            }
        } else if (*s && *s != '/') {
            return false;
        }
        if (groups > 8)
            return false;
    }
    if (ellipsis ? groups > 7 : groups != 8)
        return false;
    *p = s;
    return true;
}

bool ecsb_parse_cidr(const char *s)
{
    const char *p = s;
    unsigned bits, prefix;
    if (strchr(s, ':')) {
        if (!ipv6(&p))
            return false;
        bits = 128;
    } else {
        if (!ecsb_scan_ipv4(&p, NULL))
            return false;
        bits = 32;
    }
    if (*p++ != '/')
        return false;
    if (!ecsb_scan_decimal(&p, bits, &prefix))
        return false;
    return *p == '\0';
}

/* --- lists ---------------------------------------------------------------- */

void ecsb_strv_free(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

static bool list_from_json(const char *s, char ***items, size_t *count, char *why, size_t why_cap)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err = {0};
    if (ecsb_json_parse(s, strlen(s), NULL, &v, &err) != ECSB_OK) {
        snprintf(why, why_cap, "not a valid JSON array (%s)", err.message);
        return false;
    }
    bool ok = v->type == ECSB_JSON_ARRAY;
    for (size_t i = 0; ok && i < v->count; i++)
        ok = v->items[i]->type == ECSB_JSON_STRING && v->items[i]->str_len == strlen(v->items[i]->str) &&
             v->items[i]->str_len > 0;
    if (!ok) {
        snprintf(why, why_cap, "a JSON list must be an array of non-empty strings");
        ecsb_json_free(v);
        return false;
    }
    *items = v->count ? ecsb_xcalloc(v->count, sizeof **items) : NULL;
    for (size_t i = 0; i < v->count; i++)
        (*items)[i] = ecsb_xstrdup(v->items[i]->str);
    *count = v->count;
    ecsb_json_free(v);
    return true;
}

bool ecsb_parse_list(const char *s, char ***items, size_t *count, char *why, size_t why_cap)
{
    *items = NULL;
    *count = 0;
    while (ecsb_is_space((unsigned char)*s))
        s++;
    if (*s == '[')
        return list_from_json(s, items, count, why, why_cap);
    if (!*s)
        return true;
    /* Continuation lines (joined with '\n' by the INI reader) separate items too;
     * in that multi-line form a line may end with a comma, so empty items are skipped. */
    bool multiline = strchr(s, '\n') != NULL;
    size_t n = 0, cap = 0, pos = 0;
    char **v = NULL;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",\n");
        char *item = ecsb_trimmed_dup(p, len);
        pos++;
        if (!*item) {
            free(item);
            if (!multiline) {
                ecsb_strv_free(v, n);
                snprintf(why, why_cap, "item %zu of the list is empty", pos);
                return false;
            }
        } else {
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                v = ecsb_xrealloc(v, cap * sizeof *v);
            }
            v[n++] = item;
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    *items = v;
    *count = n;
    return true;
}

/* --- ECS names ------------------------------------------------------------ */

bool ecsb_valid_cluster_name(const char *s)
{
    if (ecsb_starts_with(s, "arn:"))
        return strstr(s, ":cluster/") != NULL && strlen(s) <= 2048 && !strpbrk(s, " \t\r\n");
    size_t n = strlen(s);
    if (n < 1 || n > 255)
        return false;
    for (; *s; s++)
        if (!is_alpha((unsigned char)*s) && !is_digit((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

/* The one region check (config values, environment.* values, the AWS client):
 * <letters>(-<letters>)+-<1-2 digits>, lower case, at most 32 characters:
 * us-east-1, us-gov-west-1, cn-north-1, il-central-1, eusc-de-east-1. */
bool ecsb_valid_region(const char *s)
{
    if (!s || strlen(s) > 32)
        return false;
    size_t i = 0, words = 0;
    for (;;) {
        size_t start = i;
        while (s[i] >= 'a' && s[i] <= 'z')
            i++;
        if (i - start < (words ? 1u : 2u) || s[i] != '-')
            break;
        i++;
        words++;
    }
    size_t digits = 0;
    while (is_digit((unsigned char)s[i + digits]))
        digits++;
    return words >= 2 && digits >= 1 && digits <= 2 && s[i + digits] == '\0';
}

static bool chars_ok(const char *s, const char *extra, char *why, size_t why_cap, const char *what)
{
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!is_alpha(c) && !is_digit(c) && !strchr(extra, c)) {
            if (c >= 0x20 && c < 0x7f)
                snprintf(why, why_cap, "%s contains '%c', which ECS does not allow", what, c);
            else
                snprintf(why, why_cap, "%s contains byte 0x%02X, which ECS does not allow", what, c);
            return false;
        }
    }
    return true;
}

static bool length_ok(const char *s, size_t min, size_t max, char *why, size_t why_cap, const char *what)
{
    size_t n = strlen(s);
    if (n < min || n > max) {
        snprintf(why, why_cap, "%s is %zu characters long; ECS allows %zu to %zu", what, n, min, max);
        return false;
    }
    return true;
}

bool ecsb_valid_attribute_name(const char *s, char *why, size_t why_cap)
{
    /* ECS Attribute.name: 1-128 of letters, digits, - _ / \ . */
    return length_ok(s, 1, 128, why, why_cap, "the attribute name") &&
           chars_ok(s, "-_/\\.", why, why_cap, "the attribute name");
}

bool ecsb_valid_attribute_value(const char *s, char *why, size_t why_cap)
{
    /* ECS Attribute.value: 1-128 of letters, digits, - _ . @ / \ : and space; no edge spaces. */
    if (!length_ok(s, 1, 128, why, why_cap, "the attribute value") ||
        !chars_ok(s, "-_.@/\\: ", why, why_cap, "the attribute value"))
        return false;
    if (s[0] == ' ' || s[strlen(s) - 1] == ' ') {
        snprintf(why, why_cap, "the attribute value starts or ends with a space");
        return false;
    }
    return true;
}

bool ecsb_valid_tag_key(const char *s, char *why, size_t why_cap)
{
    /* ECS Tag.key: 1-128 of letters, digits, spaces and + - = . _ : / @; "aws:" is reserved. */
    if (!length_ok(s, 1, 128, why, why_cap, "the tag key") || !chars_ok(s, " +-=._:/@", why, why_cap, "the tag key"))
        return false;
    if (ecsb_starts_with_ci(s, "aws:")) {
        snprintf(why, why_cap, "tag keys starting with 'aws:' are reserved for AWS");
        return false;
    }
    return true;
}

bool ecsb_valid_tag_value(const char *s, char *why, size_t why_cap)
{
    return length_ok(s, 0, 256, why, why_cap, "the tag value") &&
           chars_ok(s, " +-=._:/@", why, why_cap, "the tag value");
}

bool ecsb_parse_agent_version(const char *s, enum ecsb_agent_version_kind *kind, char *version, size_t cap)
{
    if (ecsb_strcaseeq(s, "cached") || ecsb_strcaseeq(s, "latest")) {
        *kind = ecsb_strcaseeq(s, "cached") ? ECSB_AGENT_VERSION_CACHED : ECSB_AGENT_VERSION_LATEST;
        snprintf(version, cap, "%s", *kind == ECSB_AGENT_VERSION_CACHED ? "cached" : "latest");
        return true;
    }
    const char *p = (*s == 'v' || *s == 'V') ? s + 1 : s;
    const char *start = p;
    unsigned part;
    for (int i = 0; i < 3; i++) {
        if (i > 0 && *p++ != '.')
            return false;
        if (!ecsb_scan_decimal(&p, 99999, &part))
            return false;
    }
    if (*p || (size_t)(p - start) >= cap)
        return false;
    *kind = ECSB_AGENT_VERSION_PINNED;
    snprintf(version, cap, "%s", start);
    return true;
}

/* --- environment.* pass-through -------------------------------------------- */

bool ecsb_env_name_allowed(const char *name)
{
    bool prefixed = ecsb_starts_with_ci(name, "ECS_") || ecsb_starts_with_ci(name, "AWS_");
    if (!prefixed)
        return ecsb_strcaseeq(name, "HTTP_PROXY") || ecsb_strcaseeq(name, "HTTPS_PROXY") ||
               ecsb_strcaseeq(name, "NO_PROXY");
    if (strlen(name) <= 4)
        return false;
    for (const char *p = name; *p; p++)
        if (!is_alpha((unsigned char)*p) && !is_digit((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

bool ecsb_env_is_secret(const char *name)
{
    return ecsb_secret_name(name); /* one definition of "secret-named" for every sink */
}

enum env_kind { ENV_BOOL, ENV_DURATION, ENV_STR_ARRAY, ENV_CIDR_ARRAY, ENV_PORT_ARRAY, ENV_STR_OBJECT,
                ENV_PULL, ENV_LOGLEVEL, ENV_UINT, ENV_CLUSTER, ENV_REGION };

/* Agent variables the agent parses that no schema key derives; the schema's own
 * (ECS_CLUSTER, ECS_ENABLE_TASK_ENI, ...) are checked by their key's type (env_kind_of). */
static const struct { const char *name; enum env_kind kind; } known_env[] = {
    {"AWS_REGION", ENV_REGION},
    {"ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE", ENV_BOOL},
    {"ECS_ENABLE_SPOT_INSTANCE_DRAINING", ENV_BOOL},
    {"ECS_WARM_POOLS_CHECK", ENV_BOOL},
    {"ECS_GMSA_SUPPORTED", ENV_BOOL},
    {"ECS_FSX_WINDOWS_FILE_SERVER_SUPPORTED", ENV_BOOL},
    {"ECS_DISABLE_IMAGE_CLEANUP", ENV_BOOL},
    {"ECS_DISABLE_METRICS", ENV_BOOL},
    {"ECS_ENABLE_CONTAINER_METADATA", ENV_BOOL},
    {"ECS_UPDATES_ENABLED", ENV_BOOL},
    {"ECS_DISABLE_DOCKER_HEALTH_CHECK", ENV_BOOL},
    {"ECS_ENABLE_TASK_CPU_MEM_LIMIT", ENV_BOOL},
    {"ECS_CONTAINER_START_TIMEOUT", ENV_DURATION},
    {"ECS_CONTAINER_STOP_TIMEOUT", ENV_DURATION},
    {"ECS_CONTAINER_CREATE_TIMEOUT", ENV_DURATION},
    {"ECS_IMAGE_PULL_INACTIVITY_TIMEOUT", ENV_DURATION},
    {"ECS_IMAGE_PULL_TIMEOUT", ENV_DURATION},
    {"ECS_MANIFEST_PULL_TIMEOUT", ENV_DURATION},
    {"ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION", ENV_DURATION},
    {"ECS_IMAGE_CLEANUP_INTERVAL", ENV_DURATION},
    {"ECS_IMAGE_MINIMUM_CLEANUP_AGE", ENV_DURATION},
    {"ECS_NONECS_IMAGE_MINIMUM_CLEANUP_AGE", ENV_DURATION},
    {"ECS_RESERVED_PORTS", ENV_PORT_ARRAY},
    {"ECS_RESERVED_PORTS_UDP", ENV_PORT_ARRAY},
    {"ECS_LOGLEVEL", ENV_LOGLEVEL},
    {"ECS_NUM_IMAGES_DELETE_PER_CYCLE", ENV_UINT},
    {"ECS_RESERVED_MEMORY", ENV_UINT},
};

static const char *env_forms[] = {
    [ENV_BOOL] = ECSB_GO_BOOL_FORMS " (Go ParseBool, as the agent reads it)",
    [ENV_DURATION] = ECSB_DURATION_FORMS,
    [ENV_STR_ARRAY] = "a JSON array of strings, e.g. [\"json-file\",\"awslogs\"]",
    [ENV_CIDR_ARRAY] = "a JSON array of CIDR strings, e.g. [\"10.0.0.0/16\",\"fd00::/64\"]",
    [ENV_PORT_ARRAY] = "a JSON array of port numbers 0-65535, e.g. [2375,2376]",
    [ENV_STR_OBJECT] = "a JSON object of string values, e.g. {\"team\":\"payments\"}",
    [ENV_PULL] = "default, always, once, prefer-cached",
    [ENV_LOGLEVEL] = "debug, info, warn, error, crit",
    [ENV_UINT] = "a whole number such as 5",
    [ENV_CLUSTER] = "a cluster name of 1-255 letters, digits, '-' and '_', or a cluster ARN",
    [ENV_REGION] = "an AWS region such as us-east-1",
};

static bool json_shape_ok(const struct ecsb_json *v, enum env_kind kind, char *why, size_t why_cap)
{
    enum ecsb_json_type want = kind == ENV_STR_OBJECT ? ECSB_JSON_OBJECT : ECSB_JSON_ARRAY;
    if (v->type != want) {
        snprintf(why, why_cap, "valid JSON, but not a JSON %s", want == ECSB_JSON_OBJECT ? "object" : "array");
        return false;
    }
    for (size_t i = 0; i < v->count; i++) {
        const struct ecsb_json *it = v->items[i];
        if (kind == ENV_PORT_ARRAY) {
            if (it->type != ECSB_JSON_NUMBER || it->number < 0 || it->number > 65535 ||
                it->number != (double)(long)it->number) {
                snprintf(why, why_cap, "item %zu is not a port number", i + 1);
                return false;
            }
        } else if (it->type != ECSB_JSON_STRING) {
            snprintf(why, why_cap, "item %zu is not a string", i + 1);
            return false;
        } else if (kind == ENV_CIDR_ARRAY && !ecsb_parse_cidr(it->str)) {
            snprintf(why, why_cap, "item %zu (\"%.64s\") is not a CIDR", i + 1, it->str);
            return false;
        }
    }
    return true;
}

static bool env_json_ok(const char *value, enum env_kind kind, char *why, size_t why_cap)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err = {0};
    if (ecsb_json_parse(value, strlen(value), NULL, &v, &err) != ECSB_OK) {
        snprintf(why, why_cap, "not valid JSON (%s); the agent refuses to start on it", err.message);
        return false;
    }
    bool ok = json_shape_ok(v, kind, why, why_cap);
    ecsb_json_free(v);
    return ok;
}

static bool one_of(const char *value, const char *forms)
{
    size_t n = strlen(value);
    for (const char *p = forms; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, value, n))
            return true;
        if (!end)
            break;
        p = end + 2;
    }
    return false;
}

/* How the agent parses a variable: by the schema key that derives it, else by
 * known_env. False for a variable passed through unchecked. */
static bool env_kind_of(const char *name, enum env_kind *kind)
{
    struct ecsb_config_agent_var v;
    if (ecsb_config_agent_var_named(name, &v)) {
        switch (v.kind) {
        case ECSB_KEY_CLUSTER: *kind = ENV_CLUSTER; return true;
        case ECSB_KEY_REGION: *kind = ENV_REGION; return true;
        case ECSB_KEY_BOOL: *kind = ENV_BOOL; return true;
        case ECSB_KEY_CIDRS: *kind = ENV_CIDR_ARRAY; return true;
        case ECSB_KEY_LIST: *kind = ENV_STR_ARRAY; return true;
        case ECSB_KEY_PULL: *kind = ENV_PULL; return true;
        case ECSB_KEY_MAP: *kind = ENV_STR_OBJECT; return true;
        case ECSB_KEY_DURATION: *kind = ENV_DURATION; return true;
        default: return false; /* paths: the agent takes any text */
        }
    }
    for (size_t i = 0; i < sizeof known_env / sizeof known_env[0]; i++)
        if (ecsb_strcaseeq(name, known_env[i].name)) {
            *kind = known_env[i].kind;
            return true;
        }
    return false;
}

/* How the agent treats a value it cannot parse (aws/amazon-ecs-agent agent/config):
 * true where it logs a warning and starts with its default, false where the config
 * error stops it (ECS_INSTANCE_ATTRIBUTES, ECS_CONTAINER_INSTANCE_TAGS,
 * ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES) or registration cannot succeed (cluster, region). */
static const bool env_tolerated[] = {
    [ENV_BOOL] = true,       [ENV_DURATION] = true, [ENV_STR_ARRAY] = true, [ENV_CIDR_ARRAY] = false,
    [ENV_PORT_ARRAY] = true, [ENV_STR_OBJECT] = false, [ENV_PULL] = true,    [ENV_LOGLEVEL] = true,
    [ENV_UINT] = true,       [ENV_CLUSTER] = false, [ENV_REGION] = false,
};

bool ecsb_env_value_tolerated(const char *name)
{
    enum env_kind kind;
    return env_kind_of(name, &kind) && env_tolerated[kind];
}

static bool bare_name_char(int c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

char *ecsb_repair_bare_list(const char *value)
{
    const char *p = value, *end = value + strlen(value);
    while (ecsb_is_space((unsigned char)*p))
        p++;
    while (end > p && ecsb_is_space((unsigned char)end[-1]))
        end--;
    if (end - p < 2 || *p != '[' || end[-1] != ']')
        return NULL;
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_putc(&b, '[');
    size_t items = 0;
    for (p++, end--; p <= end;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end, *s = p, *e = stop;
        while (s < e && ecsb_is_space((unsigned char)*s))
            s++;
        while (e > s && ecsb_is_space((unsigned char)e[-1]))
            e--;
        bool ok = e > s;
        for (const char *q = s; ok && q < e; q++)
            ok = bare_name_char((unsigned char)*q);
        if (!ok) { /* an empty item, a quote, a nested bracket: the intent is not clear */
            ecsb_buf_free(&b);
            return NULL;
        }
        ecsb_buf_printf(&b, "%s\"%.*s\"", items++ ? "," : "", (int)(e - s), s);
        p = stop + 1;
    }
    ecsb_buf_putc(&b, ']');
    return ecsb_buf_detach(&b);
}

bool ecsb_env_value_valid(const char *name, const char *value, char *why, size_t why_cap, const char **forms)
{
    enum env_kind kind;
    if (env_kind_of(name, &kind)) {
        bool b, ok = true;
        int64_t ns;
        *forms = env_forms[kind];
        snprintf(why, why_cap, "not an accepted value");
        switch (kind) {
        case ENV_BOOL: ok = ecsb_parse_go_bool(value, &b); break;
        case ENV_DURATION: ok = ecsb_parse_go_duration(value, &ns); break;
        case ENV_STR_ARRAY:
        case ENV_CIDR_ARRAY:
        case ENV_PORT_ARRAY:
        case ENV_STR_OBJECT: ok = env_json_ok(value, kind, why, why_cap); break;
        case ENV_PULL:
        case ENV_LOGLEVEL: ok = one_of(value, env_forms[kind]); break;
        case ENV_UINT:
            ok = *value != '\0' && strlen(value) <= 18 && strspn(value, "0123456789") == strlen(value);
            break;
        case ENV_CLUSTER: ok = ecsb_valid_cluster_name(value); break;
        case ENV_REGION: ok = ecsb_valid_region(value); break;
        }
        return ok;
    }
    *forms = NULL;
    return true; /* a variable we do not know: passed through verbatim */
}
