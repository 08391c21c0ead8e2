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
#include "ecsb/base/options.h"

static const struct command_usage migrate_usage = {
    ECSB_BOOTSTRAP_PROG, "migrate-userdata", "FILE|-",
    "  Reads user data in any form (Initialize-ECSAgent PowerShell, EC2Launch tags, MIME,\n"
    "  base64, gzip, our INI) from FILE or stdin ('-') and prints the same settings as our\n"
    "  INI document on stdout. Warnings and the lines that set nothing go to stderr.\n",
    "  exit codes: 0 done, 2 usage, 3 the user data is invalid (the message names the place)\n"};

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
    const struct option opts[] = {OPT_END_()};
    int n_args = 0;
    enum parse_result pr = parse_options(&migrate_usage, opts, argc, argv, &n_args);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? ECSB_EXIT_OK : ECSB_EXIT_USAGE;
    if (n_args != 1) {
        fputs("ecs-bootstrap migrate-userdata: give one FILE (or - for stdin)\n", stderr);
        print_usage(&migrate_usage, opts, stderr);
        return ECSB_EXIT_USAGE;
    }
    const char *path = argv[0];
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
