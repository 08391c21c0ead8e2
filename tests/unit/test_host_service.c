/* Tests for the host seams: OS version, agent environment store, service manager,
 * port preflight. They touch the real thing: under Wine the registry and the SCM
 * (with tests/tools/svc_dummy.exe as the service), on POSIX the process backend and
 * real sockets. Everything created is removed again, so the shared Wine prefix is
 * left as found. */
#include "check.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/env_store.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/host.h"
#include "ecsb/agent/preflight.h"
#include "ecsb/agent/service.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include "../../lib/platform/windows/win_util.h" /* private to the seam; the test drives the SCM directly */
#else
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#endif

#define SVC_TIMEOUT_MS 20000u
#define PATH_BUF 8192

static char dummy_path[PATH_BUF];  /* build/<plat>/tools/svc_dummy(.exe), absolute */
static char state_dir[1024];   /* POSIX: scratch directory for the process backend */

/* ---- platform helpers for the test itself ---- */

#ifdef _WIN32
static void find_dummy(const char *argv0)
{
    (void)argv0;
    wchar_t w[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, w, MAX_PATH);
    char *self = ecsb_wide_to_utf8(n ? w : L"");
    char *slash = strrchr(self, '\\');
    if (slash)
        *slash = '\0'; /* ...\tests */
    snprintf(dummy_path, sizeof dummy_path, "%s\\..\\tools\\svc_dummy.exe", self);
    free(self);
    wchar_t *rel = ecsb_utf8_to_wide(dummy_path), full[MAX_PATH];
    if (GetFullPathNameW(rel, MAX_PATH, full, NULL)) {
        char *u = ecsb_wide_to_utf8(full);
        snprintf(dummy_path, sizeof dummy_path, "%s", u);
        free(u);
    }
    free(rel);
}

static void pause_ms(unsigned ms)
{
    Sleep(ms);
}
#else
static void find_dummy(const char *argv0)
{
    char self[PATH_MAX];
    if (!realpath(argv0, self))
        snprintf(self, sizeof self, "%s", argv0);
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    char rel[PATH_MAX + 32];
    snprintf(rel, sizeof rel, "%s/../tools/svc_dummy", self);
    if (!realpath(rel, dummy_path))
        snprintf(dummy_path, sizeof dummy_path, "%s", rel);
}

static void pause_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[PATH_MAX * 2];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}
#endif

#ifndef _WIN32
static char *slurp(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    if (ecsb_fs_read(path, &data, &len, NULL) != ECSB_OK)
        return ecsb_xstrdup("");
    return data;
}
#endif

/* ---- OS version ---- */

#ifdef _WIN32
TEST(os_version_reads_rtlgetversion_and_installation_type)
{
    struct ecsb_os_version v;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_host_os_version(&v, &err), ECSB_OK);
    CHECK(v.build > 0);
    CHECK(v.major >= 6);

    /* InstallationType is read live: set it, read it back, restore what was there. */
    static const wchar_t key[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    wchar_t saved[64];
    DWORD size = sizeof saved;
    bool had = RegGetValueW(HKEY_LOCAL_MACHINE, key, L"InstallationType", RRF_RT_REG_SZ, NULL, saved, &size) ==
               ERROR_SUCCESS;
    static const wchar_t core[] = L"Server Core";
    CHECK_INT_EQ(RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, L"InstallationType", REG_SZ, core, sizeof core),
                 ERROR_SUCCESS);
    CHECK_INT_EQ(ecsb_host_os_version(&v, &err), ECSB_OK);
    CHECK_STR_EQ(v.installation_type, "Server Core");
    if (had)
        RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, L"InstallationType", REG_SZ, saved,
                        (DWORD)((wcslen(saved) + 1) * sizeof(wchar_t)));
    else
        RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, key, L"InstallationType");
    CHECK_INT_EQ(ecsb_host_os_version(&v, &err), ECSB_OK);
    CHECK(had ? strcmp(v.installation_type, "Server Core") == 0 || v.installation_type[0]
              : v.installation_type[0] == '\0');
}
#else
TEST(os_version_is_unsupported_and_says_which_flags)
{
    struct ecsb_os_version v;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_host_os_version(&v, &err), ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "--build");
    CHECK_CONTAINS(err.message, "--installation-type");
    CHECK_INT_EQ(v.build, 0);
}
#endif

