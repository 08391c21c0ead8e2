/* Registration with ECS, as agent/app/agent.go and api/ecsclient do it:
 * credentials (environment, else the instance role through IMDS), the instance
 * identity document and its signature from IMDS, then RegisterContainerInstance
 * with total resources, version info, attributes and tags. A checkpointed ARN is
 * re-used (custom attributes are sent only on the first registration). A missing
 * cluster is terminal; other errors are retried with backoff, then exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ecsb/aws/client.h"
#include "ecsb/aws/ecs.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/json.h"

#define FA_REGISTER_ATTEMPTS 5

/* Windows default reserved ports (agent/config/config_windows.go). */
static const char *const reserved_ports[] = {"53", "135", "139", "445", "2375", "2376",
                                             "3389", "5985", "5986", "51678", "51679"};

struct reg {
    const struct fa_run *run;
    struct ecsb_http *http;
    struct ecsb_imds imds;
    struct ecsb_cred_chain creds;
    struct ecsb_aws_client aws;
    char *region;
    struct ecsb_buf iid, iid_sig;
    char *instance_id;
    struct fa_checkpoint saved; /* the checkpoint, when re-used */
};

static void resource_int(struct ecsb_json_writer *w, const char *name, long long v)
{
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "name"), ecsb_jw_string(w, name);
    ecsb_jw_key(w, "type"), ecsb_jw_string(w, "INTEGER");
    ecsb_jw_key(w, "integerValue"), ecsb_jw_int(w, v);
    ecsb_jw_object_end(w);
}

static void resource_set(struct ecsb_json_writer *w, const char *name, const char *const *items, size_t n)
{
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "name"), ecsb_jw_string(w, name);
    ecsb_jw_key(w, "type"), ecsb_jw_string(w, "STRINGSET");
    ecsb_jw_key(w, "stringSetValue");
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        ecsb_jw_string(w, items[i]);
    ecsb_jw_array_end(w);
    ecsb_jw_object_end(w);
}

static void attribute(struct ecsb_json_writer *w, const char *name, const char *value)
{
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "name"), ecsb_jw_string(w, name);
    if (value)
        ecsb_jw_key(w, "value"), ecsb_jw_string(w, value);
    ecsb_jw_object_end(w);
}

/* The attributes this registration sends: os-type and os-family always, a few
 * capabilities, and the custom ones (first registration only). */
static size_t collect_attributes(const struct reg *r, const struct ecsb_json *custom, struct ecsb_ecs_attribute *out,
                                 size_t cap)
{
    static const char *const caps[] = {"com.amazonaws.ecs.capability.docker-remote-api.1.17",
                                       "com.amazonaws.ecs.capability.docker-remote-api.1.24",
                                       "com.amazonaws.ecs.capability.logging-driver.json-file",
                                       "com.amazonaws.ecs.capability.ecr-auth"};
    size_t n = 0;
    out[n++] = (struct ecsb_ecs_attribute){"ecs.os-type", "windows", NULL};
    out[n++] = (struct ecsb_ecs_attribute){"ecs.os-family", fa_os_family(r->run->cfg), NULL};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0] && n < cap; i++)
        out[n++] = (struct ecsb_ecs_attribute){caps[i], NULL, NULL};
    for (size_t i = 0; custom && i < custom->count && n < cap; i++)
        out[n++] = (struct ecsb_ecs_attribute){custom->keys[i], custom->items[i]->str, NULL};
    return n;
}

