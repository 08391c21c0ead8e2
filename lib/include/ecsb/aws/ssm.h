/* ssm.h: SSM Parameter Store actions (lib/aws/ssm.c), over the JSON 1.1 client of
 * ecsb/aws/client.h. */
#ifndef ECSB_AWS_SSM_H
#define ECSB_AWS_SSM_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/aws/client.h"

/* *value: the parameter's Value (caller frees). ECSB_ERR_NOT_FOUND for ParameterNotFound. */
enum ecsb_status ecsb_ssm_get_parameter(struct ecsb_aws_client *c, const char *name, bool decrypt, char **value,
                                        struct ecsb_error *err);
/* Up to 10 names; *out is the whole response ({Parameters, InvalidParameters}). */
enum ecsb_status ecsb_ssm_get_parameters(struct ecsb_aws_client *c, const char *const *names, size_t n,
                                         struct ecsb_json **out, struct ecsb_error *err);
/* Any number of names, asked 10 per call (the API's limit); *out is one
 * {"Parameters":[...],"InvalidParameters":[...]} over all batches. */
enum ecsb_status ecsb_ssm_get_parameters_batched(struct ecsb_aws_client *c, const char *const *names, size_t n,
                                                 struct ecsb_json **out, struct ecsb_error *err);
/* Every version of one parameter, oldest first, all pages: *out is {"Parameters":[...]}.
 * ECSB_ERR_NOT_FOUND for ParameterNotFound. */
enum ecsb_status ecsb_ssm_get_parameter_history(struct ecsb_aws_client *c, const char *name, struct ecsb_json **out,
                                                struct ecsb_error *err);
/* Follows NextToken to the end; *out is {"Parameters":[...all pages...]}. */
enum ecsb_status ecsb_ssm_get_parameters_by_path(struct ecsb_aws_client *c, const char *path, bool recursive,
                                                 struct ecsb_json **out, struct ecsb_error *err);
struct ecsb_ssm_put {
    const char *name, *value;
    const char *type;        /* NULL: "String" */
    const char *data_type;   /* NULL: omitted (text); "aws:ec2:image" for an AMI id
                              * (validated by SSM asynchronously) */
    const char *description; /* NULL: omitted */
    bool overwrite;
};
enum ecsb_status ecsb_ssm_put_parameter(struct ecsb_aws_client *c, const struct ecsb_ssm_put *p, long long *version,
                                        struct ecsb_error *err);

#endif
