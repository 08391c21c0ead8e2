/* ecs-bootstrap migrate-userdata: any user data form (legacy Initialize-ECSAgent
 * PowerShell above all) rendered as our INI document. The INI goes to stdout, so
 * it can be redirected into a file; warnings and ignored lines go to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"
#include "ecsb/userdata/userdata.h"

static void migrate_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap migrate-userdata FILE|-\n"
          "  Reads user data in any form (Initialize-ECSAgent PowerShell, EC2Launch tags, MIME,\n"
          "  base64, gzip, our INI) from FILE or stdin ('-') and prints the same settings as our\n"
          "  INI document on stdout. Warnings and the lines that set nothing go to stderr.\n"
          "  exit codes: 0 done, 2 usage, 3 the user data is invalid (the message names the place)\n",
          out);
}

static void report(const struct ecsb_settings *s)
{
    for (size_t i = 0; i < s->n_warnings; i++)
        fprintf(stderr, "warning: %s\n", s->warnings[i]);
    for (size_t i = 0; i < s->n_ignored; i++)
        fprintf(stderr, "ignored: %s:%d: %s\n         (%s)\n", s->origin, s->ignored[i].line, s->ignored[i].text,
                s->ignored[i].reason);
}

int cmd_migrate_userdata(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            migrate_usage(stdout);
            return ECSB_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "ecs-bootstrap migrate-userdata: unknown option '%s'\n", argv[i]);
            migrate_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
        if (path) {
            fputs("ecs-bootstrap migrate-userdata: give one FILE (or - for stdin)\n", stderr);
            migrate_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
        path = argv[i];
    }
    if (!path) {
        migrate_usage(stderr);
        return ECSB_EXIT_USAGE;
    }
    char *data = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    bool from_stdin = !strcmp(path, "-");
    if (ecsb_userdata_read(path, &data, &len, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap migrate-userdata: %s\n", err.message);
        free(data);
        return ECSB_EXIT_BAD_INPUT;
    }
    struct ecsb_settings s;
    ecsb_settings_init(&s, from_stdin ? "stdin" : path);
    int rc = ECSB_EXIT_OK;
    if (ecsb_userdata_parse(data, len, &s, &err) != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap migrate-userdata: %s\n", err.message);
        rc = ECSB_EXIT_BAD_INPUT;
    } else {
        struct ecsb_buf out = ECSB_BUF_INIT;
        ecsb_settings_to_ini(&s, &out);
        fwrite(ecsb_buf_cstr(&out), 1, out.len, stdout);
        ecsb_buf_free(&out);
        report(&s);
    }
    ecsb_settings_free(&s);
    free(data);
    return rc;
}
