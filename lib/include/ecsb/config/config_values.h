/* config_values.h: typed value parsers and validators the config model uses. They
 * follow the agent's own parsers where the value ends up in the agent (Go
 * strconv.ParseBool, time.ParseDuration, net.ParseCIDR), so a value we accept is
 * a value the agent accepts. All are pure; the `why` outputs are short phrases
 * suitable for "<place>: <why>; accepted: <forms>". */
#ifndef ECSB_CONFIG_VALUES_H
#define ECSB_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exactly Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. */
bool ecsb_parse_go_bool(const char *s, bool *out);
#define ECSB_GO_BOOL_FORMS "1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False"

/* Booleans in our INI: the Go set in any letter case, plus yes/no and on/off
 * (any case), because INI writers use them. Written to the agent as true/false. */
bool ecsb_parse_ini_bool(const char *s, bool *out);
#define ECSB_INI_BOOL_FORMS "true/false, yes/no, on/off, 1/0, t/f (any letter case)"

/* Go time.ParseDuration: "15m", "1h30m", "90s", "1.5h", "300ms", "0"; units ns us
 * (or µs) ms s m h; optional sign; int64 nanoseconds, overflow rejected. */
bool ecsb_parse_go_duration(const char *s, int64_t *ns);
#define ECSB_DURATION_FORMS "a Go duration such as 90s, 15m, 1h30m (units ns, us, ms, s, m, h)"
/* Formats ns for people, still valid Go syntax: "15m", "1h30m", "1m30s", "250ms", "0s". */
void ecsb_format_duration(int64_t ns, char *out, size_t cap);

/* IPv4 or IPv6 CIDR as net.ParseCIDR accepts it (prefix required; IPv4 octets
 * without leading zeros; IPv6 with at most one "::" and an optional dotted tail). */
bool ecsb_parse_cidr(const char *s);
#define ECSB_CIDR_FORMS "IPv4 or IPv6 CIDR such as 10.0.0.0/16 or fd00:ec2::/64"

/* A list: "a, b, c" (items trimmed; empty items rejected), the same over several
 * lines (INI continuation lines arrive joined by '\n'; empty items skipped), or a JSON array of
 * strings ('["a","b"]', the form Initialize-ECSAgent took). Empty text = empty
 * list. On failure returns false with why. Caller frees with ecsb_strv_free. */
bool ecsb_parse_list(const char *s, char ***items, size_t *count, char *why, size_t why_cap);
void ecsb_strv_free(char **items, size_t count);

/* ECS names and values (ECS API rules). */
bool ecsb_valid_cluster_name(const char *s); /* 1-255 of [A-Za-z0-9_-], or a cluster ARN */
bool ecsb_valid_region(const char *s);       /* us-east-1, us-gov-west-1, cn-north-1; the only region check */
bool ecsb_valid_attribute_name(const char *s, char *why, size_t why_cap);
bool ecsb_valid_attribute_value(const char *s, char *why, size_t why_cap);
bool ecsb_valid_tag_key(const char *s, char *why, size_t why_cap);
bool ecsb_valid_tag_value(const char *s, char *why, size_t why_cap);

/* Agent version: "cached", "latest", or a release "1.2.3" / "v1.2.3". */
enum ecsb_agent_version_kind { ECSB_AGENT_VERSION_CACHED, ECSB_AGENT_VERSION_LATEST, ECSB_AGENT_VERSION_PINNED };
bool ecsb_parse_agent_version(const char *s, enum ecsb_agent_version_kind *kind, char *version, size_t cap);

/* environment.* pass-through: the names we accept (ECS_*, AWS_*, HTTP_PROXY,
 * HTTPS_PROXY, NO_PROXY; any letter case, compared case-insensitively as Windows
 * does) and, for the variables whose format the agent checks, the value. */
bool ecsb_env_name_allowed(const char *name);
/* On a bad value returns false and fills why and forms (accepted forms). */
bool ecsb_env_value_valid(const char *name, const char *value, char *why, size_t why_cap, const char **forms);
/* Whether the agent starts anyway when name holds a value it cannot parse (it logs a
 * warning and uses its default: bools, durations, logging drivers, ports, pull behavior,
 * log level, counts). False where the agent refuses to start (attributes, tags, local
 * routes) or cannot work (cluster, region), and for variables we do not check. */
bool ecsb_env_value_tolerated(const char *name);
/* A bracketed list of bare names, "[json-file, awslogs]", as the JSON array its writer
 * meant ("[\"json-file\",\"awslogs\"]", malloc'd); NULL when the text is anything else. */
char *ecsb_repair_bare_list(const char *value);
/* Variables whose values must not be printed (credentials). */
bool ecsb_env_is_secret(const char *name);

#endif
