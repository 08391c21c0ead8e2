/* Windows half of service.h, on the Service Control Manager. ensure() reads the
 * current configuration and changes only what differs, so a second boot is a no-op.
 * Every wait polls QueryServiceStatusEx against a deadline (GetTickCount64), pacing
 * itself by the service's dwWaitHint as Microsoft's samples do. */
#include "ecsb/agent/service.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ecsb/base/buf.h"
#include "win_util.h"

struct ecsb_service_mgr {
    SC_HANDLE scm;
};

enum ecsb_status ecsb_service_mgr_open(const char *state_dir, struct ecsb_service_mgr **out,
                                       struct ecsb_error *err)
{
    (void)state_dir;
    *out = NULL;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (!scm)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "OpenSCManager failed (error %lu); run elevated "
                              "(Administrator or LocalSystem)", GetLastError());
    *out = ecsb_xcalloc(1, sizeof **out);
    (*out)->scm = scm;
    return ECSB_OK;
}

char *ecsb_service_console_log(const struct ecsb_service_mgr *m, const char *name)
{
    (void)m, (void)name; /* the SCM gives a service no console */
    return NULL;
}

void ecsb_service_mgr_close(struct ecsb_service_mgr *m)
{
    if (!m)
        return;
    if (m->scm)
        CloseServiceHandle(m->scm);
    free(m);
}

/* ---- building the configuration the SCM stores ---- */

/* Appends one argument quoted so CommandLineToArgvW gives it back unchanged. */
static void quote_arg(struct ecsb_buf *b, const char *arg, bool force)
{
    if (!force && *arg && !strpbrk(arg, " \t\"")) {
        ecsb_buf_puts(b, arg);
        return;
    }
    ecsb_buf_putc(b, '"');
    for (const char *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == '\\') {
            p++;
            slashes++;
        }
        if (!*p) { /* backslashes before the closing quote are doubled */
            for (size_t i = 0; i < slashes * 2; i++)
                ecsb_buf_putc(b, '\\');
            break;
        }
        if (*p == '"')
            slashes = slashes * 2 + 1;
        for (size_t i = 0; i < slashes; i++)
            ecsb_buf_putc(b, '\\');
        ecsb_buf_putc(b, *p);
    }
    ecsb_buf_putc(b, '"');
}

static wchar_t *command_line(const struct ecsb_service_spec *s)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    quote_arg(&b, s->binary, true); /* always quoted: "C:\Program Files\..." has a space */
    for (size_t i = 0; i < s->nargs; i++) {
        ecsb_buf_putc(&b, ' ');
        quote_arg(&b, s->args[i], false);
    }
    wchar_t *w = ecsb_utf8_to_wide(ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
    return w;
}

/* Double-NUL-terminated list as CreateService wants it. */
static wchar_t *dependency_list(const struct ecsb_service_spec *s)
{
    size_t total = 1;
    wchar_t **parts = ecsb_xcalloc(s->ndeps + 1, sizeof *parts);
    for (size_t i = 0; i < s->ndeps; i++) {
        parts[i] = ecsb_utf8_to_wide(s->dependencies[i]);
        total += wcslen(parts[i]) + 1;
    }
    wchar_t *list = ecsb_xcalloc(total + 1, sizeof *list), *p = list;
    for (size_t i = 0; i < s->ndeps; i++) {
        size_t n = wcslen(parts[i]);
        memcpy(p, parts[i], n * sizeof *p);
        p += n + 1;
        free(parts[i]);
    }
    free(parts);
    return list;
}

static bool dependency_lists_equal(const wchar_t *a, const wchar_t *b)
{
    a = a ? a : L"";
    b = b ? b : L"";
    while (*a && *b) {
        if (_wcsicmp(a, b) != 0)
            return false;
        a += wcslen(a) + 1;
        b += wcslen(b) + 1;
    }
    return *a == *b;
}

