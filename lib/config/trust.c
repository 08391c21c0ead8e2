#include "ecsb/config/trust.h"

#include <string.h>

#include "ecsb/base/strutil.h"

/* Variables read by ecs-bootstrap or the AWS SDKs (endpoints, metadata service,
 * credentials and their files, proxies, CA bundle) and ecs-bootstrap's own knobs.
 * A trailing '*' matches a prefix. */
static const char *const steering_env[] = {
    "AWS_ENDPOINT_URL*", "AWS_EC2_METADATA_*", "AWS_CA_BUNDLE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_*",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "ECS_BOOTSTRAP_*",
};

static bool env_steers(const char *name)
{
    for (size_t i = 0; i < sizeof steering_env / sizeof steering_env[0]; i++) {
        const char *p = steering_env[i];
        size_t n = strlen(p);
        if (p[n - 1] == '*' ? ecsb_starts_with_ci(name, p) || ecsb_strncaseeq(name, p, n - 1)
                            : ecsb_strcaseeq(name, p))
            return true;
    }
    return false;
}

bool ecsb_trust_steers(const char *section, const char *key)
{
    if (ecsb_strcaseeq(section, "paths") || ecsb_strcaseeq(section, "trust"))
        return true;
    return ecsb_strcaseeq(section, "environment") && env_steers(key);
}

bool ecsb_trust_item_valid(const char *item)
{
    const char *dot = strchr(item, '.');
    if (!dot || !dot[1])
        return false;
    char section[32];
    size_t n = (size_t)(dot - item);
    if (n >= sizeof section)
        return false;
    memcpy(section, item, n);
    section[n] = '\0';
    return !ecsb_strcaseeq(section, "trust") && ecsb_trust_steers(section, dot + 1);
}

bool ecsb_trust_allows(char *const *allow, size_t n, const char *section, const char *key)
{
    if (ecsb_strcaseeq(section, "trust"))
        return false;
    size_t sl = strlen(section);
    for (size_t i = 0; i < n; i++)
        if (ecsb_strncaseeq(allow[i], section, sl) && allow[i][sl] == '.' && ecsb_strcaseeq(allow[i] + sl + 1, key))
            return true;
    return false;
}

enum ecsb_status ecsb_trust_refuse(const char *place, const char *section, const char *key, struct ecsb_error *err)
{
    if (ecsb_strcaseeq(section, "trust"))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "%s: [trust] may not come from user data (user data is the launcher's; what it may "
                              "set is the AMI owner's choice); move it to the baked INI",
                              place);
    return ecsb_error_set(err, ECSB_ERR_INVALID,
                          "%s: %s.%.128s may not come from user data: it steers ecs-bootstrap itself or the AWS SDK "
                          "(user data is the launcher's, the baked INI the AMI owner's); set it in the baked INI, "
                          "or allow it there with [trust] allow_from_userdata = %s.%.128s",
                          place, section, key, section, key);
}
