/* What the agent checks before it talks to anyone: JSON-valued variables must be
 * valid (ECS_INSTANCE_ATTRIBUTES: a JSON object of strings, else the agent refuses
 * to start, terminal); ECS_CONTAINER_INSTANCE_TAGS that does not parse is logged
 * and ignored, as agent/config/parse.go does. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ecsb/base/json.h"

/* Parses text as a JSON object whose values are all strings. */
enum ecsb_status fa_parse_string_map(const char *name, const char *text, struct ecsb_json **out,
                                     struct ecsb_error *err)
{
    *out = NULL;
    struct ecsb_json *v = NULL;
    if (ecsb_json_parse(text, strlen(text), NULL, &v, err))
        return ecsb_error_prefix(err, "%s is not valid JSON", name);
    if (v->type != ECSB_JSON_OBJECT) {
        ecsb_json_free(v);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s must be a JSON object like {\"key\":\"value\"}", name);
    }
    for (size_t i = 0; i < v->count; i++) {
        if (v->items[i]->type != ECSB_JSON_STRING || !*v->keys[i]) {
            ecsb_error_set(err, ECSB_ERR_INVALID, "%s: the value of \"%s\" must be a string (and keys non-empty)",
                           name, v->keys[i]);
            ecsb_json_free(v);
            return ECSB_ERR_INVALID;
        }
    }
    *out = v;
    return ECSB_OK;
}

int fa_preflight(const struct fa_run *run)
{
    const struct fa_config *cfg = run->cfg;
    struct ecsb_error err = {0};
    struct ecsb_json *v = NULL;
    if (cfg->instance_attributes && fa_parse_string_map("ECS_INSTANCE_ATTRIBUTES", cfg->instance_attributes, &v, &err)) {
        fa_log("critical", "Unable to load the agent configuration: %s; fix the variable and restart the agent",
               err.message);
        return FA_EXIT_TERMINAL;
    }
    ecsb_json_free(v);
    v = NULL;
    if (cfg->instance_tags && fa_parse_string_map("ECS_CONTAINER_INSTANCE_TAGS", cfg->instance_tags, &v, &err))
        fa_log("warn", "Invalid format for ECS_CONTAINER_INSTANCE_TAGS, ignoring it: %s", err.message);
    ecsb_json_free(v);
    return FA_CONTINUE;
}