/* ---- the environment file codec ---- */

TEST(envfile_round_trips_tricky_values)
{
    static const char *const values[] = {
        "two words", "  leading and trailing  ", "\"double\" 'single'", "a=b=c", "back\\slash\\",
        "line1\nline2", "cr\r\nlf", "tab\there", "ctl\x01\x1f\x7f", "caf\xc3\xa9", "", "#not a comment",
        "\\n literally", "ends with backslash n\\n",
    };
    size_t n = sizeof values / sizeof values[0];
    struct ecsb_envfile f = ECSB_ENVFILE_INIT;
    char name[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "VAR_%lu", (unsigned long)i);
        CHECK_INT_EQ(ecsb_envfile_set(&f, name, values[i]), ECSB_ENV_ADDED);
    }
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_envfile_render(&f, "header", &text);
    /* One line per variable plus the header: nothing a value holds can break a line. */
    size_t lines = 0;
    for (size_t i = 0; i < text.len; i++)
        lines += text.data[i] == '\n';
    CHECK_INT_EQ(lines, n + 1);
    CHECK_CONTAINS(text.data, "VAR_5=line1\\nline2\n");
    CHECK_CONTAINS(text.data, "VAR_4=back\\\\slash\\\\\n");
    struct ecsb_envfile back;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_envfile_parse(text.data, text.len, "t.env", &back, &err), ECSB_OK);
    CHECK_INT_EQ(back.count, n);
    for (size_t i = 0; i < n && i < back.count; i++)
        CHECK_STR_EQ(back.items[i].value, values[i]);
    ecsb_envfile_free(&back);
    ecsb_envfile_free(&f);
    ecsb_buf_free(&text);
}

