/* POSIX half of service.h: a process "service manager" for development and tests.
 *
 * start:  parent --fork--> A (setsid) --fork--> B (supervisor) --fork--> C (exec binary)
 *   A exits at once so the parent can reap it and B is re-parented to init: the service
 *   outlives the bootstrapper, like a real service. B reports C's pid (or C's exec
 *   failure) to the parent over a pipe, then waits for C and records how it ended in
 *   <name>.exitcode. The parent waits for that report no longer than the timeout.
 * Known limit: the pid file can name a recycled pid after a reboot; this backend is
 * for development hosts and tests, where the state dir is fresh. */
#include "ecsb/agent/service.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ecsb/agent/env_store.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"

extern char **environ;

struct ecsb_service_mgr {
    char *dir;
};

enum ecsb_status ecsb_service_mgr_open(const char *state_dir, struct ecsb_service_mgr **out,
                                       struct ecsb_error *err)
{
    *out = NULL;
    if (!state_dir || !*state_dir)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "service manager: the POSIX backend needs a state directory");
    enum ecsb_status st = ecsb_fs_mkdirs(state_dir, err);
    if (st != ECSB_OK)
        return st;
    *out = ecsb_xcalloc(1, sizeof **out);
    (*out)->dir = ecsb_xstrdup(state_dir);
    return ECSB_OK;
}

void ecsb_service_mgr_close(struct ecsb_service_mgr *m)
{
    if (m) {
        free(m->dir);
        free(m);
    }
}

