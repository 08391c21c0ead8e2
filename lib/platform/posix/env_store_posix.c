/* POSIX half of env_store.h: the agent's environment lives in one file that the
 * process service backend loads before exec. The file is rewritten (atomically) only
 * when its rendered content differs, so a second boot with the same inputs touches
 * nothing. */
#include "ecsb/agent/env_store.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/fault.h"
#include "ecsb/base/fs.h"

static const char HEADER[] = "agent environment, written by ecs-bootstrap; edit with care (see env_store.h)";

static enum ecsb_status need_file(const struct ecsb_agent_env_target *t, struct ecsb_error *err)
{
    if (!t || !t->env_file || !*t->env_file)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "agent environment: no env_file given; "
                              "set ecsb_agent_env_target.env_file to the file the service reads");
    return ECSB_OK;
}

/* Writes f when its rendering differs from what is on disk. */
static enum ecsb_status store(const char *path, const struct ecsb_envfile *f, bool *changed, struct ecsb_error *err)
{
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_envfile_render(f, HEADER, &text);
    char *old = NULL;
    size_t old_len = 0;
    bool same = ecsb_fs_exists(path) && ecsb_fs_read(path, &old, &old_len, NULL) == ECSB_OK &&
                old_len == text.len && memcmp(old, ecsb_buf_cstr(&text), old_len) == 0;
    free(old);
    enum ecsb_status st = ECSB_OK;
    *changed = !same;
    if (!same && (st = ecsb_fs_mkparent(path, err)) == ECSB_OK) {
        ecsb_fault_point("env-write", 1); /* test hook: the one write of the file */
        st = ecsb_fs_write_atomic(path, ecsb_buf_cstr(&text), text.len, err);
    }
    ecsb_buf_free(&text);
    return st;
}

enum ecsb_status ecsb_agent_env_apply(const struct ecsb_agent_env_target *t, struct ecsb_env_var *vars,
                                      size_t n, struct ecsb_env_apply_report *report,
                                      struct ecsb_error *err)
{
    struct ecsb_env_apply_report rep = {false, false, false, false};
    if (report)
        *report = rep;
    if (need_file(t, err) != ECSB_OK)
        return ECSB_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!ecsb_env_name_valid(vars[i].name) || !vars[i].value)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "agent environment: variable #%lu \"%s\" is not a valid "
                                  "name=value (names are [A-Za-z_][A-Za-z0-9_]*); nothing was written",
                                  (unsigned long)(i + 1), vars[i].name ? vars[i].name : "(null)");
    struct ecsb_envfile f;
    enum ecsb_status st = ecsb_envfile_load(t->env_file, &f, err);
    if (st != ECSB_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        vars[i].result = vars[i].user_set ? ECSB_ENV_USER_SET : ecsb_envfile_set(&f, vars[i].name, vars[i].value);
    st = store(t->env_file, &f, &rep.machine_changed, err);
    ecsb_envfile_free(&f);
    rep.changed = rep.machine_changed;
    if (report)
        *report = rep;
    return st;
}

enum ecsb_status ecsb_agent_env_get(const struct ecsb_agent_env_target *t, const char *name, char **value,
                                    struct ecsb_error *err)
{
    *value = NULL;
    if (need_file(t, err) != ECSB_OK)
        return ECSB_ERR_INVALID;
    struct ecsb_envfile f;
    enum ecsb_status st = ecsb_envfile_load(t->env_file, &f, err);
    if (st != ECSB_OK)
        return st;
    const char *v = ecsb_envfile_get(&f, name);
    if (v)
        *value = ecsb_xstrdup(v);
    else
        st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "%s: %s is not set", t->env_file, name);
    ecsb_envfile_free(&f);
    return st;
}

enum ecsb_status ecsb_agent_env_unset(const struct ecsb_agent_env_target *t, const char *name, bool *removed,
                                      struct ecsb_error *err)
{
    *removed = false;
    if (need_file(t, err) != ECSB_OK)
        return ECSB_ERR_INVALID;
    struct ecsb_envfile f;
    enum ecsb_status st = ecsb_envfile_load(t->env_file, &f, err);
    if (st == ECSB_OK && ecsb_envfile_remove(&f, name))
        st = store(t->env_file, &f, removed, err);
    ecsb_envfile_free(&f);
    return st;
}

enum ecsb_status ecsb_agent_env_service_block(const char *service_name, struct ecsb_envfile *out,
                                              struct ecsb_error *err)
{
    struct ecsb_envfile empty = ECSB_ENVFILE_INIT;
    *out = empty;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "service %s: per-service environment blocks exist only on "
                          "Windows; on POSIX the service reads env_file", service_name);
}
