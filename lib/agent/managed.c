#include "ecsb/agent/managed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"

static const char HEADER[] = "variables ecs-bootstrap wrote; others are the user's";
static const char INTENT_HEADER[] = "variables ecs-bootstrap is writing (an interrupted run leaves this file)";

enum ecsb_status ecsb_managed_load(struct ecsb_managed *m, const char *state_dir, struct ecsb_error *err)
{
    memset(m, 0, sizeof *m);
    char sep = strchr(state_dir, '\\') ? '\\' : '/';
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s%c%s", state_dir, sep, ECSB_MANAGED_FILE);
    m->path = ecsb_xstrdup(b.data);
    ecsb_buf_puts(&b, ".intent");
    m->intent_path = ecsb_buf_detach(&b);
    enum ecsb_status st = ecsb_envfile_load(m->path, &m->done, err);
    if (st == ECSB_OK)
        st = ecsb_envfile_load(m->intent_path, &m->intent, err);
    return st;
}

bool ecsb_managed_owns(const struct ecsb_managed *m, const char *name, const char *current)
{
    if (!current)
        return true;
    const char *done = ecsb_envfile_get(&m->done, name), *intent = ecsb_envfile_get(&m->intent, name);
    return (done && !strcmp(done, current)) || (intent && !strcmp(intent, current));
}

static enum ecsb_status save(const char *path, const struct ecsb_envfile *f, const char *header,
                             struct ecsb_error *err)
{
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_envfile_render(f, header, &text);
    enum ecsb_status st = ecsb_fs_mkparent(path, err);
    if (st == ECSB_OK)
        st = ecsb_fs_write_atomic(path, text.data, text.len, err);
    ecsb_buf_free(&text);
    return st;
}

static bool same(const struct ecsb_envfile *a, const struct ecsb_envfile *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const char *v = ecsb_envfile_get(b, a->items[i].name);
        if (!v || strcmp(v, a->items[i].value))
            return false;
    }
    return true;
}

enum ecsb_status ecsb_managed_begin(struct ecsb_managed *m, const struct ecsb_env_var *vars,
                                    const char *const *current, size_t n, struct ecsb_error *err)
{
    struct ecsb_envfile now = ECSB_ENVFILE_INIT, next = ECSB_ENVFILE_INIT;
    for (size_t i = 0; i < m->done.count; i++) /* names we manage but no longer plan: kept */
        ecsb_envfile_set(&now, m->done.items[i].name, m->done.items[i].value);
    for (size_t i = 0; i < n; i++) {
        if (vars[i].user_set)
            continue;
        ecsb_envfile_set(&next, vars[i].name, vars[i].value);
        if (current[i]) /* ours (the caller checked) and on the host now */
            ecsb_envfile_set(&now, vars[i].name, current[i]);
    }
    enum ecsb_status st = ECSB_OK;
    if (!same(&next, &now) || m->intent.count) {
        if (!same(&now, &m->done))
            st = save(m->path, &now, HEADER, err);
        if (st == ECSB_OK)
            st = save(m->intent_path, &next, INTENT_HEADER, err);
    }
    ecsb_envfile_free(&now);
    ecsb_envfile_free(&next);
    return st;
}

enum ecsb_status ecsb_managed_commit(struct ecsb_managed *m, const struct ecsb_env_var *vars, size_t n,
                                     struct ecsb_error *err)
{
    struct ecsb_envfile f = ECSB_ENVFILE_INIT;
    for (size_t i = 0; i < n; i++)
        if (vars[i].result != ECSB_ENV_USER_SET && !vars[i].user_set)
            ecsb_envfile_set(&f, vars[i].name, vars[i].value);
    enum ecsb_status st = same(&f, &m->done) ? ECSB_OK : save(m->path, &f, HEADER, err);
    if (st == ECSB_OK && ecsb_fs_exists(m->intent_path))
        remove(m->intent_path); /* committed: nothing is half-written any more */
    if (st == ECSB_OK) {
        ecsb_envfile_free(&m->done);
        m->done = f;
        ecsb_envfile_free(&m->intent);
    } else {
        ecsb_envfile_free(&f);
    }
    return st;
}

void ecsb_managed_free(struct ecsb_managed *m)
{
    free(m->path);
    free(m->intent_path);
    ecsb_envfile_free(&m->done);
    ecsb_envfile_free(&m->intent);
    memset(m, 0, sizeof *m);
}
