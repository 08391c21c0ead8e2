/* ecs.c: thin wrappers over the ECS JSON 1.1 actions the bootstrapper and the
 * fake agent use. Each builds its request with the JSON writer and returns the
 * parsed response. */
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/json.h"

static enum ecsb_status call(struct ecsb_aws_client *c, const char *action, struct ecsb_buf *body,
                             struct ecsb_json **out, struct ecsb_error *err)
{
    enum ecsb_status st = ecsb_aws_call(c, &ecsb_aws_ecs, action, ecsb_buf_cstr(body), out, err);
    ecsb_buf_free(body);
    return st;
}

/* "key": "value", skipped when value is NULL. */
static void string_member(struct ecsb_json_writer *w, const char *key, const char *value)
{
    if (!value)
        return;
    ecsb_jw_key(w, key);
    ecsb_jw_string(w, value);
}

/* Every request is one object; most start with the cluster. */
static void begin_request(struct ecsb_json_writer *w, struct ecsb_buf *b, const char *cluster)
{
    ecsb_jw_init(w, b, 0);
    ecsb_jw_object_begin(w);
    string_member(w, "cluster", cluster);
}

static void string_array(struct ecsb_json_writer *w, const char *key, const char *const *v, size_t n)
{
    ecsb_jw_key(w, key);
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        ecsb_jw_string(w, v[i]);
    ecsb_jw_array_end(w);
}

static void attributes(struct ecsb_json_writer *w, const struct ecsb_ecs_attribute *attrs, size_t n)
{
    ecsb_jw_key(w, "attributes");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        ecsb_jw_object_begin(w);
        string_member(w, "name", attrs[i].name);
        string_member(w, "value", attrs[i].value);
        /* targetType is only needed with a short id; a full ARN names its own type
         * (and moto then looks the ARN up as given). */
        if (attrs[i].target_id && strncmp(attrs[i].target_id, "arn:", 4) != 0)
            string_member(w, "targetType", "container-instance");
        string_member(w, "targetId", attrs[i].target_id);
        ecsb_jw_object_end(w);
    }
    ecsb_jw_array_end(w);
}

enum ecsb_status ecsb_ecs_describe_clusters(struct ecsb_aws_client *c, const char *const *clusters, size_t n,
                                            struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, NULL);
    string_array(&w, "clusters", clusters, n);
    ecsb_jw_object_end(&w);
    return call(c, "DescribeClusters", &b, out, err);
}

enum ecsb_status ecsb_ecs_list_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                   struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, cluster);
    ecsb_jw_object_end(&w);
    return call(c, "ListContainerInstances", &b, out, err);
}

enum ecsb_status ecsb_ecs_describe_container_instances(struct ecsb_aws_client *c, const char *cluster,
                                                       const char *const *arns, size_t n, struct ecsb_json **out,
                                                       struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, cluster);
    string_array(&w, "containerInstances", arns, n);
    ecsb_jw_object_end(&w);
    return call(c, "DescribeContainerInstances", &b, out, err);
}

enum ecsb_status ecsb_ecs_put_attributes(struct ecsb_aws_client *c, const char *cluster,
                                         const struct ecsb_ecs_attribute *attrs, size_t n, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, cluster);
    attributes(&w, attrs, n);
    ecsb_jw_object_end(&w);
    return call(c, "PutAttributes", &b, NULL, err);
}

enum ecsb_status ecsb_ecs_list_attributes(struct ecsb_aws_client *c, const char *cluster, const char *name,
                                          const char *value, struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, cluster);
    string_member(&w, "targetType", "container-instance");
    string_member(&w, "attributeName", name);
    string_member(&w, "attributeValue", value);
    ecsb_jw_object_end(&w);
    return call(c, "ListAttributes", &b, out, err);
}

enum ecsb_status ecsb_ecs_register_container_instance(struct ecsb_aws_client *c, const char *cluster,
                                                      const char *identity_doc, const char *identity_sig,
                                                      const struct ecsb_ecs_attribute *attrs, size_t n,
                                                      struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    begin_request(&w, &b, cluster);
    string_member(&w, "instanceIdentityDocument", identity_doc);
    string_member(&w, "instanceIdentityDocumentSignature", identity_sig ? identity_sig : "");
    if (n)
        attributes(&w, attrs, n);
    ecsb_jw_object_end(&w);
    return call(c, "RegisterContainerInstance", &b, out, err);
}