static void build_body(const struct reg *r, const struct ecsb_ecs_attribute *attrs, size_t nattrs,
                       const struct ecsb_json *tags, struct ecsb_buf *body)
{
    const struct fa_config *cfg = r->run->cfg;
    long long cpu, mem;
    fa_host_resources(&cpu, &mem);
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, body, 0);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "cluster"), ecsb_jw_string(&w, cfg->cluster);
    ecsb_jw_key(&w, "instanceIdentityDocument"), ecsb_jw_string(&w, ecsb_buf_cstr(&r->iid));
    ecsb_jw_key(&w, "instanceIdentityDocumentSignature"), ecsb_jw_string(&w, ecsb_buf_cstr(&r->iid_sig));
    ecsb_jw_key(&w, "totalResources");
    ecsb_jw_array_begin(&w);
    resource_int(&w, "CPU", cpu);
    resource_int(&w, "MEMORY", mem);
    resource_set(&w, "PORTS", reserved_ports, sizeof reserved_ports / sizeof reserved_ports[0]);
    resource_set(&w, "PORTS_UDP", NULL, 0);
    ecsb_jw_array_end(&w);
    ecsb_jw_key(&w, "versionInfo");
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "agentVersion"), ecsb_jw_string(&w, FA_AGENT_VERSION);
    ecsb_jw_key(&w, "agentHash"), ecsb_jw_string(&w, FA_AGENT_HASH);
    ecsb_jw_key(&w, "dockerVersion"), ecsb_jw_string(&w, FA_DOCKER_VERSION);
    ecsb_jw_object_end(&w);
    ecsb_jw_key(&w, "attributes");
    ecsb_jw_array_begin(&w);
    for (size_t i = 0; i < nattrs; i++)
        attribute(&w, attrs[i].name, attrs[i].value);
    ecsb_jw_array_end(&w);
    if (tags && tags->count) {
        ecsb_jw_key(&w, "tags");
        ecsb_jw_array_begin(&w);
        for (size_t i = 0; i < tags->count; i++) {
            ecsb_jw_object_begin(&w);
            ecsb_jw_key(&w, "key"), ecsb_jw_string(&w, tags->keys[i]);
            ecsb_jw_key(&w, "value"), ecsb_jw_string(&w, tags->items[i]->str);
            ecsb_jw_object_end(&w);
        }
        ecsb_jw_array_end(&w);
    }
    ecsb_jw_object_end(&w);
}

/* The test knob FAKE_AGENT_MOTO_ATTRIBUTES=1: moto drops the attributes sent with
 * RegisterContainerInstance, real ECS keeps them; PutAttributes makes moto agree.
 * The full ARN goes without targetType (valid for ECS; moto then matches the ARN,
 * while with targetType it wants the bare id). */
static void mirror_attributes(struct reg *r, const char *arn, const struct ecsb_ecs_attribute *attrs, size_t n)
{
    struct ecsb_ecs_attribute targeted[64];
    for (size_t i = 0; i < n && i < sizeof targeted / sizeof targeted[0]; i++)
        targeted[i] = (struct ecsb_ecs_attribute){attrs[i].name, attrs[i].value, arn};
    struct ecsb_error err = {0};
    size_t count = n < sizeof targeted / sizeof targeted[0] ? n : sizeof targeted / sizeof targeted[0];
    if (ecsb_ecs_put_attributes(&r->aws, r->run->cfg->cluster, targeted, count, &err))
        fa_log("warn", "FAKE_AGENT_MOTO_ATTRIBUTES: PutAttributes failed: %s", err.message);
}

static enum ecsb_status register_new(struct reg *r, char **arn, struct ecsb_error *err)
{
    const struct fa_config *cfg = r->run->cfg;
    struct ecsb_json *custom = NULL, *tags = NULL, *resp = NULL;
    struct ecsb_error ignored = {0};
    if (cfg->instance_attributes)
        fa_parse_string_map("ECS_INSTANCE_ATTRIBUTES", cfg->instance_attributes, &custom, &ignored);
    if (cfg->instance_tags)
        fa_parse_string_map("ECS_CONTAINER_INSTANCE_TAGS", cfg->instance_tags, &tags, &ignored);
    struct ecsb_ecs_attribute attrs[64];
    size_t nattrs = collect_attributes(r, custom, attrs, sizeof attrs / sizeof attrs[0]);
    struct ecsb_buf body = ECSB_BUF_INIT;
    build_body(r, attrs, nattrs, tags, &body);
    fa_log("info", "Registering container instance with ECS: RegisterContainerInstance %s", body.data);
    enum ecsb_status st = ecsb_aws_call(&r->aws, &ecsb_aws_ecs, "RegisterContainerInstance", body.data, &resp, err);
    if (st == ECSB_OK) {
        const char *got = ecsb_json_get_string(ecsb_json_get(resp, "containerInstance"), "containerInstanceArn");
        if (got && *got) {
            *arn = ecsb_xstrdup(got);
            if (cfg->mirror_attributes)
                mirror_attributes(r, got, attrs, nattrs);
        } else {
            st = ecsb_error_set(err, ECSB_ERR_AWS, "RegisterContainerInstance: no containerInstanceArn in the answer");
        }
    }
    ecsb_json_free(resp);
    ecsb_json_free(custom);
    ecsb_json_free(tags);
    ecsb_buf_free(&body);
    return st;
}

