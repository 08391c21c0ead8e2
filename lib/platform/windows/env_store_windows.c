/* Windows half of env_store.h. Two places, because the SCM hands a service the
 * environment it loaded at boot: machine-scope variables reach the agent only after
 * a reboot (or a services.exe restart), while the per-service Environment value is
 * read at every service start. We write both, each only when it differs. */
#include "ecsb/agent/env_store.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ecsb/base/strutil.h"
#include "ecsb/base/fault.h"
#include "ecsb/base/mask.h"
#include "win_util.h"

static const char MACHINE_ENV_KEY[] = "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

static const char *machine_key(const struct ecsb_agent_env_target *t)
{
    return t && t->machine_key ? t->machine_key : MACHINE_ENV_KEY;
}

/* Opens (creating when missing: only scratch test keys are ever missing) the key. */
static enum ecsb_status open_machine(const struct ecsb_agent_env_target *t, REGSAM access, HKEY *out,
                                     struct ecsb_error *err)
{
    wchar_t *wkey = ecsb_utf8_to_wide(machine_key(t));
    LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, wkey, 0, NULL, REG_OPTION_NON_VOLATILE, access, NULL, out,
                                 NULL);
    free(wkey);
    if (rc != ERROR_SUCCESS)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%s: cannot open (error %ld); run elevated "
                              "(Administrator or LocalSystem)", machine_key(t), (long)rc);
    return ECSB_OK;
}

/* Reads a REG_SZ/REG_EXPAND_SZ (unexpanded) value. ECSB_ERR_NOT_FOUND when absent. */
static enum ecsb_status read_sz(HKEY key, const char *where, const char *name, char **out, struct ecsb_error *err)
{
    *out = NULL;
    wchar_t *wname = ecsb_utf8_to_wide(name);
    DWORD flags = RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND;
    DWORD size = 0;
    LSTATUS rc = RegGetValueW(key, NULL, wname, flags, NULL, NULL, &size);
    wchar_t *buf = NULL;
    /* The value can grow between the two calls; retry a few times, then give up. */
    for (int tries = 0; rc == ERROR_SUCCESS && tries < 4; tries++) {
        free(buf);
        buf = ecsb_xmalloc(size + sizeof(wchar_t));
        rc = RegGetValueW(key, NULL, wname, flags, NULL, buf, &size);
        if (rc != ERROR_MORE_DATA)
            break;
        rc = ERROR_SUCCESS;
    }
    free(wname);
    enum ecsb_status st = ECSB_OK;
    if (rc == ERROR_SUCCESS)
        *out = ecsb_wide_to_utf8(buf);
    else if (rc == ERROR_FILE_NOT_FOUND)
        st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "HKLM\\%s: %s is not set", where, name);
    else
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%s\\%s: RegGetValueW failed (error %ld)", where, name,
                            (long)rc);
    free(buf);
    return st;
}

static enum ecsb_status write_sz(HKEY key, const char *where, const char *name, const char *value,
                                 struct ecsb_error *err)
{
    wchar_t *wname = ecsb_utf8_to_wide(name), *wval = ecsb_utf8_to_wide(value);
    DWORD bytes = (DWORD)((wcslen(wval) + 1) * sizeof(wchar_t));
    LSTATUS rc = RegSetValueExW(key, wname, 0, REG_SZ, (const BYTE *)wval, bytes);
    free(wname);
    free(wval);
    if (rc != ERROR_SUCCESS)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%s\\%s: RegSetValueExW failed (error %ld)", where,
                              name, (long)rc);
    return ECSB_OK;
}

/* ---- the per-service Environment REG_MULTI_SZ ---- */

static char *service_key_path(const char *service)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "SYSTEM\\CurrentControlSet\\Services\\%s", service);
    return ecsb_buf_detach(&b);
}

