/* env_store.h: the agent's environment store. The boot flow hands it an ordered list
 * of (name, value); it writes each where the agent reads it and reports, per variable,
 * whether anything changed. Variables the caller marks user_set are never written
 * (the user set them before us, e.g. with SetEnvironmentVariable(..., "Machine")).
 *
 * Windows: machine scope (HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\
 *   Environment, REG_SZ, written only when the value differs, then one bounded
 *   WM_SETTINGCHANGE "Environment" broadcast) AND the per-service Environment
 *   REG_MULTI_SZ of the agent service (one value, rewritten only when it changes; real
 *   Windows applies it at every service start, Wine ignores it).
 * POSIX: one environment file (KEY=VALUE lines, escaped values, see below), replaced
 *   atomically only when its content changes. The process service backend reads it.
 *
 * Environment file format (POSIX, also used for service specs): UTF-8 lines
 *   NAME=VALUE     NAME matches [A-Za-z_][A-Za-z0-9_]*; VALUE is taken verbatim up to
 *                  the end of the line (spaces, quotes and '=' included) except that a
 *                  backslash starts an escape: \\ \n \r \t \xHH. Any other escape,
 *                  a raw control character or a NUL is an error naming file:line:col.
 *   # comment, blank lines: ignored. Line ends: LF (a CR before it is an error). */
#ifndef ECSB_AGENT_ENV_STORE_H
#define ECSB_AGENT_ENV_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

enum ecsb_env_change {
    ECSB_ENV_UNCHANGED = 0,  /* already had this value */
    ECSB_ENV_ADDED,          /* was not set */
    ECSB_ENV_UPDATED,        /* had another value */
    ECSB_ENV_USER_SET,       /* caller marked it user-set: left untouched */
};
const char *ecsb_env_change_name(enum ecsb_env_change c);

struct ecsb_env_var {
    const char *name;
    const char *value;
    bool user_set;                /* in: leave the stored value alone */
    enum ecsb_env_change result;  /* out: what apply did (machine scope / env file) */
};

/* Where the agent reads its environment. Fields for the other platform are ignored.
 * Zero-initialise and fill what you need; NULL members take the documented default. */
struct ecsb_agent_env_target {
    /* Windows */
    const char *machine_key;   /* subkey of HKLM; NULL = the Session Manager\Environment key.
                                * Tests point it at a scratch key. */
    const char *service_name;  /* service whose Environment value to write; NULL = skip.
                                * The service must be installed (ECSB_ERR_NOT_FOUND if not). */
    bool broadcast;            /* send WM_SETTINGCHANGE "Environment" after a machine change */
    unsigned broadcast_timeout_ms; /* per window; 0 = 1000, as .NET's SetEnvironmentVariable(Machine) */
    /* POSIX */
    const char *env_file;      /* path of the environment file (required on POSIX) */
};

struct ecsb_env_apply_report {
    bool changed;          /* anything written at all */
    bool machine_changed;  /* Windows machine scope, or the POSIX env file */
    bool service_changed;  /* Windows per-service Environment value rewritten */
    bool broadcast_sent;   /* WM_SETTINGCHANGE delivered within the timeout */
};

/* Applies vars[0..n) in order. Validates every name first (nothing is written if one is
 * bad). For user_set variables the per-service block carries the value currently
 * stored at machine scope (if any), so the service sees what the user set even though
 * the SCM loaded its environment at boot. Entries of the per-service block whose names
 * are not in vars are kept. */
enum ecsb_status ecsb_agent_env_apply(const struct ecsb_agent_env_target *t, struct ecsb_env_var *vars,
                                      size_t n, struct ecsb_env_apply_report *report,
                                      struct ecsb_error *err);

/* Current machine-scope value (Windows) / env-file value (POSIX) of one variable.
 * ECSB_OK and *value (malloc'd) when set; ECSB_ERR_NOT_FOUND (value NULL) when not. */
enum ecsb_status ecsb_agent_env_get(const struct ecsb_agent_env_target *t, const char *name, char **value,
                                    struct ecsb_error *err);

/* Removes one variable (tests, uninstall). *removed says whether it was there. */
enum ecsb_status ecsb_agent_env_unset(const struct ecsb_agent_env_target *t, const char *name, bool *removed,
                                      struct ecsb_error *err);

/* Windows only: the per-service Environment value as "NAME=value" strings.
 * POSIX: ECSB_ERR_UNSUPPORTED. Caller frees with ecsb_envfile_free. */
struct ecsb_envfile;
enum ecsb_status ecsb_agent_env_service_block(const char *service_name, struct ecsb_envfile *out,
                                              struct ecsb_error *err);

/* A variable name the store accepts: [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes. */
bool ecsb_env_name_valid(const char *name);

/* ---- the environment file codec (portable, fuzzed) ---- */
struct ecsb_envfile_entry {
    char *name;
    char *value;
};
struct ecsb_envfile {
    struct ecsb_envfile_entry *items;
    size_t count, cap;
};
#define ECSB_ENVFILE_INIT {NULL, 0, 0}

/* Parses text[0..len) (need not be NUL-terminated). origin names the file in errors.
 * On error *out is left empty. A repeated name keeps its first position, last value. */
enum ecsb_status ecsb_envfile_parse(const char *text, size_t len, const char *origin, struct ecsb_envfile *out,
                                    struct ecsb_error *err);
/* Reads and parses a file; a missing file is an empty list (ECSB_OK). */
enum ecsb_status ecsb_envfile_load(const char *path, struct ecsb_envfile *out, struct ecsb_error *err);
/* Appends the file text (header comment optional) to out. */
void ecsb_envfile_render(const struct ecsb_envfile *f, const char *header, struct ecsb_buf *out);
/* Escapes one value as the file format writes it. */
void ecsb_envfile_escape(const char *value, struct ecsb_buf *out);
const char *ecsb_envfile_get(const struct ecsb_envfile *f, const char *name);
/* Sets name (appending when new) and says what changed. */
enum ecsb_env_change ecsb_envfile_set(struct ecsb_envfile *f, const char *name, const char *value);
bool ecsb_envfile_remove(struct ecsb_envfile *f, const char *name);
void ecsb_envfile_free(struct ecsb_envfile *f);

/* The environment the POSIX process backend gives the agent: a clean, minimal one
 * instead of the bootstrapper's own (which may hold AWS keys). PATH and HOME from
 * `parent` (defaults when unset), the names listed in `passenv` (space- or
 * comma-separated; a trailing '*' matches a prefix; a development/test hook, see
 * docs/security.md) unless secret-named, then every variable of `agent_env`, which
 * wins. A NULL-terminated array of "NAME=VALUE" strings; free with ecsb_environ_free. */
char **ecsb_agent_clean_environ(const struct ecsb_envfile *agent_env, char *const *parent, const char *passenv);
void ecsb_environ_free(char **v);

#endif
