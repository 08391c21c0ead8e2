/* endpoint.c: service descriptors and endpoint resolution per region/partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/strutil.h"
#include "ecsb/config/config_values.h"

const struct ecsb_aws_service ecsb_aws_ecs = {"ECS", "ecs", "ecs", "AmazonEC2ContainerServiceV20141113", "ECS"};
const struct ecsb_aws_service ecsb_aws_ssm = {"SSM", "ssm", "ssm", "AmazonSSM", "SSM"};

const char *ecsb_aws_partition(const char *region)
{
    if (region && ecsb_starts_with(region, "cn-"))
        return "aws-cn";
    if (region && ecsb_starts_with(region, "us-gov-"))
        return "aws-us-gov";
    return "aws";
}

const char *ecsb_aws_dns_suffix(const char *region)
{
    return strcmp(ecsb_aws_partition(region), "aws-cn") == 0 ? "amazonaws.com.cn" : "amazonaws.com";
}

/* Endpoint overrides are URLs an operator typed: accept http(s) only, and drop a
 * trailing slash so "<url>/" is the request path. */
static enum ecsb_status use_override(const char *var, const char *val, struct ecsb_buf *url, struct ecsb_error *err)
{
    if (!ecsb_starts_with_ci(val, "http://") && !ecsb_starts_with_ci(val, "https://"))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "%s=%s is not an http(s) URL -- set it to e.g. https://ecs.us-east-1.amazonaws.com "
                              "or unset it", var, val);
    size_t n = strlen(val);
    while (n > 0 && val[n - 1] == '/')
        n--;
    ecsb_buf_reset(url);
    ecsb_buf_append(url, val, n);
    return ECSB_OK;
}

enum ecsb_status ecsb_aws_endpoint(const struct ecsb_aws_service *svc, const char *region, ecsb_getenv_fn env,
                                   struct ecsb_buf *url, struct ecsb_error *err)
{
    const char *ignore = ecsb_env(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!(ignore && ecsb_strcaseeq(ignore, "true"))) {
        char var[96];
        snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", svc->env_id);
        const char *v = ecsb_env(env, var);
        if (v)
            return use_override(var, v, url, err);
        v = ecsb_env(env, "AWS_ENDPOINT_URL");
        if (v)
            return use_override("AWS_ENDPOINT_URL", v, url, err);
    }
    if (!ecsb_valid_region(region))
        return ecsb_error_set(err, ECSB_ERR_INVALID,
                              "region '%s' is not a valid AWS region name -- set AWS_REGION (e.g. us-east-1)",
                              region ? region : "");
    ecsb_buf_reset(url);
    ecsb_buf_printf(url, "https://%s.%s.%s", svc->endpoint_prefix, region, ecsb_aws_dns_suffix(region));
    return ECSB_OK;
}