static enum ecsb_status open_service_key(const char *service, REGSAM access, HKEY *out, struct ecsb_error *err)
{
    char *path = service_key_path(service);
    wchar_t *wpath = ecsb_utf8_to_wide(path);
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wpath, 0, access, out);
    free(wpath);
    enum ecsb_status st = ECSB_OK;
    if (rc == ERROR_FILE_NOT_FOUND)
        st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "service %s is not installed (no HKLM\\%s); install it "
                            "before applying its environment", service, path);
    else if (rc != ERROR_SUCCESS)
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%s: cannot open (error %ld); run elevated", path,
                            (long)rc);
    free(path);
    return st;
}

/* Splits "NAME=value" strings into a list. Entries without '=' cannot be environment
 * entries; they are dropped (Windows ignores them too). */
static enum ecsb_status read_block(HKEY key, const char *service, struct ecsb_envfile *out, struct ecsb_error *err)
{
    struct ecsb_envfile empty = ECSB_ENVFILE_INIT;
    *out = empty;
    DWORD type = 0, size = 0;
    LSTATUS rc = RegQueryValueExW(key, L"Environment", NULL, &type, NULL, &size);
    if (rc == ERROR_FILE_NOT_FOUND)
        return ECSB_OK;
    if (rc != ERROR_SUCCESS || type != REG_MULTI_SZ)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: Environment value unreadable (error %ld, type "
                              "%lu); delete it and retry", service, (long)rc, (unsigned long)type);
    /* Two extra NULs: a value written without its terminators still ends. */
    wchar_t *buf = ecsb_xcalloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
    rc = RegQueryValueExW(key, L"Environment", NULL, &type, (BYTE *)buf, &size);
    if (rc != ERROR_SUCCESS) {
        free(buf);
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: Environment value unreadable (error %ld)",
                              service, (long)rc);
    }
    size_t nchars = size / sizeof(wchar_t);
    for (size_t i = 0; i < nchars && buf[i];) {
        char *entry = ecsb_wide_to_utf8(buf + i);
        char *eq = entry[0] ? strchr(entry + 1, '=') : NULL;
        if (eq) {
            *eq = '\0';
            ecsb_envfile_set(out, entry, eq + 1);
        }
        free(entry);
        i += wcslen(buf + i) + 1;
    }
    free(buf);
    return ECSB_OK;
}

static enum ecsb_status write_block(HKEY key, const char *service, const struct ecsb_envfile *f,
                                    struct ecsb_error *err)
{
    struct ecsb_buf utf8 = ECSB_BUF_INIT;
    for (size_t i = 0; i < f->count; i++) {
        ecsb_buf_printf(&utf8, "%s=%s", f->items[i].name, f->items[i].value);
        ecsb_buf_putc(&utf8, '\0');  /* entries separated by NUL */
    }
    ecsb_buf_putc(&utf8, '\0');
    /* Convert with an explicit length so the embedded NULs survive. */
    int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data, (int)utf8.len + 1, NULL, 0);
    wchar_t *w = ecsb_xcalloc((size_t)(n > 0 ? n : 1) + 1, sizeof(wchar_t));
    if (n > 0)
        MultiByteToWideChar(CP_UTF8, 0, utf8.data, (int)utf8.len + 1, w, n);
    ecsb_buf_free(&utf8);
    /* One RegSetValueExW call replaces the whole value: readers see old or new. */
    LSTATUS rc = RegSetValueExW(key, L"Environment", 0, REG_MULTI_SZ, (const BYTE *)w,
                                (DWORD)((size_t)n * sizeof(wchar_t)));
    free(w);
    if (rc != ERROR_SUCCESS)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: writing its Environment value failed (error "
                              "%ld); run elevated", service, (long)rc);
    return ECSB_OK;
}

