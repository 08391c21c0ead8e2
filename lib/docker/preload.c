/* preload.c: the image preload (see ecsb/docker/preload.h). */
#include "ecsb/docker/preload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/json.h"
#include "ecsb/base/thread.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/registry.h"

const char *ecsb_preload_result_name(enum ecsb_preload_result r)
{
    static const char *const names[] = {"present", "pulled", "missing", "wrong-build", "failed"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

void ecsb_preload_order(const char *const *images, size_t n, size_t *order)
{
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if ((strstr(images[i], "servercore") != NULL) == (pass == 0))
                order[k++] = i;
}

struct shared {
    const struct ecsb_preload_opts *o;
    struct ecsb_preload_item *items;
    size_t n, next;
    struct ecsb_mutex *lock;
};

static void say(struct shared *sh, const char *fmt, ...) ECSB_PRINTF(2, 3);
static void say(struct shared *sh, const char *fmt, ...)
{
    if (!sh->o->on_line) return;
    struct ecsb_buf b = ECSB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ecsb_mutex_lock(sh->lock);
    sh->o->on_line(sh->o->ctx, ecsb_buf_cstr(&b));
    ecsb_mutex_unlock(sh->lock);
    ecsb_buf_free(&b);
}

/* Sets what the live view shows (under the lock) and lets it redraw. */
static void show(struct shared *sh, struct ecsb_preload_item *it, const char *step,
                 const struct ecsb_pull_progress *p)
{
    if (!sh->o->on_update) return;
    ecsb_mutex_lock(sh->lock);
    if (step) it->live.step = step;
    if (p) {
        it->live.downloaded = p->downloaded;
        it->live.download_total = p->download_total;
        it->live.extracted = p->extracted;
        it->live.extract_total = p->extract_total;
    }
    sh->o->on_update(sh->o->ctx, sh->items, sh->n, false);
    ecsb_mutex_unlock(sh->lock);
}

/* The step a status word belongs to: one progress line per image per step. */
static const char *step_of(const char *status)
{
    if (!status) return NULL;
    if (!strcmp(status, "Downloading") || !strcmp(status, "Verifying Checksum") ||
        !strcmp(status, "Download complete") || !strncmp(status, "Retrying", 8))
        return "downloading";
    if (!strcmp(status, "Extracting") || !strcmp(status, "Pull complete")) return "extracting";
    if (!strncmp(status, "Digest:", 7) || !strncmp(status, "Status:", 7)) return "done";
    return "starting";
}

struct pull_watch {
    struct shared *sh;
    struct ecsb_preload_item *item;
    const char *step;
    long long last_line, started;
};

static void on_progress(void *ctx, const struct ecsb_pull_progress *p)
{
    struct pull_watch *w = ctx;
    const char *step = step_of(p->last_status);
    long long now = ecsb_clock_mono(w->sh->o->clock);
    w->item->downloaded = p->downloaded;
    if (w->sh->o->on_update) {
        show(w->sh, w->item, step, p); /* the live view replaces the progress lines */
        return;
    }
    bool new_step = step && (!w->step || strcmp(step, w->step) != 0);
    if (!new_step && now - w->last_line < w->sh->o->progress_every_ms) return;
    if (step) w->step = step;
    w->last_line = now;
    say(w->sh, "preload: %s: %s, downloaded %.1f/%.1f MB, extracted %.1f/%.1f MB, layers %u/%u (%u present), %llds",
        w->item->ref, w->step ? w->step : "starting", p->downloaded / 1e6, p->download_total / 1e6,
        p->extracted / 1e6, p->extract_total / 1e6, p->layers_done, p->layers, p->layers_present,
        (now - w->started) / 1000);
}

/* Inspects ref into the item; true when it is present. A build mismatch sets wrong;
 * err->code is ECSB_ERR_NOT_FOUND for an absent image, another code when the engine
 * could not be asked (then nothing may be concluded). */
static bool inspect(struct ecsb_docker *d, struct shared *sh, struct ecsb_preload_item *it, bool *wrong,
                    struct ecsb_error *err)
{
    struct ecsb_docker_image img;
    *wrong = false;
    if (ecsb_docker_image_inspect(d, it->ref, &img, err) != ECSB_OK) return false;
    err->code = ECSB_OK;
    free(it->os_version);
    it->os_version = ecsb_xstrdup(img.os_version);
    it->size = img.size;
    unsigned b = ecsb_docker_build_of(img.os_version);
    *wrong = sh->o->host_build && b && b != sh->o->host_build;
    ecsb_docker_image_free(&img);
    return true;
}

static void fail(struct ecsb_preload_item *it, enum ecsb_preload_result r, const char *msg)
{
    it->result = r;
    free(it->error);
    it->error = ecsb_xstrdup(msg);
}

static void wrong_build(struct shared *sh, struct ecsb_preload_item *it)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s is built for Windows %s but this host is build %u: a container from it would "
             "fail to start (0xc0370101); use the tag of the host's release", it->ref, it->os_version,
             sh->o->host_build);
    fail(it, ECSB_PRELOAD_WRONG_BUILD, msg);
}

