/* load.h: how plan and run gather their inputs, so both see the same host the
 * same way: the baked INI file, user data (a file, or IMDS), --set flags, and the
 * host's build (flags, or the OS on Windows). */
#ifndef ECSB_LOAD_H
#define ECSB_LOAD_H

#include <stdbool.h>

#include "ecsb/agent/defaults.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/error.h"
#include "ecsb/config/plan.h"
#include "ecsb/config/settings.h"
#include "host_flags.h"
#include "ecsb/base/options.h"

struct ecsb_masker;

struct load_options {
    const char *userdata_file;     /* NULL: fetch from IMDS */
    const char *config_file;       /* NULL: this platform's default, fine if missing */
    struct ecsb_settings cli;      /* the --set layer */
    struct host_facts host;        /* --build/--installation-type, else the OS */
    struct ecsb_masker *masker;    /* not owned; load_plan registers every secret value it reads */
};

/* The flags plan and run share (rows of an options table). */
#define LOAD_OPTIONS(o)                                                                                      \
    OPT_STRING_("userdata", &(o)->userdata_file, "FILE", "user data from FILE ('-' = stdin) instead of IMDS", \
                NULL),                                                                                       \
    OPT_STRING_("config", &(o)->config_file, "FILE", "baked configuration", ecsb_own_paths()->config_file),  \
    OPT_CALLBACK_("set", &(o)->cli, "SECTION.KEY=VALUE", "override one setting (repeatable; highest precedence)", \
                  load_set_flag),                                                                            \
    HOST_OPTIONS(&(o)->host)

void load_options_init(struct load_options *o);
void load_options_free(struct load_options *o);

/* --set SECTION.KEY=VALUE into the command-line layer (cli: struct ecsb_settings *). */
enum ecsb_status load_set_flag(void *cli, const char *value, struct ecsb_error *err);

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