/* Environment names are case-insensitive on Windows. */
static bool block_set(struct ecsb_envfile *f, const char *name, const char *value)
{
    for (size_t i = 0; i < f->count; i++) {
        if (ecsb_strcaseeq(f->items[i].name, name)) {
            if (strcmp(f->items[i].name, name) == 0 && strcmp(f->items[i].value, value) == 0)
                return false;
            free(f->items[i].name);
            free(f->items[i].value);
            f->items[i].name = ecsb_xstrdup(name);
            f->items[i].value = ecsb_xstrdup(value);
            return true;
        }
    }
    ecsb_envfile_set(f, name, value);
    return true;
}

static bool broadcast_change(unsigned timeout_ms)
{
    DWORD_PTR result = 0;
    /* SMTO_ABORTIFHUNG skips hung windows; the timeout bounds each responsive one. 1 s per
     * window, as .NET's SetEnvironmentVariable(..., Machine) does: the agent (a service) never
     * reads this message, only interactive shells do, and a slow window must not hold the boot
     * (under Wine, 5 s per window made it 9.5 s: bench/README.md). */
    return SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0, (LPARAM)L"Environment",
                               SMTO_ABORTIFHUNG | SMTO_NORMAL, timeout_ms ? timeout_ms : 1000, &result) != 0;
}

/* Secret-bearing variables go only into the service's own Environment value: machine
 * scope is inherited by every process. A copy an older version wrote there (ours: the
 * caller did not mark it user_set) is removed. */
static enum ecsb_status keep_secret_off_machine(HKEY mk, struct ecsb_env_var *v, const char *cur, bool *changed)
{
    v->result = ECSB_ENV_UNCHANGED; /* reported by the service phase, which writes it */
    if (!cur)
        return ECSB_OK;
    wchar_t *w = ecsb_utf8_to_wide(v->name);
    LONG rc = RegDeleteValueW(mk, w);
    free(w);
    *changed = *changed || rc == ERROR_SUCCESS;
    return ECSB_OK;
}

static enum ecsb_status apply_machine(const struct ecsb_agent_env_target *t, HKEY mk, struct ecsb_env_var *vars,
                                      size_t n, bool *changed, struct ecsb_error *err)
{
    unsigned writes = 0;
    for (size_t i = 0; i < n; i++) {
        if (vars[i].user_set) {
            vars[i].result = ECSB_ENV_USER_SET;
            continue;
        }
        char *cur = NULL;
        enum ecsb_status st = read_sz(mk, machine_key(t), vars[i].name, &cur, err);
        if (st != ECSB_OK && st != ECSB_ERR_NOT_FOUND)
            return st;
        if (ecsb_secret_name(vars[i].name)) {
            st = keep_secret_off_machine(mk, &vars[i], cur, changed);
        } else if (cur && strcmp(cur, vars[i].value) == 0) {
            vars[i].result = ECSB_ENV_UNCHANGED;
        } else {
            vars[i].result = cur ? ECSB_ENV_UPDATED : ECSB_ENV_ADDED;
            ecsb_fault_point("env-write", ++writes); /* test hook: die between two writes */
            st = write_sz(mk, machine_key(t), vars[i].name, vars[i].value, err);
            *changed = true;
        }
        free(cur);
        if (st != ECSB_OK && st != ECSB_ERR_NOT_FOUND)
            return st;
    }
    return ECSB_OK;
}

static enum ecsb_status apply_service(const struct ecsb_agent_env_target *t, HKEY mk, HKEY sk,
                                      const struct ecsb_env_var *vars, size_t n, bool *changed,
                                      struct ecsb_error *err)
{
    struct ecsb_envfile block;
    enum ecsb_status st = read_block(sk, t->service_name, &block, err);
    for (size_t i = 0; st == ECSB_OK && i < n; i++) {
        char *value = NULL;
        if (vars[i].user_set) {
            /* Carry what the user set at machine scope: the SCM's boot-time copy lacks it. */
            st = read_sz(mk, machine_key(t), vars[i].name, &value, err);
            if (st == ECSB_ERR_NOT_FOUND)
                st = ECSB_OK;
            if (st != ECSB_OK || !value)
                continue;
        }
        if (block_set(&block, vars[i].name, value ? value : vars[i].value))
            *changed = true;
        free(value);
    }
    if (st == ECSB_OK && *changed)
        st = write_block(sk, t->service_name, &block, err);
    ecsb_envfile_free(&block);
    return st;
}

