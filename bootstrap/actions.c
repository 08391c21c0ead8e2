/* actions.c: the action table (see actions.h). Each row's plan text and run
 * function live in its own action_<name>.c. */
#include "actions.h"

#include <string.h>

static const struct run_action rows[] = {
    {"config", plan_action_config, run_action_config},
    {"preflight", plan_action_preflight, run_action_preflight},
    {"agent-config", plan_action_agent_config, run_action_agent_config},
    {"credential-proxy", plan_action_credential_proxy, run_action_credential_proxy},
    {"preload-images", plan_action_preload_images, run_action_preload_images},
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
            return table.rows + i; /* an element of the static table, not of the by-value struct */
    return NULL;
}
