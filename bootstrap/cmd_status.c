/* ecs-bootstrap status: the report of the last run, in human form or as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/report.h"
#include "ecsb/base/options.h"

static const struct command_usage status_usage = {
    ECSB_BOOTSTRAP_PROG, "status", "[--status-file PATH] [--json]", "  Prints the report the last 'ecs-bootstrap run' wrote.\n", NULL};

int cmd_status(int argc, char **argv)
{
    const char *path = ecsb_own_paths()->status_file;
    bool json = false;
    const struct option opts[] = {
        OPT_STRING_("status-file", &path, "PATH", "read this file", ecsb_own_paths()->status_file),
        OPT_FLAG_("json", 0, &json, "print the file as written"),
        OPT_END_(),
    };
    enum parse_result pr = parse_options(&status_usage, opts, argc, argv, NULL);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? ECSB_EXIT_OK : ECSB_EXIT_USAGE;
    char *text = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    if (ecsb_fs_read(path, &text, &len, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap status: %s\n  (no run has finished on this host yet, or pass --status-file)\n",
                err.message);
        return ECSB_EXIT_FAILURE;
    }
    struct ecsb_report r = {0};
    int rc = ECSB_EXIT_OK;
    if (ecsb_report_from_json(text, len, &r, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap status: %s: %s\n", path, err.message);
        rc = ECSB_EXIT_BAD_INPUT;
    } else if (json) {
        fputs(text, stdout);
    } else {
        struct ecsb_buf out = ECSB_BUF_INIT;
        ecsb_report_to_text(&r, &out);
        fputs(ecsb_buf_cstr(&out), stdout);
        ecsb_buf_free(&out);
    }
    ecsb_report_free(&r);
    free(text);
    return rc;
}