enum ecsb_status ecsb_agent_env_apply(const struct ecsb_agent_env_target *t, struct ecsb_env_var *vars,
                                      size_t n, struct ecsb_env_apply_report *report,
                                      struct ecsb_error *err)
{
    struct ecsb_env_apply_report rep = {false, false, false, false};
    if (report)
        *report = rep;
    for (size_t i = 0; i < n; i++)
        if (!ecsb_env_name_valid(vars[i].name) || !vars[i].value)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "agent environment: variable #%lu \"%s\" is not a valid "
                                  "name=value (names are [A-Za-z_][A-Za-z0-9_]*); nothing was written",
                                  (unsigned long)(i + 1), vars[i].name ? vars[i].name : "(null)");
    HKEY mk = NULL, sk = NULL;
    /* Open the service key first: a missing service must fail before any write. */
    enum ecsb_status st = ECSB_OK;
    if (t && t->service_name)
        st = open_service_key(t->service_name, KEY_QUERY_VALUE | KEY_SET_VALUE, &sk, err);
    if (st == ECSB_OK)
        st = open_machine(t, KEY_QUERY_VALUE | KEY_SET_VALUE, &mk, err);
    if (st == ECSB_OK)
        st = apply_machine(t, mk, vars, n, &rep.machine_changed, err);
    if (st == ECSB_OK && sk)
        st = apply_service(t, mk, sk, vars, n, &rep.service_changed, err);
    if (mk)
        RegCloseKey(mk);
    if (sk)
        RegCloseKey(sk);
    if (st == ECSB_OK && rep.machine_changed && t && t->broadcast)
        rep.broadcast_sent = broadcast_change(t->broadcast_timeout_ms);
    rep.changed = rep.machine_changed || rep.service_changed;
    if (report)
        *report = rep;
    return st;
}

enum ecsb_status ecsb_agent_env_get(const struct ecsb_agent_env_target *t, const char *name, char **value,
                                    struct ecsb_error *err)
{
    *value = NULL;
    HKEY mk;
    enum ecsb_status st = open_machine(t, KEY_QUERY_VALUE, &mk, err);
    if (st != ECSB_OK)
        return st;
    st = read_sz(mk, machine_key(t), name, value, err);
    RegCloseKey(mk);
    return st;
}

enum ecsb_status ecsb_agent_env_unset(const struct ecsb_agent_env_target *t, const char *name, bool *removed,
                                      struct ecsb_error *err)
{
    *removed = false;
    HKEY mk;
    enum ecsb_status st = open_machine(t, KEY_SET_VALUE, &mk, err);
    if (st != ECSB_OK)
        return st;
    wchar_t *wname = ecsb_utf8_to_wide(name);
    LSTATUS rc = RegDeleteValueW(mk, wname);
    free(wname);
    RegCloseKey(mk);
    if (rc == ERROR_SUCCESS)
        *removed = true;
    else if (rc != ERROR_FILE_NOT_FOUND)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%s\\%s: RegDeleteValueW failed (error %ld)",
                              machine_key(t), name, (long)rc);
    return ECSB_OK;
}

enum ecsb_status ecsb_agent_env_service_block(const char *service_name, struct ecsb_envfile *out,
                                              struct ecsb_error *err)
{
    struct ecsb_envfile empty = ECSB_ENVFILE_INIT;
    *out = empty;
    HKEY sk;
    enum ecsb_status st = open_service_key(service_name, KEY_QUERY_VALUE, &sk, err);
    if (st != ECSB_OK)
        return st;
    st = read_block(sk, service_name, out, err);
    RegCloseKey(sk);
    return st;
}
