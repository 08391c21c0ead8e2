/* ecs-bootstrap status: the report of the last run, in human form or as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/report.h"
#include "run_paths.h"

static void status_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap status [--status-file PATH] [--json]\n"
          "  Prints the report the last 'ecs-bootstrap run' wrote.\n"
          "  --status-file PATH  read this file (default: " ECSB_DEFAULT_STATUS_FILE ")\n"
          "  --json              print the file as written\n",
          out);
}

int cmd_status(int argc, char **argv)
{
    const char *path = ECSB_DEFAULT_STATUS_FILE;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--status-file") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            status_usage(stdout);
            return ECSB_EXIT_OK;
        } else {
            fprintf(stderr, "ecs-bootstrap status: unknown option '%s'\n", argv[i]);
            status_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
    }
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
