/* warm.c: the EBS warm-up (see ecsb/docker/warm.h). */
#include "ecsb/docker/warm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/crypto.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/dirwalk.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"
#include "ecsb/base/thread.h"
#include "ecsb/docker/engine.h"

struct file_list {
    char **paths;
    int64_t *sizes;
    size_t count, cap;
};

struct warm {
    const struct ecsb_warm_opts *o;
    struct ecsb_warm_report *r;
    struct file_list files;
    char **folders; /* walked already: layers shared by two images are read once */
    size_t n_folders;
    size_t next;
    long long deadline;
    struct ecsb_mutex *lock;
};

static void say(struct warm *w, const char *fmt, ...) ECSB_PRINTF(2, 3);
static void say(struct warm *w, const char *fmt, ...)
{
    if (!w->o->on_line) return;
    struct ecsb_buf b = ECSB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    w->o->on_line(w->o->ctx, ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
}

static bool add_file(void *ctx, const char *path, int64_t size)
{
    struct warm *w = ctx;
    struct file_list *l = &w->files;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->paths = ecsb_xrealloc(l->paths, l->cap * sizeof *l->paths);
        l->sizes = ecsb_xrealloc(l->sizes, l->cap * sizeof *l->sizes);
    }
    l->paths[l->count] = ecsb_xstrdup(path);
    l->sizes[l->count++] = size;
    w->r->bytes_total += size;
    return true;
}

static enum ecsb_status walk_folder(struct warm *w, const char *dir, struct ecsb_error *err)
{
    for (size_t i = 0; i < w->n_folders; i++)
        if (!strcmp(w->folders[i], dir)) return ECSB_OK;
    w->folders = ecsb_xrealloc(w->folders, (w->n_folders + 1) * sizeof *w->folders);
    w->folders[w->n_folders++] = ecsb_xstrdup(dir);
    enum ecsb_status st = ecsb_dir_walk(dir, add_file, w, err);
    if (st == ECSB_OK) w->r->folders++;
    return st;
}

/* windowsfilter keeps the parent layers' folders in <dir>/layerchain.json. */
static void add_layer_chain(struct warm *w, const char *dir)
{
    struct ecsb_buf p = ECSB_BUF_INIT;
    ecsb_buf_printf(&p, "%s%clayerchain.json", dir, strchr(dir, '\\') ? '\\' : '/');
    char *text = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    struct ecsb_json *chain = NULL;
    if (ecsb_fs_read_limited(p.data, 1 << 20, &text, &len, &err) == ECSB_OK &&
        ecsb_json_parse(text, len, NULL, &chain, &err) == ECSB_OK)
        for (size_t i = 0; chain->type == ECSB_JSON_ARRAY && i < chain->count; i++) {
            const char *parent = ecsb_json_string(chain->items[i]);
            if (parent) walk_folder(w, parent, &err);
        }
    ecsb_json_free(chain);
    free(text);
    ecsb_buf_free(&p);
}

/* Drivers that report no GraphDriver.Data (vfs) keep each layer under
 * <root>/<driver>/dir/<cache-id>, the cache-id filed under the layer's chain ID in
 * <root>/image/<driver>/layerdb/sha256/<chain>/cache-id; chain(0) = diff(0),
 * chain(n) = sha256(chain(n-1) + " " + diff(n)). */
static void add_layerdb_dirs(struct warm *w, const struct ecsb_docker_image *img, const char *root,
                             struct ecsb_error *err)
{
    char chain[80] = "";
    for (size_t i = 0; i < img->n_diff_ids; i++) {
        if (i == 0) {
            snprintf(chain, sizeof chain, "%s", img->diff_ids[0]);
        } else {
            struct ecsb_buf in = ECSB_BUF_INIT;
            ecsb_buf_printf(&in, "%s %s", chain, img->diff_ids[i]);
            unsigned char sum[ECSB_SHA256_LEN];
            char hex[2 * ECSB_SHA256_LEN + 1];
            ecsb_sha256(in.data, in.len, sum);
            ecsb_hex(sum, sizeof sum, hex);
            snprintf(chain, sizeof chain, "sha256:%s", hex);
            ecsb_buf_free(&in);
        }
        struct ecsb_buf p = ECSB_BUF_INIT;
        ecsb_buf_printf(&p, "%s/image/%s/layerdb/sha256/%s/cache-id", root, img->driver,
                        strncmp(chain, "sha256:", 7) ? chain : chain + 7);
        char *id = NULL;
        size_t len = 0;
        if (ecsb_fs_read_limited(p.data, 256, &id, &len, err) == ECSB_OK) {
            ecsb_buf_reset(&p);
            ecsb_buf_printf(&p, "%s/%s/dir/%.*s", root, img->driver, (int)strcspn(id, "\r\n"), id);
            walk_folder(w, p.data, err);
        }
        free(id);
        ecsb_buf_free(&p);
    }
}