static bool name_ok(const char *name)
{
    if (!name || !*name || name[0] == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

static char *state_path(const struct ecsb_service_mgr *m, const char *name, const char *ext)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s/%s.%s", m->dir, name, ext);
    return ecsb_buf_detach(&b);
}

char *ecsb_service_console_log(const struct ecsb_service_mgr *m, const char *name)
{
    return m && name_ok(name) ? state_path(m, name, "log") : NULL;
}

static enum ecsb_status bad_name(const char *name, struct ecsb_error *err)
{
    return ecsb_error_set(err, ECSB_ERR_INVALID, "service name \"%s\": use letters, digits, '_', '-', '.'",
                          name ? name : "(null)");
}

/* pipe() with both ends close-on-exec (pipe2 is not POSIX). */
static int cloexec_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- ensure: the spec as an env-format file, rewritten only when it differs ---- */

static void spec_to_file(const struct ecsb_service_spec *s, struct ecsb_envfile *f)
{
    static const char *const types[] = {"auto", "delayed-auto", "demand"};
    char key[32];
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_envfile_set(f, "NAME", s->name);
    ecsb_envfile_set(f, "DISPLAY_NAME", s->display_name ? s->display_name : s->name);
    ecsb_envfile_set(f, "DESCRIPTION", s->description ? s->description : "");
    ecsb_envfile_set(f, "BINARY", s->binary);
    ecsb_buf_printf(&b, "%lu", (unsigned long)s->nargs);
    ecsb_envfile_set(f, "ARGC", ecsb_buf_cstr(&b));
    for (size_t i = 0; i < s->nargs; i++) {
        snprintf(key, sizeof key, "ARG_%lu", (unsigned long)i);
        ecsb_envfile_set(f, key, s->args[i]);
    }
    for (size_t i = 0; i < s->ndeps; i++) {
        snprintf(key, sizeof key, "DEPENDS_%lu", (unsigned long)i);
        ecsb_envfile_set(f, key, s->dependencies[i]);
    }
    ecsb_envfile_set(f, "START_TYPE", types[s->start_type <= ECSB_START_DEMAND ? s->start_type : 0]);
    ecsb_buf_reset(&b);
    for (size_t i = 0; i < s->nrestarts && i < ECSB_SERVICE_MAX_RESTARTS; i++)
        ecsb_buf_printf(&b, "%s%u", i ? "," : "", s->restart_delays_ms[i]);
    ecsb_envfile_set(f, "RESTART_DELAYS_MS", ecsb_buf_cstr(&b));
    ecsb_buf_reset(&b);
    ecsb_buf_printf(&b, "%u", s->reset_period_s);
    ecsb_envfile_set(f, "RESET_PERIOD_S", ecsb_buf_cstr(&b));
    ecsb_envfile_set(f, "FAILURE_ACTIONS_ON_NON_CRASH", s->failure_actions_on_non_crash ? "true" : "false");
    ecsb_envfile_set(f, "ENV_FILE", s->env_file ? s->env_file : "");
    ecsb_buf_free(&b);
}

enum ecsb_status ecsb_service_ensure(struct ecsb_service_mgr *m, const struct ecsb_service_spec *spec,
                                     bool *changed, struct ecsb_error *err)
{
    *changed = false;
    if (!name_ok(spec->name))
        return bad_name(spec->name, err);
    if (!spec->binary || spec->binary[0] != '/')
        return ecsb_error_set(err, ECSB_ERR_INVALID, "service %s: binary must be an absolute path", spec->name);
    struct ecsb_envfile f = ECSB_ENVFILE_INIT;
    spec_to_file(spec, &f);
    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_envfile_render(&f, "service spec, written by ecs-bootstrap", &text);
    ecsb_envfile_free(&f);
    char *path = state_path(m, spec->name, "service"), *old = NULL;
    size_t old_len = 0;
    bool same = ecsb_fs_exists(path) && ecsb_fs_read(path, &old, &old_len, NULL) == ECSB_OK &&
                old_len == text.len && memcmp(old, text.data, old_len) == 0;
    enum ecsb_status st = ECSB_OK;
    if (!same) {
        st = ecsb_fs_write_atomic(path, text.data, text.len, err);
        *changed = st == ECSB_OK;
    }
    free(old);
    free(path);
    ecsb_buf_free(&text);
    return st;
}

/* ---- query ---- */

static long read_number_file(const char *path, char *kind, size_t kind_cap)
{
    char *data = NULL;
    size_t len = 0;
    long v = -1;
    if (ecsb_fs_exists(path) && ecsb_fs_read(path, &data, &len, NULL) == ECSB_OK) {
        char word[16] = "";
        long n;
        if (kind && sscanf(data, "%15s %ld", word, &n) == 2) {
            snprintf(kind, kind_cap, "%s", word);
            v = n;
        } else if (!kind && sscanf(data, "%ld", &n) == 1 && n > 0) {
            v = n;
        }
    }
    free(data);
    return v;
}

static bool alive(pid_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

enum ecsb_status ecsb_service_query(struct ecsb_service_mgr *m, const char *name, struct ecsb_service_status *out,
                                    struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name_ok(name))
        return bad_name(name, err);
    char *spec = state_path(m, name, "service"), *pidf = state_path(m, name, "pid"),
         *exitf = state_path(m, name, "exitcode");
    if (ecsb_fs_exists(spec)) {
        long pid = read_number_file(pidf, NULL, 0);
        char kind[16] = "";
        long code = read_number_file(exitf, kind, sizeof kind);
        /* An exit record newer than the pid wins: the supervisor wrote it after C died. */
        if (code < 0 && alive((pid_t)pid)) {
            out->state = ECSB_SVC_RUNNING;
            out->pid = (unsigned long)pid;
        } else {
            out->state = ECSB_SVC_STOPPED;
            if (code >= 0) {
                out->has_exit_code = true;
                if (strcmp(kind, "signal") == 0)
                    out->term_signal = (int)code;
                else
                    out->exit_code = code;
            }
        }
    }
    free(spec);
    free(pidf);
    free(exitf);
    return ECSB_OK;
}

/* ---- start ---- */

struct spawn_report {
    int kind;  /* 0 started (value = pid), 1 exec failed (value = errno), 2 setup failed (errno) */
    int value;
};

static void report_to_parent(int fd, int kind, int value)
{
    struct spawn_report r = {kind, value};
    ssize_t n;
    do
        n = write(fd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
}

/* C: becomes the service binary. Never returns. */
static void exec_child(const char *binary, char *const argv[], char *const envp[], int log_fd, int exec_err_fd)
{
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
        goto fail;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execve(binary, argv, envp);
fail:;
    int e = errno;
    ssize_t n = write(exec_err_fd, &e, sizeof e);
    (void)n;
    _exit(127);
}

/* B: forks C, reports, waits, records the exit. Never returns. */
static void supervise(const char *binary, char *const argv[], char *const envp[], int log_fd, int report_fd,
                      const char *pidf, const char *exitf)
{
    int ep[2];
    if (cloexec_pipe(ep) != 0) {
        report_to_parent(report_fd, 2, errno);
        _exit(1);
    }
    pid_t c = fork();
    if (c < 0) {
        report_to_parent(report_fd, 2, errno);
        _exit(1);
    }
    if (c == 0) {
        close(ep[0]);
        close(report_fd);
        exec_child(binary, argv, envp, log_fd, ep[1]);
    }
    close(ep[1]);
    close(log_fd);
    int exec_errno = 0;
    ssize_t n;
    do /* EOF (0 bytes) means execv succeeded: the pipe closed on exec */
        n = read(ep[0], &exec_errno, sizeof exec_errno);
    while (n < 0 && errno == EINTR);
    close(ep[0]);
    int status = 0;
    if (n > 0) {
        waitpid(c, &status, 0);
        report_to_parent(report_fd, 1, exec_errno);
        _exit(1);
    }
    char text[64];
    snprintf(text, sizeof text, "%ld\n", (long)c);
    if (ecsb_fs_write_atomic(pidf, text, strlen(text), NULL) != ECSB_OK) {
        kill(c, SIGKILL);
        report_to_parent(report_fd, 2, EIO);
        _exit(1);
    }
    report_to_parent(report_fd, 0, (int)c);
    close(report_fd);
    while (waitpid(c, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status))
        snprintf(text, sizeof text, "signal %d\n", WTERMSIG(status));
    else
        snprintf(text, sizeof text, "exit %d\n", WEXITSTATUS(status));
    ecsb_fs_write_atomic(exitf, text, strlen(text), NULL);
    _exit(0);
}

/* Loads the spec written by ensure(). */
static enum ecsb_status load_spec(struct ecsb_service_mgr *m, const char *name, struct ecsb_envfile *spec,
                                  struct ecsb_error *err)
{
    char *path = state_path(m, name, "service");
    enum ecsb_status st = ECSB_OK;
    if (!ecsb_fs_exists(path))
        st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "service %s is not installed (no %s)", name, path);
    else
        st = ecsb_envfile_load(path, spec, err);
    free(path);
    return st;
}

static char **build_argv(const struct ecsb_envfile *spec)
{
    const char *argc_s = ecsb_envfile_get(spec, "ARGC");
    size_t argc = argc_s ? strtoul(argc_s, NULL, 10) : 0;
    if (argc > 1024)
        argc = 1024;
    char **argv = ecsb_xcalloc(argc + 2, sizeof *argv);
    argv[0] = ecsb_xstrdup(ecsb_envfile_get(spec, "BINARY"));
    for (size_t i = 0; i < argc; i++) {
        char key[32];
        snprintf(key, sizeof key, "ARG_%lu", (unsigned long)i);
        const char *v = ecsb_envfile_get(spec, key);
        argv[i + 1] = ecsb_xstrdup(v ? v : "");
    }
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* Waits (bounded) for B's report. */
static enum ecsb_status await_report(int fd, const char *name, const char *binary, unsigned timeout_ms,
                                     struct ecsb_error *err)
{
    double deadline = now_ms() + timeout_ms;
    struct spawn_report r = {0};
    size_t got = 0;
    while (got < sizeof r) {
        double left = deadline - now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        int pr = left > 0 ? poll(&p, 1, (int)left + 1) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "service %s: no start report within %u ms", name,
                                  timeout_ms);
        ssize_t n = read(fd, (char *)&r + got, sizeof r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: the supervisor died before reporting", name);
        got += (size_t)n;
    }
    if (r.kind == 1)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: cannot execute %s: %s", name, binary,
                              strerror(r.value));
    if (r.kind != 0)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: starting failed: %s", name, strerror(r.value));
    return ECSB_OK;
}

static void detach_std_fds(void)
{
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0)
        return;
    for (int fd = 0; fd <= 2; fd++)
        dup2(null_fd, fd);
    if (null_fd > 2)
        close(null_fd);
}

