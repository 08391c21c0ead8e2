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

static void plan_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap plan [options] [--json]\n"
          "  Shows what 'ecs-bootstrap run' would do on this host; changes nothing.\n\n" LOAD_FLAGS_HELP
          "  --json                      print one JSON object instead of text\n"
          "  Precedence: defaults < --config file < user data < --set. See docs/configuration.md.\n",
          out);
}

/* Returns -1 to go on, otherwise the exit code. */
static int parse_args(int argc, char **argv, struct load_options *o, int *json)
{
    for (int i = 1; i < argc; i++) {
        int used = load_parse_flag(o, argc, argv, &i);
        if (used < 0)
            return ECSB_EXIT_USAGE;
        if (used)
            continue;
        if (!strcmp(argv[i], "--json")) {
            *json = 1;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            plan_usage(stdout);
            return ECSB_EXIT_OK;
        } else {
            fprintf(stderr, "ecs-bootstrap plan: unknown option '%s'\n", argv[i]);
            plan_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
    }
    return -1;
}

static int print_plan(const struct load_options *o, int json)
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
    int json = 0;
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