/* The login for the image's registry, or NULL: credentials go only to the registry they
 * were given for. */
static const struct ecsb_registry_login *login_for(const struct ecsb_preload_opts *o, const char *ref)
{
    struct ecsb_image_ref r;
    struct ecsb_error err = {0};
    if (!o->n_logins || ecsb_image_ref_parse(ref, &r, &err) != ECSB_OK) return NULL;
    const struct ecsb_registry_login *found = NULL;
    for (size_t i = 0; i < o->n_logins && !found; i++)
        if (o->logins[i].registry && !strcmp(r.registry, o->logins[i].registry)) found = &o->logins[i];
    ecsb_image_ref_free(&r);
    return found;
}

static const char *auth_for(const struct ecsb_preload_opts *o, const char *ref)
{
    const struct ecsb_registry_login *l = login_for(o, ref);
    return l ? l->header : NULL;
}

/* Pulls with retries; ECSB_OK when a pull finished. */
static enum ecsb_status pull_with_retries(struct ecsb_docker *d, struct shared *sh, struct ecsb_preload_item *it,
                                          struct ecsb_error *err)
{
    const struct ecsb_preload_opts *o = sh->o;
    long backoff = o->backoff_ms > 0 ? o->backoff_ms : 1000;
    enum ecsb_status st = ECSB_ERR_TIMEOUT;
    for (int a = 1; a <= (o->attempts > 0 ? o->attempts : 1); a++) {
        if (o->deadline_ms && ecsb_clock_mono(o->clock) >= o->deadline_ms) {
            ecsb_error_prefix(err, "deadline passed before attempt %d", a);
            return ECSB_ERR_TIMEOUT;
        }
        it->attempts = a;
        struct pull_watch w = {sh, it, NULL, 0, ecsb_clock_mono(o->clock)};
        say(sh, "preload: %s: pulling (attempt %d)", it->ref, a);
        show(sh, it, "pulling", NULL);
        st = ecsb_docker_pull(d, it->ref, auth_for(o, it->ref), o->idle_ms, on_progress, &w, err);
        if (st == ECSB_OK || st == ECSB_ERR_NOT_FOUND || st == ECSB_ERR_INVALID) return st;
        say(sh, "preload: %s: attempt %d failed: %s", it->ref, a, err->message);
        long wait = backoff;
        if (o->deadline_ms && ecsb_clock_mono(o->clock) + wait > o->deadline_ms) break;
        if (a < o->attempts) ecsb_clock_sleep(o->clock, wait);
        backoff *= 2;
    }
    return st;
}

/* The check before download; false when the image must not be pulled (result set). */
static bool registry_allows(struct ecsb_docker *d, struct shared *sh, struct ecsb_preload_item *it)
{
    if (!sh->o->host_build) return true;
    show(sh, it, "checking", NULL);
    struct ecsb_registry_check rc;
    struct ecsb_error err = {0};
    long long t0 = ecsb_clock_mono(sh->o->clock);
    const struct ecsb_registry_login *l = login_for(sh->o, it->ref);
    struct ecsb_registry_creds creds = {l ? l->registry : NULL, l ? l->username : NULL, l ? l->password : NULL};
    enum ecsb_status st = ecsb_registry_check_auth(d->http, it->ref, sh->o->host_build, sh->o->call_timeout_ms, &creds,
                                                   &rc, &err);
    it->check_ms = ecsb_clock_mono(sh->o->clock) - t0;
    bool go = true;
    if (st == ECSB_ERR_INVALID) {
        fail(it, ECSB_PRELOAD_WRONG_BUILD, err.message);
        go = false;
    } else if (st == ECSB_ERR_NOT_FOUND) {
        fail(it, ECSB_PRELOAD_MISSING, err.message);
        go = false;
    } else if (st != ECSB_OK) {
        say(sh, "preload: %s: registry check skipped (%s); the build is checked after the pull", it->ref, err.message);
    } else {
        it->download_size = rc.download_size;
        say(sh, "preload: %s: registry offers %s%s, %.1f MB to download", it->ref, rc.checked ? "build " : "",
            rc.checked ? rc.os_version : "no Windows build to compare", rc.download_size / 1e6);
    }
    ecsb_registry_check_free(&rc);
    return go;
}