static enum ecsb_status spawn(struct ecsb_service_mgr *m, const char *name, const struct ecsb_envfile *spec,
                              const struct ecsb_envfile *env, unsigned timeout_ms, struct ecsb_error *err)
{
    char *pidf = state_path(m, name, "pid"), *exitf = state_path(m, name, "exitcode"),
         *logf = state_path(m, name, "log");
    char **argv = build_argv(spec);
    /* Built before fork (no allocation in the children). The agent gets a clean
     * environment, never ours: ours may hold AWS keys. */
    char **envp = ecsb_agent_clean_environ(env, environ, getenv("ECS_BOOTSTRAP_AGENT_PASSENV"));
    enum ecsb_status st = ECSB_OK;
    int rp[2] = {-1, -1};
    int log_fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    unlink(exitf); /* the old record would make the new run look finished */
    if (log_fd < 0 || cloexec_pipe(rp) != 0) {
        st = ecsb_error_set(err, ECSB_ERR_IO, "service %s: cannot open %s or a pipe: %s", name, logf,
                            strerror(errno));
        goto out;
    }
    pid_t a = fork();
    if (a < 0) {
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: fork failed: %s", name, strerror(errno));
        goto out;
    }
    if (a == 0) { /* A: new session, hand over to B, leave */
        close(rp[0]);
        /* A and the supervisor B outlive the caller: they must not hold its stdin,
         * stdout or stderr, or `ecs-bootstrap run | tee` never sees end of file. */
        detach_std_fds();
        setsid();
        pid_t b = fork();
        if (b == 0)
            supervise(argv[0], argv, envp, log_fd, rp[1], pidf, exitf);
        if (b < 0)
            report_to_parent(rp[1], 2, errno);
        _exit(0);
    }
    close(rp[1]);
    rp[1] = -1;
    while (waitpid(a, NULL, 0) < 0 && errno == EINTR) {
    }
    st = await_report(rp[0], name, argv[0], timeout_ms, err);
out:
    if (log_fd >= 0)
        close(log_fd);
    if (rp[0] >= 0)
        close(rp[0]);
    if (rp[1] >= 0)
        close(rp[1]);
    free_argv(argv);
    ecsb_environ_free(envp);
    free(pidf);
    free(exitf);
    free(logf);
    return st;
}