/* The DependOnService value of the service's registry key (a REG_MULTI_SZ, what
 * ChangeServiceConfig stores), malloc'd; NULL when absent. Used when QueryServiceConfigW
 * reports no dependencies: Wine's does so although the key holds them, and comparing
 * with that empty list would reconfigure and restart the agent at every boot. */
static wchar_t *registry_dependencies(const char *name)
{
    wchar_t *wname = ecsb_utf8_to_wide(name);
    size_t n = wcslen(wname);
    static const wchar_t prefix[] = L"SYSTEM\\CurrentControlSet\\Services\\";
    wchar_t *key = ecsb_xcalloc(n + sizeof prefix / sizeof *prefix + 1, sizeof *key);
    wcscpy(key, prefix);
    wcscat(key, wname);
    free(wname);
    DWORD size = 0;
    wchar_t *list = NULL;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL, NULL, &size) ==
        ERROR_SUCCESS) {
        /* Two spare NULs: the list stays double-NUL-terminated even if the stored one is not. */
        list = ecsb_xcalloc(size / sizeof *list + 2, sizeof *list);
        if (RegGetValueW(HKEY_LOCAL_MACHINE, key, L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL, list, &size) !=
            ERROR_SUCCESS) {
            free(list);
            list = NULL;
        }
    }
    free(key);
    return list;
}

static DWORD win_start_type(enum ecsb_start_type t)
{
    return t == ECSB_START_DEMAND ? SERVICE_DEMAND_START : SERVICE_AUTO_START;
}

/* An SCM without a configuration level (Wine implements few of the
 * ChangeServiceConfig2 levels) answers with one of these; real Windows never does. */
static bool level_unsupported(DWORD e)
{
    /* ERROR_SUCCESS: Wine's stub for the failure-actions flag fails without a code. */
    return e == ERROR_INVALID_LEVEL || e == ERROR_CALL_NOT_IMPLEMENTED || e == ERROR_NOT_SUPPORTED ||
           e == ERROR_SUCCESS;
}

/* QueryServiceConfig2W into a malloc'd buffer; NULL with *error set on failure. */
static void *query_config2(SC_HANDLE svc, DWORD level, DWORD *error)
{
    DWORD need = 0;
    *error = ERROR_SUCCESS;
    if (!QueryServiceConfig2W(svc, level, NULL, 0, &need) && GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
        *error = GetLastError();
        return NULL;
    }
    void *buf = ecsb_xcalloc(1, need + 16);
    if (!QueryServiceConfig2W(svc, level, buf, need + 16, &need)) {
        *error = GetLastError();
        free(buf);
        return NULL;
    }
    return buf;
}

static enum ecsb_status set_config2(SC_HANDLE svc, const char *name, DWORD level, void *info, const char *what,
                                    struct ecsb_error *err)
{
    if (ChangeServiceConfig2W(svc, level, info) || level_unsupported(GetLastError()))
        return ECSB_OK;
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: ChangeServiceConfig2 (%s) failed (error %lu)", name,
                          what, GetLastError());
}

static enum ecsb_status ensure_description(SC_HANDLE svc, const struct ecsb_service_spec *s, bool force,
                                           bool *changed, struct ecsb_error *err)
{
    wchar_t *want = ecsb_utf8_to_wide(s->description ? s->description : "");
    DWORD e;
    SERVICE_DESCRIPTIONW *cur = force ? NULL : query_config2(svc, SERVICE_CONFIG_DESCRIPTION, &e);
    bool same = !force && (cur ? wcscmp(cur->lpDescription ? cur->lpDescription : L"", want) == 0
                               : level_unsupported(e));
    enum ecsb_status st = ECSB_OK;
    if (!same) {
        SERVICE_DESCRIPTIONW d = {want};
        st = set_config2(svc, s->name, SERVICE_CONFIG_DESCRIPTION, &d, "description", err);
        *changed = true;
    }
    free(cur);
    free(want);
    return st;
}

