/* ecs-bootstrap plan: what run would do to this host, computed from the baked
 * config, the user data (a file, else IMDS) and --set values, without changing
 * anything. It reads its inputs exactly as run does (load.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/aws/http.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/plan.h"
#include "load.h"

static const struct command_usage plan_usage = {
    ECSB_BOOTSTRAP_PROG, "plan", "[options] [--json]",
    "  Shows what 'ecs-bootstrap run' would do on this host, in the order run does it;\n"
    "  changes nothing.\n",
    "  Precedence: defaults < --config file < user data < --set. See docs/configuration.md.\n"};

/* Returns -1 to go on, otherwise the exit code. */
static int parse_args(int argc, char **argv, struct load_options *o, bool *json)
{
    const struct option opts[] = {
        LOAD_OPTIONS(o),
        OPT_FLAG_("json", 0, json, "print one JSON object instead of text"),
        OPT_END_(),
    };
    switch (parse_options(&plan_usage, opts, argc, argv, NULL)) {
    case PARSE_OK: return -1;
    case PARSE_HELP: return ECSB_EXIT_OK;
    default: return ECSB_EXIT_USAGE;
    }
}

static int print_plan(const struct load_options *o, bool json)
{
    struct ecsb_http *http = NULL;
    struct ecsb_imds imds;
    bool have_imds = false;
    struct ecsb_error err = {0};
    /* Without --userdata the user data comes from IMDS, as it does for run. */
    if (!o->userdata_file) {
        if (load_open_imds(&http, &imds, &err) != ECSB_OK) {
            fprintf(stderr, "ecs-bootstrap plan: %s\n", err.message);
            ecsb_http_free(http);
            return ECSB_EXIT_FAILURE;
        }
        have_imds = true;
    }
    struct ecsb_plan plan;
    enum ecsb_status st = load_plan(o, have_imds ? &imds : NULL, &plan, &err);
    int rc = ECSB_EXIT_OK;
    if (st != ECSB_OK) {
        char *msg = ecsb_masker_apply(o->masker, err.message);
        fprintf(stderr, "ecs-bootstrap plan: %s\n", msg);
        free(msg);
        rc = load_exit_code(st);
    } else {
        struct ecsb_buf out = ECSB_BUF_INIT;
        ecsb_plan_mask(&plan, o->masker);
        if (json) {
            ecsb_plan_json(&plan, &out, 2);
        } else {
            ecsb_plan_text(&plan, &out);
            ecsb_masker_apply_buf(o->masker, &out);
        }
        fputs(ecsb_buf_cstr(&out), stdout);
        ecsb_buf_free(&out);
        ecsb_plan_free(&plan);
    }
    if (have_imds)
        ecsb_imds_free(&imds);
    ecsb_http_free(http);
    return rc;
}

int cmd_plan(int argc, char **argv)
{
    struct load_options o;
    struct ecsb_masker masker;
    load_options_init(&o);
    ecsb_masker_init(&masker);
    o.masker = &masker;
    bool json = false;
    int rc = parse_args(argc, argv, &o, &json);
    if (rc < 0) {
        rc = load_resolve_host(&o, "plan");
        if (rc == ECSB_EXIT_OK)
            rc = print_plan(&o, json);
    }
    load_options_free(&o);
    ecsb_masker_free(&masker);
    return rc;
}