enum ecsb_status ecsb_service_start(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                    bool *changed, struct ecsb_error *err)
{
    *changed = false;
    if (!name_ok(name))
        return bad_name(name, err);
    struct ecsb_envfile spec = ECSB_ENVFILE_INIT, env = ECSB_ENVFILE_INIT;
    enum ecsb_status st = load_spec(m, name, &spec, err);
    struct ecsb_service_status cur = {0};
    if (st == ECSB_OK)
        st = ecsb_service_query(m, name, &cur, err);
    if (st != ECSB_OK || cur.state == ECSB_SVC_RUNNING)
        goto out;
    /* Read the environment here, not in the child, so a bad file is reported to the caller. */
    const char *env_file = ecsb_envfile_get(&spec, "ENV_FILE");
    if (env_file && *env_file)
        st = ecsb_envfile_load(env_file, &env, err);
    if (st == ECSB_OK)
        st = spawn(m, name, &spec, &env, timeout_ms, err);
    *changed = st == ECSB_OK;
out:
    ecsb_envfile_free(&spec);
    ecsb_envfile_free(&env);
    return st;
}

/* ---- stop, uninstall ---- */

static bool wait_gone(pid_t pid, double deadline)
{
    while (alive(pid)) {
        if (now_ms() >= deadline)
            return false;
        sleep_ms(20);
    }
    return true;
}

enum ecsb_status ecsb_service_stop(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                   bool *changed, struct ecsb_error *err)
{
    *changed = false;
    struct ecsb_service_status cur;
    enum ecsb_status st = ecsb_service_query(m, name, &cur, err);
    if (st != ECSB_OK || cur.state != ECSB_SVC_RUNNING)
        return st;
    pid_t pid = (pid_t)cur.pid;
    *changed = true;
    if (kill(pid, SIGTERM) != 0 && errno != ESRCH)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "service %s: kill(%ld, SIGTERM): %s", name, (long)pid,
                              strerror(errno));
    if (!wait_gone(pid, now_ms() + timeout_ms)) {
        kill(pid, SIGKILL); /* it had its chance; SIGKILL cannot be ignored */
        if (!wait_gone(pid, now_ms() + 2000))
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "service %s: pid %ld survived SIGKILL", name, (long)pid);
    }
    /* Give the supervisor a moment to record the exit, so a query right after sees it. */
    char *exitf = state_path(m, name, "exitcode");
    double deadline = now_ms() + 2000;
    while (!ecsb_fs_exists(exitf) && now_ms() < deadline)
        sleep_ms(10);
    free(exitf);
    return ECSB_OK;
}

enum ecsb_status ecsb_service_uninstall(struct ecsb_service_mgr *m, const char *name, unsigned timeout_ms,
                                        bool *changed, struct ecsb_error *err)
{
    *changed = false;
    if (!name_ok(name))
        return bad_name(name, err);
    char *spec = state_path(m, name, "service");
    bool installed = ecsb_fs_exists(spec);
    free(spec);
    if (!installed)
        return ECSB_OK;
    bool stopped;
    enum ecsb_status st = ecsb_service_stop(m, name, timeout_ms, &stopped, err);
    if (st != ECSB_OK)
        return st;
    static const char *const exts[] = {"pid", "exitcode", "service"}; /* the log stays for post-mortems */
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char *p = state_path(m, name, exts[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            st = ecsb_error_set(err, ECSB_ERR_IO, "service %s: cannot remove %s: %s", name, p, strerror(errno));
        free(p);
    }
    *changed = st == ECSB_OK;
    return st;
}