static bool failure_actions_equal(const SERVICE_FAILURE_ACTIONSW *cur, const struct ecsb_service_spec *s)
{
    if (cur->cActions != s->nrestarts || (s->nrestarts && cur->dwResetPeriod != s->reset_period_s))
        return false;
    for (size_t i = 0; i < s->nrestarts; i++)
        if (cur->lpsaActions[i].Type != SC_ACTION_RESTART || cur->lpsaActions[i].Delay != s->restart_delays_ms[i])
            return false;
    return true;
}

static enum ecsb_status ensure_recovery(SC_HANDLE svc, const struct ecsb_service_spec *s, bool force,
                                        bool *changed, struct ecsb_error *err)
{
    DWORD e;
    SERVICE_FAILURE_ACTIONSW *cur = force ? NULL : query_config2(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &e);
    bool same = !force && (cur ? failure_actions_equal(cur, s) : level_unsupported(e));
    free(cur);
    enum ecsb_status st = ECSB_OK;
    if (!same) {
        SC_ACTION actions[ECSB_SERVICE_MAX_RESTARTS];
        size_t n = s->nrestarts > ECSB_SERVICE_MAX_RESTARTS ? ECSB_SERVICE_MAX_RESTARTS : s->nrestarts;
        for (size_t i = 0; i < n; i++) {
            actions[i].Type = SC_ACTION_RESTART;
            actions[i].Delay = s->restart_delays_ms[i];
        }
        SERVICE_FAILURE_ACTIONSW fa;
        memset(&fa, 0, sizeof fa);
        fa.dwResetPeriod = s->reset_period_s;
        fa.cActions = (DWORD)n;
        fa.lpsaActions = n ? actions : NULL;
        /* Restart actions need SERVICE_START on the handle: ensure() opens with ALL_ACCESS. */
        st = set_config2(svc, s->name, SERVICE_CONFIG_FAILURE_ACTIONS, &fa, "failure actions", err);
        *changed = true;
    }
    if (st != ECSB_OK)
        return st;

    SERVICE_FAILURE_ACTIONS_FLAG *flag = force ? NULL : query_config2(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &e);
    same = !force && (flag ? !flag->fFailureActionsOnNonCrashFailures == !s->failure_actions_on_non_crash
                           : level_unsupported(e));
    free(flag);
    if (!same) {
        SERVICE_FAILURE_ACTIONS_FLAG f = {s->failure_actions_on_non_crash ? TRUE : FALSE};
        st = set_config2(svc, s->name, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &f, "failure-actions flag", err);
        *changed = true;
    }
    if (st != ECSB_OK)
        return st;

    bool delayed = s->start_type == ECSB_START_DELAYED_AUTO;
    SERVICE_DELAYED_AUTO_START_INFO *da = force ? NULL : query_config2(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &e);
    same = da ? !da->fDelayedAutostart == !delayed : (force ? !delayed : level_unsupported(e));
    free(da);
    if (!same) {
        SERVICE_DELAYED_AUTO_START_INFO d = {delayed ? TRUE : FALSE};
        st = set_config2(svc, s->name, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &d, "delayed auto-start", err);
        *changed = true;
    }
    return st;
}

static enum ecsb_status create(struct ecsb_service_mgr *m, const struct ecsb_service_spec *s, SC_HANDLE *out,
                               struct ecsb_error *err)
{
    wchar_t *wname = ecsb_utf8_to_wide(s->name), *wdisp = ecsb_utf8_to_wide(s->display_name ? s->display_name : s->name);
    wchar_t *cmd = command_line(s), *deps = dependency_list(s);
    /* NULL account and password: LocalSystem, which the agent needs. */
    *out = CreateServiceW(m->scm, wname, wdisp, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                          win_start_type(s->start_type), SERVICE_ERROR_NORMAL, cmd, NULL, NULL, deps, NULL, NULL);
    DWORD e = GetLastError();
    free(wname);
    free(wdisp);
    free(cmd);
    free(deps);
    if (!*out)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: CreateService failed (error %lu)%s", s->name, e,
                              e == ERROR_SERVICE_MARKED_FOR_DELETE
                                  ? "; it is marked for deletion: close services.msc / other handles and retry"
                                  : "");
    return ECSB_OK;
}