TEST(envfile_rejects_what_no_writer_produces)
{
    static const struct {
        const char *text, *where;
    } bad[] = {
        {"A=ok\nnot a variable\n", "f.env:2:4:"}, {"A=ok\n=x\n", "f.env:2:1:"},
        {"A=ok\nB\n", "f.env:2:2:"},
        {"A=bad \\q escape\n", "f.env:1:7:"},
        {"A=crlf\r\n", "f.env:1:7:"},
        {"A=raw\ttab\n", "f.env:1:6:"},
        {"A=\\x00\n", "f.env:1:3:"},
        {"A=\\x4\n", "f.env:1:3:"},
        {"1A=x\n", "f.env:1:1:"},
        {"A-B=x\n", "f.env:1:2:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ecsb_envfile f;
        struct ecsb_error err = {0, ""};
        CHECK_INT_EQ(ecsb_envfile_parse(bad[i].text, strlen(bad[i].text), "f.env", &f, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, bad[i].where);
        CHECK_INT_EQ(f.count, 0);
    }
    struct ecsb_envfile f;
    struct ecsb_error err = {0, ""};
    const char ok[] = "# comment\n\nA=1\nB=\\x41\\t\nA=2"; /* no final newline; A repeated */
    CHECK_INT_EQ(ecsb_envfile_parse(ok, sizeof ok - 1, "f.env", &f, &err), ECSB_OK);
    CHECK_INT_EQ(f.count, 2);
    CHECK_STR_EQ(ecsb_envfile_get(&f, "A"), "2");
    CHECK_STR_EQ(ecsb_envfile_get(&f, "B"), "A\t");
    ecsb_envfile_free(&f);
    const char nul[] = "A=x\0y\n";
    CHECK_INT_EQ(ecsb_envfile_parse(nul, sizeof nul - 1, "f.env", &f, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "NUL");
}

/* ---- the agent environment store ---- */

#ifdef _WIN32
#define ENV_TEST_SERVICE "EcsbTestEnvSvc"
#endif

static void env_target(struct ecsb_agent_env_target *t, char *file, size_t cap)
{
    memset(t, 0, sizeof *t);
#ifdef _WIN32
    (void)file, (void)cap;
    t->service_name = ENV_TEST_SERVICE;
#else
    snprintf(file, cap, "%s/agent.env", state_dir);
    t->env_file = file;
#endif
}

static void env_cleanup(const struct ecsb_agent_env_target *t)
{
    static const char *const names[] = {"ECSB_TEST_CLUSTER", "ECSB_TEST_JSON", "ECSB_TEST_USER", "ECSB_TEST_BAD",
                                         "ECSB_TEST_TOKEN"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool removed;
        ecsb_agent_env_unset(t, names[i], &removed, NULL);
    }
}

TEST(agent_env_apply_is_idempotent_and_leaves_user_values)
{
    char file[4200];
    struct ecsb_agent_env_target t;
    env_target(&t, file, sizeof file);
    struct ecsb_error err = {0, ""};
    struct ecsb_env_apply_report rep;
#ifdef _WIN32
    /* The per-service block needs an installed service. */
    struct ecsb_service_mgr *m = NULL;
    CHECK_INT_EQ(ecsb_service_mgr_open(NULL, &m, &err), ECSB_OK);
    if (!m)
        return;
    const char *args[] = {"--tag", "env"};
    struct ecsb_service_spec spec = {.name = ENV_TEST_SERVICE, .display_name = "ecsb env test",
                                     .binary = dummy_path, .args = args, .nargs = 2,
                                     .start_type = ECSB_START_DEMAND};
    bool changed;
    ecsb_service_uninstall(m, ENV_TEST_SERVICE, SVC_TIMEOUT_MS, &changed, NULL);
    struct ecsb_env_var early[] = {{"ECSB_TEST_CLUSTER", "x", false, 0}};
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, early, 1, &rep, &err), ECSB_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.message, "not installed");
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
#endif
    env_cleanup(&t);

    /* The user set ECSB_TEST_USER before us (simulated with a plain apply). */
    struct ecsb_env_var user[] = {{"ECSB_TEST_USER", "theirs", false, 0}};
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, user, 1, &rep, &err), ECSB_OK);
    char *v = NULL;
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_USER", &v, &err), ECSB_OK);
    CHECK_STR_EQ(v, "theirs");
    free(v);
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_CLUSTER", &v, &err), ECSB_ERR_NOT_FOUND);
    CHECK(v == NULL);

    struct ecsb_env_var vars[] = {
        {"ECSB_TEST_CLUSTER", "my cluster", false, 0},
        {"ECSB_TEST_JSON", "[\"json-file\",\"awslogs\"]", false, 0},
        {"ECSB_TEST_USER", "ours", true, 0},
    };
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 3, &rep, &err), ECSB_OK);
    CHECK_INT_EQ(vars[0].result, ECSB_ENV_ADDED);
    CHECK_INT_EQ(vars[1].result, ECSB_ENV_ADDED);
    CHECK_INT_EQ(vars[2].result, ECSB_ENV_USER_SET);
    CHECK(rep.changed && rep.machine_changed);
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_USER", &v, &err), ECSB_OK);
    CHECK_STR_EQ(v, "theirs");
    free(v);
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_JSON", &v, &err), ECSB_OK);
    CHECK_STR_EQ(v, "[\"json-file\",\"awslogs\"]");
    free(v);

    /* Second run: nothing to do. */
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 3, &rep, &err), ECSB_OK);
    CHECK_INT_EQ(vars[0].result, ECSB_ENV_UNCHANGED);
    CHECK_INT_EQ(vars[1].result, ECSB_ENV_UNCHANGED);
    CHECK_INT_EQ(vars[2].result, ECSB_ENV_USER_SET);
    CHECK(!rep.changed && !rep.machine_changed && !rep.service_changed);

    /* One value changes: exactly that one is updated. */
    vars[0].value = "other";
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 3, &rep, &err), ECSB_OK);
    CHECK_INT_EQ(vars[0].result, ECSB_ENV_UPDATED);
    CHECK_INT_EQ(vars[1].result, ECSB_ENV_UNCHANGED);
    CHECK(rep.changed);

    /* A bad name stops everything before any write. */
    struct ecsb_env_var bad[] = {{"ECSB_TEST_BAD", "1", false, 0}, {"BAD NAME", "x", false, 0}};
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, bad, 2, &rep, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "#2");
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_BAD", &v, &err), ECSB_ERR_NOT_FOUND);

