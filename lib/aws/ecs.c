/* ecs.c: thin wrappers over the ECS JSON 1.1 actions the bootstrapper and the
 * fake agent use (ecsb/aws/ecs.h). Each is its request members (request.h). */
#include "ecsb/aws/ecs.h"

#include <string.h>

#include "request.h"

/* Every ECS request is one object; most start with the cluster. */
static void begin(struct ecsb_aws_request *r, const char *cluster)
{
    ecsb_aws_request_begin(r);
    ecsb_aws_request_string(r, "cluster", cluster);
}

static enum ecsb_status ecs_send(struct ecsb_aws_request *r, struct ecsb_aws_client *c, const char *action,
                                 struct ecsb_json **out, struct ecsb_error *err)
{
    return ecsb_aws_request_send(r, c, &ecsb_aws_ecs, action, out, err);
}

static void attributes(struct ecsb_aws_request *r, const struct ecsb_ecs_attribute *attrs, size_t n)
{
    ecsb_jw_key(&r->w, "attributes");
    ecsb_jw_array_begin(&r->w);
    for (size_t i = 0; i < n; i++) {
        ecsb_jw_object_begin(&r->w);
        ecsb_aws_request_string(r, "name", attrs[i].name);
        ecsb_aws_request_string(r, "value", attrs[i].value);
        /* targetType is only needed with a short id; a full ARN names its own type
         * (and moto then looks the ARN up as given). */
        if (attrs[i].target_id && strncmp(attrs[i].target_id, "arn:", 4) != 0)
            ecsb_aws_request_string(r, "targetType", "container-instance");
        ecsb_aws_request_string(r, "targetId", attrs[i].target_id);
        ecsb_jw_object_end(&r->w);
    }
    ecsb_jw_array_end(&r->w);
}

enum ecsb_status ecsb_ecs_describe_clusters(struct ecsb_aws_client *c, const char *const *clusters, size_t n,
                                            struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, NULL);
    ecsb_aws_request_strings(&r, "clusters", clusters, n);
    return ecs_send(&r, c, "DescribeClusters", out, err);
}

enum ecsb_status ecsb_ecs_list_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                   struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, cluster);
    return ecs_send(&r, c, "ListContainerInstances", out, err);
}

enum ecsb_status ecsb_ecs_describe_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                       const char *const *arns, size_t n, struct ecsb_json **out,
                                                       struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, cluster);
    ecsb_aws_request_strings(&r, "containerInstances", arns, n);
    return ecs_send(&r, c, "DescribeContainerInstances", out, err);
}

enum ecsb_status ecsb_ecs_put_attributes(struct ecsb_aws_client *c, const char *cluster,
                                         const struct ecsb_ecs_attribute *attrs, size_t n, struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, cluster);
    attributes(&r, attrs, n);
    return ecs_send(&r, c, "PutAttributes", NULL, err);
}

enum ecsb_status ecsb_ecs_list_attributes(struct ecsb_aws_client *c, const char *cluster, const char *name,
                                          const char *value, struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, cluster);
    ecsb_aws_request_string(&r, "targetType", "container-instance");
    ecsb_aws_request_string(&r, "attributeName", name);
    ecsb_aws_request_string(&r, "attributeValue", value);
    return ecs_send(&r, c, "ListAttributes", out, err);
}

enum ecsb_status ecsb_ecs_register_container_instance(struct ecsb_aws_client *c, const char *cluster,
                                                      const char *identity_doc, const char *identity_sig,
                                                      const struct ecsb_ecs_attribute *attrs, size_t n,
                                                      struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    begin(&r, cluster);
    ecsb_aws_request_string(&r, "instanceIdentityDocument", identity_doc);
    ecsb_aws_request_string(&r, "instanceIdentityDocumentSignature", identity_sig ? identity_sig : "");
    if (n)
        attributes(&r, attrs, n);
    return ecs_send(&r, c, "RegisterContainerInstance", out, err);
}