/* Compares QueryServiceConfigW with the spec and changes only the differing fields. */
static enum ecsb_status reconfigure(SC_HANDLE svc, const struct ecsb_service_spec *s, bool *changed,
                                    struct ecsb_error *err)
{
    DWORD need = 0;
    QUERY_SERVICE_CONFIGW *cur = NULL;
    if (!QueryServiceConfigW(svc, NULL, 0, &need) && GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
        cur = ecsb_xcalloc(1, need);
        if (!QueryServiceConfigW(svc, cur, need, &need)) {
            free(cur);
            cur = NULL;
        }
    }
    if (!cur)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: QueryServiceConfig failed (error %lu)", s->name,
                              GetLastError());
    wchar_t *cmd = command_line(s), *deps = dependency_list(s);
    wchar_t *disp = ecsb_utf8_to_wide(s->display_name ? s->display_name : s->name);
    DWORD type = cur->dwServiceType == SERVICE_WIN32_OWN_PROCESS ? SERVICE_NO_CHANGE : SERVICE_WIN32_OWN_PROCESS;
    DWORD start = cur->dwStartType == win_start_type(s->start_type) ? SERVICE_NO_CHANGE : win_start_type(s->start_type);
    const wchar_t *new_cmd = wcscmp(cur->lpBinaryPathName ? cur->lpBinaryPathName : L"", cmd) ? cmd : NULL;
    wchar_t *stored = NULL;
    if (!cur->lpDependencies || !*cur->lpDependencies)
        stored = registry_dependencies(s->name);
    const wchar_t *new_deps = dependency_lists_equal(stored ? stored : cur->lpDependencies, deps) ? NULL : deps;
    free(stored);
    const wchar_t *new_disp = wcscmp(cur->lpDisplayName ? cur->lpDisplayName : L"", disp) ? disp : NULL;
    enum ecsb_status st = ECSB_OK;
    if (type != SERVICE_NO_CHANGE || start != SERVICE_NO_CHANGE || new_cmd || new_deps || new_disp) {
        if (!ChangeServiceConfigW(svc, type, start, SERVICE_NO_CHANGE, new_cmd, NULL, NULL, new_deps, NULL, NULL,
                                  new_disp))
            st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: ChangeServiceConfig failed (error %lu)",
                                s->name, GetLastError());
        *changed = true;
    }
    free(cur);
    free(cmd);
    free(deps);
    free(disp);
    return st;
}

enum ecsb_status ecsb_service_ensure(struct ecsb_service_mgr *m, const struct ecsb_service_spec *spec,
                                     bool *changed, struct ecsb_error *err)
{
    *changed = false;
    if (!spec->name || !*spec->name || !spec->binary || !*spec->binary)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "service spec: name and binary are required");
    wchar_t *wname = ecsb_utf8_to_wide(spec->name);
    SC_HANDLE svc = OpenServiceW(m->scm, wname, SERVICE_ALL_ACCESS);
    DWORD e = GetLastError();
    free(wname);
    enum ecsb_status st;
    bool created = false;
    if (svc) {
        st = reconfigure(svc, spec, changed, err);
    } else if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
        st = create(m, spec, &svc, err);
        created = *changed = st == ECSB_OK;
    } else {
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: OpenService failed (error %lu); run elevated",
                              spec->name, e);
    }
    if (st == ECSB_OK)
        st = ensure_description(svc, spec, created, changed, err);
    if (st == ECSB_OK)
        st = ensure_recovery(svc, spec, created, changed, err);
    if (svc)
        CloseServiceHandle(svc);
    return st;
}

/* ---- runtime: start, stop, query ---- */