#ifdef _WIN32
    /* The per-service block carries our values and the user's machine value. */
    struct ecsb_envfile block;
    CHECK_INT_EQ(ecsb_agent_env_service_block(ENV_TEST_SERVICE, &block, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_envfile_get(&block, "ECSB_TEST_CLUSTER"), "other");
    CHECK_STR_EQ(ecsb_envfile_get(&block, "ECSB_TEST_JSON"), "[\"json-file\",\"awslogs\"]");
    CHECK_STR_EQ(ecsb_envfile_get(&block, "ECSB_TEST_USER"), "theirs");
    ecsb_envfile_free(&block);
    /* A secret-bearing variable goes only into the service's own block, never machine
     * scope (which every process inherits). */
    struct ecsb_env_var secret[] = {{"ECSB_TEST_TOKEN", "CANARY-tok", false, 0}};
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, secret, 1, &rep, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_agent_env_get(&t, "ECSB_TEST_TOKEN", &v, &err), ECSB_ERR_NOT_FOUND);
    CHECK_INT_EQ(ecsb_agent_env_service_block(ENV_TEST_SERVICE, &block, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_envfile_get(&block, "ECSB_TEST_TOKEN"), "CANARY-tok");
    ecsb_envfile_free(&block);
    /* A broadcast is bounded and harmless; only that it returns is checked here. */
    t.broadcast = true;
    t.broadcast_timeout_ms = 1000;
    vars[0].value = "third";
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 3, &rep, &err), ECSB_OK);
    CHECK(rep.machine_changed && rep.service_changed);
    env_cleanup(&t);
    CHECK_INT_EQ(ecsb_service_uninstall(m, ENV_TEST_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(changed);
    ecsb_service_mgr_close(m);
#else
    char *text = slurp(file);
    CHECK_CONTAINS(text, "ECSB_TEST_CLUSTER=other\n");
    free(text);
    /* A hand-broken file is reported with its place, not overwritten. */
    const char broken[] = "ECSB_TEST_CLUSTER=a\\qb\n";
    CHECK_INT_EQ(ecsb_fs_write_atomic(file, broken, sizeof broken - 1, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 3, &rep, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "agent.env:1:20:");
    text = slurp(file);
    CHECK_STR_EQ(text, broken);
    free(text);
    env_cleanup(&t);
#endif
}

/* ---- the service manager ---- */

static enum ecsb_service_state state_of(struct ecsb_service_mgr *m, const char *name,
                                        struct ecsb_service_status *st)
{
    struct ecsb_error err = {0, ""};
    if (ecsb_service_query(m, name, st, &err) != ECSB_OK)
        return ECSB_SVC_OTHER;
    return st->state;
}

static struct ecsb_service_mgr *open_mgr(void)
{
    struct ecsb_service_mgr *m = NULL;
    struct ecsb_error err = {0, ""};
    if (ecsb_service_mgr_open(state_dir, &m, &err) != ECSB_OK)
        printf("cannot open the service manager: %s\n", err.message);
    return m;
}

TEST(amazonecs_spec_matches_the_reference)
{
    struct ecsb_service_spec s;
    ecsb_service_spec_amazonecs(&s, NULL);
    CHECK_STR_EQ(s.name, "AmazonECS");
    CHECK_STR_EQ(s.display_name, "Amazon ECS");
    CHECK_STR_EQ(s.binary, "C:\\Program Files\\Amazon\\ECS\\amazon-ecs-agent.exe");
    CHECK_INT_EQ(s.nargs, 1);
    CHECK_STR_EQ(s.args[0], "-windows-service");
    CHECK_INT_EQ(s.ndeps, 1);
    CHECK_STR_EQ(s.dependencies[0], "docker");
    CHECK_INT_EQ(s.nrestarts, 3);
    CHECK_INT_EQ(s.restart_delays_ms[0], 5000);
    CHECK_INT_EQ(s.restart_delays_ms[1], 30000);
    CHECK_INT_EQ(s.restart_delays_ms[2], 60000);
    CHECK_INT_EQ(s.reset_period_s, 300);
    CHECK(s.failure_actions_on_non_crash);
    CHECK_INT_EQ(s.start_type, ECSB_START_AUTO);
    ecsb_service_spec_release(&s);
    ecsb_service_spec_amazonecs(&s, "D:\\Agent\\");
    CHECK_STR_EQ(s.binary, "D:\\Agent\\amazon-ecs-agent.exe");
    ecsb_service_spec_release(&s);
    ecsb_service_spec_amazonecs(&s, "/opt/ecs");
    CHECK_STR_EQ(s.binary, "/opt/ecs/amazon-ecs-agent.exe");
    ecsb_service_spec_release(&s);
}

#define LIFE_SERVICE "EcsbTestSvc"

#ifdef _WIN32
/* Real Windows answers SERVICE_CONFIG_FAILURE_ACTIONS queries; Wine does not. */
static bool scm_reports_failure_actions(struct ecsb_service_mgr *m, const char *name)
{
    (void)m;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    wchar_t *w = ecsb_utf8_to_wide(name);
    SC_HANDLE svc = scm ? OpenServiceW(scm, w, SERVICE_QUERY_CONFIG) : NULL;
    DWORD need = 0;
    bool ok = svc && (QueryServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, NULL, 0, &need) ||
                      GetLastError() == ERROR_INSUFFICIENT_BUFFER);
    free(w);
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
    return ok;
}

static bool scm_has_dependency(const char *name)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    wchar_t *w = ecsb_utf8_to_wide(name);
    SC_HANDLE svc = scm ? OpenServiceW(scm, w, SERVICE_QUERY_CONFIG) : NULL;
    union {
        QUERY_SERVICE_CONFIGW c;
        BYTE raw[8192];
    } buf;
    DWORD need = 0;
    bool has = svc && QueryServiceConfigW(svc, &buf.c, sizeof buf, &need) && buf.c.lpDependencies &&
               buf.c.lpDependencies[0];
    free(w);
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
    return has;
}
#else
static bool scm_has_dependency(const char *name)
{
    (void)name;
    return true;
}

