/* ecs-bootstrap plan: what run would do to this host, computed from the baked
 * config, the user data and --set values, without changing anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/config.h"
#include "ecsb/fs.h"
#include "ecsb/ini.h"
#include "ecsb/plan.h"
#include "ecsb/userdata.h"
#include "host_flags.h"

#ifdef _WIN32
#define ECSB_DEFAULT_CONFIG "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap.ini"
#else
#define ECSB_DEFAULT_CONFIG "/etc/ecs-bootstrap.ini"
#endif

static void plan_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap plan [--userdata FILE] [--config FILE] [--build N --installation-type TEXT]\n"
          "                          [--set section.key=value]... [--json]\n"
          "  Shows what 'ecs-bootstrap run' would do on this host; changes nothing.\n"
          "  --userdata FILE            EC2 user data to read (any supported form); without it: none\n"
          "  --config FILE              the baked INI file (default: " ECSB_DEFAULT_CONFIG " if it exists)\n"
          "  --build N                  Windows build number, e.g. 20348 (required off Windows)\n"
          "  --installation-type TEXT   \"Server\" or \"Server Core\" (required off Windows)\n"
          "  --set section.key=value    override one setting (highest precedence); repeatable\n"
          "  --json                     print one JSON object instead of text\n"
          "  Precedence: defaults < --config file < user data < --set. See docs/configuration.md.\n",
          out);
}

struct plan_opts {
    const char *userdata_path, *config_path;
    struct host_facts host;
    int json;
    struct ecsb_settings cli;
};

/* Reads the baked INI file; a missing default file is fine, a missing --config is not. */
static int load_config_file(const char *path, int explicit_path, struct ecsb_settings *out)
{
    if (!explicit_path && !ecsb_fs_exists(path))
        return ECSB_EXIT_OK;
    char *text = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    if (ecsb_fs_read(path, &text, &len, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap plan: cannot read the config file: %s\n  (check the --config path)\n",
                err.message);
        return ECSB_EXIT_BAD_INPUT;
    }
    enum ecsb_status st = ecsb_settings_from_ini(text, out, &err);
    free(text);
    if (st != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap plan: %s\n", err.message);
        return ECSB_EXIT_BAD_INPUT;
    }
    return ECSB_EXIT_OK;
}

/* The user data layer. Today only --userdata FILE; without it there is none.
 * (A later change fetches it from IMDS here when no file is given.) */
static int load_userdata(const char *path, struct ecsb_settings *out)
{
    if (!path)
        return ECSB_EXIT_OK;
    char *data = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    if (ecsb_fs_read(path, &data, &len, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap plan: cannot read the user data: %s\n  (check the --userdata path)\n",
                err.message);
        return ECSB_EXIT_BAD_INPUT;
    }
    enum ecsb_status st = ecsb_userdata_parse(data, len, out, &err);
    free(data);
    if (st != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap plan: %s\n", err.message);
        return ECSB_EXIT_BAD_INPUT;
    }
    return ECSB_EXIT_OK;
}

/* Returns -1 to go on, otherwise the exit code. */
static int parse_args(int argc, char **argv, struct plan_opts *o)
{
    struct ecsb_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            plan_usage(stdout);
            return ECSB_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!next && (!strcmp(a, "--userdata") || !strcmp(a, "--config") || !strcmp(a, "--build") ||
                             !strcmp(a, "--installation-type") || !strcmp(a, "--set"))) {
            fprintf(stderr, "ecs-bootstrap plan: %s needs a value\n", a);
            plan_usage(stderr);
            return ECSB_EXIT_USAGE;
        } else if (!strcmp(a, "--userdata")) {
            o->userdata_path = argv[++i];
        } else if (!strcmp(a, "--config")) {
            o->config_path = argv[++i];
        } else if (!strcmp(a, "--build")) {
            o->host.build_arg = argv[++i];
        } else if (!strcmp(a, "--installation-type")) {
            o->host.itype_arg = argv[++i];
        } else if (!strcmp(a, "--set") || !strncmp(a, "--set=", 6)) {
            const char *v = a[5] == '=' ? a + 6 : argv[++i];
            if (ecsb_config_parse_assignment(v, &o->cli, &err) != ECSB_OK) {
                fprintf(stderr, "ecs-bootstrap plan: %s\n", err.message);
                return ECSB_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "ecs-bootstrap plan: unknown option '%s'\n", a);
            plan_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
    }
    return -1;
}

static int run_plan(struct plan_opts *o, struct ecsb_settings *file, struct ecsb_settings *ud)
{
    int rc = host_facts_resolve(&o->host, "plan");
    if (rc != ECSB_EXIT_OK)
        return rc;
    rc = load_config_file(o->config_path ? o->config_path : ECSB_DEFAULT_CONFIG, o->config_path != NULL, file);
    if (rc != ECSB_EXIT_OK)
        return rc;
    rc = load_userdata(o->userdata_path, ud);
    if (rc != ECSB_EXIT_OK)
        return rc;
    const struct ecsb_settings *layers[] = {file, ud, &o->cli};
    struct ecsb_plan_input in = {layers, 3, o->host.build, o->host.installation_type, NULL};
    struct ecsb_plan plan;
    struct ecsb_error err = {0};
    if (ecsb_plan_build(&in, &plan, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap plan: %s\n", err.message);
        return ECSB_EXIT_BAD_INPUT;
    }
    struct ecsb_buf out = ECSB_BUF_INIT;
    if (o->json)
        ecsb_plan_json(&plan, &out, 2);
    else
        ecsb_plan_text(&plan, &out);
    fputs(ecsb_buf_cstr(&out), stdout);
    ecsb_buf_free(&out);
    ecsb_plan_free(&plan);
    return ECSB_EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
    struct plan_opts o = {0};
    struct ecsb_settings file, ud;
    ecsb_settings_init(&o.cli, "command line");
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) {
        ecsb_settings_init(&file, o.config_path ? o.config_path : ECSB_DEFAULT_CONFIG);
        ecsb_settings_init(&ud, "user data"); /* named so wherever it came from (file or IMDS) */
        rc = run_plan(&o, &file, &ud);
        ecsb_settings_free(&file);
        ecsb_settings_free(&ud);
    }
    ecsb_settings_free(&o.cli);
    return rc;
}
