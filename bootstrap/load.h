/* load.h: how plan and run gather their inputs, so both see the same host the
 * same way: the baked INI file, user data (a file, or IMDS), --set flags, and the
 * host's build (flags, or the OS on Windows). */
#ifndef ECSB_LOAD_H
#define ECSB_LOAD_H

#include <stdbool.h>

#include "ecsb/base/error.h"
#include "ecsb/aws/imds.h"
#include "ecsb/config/plan.h"
#include "ecsb/config/settings.h"
#include "host_flags.h"

struct ecsb_masker;

#ifdef _WIN32
#define ECSB_DEFAULT_CONFIG_FILE "C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap.ini"
#else
#define ECSB_DEFAULT_CONFIG_FILE "/etc/ecs-bootstrap.ini"
#endif

struct load_options {
    const char *userdata_file;     /* NULL: fetch from IMDS */
    const char *config_file;       /* NULL: ECSB_DEFAULT_CONFIG_FILE, fine if missing */
    struct ecsb_settings cli;      /* the --set layer */
    struct host_facts host;        /* --build/--installation-type, else the OS */
    struct ecsb_masker *masker;    /* not owned; load_plan registers every secret value it reads */
};

#define LOAD_FLAGS_HELP                                                                  \
    "  --userdata FILE             user data from FILE ('-' = stdin) instead of IMDS\n"   \
    "  --config FILE               baked configuration (default " ECSB_DEFAULT_CONFIG_FILE ")\n" \
    "  --set SECTION.KEY=VALUE     override one setting (repeatable; highest precedence)\n" \
    "  --build N                   host build number (required off Windows)\n"          \
    "  --installation-type TEXT    host InstallationType: Server, Server Core (with --build)\n"

void load_options_init(struct load_options *o);
void load_options_free(struct load_options *o);

/* Consumes the shared flag at argv[*i] (advancing *i past its value).
 * Returns 1 when consumed, 0 when the flag is not a shared one, -1 on a bad value
 * (message already on stderr). */
int load_parse_flag(struct load_options *o, int argc, char **argv, int *i);

/* Resolves the host's build (flags, else the OS). Returns an exit code; on
 * failure the message, naming `cmd`, is already on stderr. */
int load_resolve_host(struct load_options *o, const char *cmd);

/* Opens an HTTP client and an IMDSv2 client on it (no request is made yet). */
enum ecsb_status load_open_imds(struct ecsb_http **http, struct ecsb_imds *imds, struct ecsb_error *err);

/* The exit code for a load_plan failure: bad input (3) when the user can fix a file
 * or flag, preflight (4) when the host is not ready (IMDS unreachable). */
int load_exit_code(enum ecsb_status st);

/* Reads every layer and builds the plan (call load_resolve_host first). imds is used for user data (when no
 * --userdata) and for the region when none is configured; it may be NULL when
 * neither is needed. Bad input is ECSB_ERR_INVALID naming the place. */
enum ecsb_status load_plan(const struct load_options *o, struct ecsb_imds *imds, struct ecsb_plan *out,
                           struct ecsb_error *err);

#endif