static void process(struct ecsb_docker *d, struct shared *sh, struct ecsb_preload_item *it)
{
    long long t0 = ecsb_clock_mono(sh->o->clock);
    struct ecsb_error err = {0};
    bool wrong = false;
    show(sh, it, "inspecting", NULL);
    bool present = inspect(d, sh, it, &wrong, &err);
    if (!present && err.code != ECSB_ERR_NOT_FOUND) {
        fail(it, ECSB_PRELOAD_FAILED, err.message); /* the engine did not answer: neither present nor missing */
    } else if (present && !wrong) {
        it->result = ECSB_PRELOAD_PRESENT;
    } else if (sh->o->verify_only) {
        if (present) wrong_build(sh, it);
        else fail(it, ECSB_PRELOAD_MISSING, err.code == ECSB_ERR_NOT_FOUND ? "not present on the engine" : err.message);
    } else if (registry_allows(d, sh, it)) {
        /* Missing, or a floating tag whose present image has another build: pull, then check again. */
        enum ecsb_status st = pull_with_retries(d, sh, it, &err);
        if (st != ECSB_OK)
            fail(it, st == ECSB_ERR_NOT_FOUND || st == ECSB_ERR_INVALID ? ECSB_PRELOAD_MISSING : ECSB_PRELOAD_FAILED,
                 err.message);
        else if (!inspect(d, sh, it, &wrong, &err))
            fail(it, ECSB_PRELOAD_FAILED, err.message);
        else if (wrong)
            wrong_build(sh, it);
        else
            it->result = ECSB_PRELOAD_PULLED;
    }
    it->ms = ecsb_clock_mono(sh->o->clock) - t0;
    show(sh, it, ecsb_preload_result_name(it->result), NULL);
    say(sh, "preload: %s: %s%s%s", it->ref, ecsb_preload_result_name(it->result), it->error ? ": " : "",
        it->error ? it->error : "");
}

static void worker(void *arg)
{
    struct shared *sh = arg;
    struct ecsb_docker d;
    struct ecsb_error err = {0};
    bool open = ecsb_docker_open(&d, sh->o->docker_host, sh->o->call_timeout_ms, &err) == ECSB_OK;
    for (;;) {
        ecsb_mutex_lock(sh->lock);
        size_t i = sh->next < sh->n ? sh->next++ : sh->n;
        ecsb_mutex_unlock(sh->lock);
        if (i == sh->n) break;
        if (open) process(&d, sh, &sh->items[i]);
        else fail(&sh->items[i], ECSB_PRELOAD_FAILED, err.message);
    }
    if (open) ecsb_docker_close(&d);
}

static enum ecsb_status wait_engine(const struct ecsb_preload_opts *o, struct ecsb_error *err)
{
    struct ecsb_docker d;
    enum ecsb_status st = ecsb_docker_open(&d, o->docker_host, o->call_timeout_ms, err);
    if (st != ECSB_OK) return st;
    st = ecsb_docker_wait(&d, o->engine_wait_ms, o->clock, err);
    ecsb_docker_close(&d);
    return st;
}

static void run_workers(struct shared *sh, int parallel)
{
    struct ecsb_thread *threads[8] = {0};
    int n = parallel < 1 ? 1 : parallel > 8 ? 8 : parallel;
    if ((size_t)n > sh->n) n = (int)sh->n;
    for (int i = 1; i < n; i++) {
        struct ecsb_error err = {0};
        if (ecsb_thread_start(&threads[i], worker, sh, &err) != ECSB_OK) threads[i] = NULL;
    }
    worker(sh); /* this thread is worker 0 */
    for (int i = 1; i < n; i++) ecsb_thread_join(threads[i]);
}

