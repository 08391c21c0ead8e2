/* ecr.h: Amazon ECR registry credentials (lib/aws/ecr.c) over the JSON 1.1 client of
 * ecsb/aws/client.h: GetAuthorizationToken with the instance role, the token decoded
 * to the user name and password the engine (X-Registry-Auth) and the registry check
 * before download (Basic) use. */
#ifndef ECSB_AWS_ECR_H
#define ECSB_AWS_ECR_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/mask.h"

extern const struct ecsb_aws_service ecsb_aws_ecr;

/* True when registry is an ECR private registry host,
 * "<12-digit account>.dkr.ecr.<region>.amazonaws.com" (or ".com.cn"); its region
 * and account are copied out (NULL to skip). */
bool ecsb_ecr_registry(const char *registry, char *region, size_t region_cap, char *account, size_t account_cap);

struct ecsb_ecr_token {
    char *username; /* "AWS" */
    char *password; /* registered with the masker by ecsb_ecr_get_token */
    char *endpoint; /* proxyEndpoint, "https://<account>.dkr.ecr.<region>.amazonaws.com" */
};

/* Reads authorizationData[0] of a GetAuthorizationToken response: the base64
 * "user:password" token. Errors never quote the token. */
enum ecsb_status ecsb_ecr_parse_token(const struct ecsb_json *resp, struct ecsb_ecr_token *out,
                                      struct ecsb_error *err);
/* GetAuthorizationToken for account (NULL: the caller's own registry); the password is
 * registered with masker (may be NULL in tests) before it is returned. */
enum ecsb_status ecsb_ecr_get_token(struct ecsb_aws_client *c, const char *account, struct ecsb_masker *masker,
                                    struct ecsb_ecr_token *out, struct ecsb_error *err);
void ecsb_ecr_token_free(struct ecsb_ecr_token *t);

#endif
