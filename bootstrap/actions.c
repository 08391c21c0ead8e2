/* actions.c: the action table (see actions.h). The task IAM role credential proxy
 * is planned here and not yet done: it becomes a run function in its own
 * action_<name>.c, set in its row. */
#include "actions.h"

#include <string.h>

#include "ecsb/agent/defaults.h"

static bool plan_credential_proxy(struct ecsb_plan *p, struct ecsb_buf *text)
{
    if (!p->config.agent.task_iam_role)
        return false;
    ecsb_buf_printf(text, "set up task IAM role credential proxy (169.254.170.2:80 -> 127.0.0.1:%d)",
                    ECSB_AGENT_CREDENTIALS_PORT);
    return true;
}

static bool plan_preload_images(struct ecsb_plan *p, struct ecsb_buf *text)
{
    const struct ecsb_config *c = &p->config;
    if (!p->preload.count)
        return false;
    ecsb_buf_printf(text, "%s %u image%s (%d in parallel)", c->images.mode == ECSB_IMAGES_VERIFY ? "verify" : "preload",
                    (unsigned)p->preload.count, p->preload.count == 1 ? "" : "s", c->images.parallel);
    return true;
}

static const struct run_action rows[] = {
    {"config", plan_action_config, run_action_config},
    {"preflight", plan_action_preflight, run_action_preflight},
    {"agent-config", plan_action_agent_config, run_action_agent_config},
    {"credential-proxy", plan_credential_proxy, NULL},
    {"preload-images", plan_preload_images, run_action_preload_images},
    {"service", plan_action_service, run_action_service},
    {"register", plan_action_register, run_action_register},
    {"attributes", plan_action_attributes, run_action_attributes},
    {"warm-images", plan_action_warm, run_action_warm},
};

_Static_assert(sizeof rows / sizeof rows[0] <= ECSB_REPORT_MAX_PHASES, "the report holds one entry per action");

struct run_actions run_actions_default(void)
{
    return (struct run_actions){rows, sizeof rows / sizeof rows[0]};
}

void run_actions_plan(struct run_actions table, struct ecsb_plan *p)
{
    for (size_t i = 0; i < table.count; i++) {
        const struct run_action *a = &table.rows[i];
        struct ecsb_buf text = ECSB_BUF_INIT;
        if (a->describe(p, &text)) {
            ecsb_plan_add_action(p, a->name, ecsb_buf_cstr(&text), a->run == NULL);
            if (!a->run)
                ecsb_plan_warn(p, "%s: not yet done by ecs-bootstrap %s; run skips it", ecsb_buf_cstr(&text),
                               ECSB_VERSION);
        }
        ecsb_buf_free(&text);
    }
}

const struct run_action *run_actions_find(struct run_actions table, const char *name)
{
    for (size_t i = 0; i < table.count; i++)
        if (!strcmp(table.rows[i].name, name))
            return &table.rows[i];
    return NULL;
}
