/* Action "attributes": make sure the registered container instance carries
 * ecs.os-family and the custom attributes (one PutAttributes for what is missing). */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/aws/ecs.h"
#include "ecsb/base/json.h"
#include "run.h"

/* Registered attribute value of name, or NULL. */
static const char *find_attribute(const struct ecsb_json *attrs, const char *name)
{
    for (size_t i = 0; attrs && attrs->type == ECSB_JSON_ARRAY && i < attrs->count; i++) {
        const char *n = ecsb_json_get_string(attrs->items[i], "name");
        if (n && !strcmp(n, name)) {
            const char *v = ecsb_json_get_string(attrs->items[i], "value");
            return v ? v : "";
        }
    }
    return NULL;
}

struct wanted {
    struct ecsb_ecs_attribute *items;
    size_t count;
};

static void want(struct wanted *w, const char *name, const char *value, const char *arn)
{
    w->items[w->count++] = (struct ecsb_ecs_attribute){name, value, arn};
}

/* Splits wanted attributes into those already right and those to put. */
static size_t select_missing(const struct ecsb_json *registered, struct wanted *all, struct ecsb_buf *detail)
{
    size_t missing = 0;
    for (size_t i = 0; i < all->count; i++) {
        const char *have = find_attribute(registered, all->items[i].name);
        if (have && !strcmp(have, all->items[i].value)) {
            ecsb_buf_printf(detail, "%s%s", detail->len ? ", " : "present: ", all->items[i].name);
            continue;
        }
        all->items[missing++] = all->items[i];
    }
    return missing;
}

bool plan_action_attributes(struct ecsb_plan *p, struct ecsb_buf *text)
{
    const struct ecsb_config_map *custom = &p->config.attributes;
    ecsb_buf_printf(text, "publish attributes ecs.os-family=%s", p->os_family);
    for (size_t i = 0; i < custom->count; i++)
        ecsb_buf_printf(text, ", %s=%s", custom->items[i].key, custom->items[i].value);
    return true;
}

/* The agent registered but the attributes could not be written in time: say
 * which ones are missing and that a rerun (which changes nothing else) adds them. */
static enum ecsb_status not_published(struct run_ctx *ctx, const struct ecsb_ecs_attribute *items, size_t n,
                                      const char *why)
{
    struct ecsb_buf msg = ECSB_BUF_INIT;
    ecsb_buf_printf(&msg, "the agent registered as %s, but these attributes are not published yet: ",
                    ctx->container_instance_arn);
    for (size_t i = 0; i < n; i++)
        ecsb_buf_printf(&msg, "%s%s=%s", i ? ", " : "", items[i].name, items[i].value);
    ecsb_buf_printf(&msg, " (%s); run ecs-bootstrap run again to publish them: it verifies the rest and adds only "
                          "what is missing", why);
    enum ecsb_status st = run_fail(ctx, ECSB_EXIT_ATTRIBUTES, ECSB_ERR_AWS, ecsb_buf_cstr(&msg));
    ecsb_buf_free(&msg);
    return st;
}

enum ecsb_status run_action_attributes(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                      struct ecsb_buf *detail)
{
    const char *cluster = ctx->plan.config.cluster.name, *arn = ctx->container_instance_arn;
    const char *arns[] = {arn};
    const struct ecsb_config_map *custom = &ctx->plan.config.attributes;
    struct wanted all = {ecsb_xcalloc(custom->count + 1, sizeof *all.items), 0};
    want(&all, "ecs.os-family", ctx->plan.os_family, arn);
    for (size_t i = 0; i < custom->count; i++)
        want(&all, custom->items[i].key, custom->items[i].value, arn);
    struct ecsb_json *resp = NULL;
    struct ecsb_error err = {0};
    enum ecsb_status st = ecsb_ecs_describe_container_instances(&ctx->aws, cluster, arns, 1, &resp, &err);
    if (st != ECSB_OK) { /* which are there is unknown: every wanted one is unconfirmed */
        st = not_published(ctx, all.items, all.count, err.message);
        free(all.items);
        return st;
    }
    const struct ecsb_json *inst = ecsb_json_at(ecsb_json_get(resp, "containerInstances"), 0);
    size_t missing = select_missing(ecsb_json_get(inst, "attributes"), &all, detail);
    if (missing > 0) {
        st = ecsb_ecs_put_attributes(&ctx->aws, cluster, all.items, missing, &err);
        for (size_t i = 0; st == ECSB_OK && i < missing; i++)
            ecsb_buf_printf(detail, "%s%s=%s", i ? ", " : (detail->len ? "; added: " : "added: "), all.items[i].name,
                            all.items[i].value);
        if (st != ECSB_OK)
            st = not_published(ctx, all.items, missing, err.message);
    }
    free(all.items);
    ecsb_json_free(resp);
    if (st != ECSB_OK)
        return st;
    *result = missing ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