/* Re-registration of a checkpointed ARN. Real ECS answers RegisterContainerInstance
 * with containerInstanceArn set by returning that same ARN; moto cannot (it makes a
 * new instance on every call), so the fake checks the instance is still ACTIVE
 * with DescribeContainerInstances, which is what the re-registration establishes. */
static enum ecsb_status reregister(struct reg *r, char **arn, bool *deregistered, struct ecsb_error *err)
{
    const char *saved = r->saved.container_instance_arn;
    struct ecsb_json *resp = NULL;
    enum ecsb_status st = ecsb_ecs_describe_container_instances(&r->aws, r->run->cfg->cluster, &saved, 1, &resp, err);
    if (st == ECSB_OK) {
        const struct ecsb_json *ci = ecsb_json_at(ecsb_json_get(resp, "containerInstances"), 0);
        const char *status = ecsb_json_get_string(ci, "status");
        if (status && !strcmp(status, "ACTIVE")) {
            *arn = ecsb_xstrdup(saved);
        } else {
            *deregistered = true;
            st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND,
                                "container instance %s is %s: it was deregistered; delete %s in ECS_DATADIR to "
                                "register as a new instance",
                                saved, status ? status : "missing", FA_CHECKPOINT_FILE);
        }
    }
    ecsb_json_free(resp);
    return st;
}

static bool cluster_missing(struct reg *r)
{
    const char *name = r->run->cfg->cluster;
    struct ecsb_json *resp = NULL;
    struct ecsb_error err = {0};
    if (ecsb_ecs_describe_clusters(&r->aws, &name, 1, &resp, &err)) {
        fa_log("warn", "DescribeClusters failed too: %s", err.message);
        return false;
    }
    const struct ecsb_json *c = ecsb_json_at(ecsb_json_get(resp, "clusters"), 0);
    const char *status = ecsb_json_get_string(c, "status");
    bool missing = !c || (status && strcmp(status, "ACTIVE"));
    ecsb_json_free(resp);
    return missing;
}

/* IMDS: region (unless configured), identity document and signature. Failing to
 * get the document or signature is logged, not fatal, like the agent. */
static int gather(struct reg *r)
{
    const struct fa_config *cfg = r->run->cfg;
    struct ecsb_error err = {0};
    if (cfg->region) {
        r->region = ecsb_xstrdup(cfg->region);
    } else if (ecsb_imds_region(&r->imds, &r->region, &err)) {
        fa_log("critical", "Unable to determine the region: set AWS_DEFAULT_REGION or make IMDS reachable (%s)",
               err.message);
        return FA_EXIT_TERMINAL;
    }
    struct ecsb_json *doc = NULL;
    if (ecsb_imds_identity_document(&r->imds, &r->iid, &doc, &err)) {
        fa_log("error", "Unable to get the instance identity document: %s", err.message);
        ecsb_buf_reset(&r->iid);
    } else {
        const char *id = ecsb_json_get_string(doc, "instanceId");
        r->instance_id = id ? ecsb_xstrdup(id) : NULL;
        if (ecsb_imds_get(&r->imds, "/latest/dynamic/instance-identity/signature", &r->iid_sig, &err)) {
            fa_log("error", "Unable to get the instance identity signature: %s", err.message);
            ecsb_buf_reset(&r->iid_sig);
        }
    }
    ecsb_json_free(doc);
    return FA_CONTINUE;
}

/* The checkpoint, checked like the agent: another cluster is terminal, another
 * EC2 instance (an AMI made from a registered instance) means register anew. */
static int use_checkpoint(struct reg *r)
{
    const struct fa_config *cfg = r->run->cfg;
    struct ecsb_error err = {0};
    if (!cfg->datadir)
        return FA_CONTINUE;
    enum ecsb_status st = fa_checkpoint_load(cfg->datadir, &r->saved, &err);
    if (st == ECSB_ERR_NOT_FOUND)
        return FA_CONTINUE;
    if (st) {
        fa_log("critical", "Unable to read the checkpoint: %s", err.message);
        return FA_EXIT_TERMINAL;
    }
    if (r->saved.cluster && strcmp(r->saved.cluster, cfg->cluster)) {
        fa_log("critical", "Data mismatch; saved cluster '%s' does not match configured cluster '%s'. Perhaps you "
               "want to delete the configured checkpoint file?", r->saved.cluster, cfg->cluster);
        return FA_EXIT_TERMINAL;
    }
    if (r->instance_id && r->saved.ec2_instance_id && strcmp(r->saved.ec2_instance_id, r->instance_id)) {
        fa_log("warn", "Data mismatch; saved InstanceID '%s' does not match current InstanceID '%s'. Overwriting old "
               "datafile", r->saved.ec2_instance_id, r->instance_id);
        fa_checkpoint_free(&r->saved);
        return FA_CONTINUE;
    }
    fa_log("info", "Restored from checkpoint file: container instance %s", r->saved.container_instance_arn);
    return FA_CONTINUE;
}