static void collect(struct warm *w, struct ecsb_docker *d, const char *ref, const char *root)
{
    struct ecsb_docker_image img;
    struct ecsb_error err = {0};
    if (ecsb_docker_image_inspect(d, ref, &img, &err) != ECSB_OK) {
        w->r->errors++;
        say(w, "warm: %s: %s", ref, err.message);
        return;
    }
    w->r->images++;
    for (size_t i = 0; i < img.n_layer_dirs; i++) {
        if (walk_folder(w, img.layer_dirs[i], &err) != ECSB_OK) {
            w->r->errors++;
            say(w, "warm: %s: %s", ref, err.message);
            continue;
        }
        add_layer_chain(w, img.layer_dirs[i]);
    }
    if (!img.n_layer_dirs && root && *img.driver)
        add_layerdb_dirs(w, &img, root, &err);
    ecsb_docker_image_free(&img);
}

static bool past_deadline(void *ctx)
{
    return ecsb_monotonic_ms() >= ((struct warm *)ctx)->deadline;
}

static void reader(void *arg)
{
    struct warm *w = arg;
    size_t chunk = w->o->chunk ? w->o->chunk : (size_t)1 << 20;
    for (;;) {
        ecsb_mutex_lock(w->lock);
        size_t i = w->next < w->files.count && !past_deadline(w) ? w->next++ : w->files.count;
        ecsb_mutex_unlock(w->lock);
        if (i == w->files.count) return;
        int64_t got = 0;
        struct ecsb_error err = {0};
        enum ecsb_status st = ecsb_file_read_through(w->files.paths[i], chunk, past_deadline, w, &got, &err);
        ecsb_mutex_lock(w->lock);
        w->r->bytes_read += got;
        if (st != ECSB_OK) w->r->errors++;
        else if (got >= w->files.sizes[i]) w->r->files_read++;
        ecsb_mutex_unlock(w->lock);
    }
}

enum ecsb_status ecsb_warm_run(const struct ecsb_warm_opts *o, const char *const *images, size_t n,
                               struct ecsb_warm_report *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    long long t0 = ecsb_monotonic_ms();
    struct warm w = {o, out, {0}, NULL, 0, 0, t0 + (o->budget_ms > 0 ? o->budget_ms : 600000), ecsb_mutex_new()};
    struct ecsb_docker d;
    enum ecsb_status st = ecsb_docker_open(&d, o->docker_host, o->call_timeout_ms, err);
    if (st == ECSB_OK) {
        struct ecsb_json *info = NULL;
        struct ecsb_error ierr = {0};
        ecsb_docker_info(&d, &info, &ierr); /* DockerRootDir, for drivers without GraphDriver.Data */
        for (size_t i = 0; i < n; i++) collect(&w, &d, images[i], ecsb_json_get_string(info, "DockerRootDir"));
        ecsb_json_free(info);
        ecsb_docker_close(&d);
        out->files = w.files.count;
        int threads = o->threads > 0 ? (o->threads > 16 ? 16 : o->threads) : 4;
        struct ecsb_thread *t[16] = {0};
        for (int i = 1; i < threads; i++)
            if (ecsb_thread_start(&t[i], reader, &w, err) != ECSB_OK) t[i] = NULL;
        reader(&w);
        for (int i = 1; i < threads; i++) ecsb_thread_join(t[i]);
        out->complete = out->files_read == out->files && !out->errors;
    }
    out->ms = ecsb_monotonic_ms() - t0;
    for (size_t i = 0; i < w.files.count; i++) free(w.files.paths[i]);
    free(w.files.paths);
    free(w.files.sizes);
    for (size_t i = 0; i < w.n_folders; i++) free(w.folders[i]);
    free(w.folders);
    ecsb_mutex_free(w.lock);
    return st;
}

void ecsb_warm_summary(const struct ecsb_warm_report *r, struct ecsb_buf *out)
{
    double s = r->ms / 1000.0;
    ecsb_buf_printf(out, "warm: %u image(s), %u folder(s), %llu of %llu file(s), %.1f of %.1f MB read in %.1f s "
                    "(%.0f MB/s), %s%s", r->images, r->folders, (unsigned long long)r->files_read,
                    (unsigned long long)r->files, r->bytes_read / 1e6, r->bytes_total / 1e6, s,
                    s > 0 ? r->bytes_read / 1e6 / s : 0.0, r->complete ? "complete" : "incomplete",
                    r->errors ? " (some files or images could not be read)" : "");
}