enum ecsb_status ecsb_preload_run(const struct ecsb_preload_opts *o, const char *const *images, size_t n,
                                  struct ecsb_preload_report *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    enum ecsb_status st = wait_engine(o, err);
    if (st != ECSB_OK) return st;
    size_t *order = ecsb_xcalloc(n ? n : 1, sizeof *order);
    ecsb_preload_order(images, n, order);
    out->items = ecsb_xcalloc(n ? n : 1, sizeof *out->items);
    out->count = n;
    for (size_t i = 0; i < n; i++) {
        out->items[i].ref = ecsb_xstrdup(images[order[i]]);
        out->items[i].os_version = ecsb_xstrdup("");
        out->items[i].live.step = "waiting";
    }
    free(order);
    struct shared sh = {o, out->items, n, 0, ecsb_mutex_new()};
    run_workers(&sh, o->parallel);
    if (o->on_update) o->on_update(o->ctx, out->items, n, true); /* the last frame, whatever happened */
    ecsb_mutex_free(sh.lock);
    const char *first = NULL;
    bool any_missing = false;
    for (size_t i = 0; i < n; i++) {
        enum ecsb_preload_result r = out->items[i].result;
        out->pulled += r == ECSB_PRELOAD_PULLED;
        out->present += r == ECSB_PRELOAD_PRESENT;
        if (r != ECSB_PRELOAD_PULLED && r != ECSB_PRELOAD_PRESENT) {
            out->failed++;
            any_missing |= r == ECSB_PRELOAD_MISSING || r == ECSB_PRELOAD_WRONG_BUILD;
            if (!first) first = out->items[i].error;
        }
    }
    if (!out->failed) return ECSB_OK;
    return ecsb_error_set(err, any_missing ? ECSB_ERR_NOT_FOUND : ECSB_ERR_HTTP, "%u of %u image(s) not preloaded; "
                          "first: %s", out->failed, (unsigned)n, first ? first : "(no message)");
}

void ecsb_preload_report_free(struct ecsb_preload_report *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free(r->items[i].ref);
        free(r->items[i].os_version);
        free(r->items[i].error);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

void ecsb_preload_table(const struct ecsb_preload_report *r, struct ecsb_buf *out)
{
    ecsb_buf_printf(out, "%-60s %-16s %10s %8s %s\n", "IMAGE", "BUILD", "SIZE", "TIME", "RESULT");
    for (size_t i = 0; i < r->count; i++) {
        const struct ecsb_preload_item *it = &r->items[i];
        ecsb_buf_printf(out, "%-60s %-16s %8.1fMB %7.1fs %s\n", it->ref, *it->os_version ? it->os_version : "-",
                        it->size / 1e6, it->ms / 1000.0, ecsb_preload_result_name(it->result));
    }
    ecsb_buf_printf(out, "%u pulled, %u present, %u failed\n", r->pulled, r->present, r->failed);
}

void ecsb_preload_json(const struct ecsb_preload_report *r, struct ecsb_buf *out)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, 2);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "images");
    ecsb_jw_array_begin(&w);
    for (size_t i = 0; i < r->count; i++) {
        const struct ecsb_preload_item *it = &r->items[i];
        ecsb_jw_object_begin(&w);
        ecsb_jw_key(&w, "image");
        ecsb_jw_string(&w, it->ref);
        ecsb_jw_key(&w, "result");
        ecsb_jw_string(&w, ecsb_preload_result_name(it->result));
        ecsb_jw_key(&w, "os_version");
        ecsb_jw_string(&w, it->os_version);
        ecsb_jw_key(&w, "size");
        ecsb_jw_int(&w, it->size);
        ecsb_jw_key(&w, "download_size");
        ecsb_jw_int(&w, it->download_size);
        ecsb_jw_key(&w, "check_ms");
        ecsb_jw_int(&w, it->check_ms);
        ecsb_jw_key(&w, "downloaded");
        ecsb_jw_int(&w, it->downloaded);
        ecsb_jw_key(&w, "ms");
        ecsb_jw_int(&w, it->ms);
        ecsb_jw_key(&w, "attempts");
        ecsb_jw_int(&w, it->attempts);
        ecsb_jw_key(&w, "error");
        ecsb_jw_string(&w, it->error);
        ecsb_jw_object_end(&w);
    }
    ecsb_jw_array_end(&w);
    ecsb_jw_key(&w, "pulled");
    ecsb_jw_int(&w, r->pulled);
    ecsb_jw_key(&w, "present");
    ecsb_jw_int(&w, r->present);
    ecsb_jw_key(&w, "failed");
    ecsb_jw_int(&w, r->failed);
    ecsb_jw_object_end(&w);
    ecsb_buf_putc(out, '\n');
}