static bool scm_reports_failure_actions(struct ecsb_service_mgr *m, const char *name)
{
    (void)m, (void)name;
    return true;
}
#endif

/* A service for these tests: the AmazonECS spec's recovery settings, the dummy binary,
 * no arguments or dependencies, started on demand only (never by a prefix boot if a run
 * crashes). */
static void test_spec(struct ecsb_service_spec *spec, const char *name, const char *display_name)
{
    ecsb_service_spec_amazonecs(spec, NULL);
    ecsb_service_spec_release(spec);
    spec->name = name;
    spec->display_name = display_name;
    spec->description = "created by test_host_service; safe to delete";
    spec->binary = dummy_path;
    spec->args = NULL;
    spec->nargs = 0;
    spec->dependencies = NULL;
    spec->ndeps = 0;
    spec->start_type = ECSB_START_DEMAND;
}

TEST(service_lifecycle_is_idempotent)
{
    struct ecsb_service_mgr *m = open_mgr();
    CHECK(m != NULL);
    if (!m)
        return;
    struct ecsb_error err = {0, ""};
    bool changed = true;
    ecsb_service_uninstall(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, NULL); /* leftovers of a crashed run */

    const char *args_a[] = {"--tag", "a b", "--print-env", "ECSB_TEST_GREETING"};
    const char *args_b[] = {"--tag", "b", "--print-env", "ECSB_TEST_GREETING"};
    const char *deps[] = {"EventLog"};
    struct ecsb_service_spec spec;
    test_spec(&spec, LIFE_SERVICE, "ecsb lifecycle test");
    spec.args = args_a;
    spec.nargs = 4;
    spec.dependencies = deps;
#ifndef _WIN32
    char envf[4200];
    snprintf(envf, sizeof envf, "%s/life.env", state_dir);
    const char env_text[] = "ECSB_TEST_GREETING=hello \"world\" a=b\n";
    CHECK_INT_EQ(ecsb_fs_write_atomic(envf, env_text, sizeof env_text - 1, &err), ECSB_OK);
    spec.env_file = envf;
#endif

    struct ecsb_service_status st;
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_NOT_INSTALLED);
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(changed);
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(!changed);
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_STOPPED);

    spec.args = args_b; /* each setting alone is noticed, and only once */
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(changed);
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(!changed);
    spec.description = "another description";
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(changed);
    spec.ndeps = 1;
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(changed);
    spec.ndeps = 0;
    if (scm_has_dependency(LIFE_SERVICE)) {
        CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
        CHECK(changed);
    } else { /* Wine's ChangeServiceConfig ignores lpDependencies */
        printf("note: this SCM did not store the dependency change; skipped the removal check\n");
    }
    spec.restart_delays_ms[0] = 7000;
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    if (scm_reports_failure_actions(m, LIFE_SERVICE))
        CHECK(changed);
    else /* Wine stores no failure actions, so a change cannot be seen (and is not forced) */
        printf("note: this SCM does not report failure actions; skipped the restart-delay check\n");
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(!changed);

    err.message[0] = '\0';
    CHECK_INT_EQ(ecsb_service_start(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    if (err.message[0])
        printf("start: %s\n", err.message);
    CHECK(changed);
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_RUNNING);
    CHECK(st.pid > 0);
    unsigned long pid = st.pid;
    CHECK_INT_EQ(ecsb_service_start(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(!changed);
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_RUNNING);
    CHECK_INT_EQ(st.pid, pid);
#ifndef _WIN32
    /* RUNNING here means "exec succeeded"; wait for the dummy's readiness line (it
     * prints after installing its SIGTERM handler) so the stop tests the graceful path. */
    char logf[PATH_BUF];
    snprintf(logf, sizeof logf, "%s/%s.log", state_dir, LIFE_SERVICE);
    for (int i = 0; i < 400; i++) {
        char *early = slurp(logf);
        bool ready = strstr(early, "ECSB_TEST_GREETING=") != NULL;
        free(early);
        if (ready)
            break;
        pause_ms(25);
    }
#endif

    CHECK_INT_EQ(ecsb_service_stop(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(changed);
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_STOPPED);
    CHECK(st.has_exit_code);
    CHECK_INT_EQ(st.exit_code, 0);
    CHECK_INT_EQ(st.term_signal, 0);
    CHECK_INT_EQ(ecsb_service_stop(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(!changed);
#ifndef _WIN32
    /* The env file's variables reached the process; its output went to the log. */
    char *log = slurp(logf);
    CHECK_CONTAINS(log, "ECSB_TEST_GREETING=hello \"world\" a=b\n");
    CHECK_CONTAINS(log, "stopping on SIGTERM");
    free(log);
#endif

    CHECK_INT_EQ(ecsb_service_uninstall(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(changed);
    CHECK_INT_EQ(state_of(m, LIFE_SERVICE, &st), ECSB_SVC_NOT_INSTALLED);
    CHECK_INT_EQ(ecsb_service_uninstall(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(!changed);
    CHECK_INT_EQ(ecsb_service_start(m, LIFE_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_ERR_NOT_FOUND);
    ecsb_service_mgr_close(m);
}

#define DEP_SERVICE "EcsbTestDep"

/* Created with a dependency, the service is unchanged on the next ensure: the boot-after-
 * boot no-op. (Wine's QueryServiceConfigW reports no dependencies although its registry key
 * holds DependOnService; the Windows backend then reads the key.) */
TEST(service_created_with_a_dependency_is_unchanged_next_time)
{
    struct ecsb_service_mgr *m = open_mgr();
    CHECK(m != NULL);
    if (!m)
        return;
    struct ecsb_error err = {0, ""};
    bool changed = true;
    ecsb_service_uninstall(m, DEP_SERVICE, SVC_TIMEOUT_MS, &changed, NULL);
    const char *deps[] = {"EventLog"};
    struct ecsb_service_spec spec;
    test_spec(&spec, DEP_SERVICE, "ecsb dependency test");
    spec.dependencies = deps;
    spec.ndeps = 1;
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(changed);
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(!changed);
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK(!changed);
    CHECK_INT_EQ(ecsb_service_uninstall(m, DEP_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(changed);
    ecsb_service_mgr_close(m);
}

#define EXIT_SERVICE "EcsbTestExit"

TEST(service_exit_code_is_reported_after_the_fact)
{
    struct ecsb_service_mgr *m = open_mgr();
    CHECK(m != NULL);
    if (!m)
        return;
    struct ecsb_error err = {0, ""};
    bool changed;
    ecsb_service_uninstall(m, EXIT_SERVICE, SVC_TIMEOUT_MS, &changed, NULL);
    const char *args[] = {"--exit", "5"};
    struct ecsb_service_spec spec = {.name = EXIT_SERVICE, .display_name = "ecsb exit test", .binary = dummy_path,
                                     .args = args, .nargs = 2, .start_type = ECSB_START_DEMAND};
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    /* It may already be gone when start looks (the SCM then says "stopped while starting"). */
    enum ecsb_status rc = ecsb_service_start(m, EXIT_SERVICE, SVC_TIMEOUT_MS, &changed, &err);
    CHECK(rc == ECSB_OK || (rc == ECSB_ERR_PLATFORM && strstr(err.message, "exit code 5")));
    struct ecsb_service_status st;
    for (int i = 0; i < 200 && !(state_of(m, EXIT_SERVICE, &st) == ECSB_SVC_STOPPED && st.has_exit_code); i++)
        pause_ms(50);
    CHECK_INT_EQ(st.state, ECSB_SVC_STOPPED);
    CHECK(st.has_exit_code);
    CHECK_INT_EQ(st.exit_code, 5);
    CHECK_INT_EQ(ecsb_service_uninstall(m, EXIT_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
    CHECK(changed);
#ifndef _WIN32
    /* A binary that cannot run is a start error naming it, not a silent "running". */
    spec.binary = "/nonexistent/ecsb-no-such-binary";
    CHECK_INT_EQ(ecsb_service_ensure(m, &spec, &changed, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_service_start(m, EXIT_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_ERR_PLATFORM);
    CHECK_CONTAINS(err.message, "ecsb-no-such-binary");
    CHECK(!changed);
    CHECK_INT_EQ(ecsb_service_uninstall(m, EXIT_SERVICE, SVC_TIMEOUT_MS, &changed, &err), ECSB_OK);
#endif
    ecsb_service_mgr_close(m);
}

/* ---- preflight ---- */

#ifdef _WIN32
typedef SOCKET test_sock;
#define TEST_SOCK_BAD INVALID_SOCKET
#define test_close closesocket
#else
typedef int test_sock;
#define TEST_SOCK_BAD (-1)
#define test_close close
#endif

/* A listener on 127.0.0.1:port (0 = any); *port gets the bound port. */
static test_sock listen_on(unsigned *port)
{
    test_sock s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == TEST_SOCK_BAD)
        return s;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)*port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) != 0) {
        test_close(s);
        return TEST_SOCK_BAD;
    }
    *port = ntohs(sa.sin_port);
    return s;
}

TEST(port_check_sees_a_listener)
{
    unsigned port = 0;
    test_sock s = listen_on(&port);
    CHECK(s != TEST_SOCK_BAD);
    if (s == TEST_SOCK_BAD)
        return;
    enum ecsb_port_state ps = ECSB_PORT_FREE;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_preflight_tcp_port("127.0.0.1", port, &ps, &err), ECSB_OK);
    CHECK_INT_EQ(ps, ECSB_PORT_IN_USE);
    test_close(s);
    CHECK_INT_EQ(ecsb_preflight_tcp_port("127.0.0.1", port, &ps, &err), ECSB_OK);
    CHECK_INT_EQ(ps, ECSB_PORT_FREE);
    CHECK_INT_EQ(ecsb_preflight_tcp_port("localhost", port, &ps, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_preflight_tcp_port("127.0.0.1", 70000, &ps, &err), ECSB_ERR_INVALID);

    /* Hold 51678 (if nobody else does): the agent-port check must name it. */
    unsigned agent = ECSB_AGENT_INTROSPECTION_PORT;
    test_sock held = listen_on(&agent);
    if (held == TEST_SOCK_BAD) {
        /* Another process (an agent under test) holds it and may let go any time. */
        printf("note: 51678 is held by another process; skipped the agent-port check\n");
        return;
    }
    enum ecsb_port_state states[2];
    CHECK_INT_EQ(ecsb_preflight_agent_ports(states, &err), ECSB_ERR_PLATFORM);
    CHECK_CONTAINS(err.message, "127.0.0.1:51678 is in use");
    CHECK(states[0] != ECSB_PORT_FREE);
    test_close(held);
}


/* A fake clock: sleeping advances it, so the wait is measured without waiting. */
struct fake_clock {
    long long now;
    int sleeps;
};
static long long fake_mono(void *ctx) { return ((struct fake_clock *)ctx)->now; }
static void fake_sleep(void *ctx, long ms)
{
    ((struct fake_clock *)ctx)->now += ms;
    ((struct fake_clock *)ctx)->sleeps++;
}

/* timeouts.docker: the wait for a service lasts as long as the key says. */
TEST(wait_running_is_bounded_by_its_timeout)
{
    struct ecsb_service_mgr *m = open_mgr();
    CHECK(m != NULL);
    if (!m)
        return;
    struct fake_clock fc = {1000, 0};
    struct ecsb_clock clock = {fake_mono, NULL, fake_sleep, &fc};
    struct ecsb_error err = {0, ""};
    long waited = -1;
    CHECK_INT_EQ(ecsb_preflight_wait_running(m, "ecsb-no-such-docker", 3000, &clock, &waited, &err),
                 ECSB_ERR_TIMEOUT);
    CHECK_INT_EQ(waited, 3000);
    CHECK_INT_EQ(fc.sleeps, 6); /* polled every 500 ms */
    CHECK_CONTAINS(err.message, "service 'ecsb-no-such-docker' is not installed after waiting 3000 ms");
    fc = (struct fake_clock){0, 0};
    CHECK_INT_EQ(ecsb_preflight_wait_running(m, "ecsb-no-such-docker", 300000, &clock, &waited, &err),
                 ECSB_ERR_TIMEOUT);
    CHECK_INT_EQ(waited, 300000); /* a longer timeouts.docker waits longer */
    fc = (struct fake_clock){0, 0};
    CHECK_INT_EQ(ecsb_preflight_wait_running(m, "ecsb-no-such-docker", 0, &clock, &waited, &err),
                 ECSB_ERR_TIMEOUT);
    CHECK_INT_EQ(fc.sleeps, 0);
    ecsb_service_mgr_close(m);
}

int main(int argc, char **argv)
{
    (void)argc;
    find_dummy(argv[0]);
#ifdef _WIN32
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
#else
    char tmpl[] = "/tmp/ecsb-host-test-XXXXXX";
    if (!mkdtemp(tmpl)) {
        printf("FAIL mkdtemp\n");
        return 1;
    }
    snprintf(state_dir, sizeof state_dir, "%s", tmpl);
#endif
    if (!ecsb_fs_exists(dummy_path))
        printf("FAIL setup: %s is missing; build it with `make` (target tools)\n", dummy_path);
    RUN(amazonecs_spec_matches_the_reference);
#ifdef _WIN32
    RUN(os_version_reads_rtlgetversion_and_installation_type);
#else
    RUN(os_version_is_unsupported_and_says_which_flags);
#endif
    RUN(envfile_round_trips_tricky_values);
    RUN(envfile_rejects_what_no_writer_produces);
    RUN(agent_env_apply_is_idempotent_and_leaves_user_values);
    RUN(service_lifecycle_is_idempotent);
    RUN(service_created_with_a_dependency_is_unchanged_next_time);
    RUN(service_exit_code_is_reported_after_the_fact);
    RUN(port_check_sees_a_listener);
    RUN(wait_running_is_bounded_by_its_timeout);
#ifdef _WIN32
    WSACleanup();
#else
    remove_tree(state_dir);
#endif
    return check_summary();
}