static int attempt_loop(struct reg *r, char **arn)
{
    const struct fa_config *cfg = r->run->cfg;
    for (int attempt = 1;; attempt++) {
        enum fa_wake wake = fa_wait(r->run, 0);
        if (wake != FA_WAKE_TIMEOUT)
            return fa_wake_code(r->run, wake);
        struct ecsb_error err = {0};
        bool deregistered = false;
        enum ecsb_status st = r->saved.container_instance_arn ? reregister(r, arn, &deregistered, &err)
                                                              : register_new(r, arn, &err);
        if (st == ECSB_OK)
            return FA_CONTINUE;
        fa_log("error", "Unable to register as a container instance with ECS: %s", err.message);
        if (deregistered)
            return FA_EXIT_TERMINAL;
        if (cluster_missing(r)) {
            fa_log("critical", "cluster %s not found in %s: create it or set ECS_CLUSTER", cfg->cluster, r->region);
            return FA_EXIT_TERMINAL;
        }
        if (attempt == FA_REGISTER_ATTEMPTS) {
            fa_log("critical", "Registration failed %d times; exiting with an error (the service manager restarts "
                   "the agent)", attempt);
            return FA_EXIT_ERROR;
        }
        long backoff = 500L << (attempt - 1);
        wake = fa_wait(r->run, backoff > 8000 ? 8000 : backoff);
        if (wake != FA_WAKE_TIMEOUT)
            return fa_wake_code(r->run, wake);
    }
}

static int setup(struct reg *r)
{
    const struct fa_config *cfg = r->run->cfg;
    struct ecsb_error err = {0};
    struct ecsb_imds_config icfg;
    ecsb_imds_config_defaults(&icfg);
    icfg.endpoint = cfg->imds_endpoint;
    if (ecsb_http_new(&r->http, &err) || ecsb_imds_init(&r->imds, r->http, &icfg, NULL, &err)) {
        fa_log("critical", "Unable to set up the HTTP and IMDS clients: %s", err.message);
        return FA_EXIT_TERMINAL;
    }
    int code = gather(r);
    if (code != FA_CONTINUE)
        return code;
    ecsb_cred_chain_init(&r->creds, &r->imds, NULL);
    if (ecsb_aws_client_init(&r->aws, r->http, &r->creds, r->region, NULL, &err)) {
        fa_log("critical", "Unable to set up the ECS client: %s", err.message);
        return FA_EXIT_TERMINAL;
    }
    /* The loop below retries with its own backoff and checks the cluster between
     * tries, so each call retries only briefly. */
    r->aws.retry.max_attempts = 2;
    r->aws.retry.deadline_ms = 20000;
    fa_log("info", "ECS endpoint %s, region %s, EC2 instance %s", cfg->ecs_endpoint ? cfg->ecs_endpoint : "(AWS)",
           r->region, r->instance_id ? r->instance_id : "(unknown)");
    return use_checkpoint(r);
}

int fa_register(const struct fa_run *run, char **arn)
{
    struct reg r;
    memset(&r, 0, sizeof r);
    r.run = run;
    *arn = NULL;
    int code = setup(&r);
    if (code == FA_CONTINUE)
        code = attempt_loop(&r, arn);
    if (code == FA_CONTINUE) {
        fa_log("info", "Registered container instance %s in cluster %s", *arn, run->cfg->cluster);
        if (run->cfg->datadir) {
            struct fa_checkpoint cp = {run->cfg->cluster, *arn, r.instance_id};
            struct ecsb_error err = {0};
            if (fa_checkpoint_save(run->cfg->datadir, &cp, &err))
                fa_log("error", "Unable to save the checkpoint: %s", err.message);
        }
    }
    fa_checkpoint_free(&r.saved);
    free(r.region);
    free(r.instance_id);
    ecsb_buf_free(&r.iid);
    ecsb_buf_free(&r.iid_sig);
    if (r.http) {
        ecsb_cred_chain_free(&r.creds);
        ecsb_imds_free(&r.imds);
        ecsb_http_free(r.http);
    }
    return code;
}
