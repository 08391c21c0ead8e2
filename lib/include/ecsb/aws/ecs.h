/* ecs.h: the ECS actions the bootstrapper and the fake agent use (lib/aws/ecs.c),
 * over the JSON 1.1 client of ecsb/aws/client.h. */
#ifndef ECSB_AWS_ECS_H
#define ECSB_AWS_ECS_H

#include <stddef.h>

#include "ecsb/aws/client.h"

enum ecsb_status ecsb_ecs_describe_clusters(struct ecsb_aws_client *c, const char *const *clusters, size_t n,
                                            struct ecsb_json **out, struct ecsb_error *err);
enum ecsb_status ecsb_ecs_list_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                   struct ecsb_json **out, struct ecsb_error *err);
enum ecsb_status ecsb_ecs_describe_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                       const char *const *arns, size_t n, struct ecsb_json **out,
                                                       struct ecsb_error *err);
struct ecsb_ecs_attribute {
    const char *name;
    const char *value;       /* NULL: none */
    const char *target_id;   /* container instance ARN; NULL: none */
};
enum ecsb_status ecsb_ecs_put_attributes(struct ecsb_aws_client *c, const char *cluster,
                                         const struct ecsb_ecs_attribute *attrs, size_t n, struct ecsb_error *err);
/* Filters by name (and value when given) for container instances. */
enum ecsb_status ecsb_ecs_list_attributes(struct ecsb_aws_client *c, const char *cluster, const char *name,
                                          const char *value, struct ecsb_json **out, struct ecsb_error *err);
/* identity_doc/signature: the IMDS instance identity document and its signature (may be ""). */
enum ecsb_status ecsb_ecs_register_container_instance(struct ecsb_aws_client *c, const char *cluster,
                                                      const char *identity_doc, const char *identity_sig,
                                                      const struct ecsb_ecs_attribute *attrs, size_t n,
                                                      struct ecsb_json **out, struct ecsb_error *err);

#endif