static enum ecsb_service_state map_state(DWORD s)
{
    switch (s) {
    case SERVICE_STOPPED: return ECSB_SVC_STOPPED;
    case SERVICE_START_PENDING: return ECSB_SVC_START_PENDING;
    case SERVICE_STOP_PENDING: return ECSB_SVC_STOP_PENDING;
    case SERVICE_RUNNING: return ECSB_SVC_RUNNING;
    default: return ECSB_SVC_OTHER;
    }
}

static bool status_of(SC_HANDLE svc, SERVICE_STATUS_PROCESS *ss)
{
    DWORD need = 0;
    return QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)ss, sizeof *ss, &need) != 0;
}

static long exit_code_of(const SERVICE_STATUS_PROCESS *ss)
{
    return ss->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR ? (long)ss->dwServiceSpecificExitCode
                                                               : (long)ss->dwWin32ExitCode;
}

/* Polls until the state is `want` (or STOPPED when waiting for RUNNING) or the
 * deadline passes. *ss holds the last status. */
static enum ecsb_status wait_state(SC_HANDLE svc, const char *name, DWORD want, ULONGLONG deadline,
                                   SERVICE_STATUS_PROCESS *ss, struct ecsb_error *err)
{
    for (;;) {
        if (!status_of(svc, ss))
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: QueryServiceStatusEx failed (error %lu)",
                                  name, GetLastError());
        if (ss->dwCurrentState == want)
            return ECSB_OK;
        if (want == SERVICE_RUNNING && ss->dwCurrentState == SERVICE_STOPPED)
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s stopped while starting (exit code %ld); see "
                                  "its log and the Event Log", name, exit_code_of(ss));
        ULONGLONG now = GetTickCount64();
        if (now >= deadline)
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "service %s: still %s after the wait; check the service "
                                  "log, or raise the timeout", name,
                                  ecsb_service_state_name(map_state(ss->dwCurrentState)));
        /* A tenth of the wait hint, between 100 ms and 1 s, never past the deadline. */
        DWORD pause = ss->dwWaitHint / 10;
        pause = pause < 100 ? 100 : pause > 1000 ? 1000 : pause;
        if (now + pause > deadline)
            pause = (DWORD)(deadline - now);
        Sleep(pause);
    }
}

static SC_HANDLE open_svc(struct ecsb_service_mgr *m, const char *name, DWORD access, DWORD *error)
{
    wchar_t *w = ecsb_utf8_to_wide(name);
    SC_HANDLE h = OpenServiceW(m->scm, w, access);
    *error = h ? ERROR_SUCCESS : GetLastError();
    free(w);
    return h;
}

static enum ecsb_status open_error(const char *name, DWORD e, struct ecsb_error *err)
{
    if (e == ERROR_SERVICE_DOES_NOT_EXIST)
        return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "service %s is not installed", name);
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: OpenService failed (error %lu); run elevated", name,
                          e);
}

enum ecsb_status ecsb_service_start(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                    bool *changed, struct ecsb_error *err)
{
    *changed = false;
    DWORD e;
    SC_HANDLE svc = open_svc(m, name, SERVICE_START | SERVICE_QUERY_STATUS, &e);
    if (!svc)
        return open_error(name, e, err);
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    SERVICE_STATUS_PROCESS ss;
    enum ecsb_status st = ECSB_OK;
    if (!status_of(svc, &ss)) {
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: QueryServiceStatusEx failed (error %lu)", name,
                            GetLastError());
    } else if (ss.dwCurrentState == SERVICE_STOP_PENDING) {
        st = wait_state(svc, name, SERVICE_STOPPED, deadline, &ss, err); /* let it finish, then start */
    }
    if (st == ECSB_OK && ss.dwCurrentState == SERVICE_STOPPED) {
        if (StartServiceW(svc, 0, NULL))
            *changed = true;
        else if (GetLastError() != ERROR_SERVICE_ALREADY_RUNNING)
            st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: StartService failed (error %lu)%s", name,
                                GetLastError(),
                                GetLastError() == ERROR_SERVICE_DEPENDENCY_FAIL
                                    ? "; a service it depends on (docker?) failed to start" : "");
    }
    if (st == ECSB_OK)
        st = wait_state(svc, name, SERVICE_RUNNING, deadline, &ss, err);
    CloseServiceHandle(svc);
    return st;
}

/* Stops through an open handle (shared by stop and uninstall). */
static enum ecsb_status stop_handle(SC_HANDLE svc, const char *name, unsigned timeout_ms, bool *changed,
                                    struct ecsb_error *err)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    SERVICE_STATUS_PROCESS ss;
    for (;;) {
        if (!status_of(svc, &ss))
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: QueryServiceStatusEx failed (error %lu)",
                                  name, GetLastError());
        if (ss.dwCurrentState == SERVICE_STOPPED)
            return ECSB_OK;
        if (ss.dwCurrentState == SERVICE_STOP_PENDING)
            break;
        SERVICE_STATUS plain;
        if (ControlService(svc, SERVICE_CONTROL_STOP, &plain)) {
            *changed = true;
            break;
        }
        DWORD e = GetLastError();
        if (e == ERROR_SERVICE_NOT_ACTIVE)
            return ECSB_OK;
        /* START_PENDING cannot take a stop yet: wait for it to settle, then retry. */
        if (e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: ControlService(STOP) failed (error %lu)%s",
                                  name, e, e == ERROR_DEPENDENT_SERVICES_RUNNING
                                               ? "; stop the services that depend on it first" : "");
        if (GetTickCount64() >= deadline)
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "service %s: did not accept a stop request in time", name);
        Sleep(200);
    }
    return wait_state(svc, name, SERVICE_STOPPED, deadline, &ss, err);
}

enum ecsb_status ecsb_service_stop(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                   bool *changed, struct ecsb_error *err)
{
    *changed = false;
    DWORD e;
    SC_HANDLE svc = open_svc(m, name, SERVICE_STOP | SERVICE_QUERY_STATUS, &e);
    if (!svc)
        return open_error(name, e, err);
    enum ecsb_status st = stop_handle(svc, name, timeout_ms, changed, err);
    CloseServiceHandle(svc);
    return st;
}

enum ecsb_status ecsb_service_query(struct ecsb_service_mgr *m, const char *name, struct ecsb_service_status *out,
                                    struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    DWORD e;
    SC_HANDLE svc = open_svc(m, name, SERVICE_QUERY_STATUS, &e);
    if (!svc) {
        if (e == ERROR_SERVICE_DOES_NOT_EXIST)
            return ECSB_OK; /* state NOT_INSTALLED */
        return open_error(name, e, err);
    }
    SERVICE_STATUS_PROCESS ss;
    enum ecsb_status st = ECSB_OK;
    if (!status_of(svc, &ss)) {
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: QueryServiceStatusEx failed (error %lu)", name,
                            GetLastError());
    } else {
        out->state = map_state(ss.dwCurrentState);
        out->pid = ss.dwProcessId;
        if (out->state == ECSB_SVC_STOPPED) {
            out->has_exit_code = true;
            out->exit_code = exit_code_of(&ss);
        }
    }
    CloseServiceHandle(svc);
    return st;
}

enum ecsb_status ecsb_service_uninstall(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                        bool *changed, struct ecsb_error *err)
{
    *changed = false;
    DWORD e;
    SC_HANDLE svc = open_svc(m, name, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS, &e);
    if (!svc)
        return e == ERROR_SERVICE_DOES_NOT_EXIST ? ECSB_OK : open_error(name, e, err);
    bool stopped = false;
    enum ecsb_status st = stop_handle(svc, name, timeout_ms, &stopped, err);
    if (st == ECSB_OK) {
        if (DeleteService(svc))
            *changed = true;
        else if (GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
            st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: DeleteService failed (error %lu)", name,
                                GetLastError());
    }
    /* The SCM removes the service once the last handle closes. */
    CloseServiceHandle(svc);
    return st;
}
