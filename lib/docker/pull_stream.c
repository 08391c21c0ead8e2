/* pull_stream.c: the JSON progress stream of POST /images/create, read as it
 * arrives. Messages are separated by "\r\n" (a bare "\n" is accepted too); a
 * message may be split across any number of reads. The engine reports a failure
 * after streaming started as a message with errorDetail under HTTP 200, so the
 * stream, not the status code, says whether the pull worked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/bytes.h"
#include "ecsb/base/strutil.h"
#include "ecsb/docker/engine.h"

/* A single message longer than this is not progress: refuse rather than buffer it. */
#define PULL_MAX_LINE (64 * 1024)

struct pull_layer {
    char *id;
    int64_t dl_cur, dl_total, ex_cur, ex_total;
    bool done, present;
};

static bool contains_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (ecsb_strncaseeq(s, word, n))
            return true;
    return false;
}

bool ecsb_pull_error_permanent(const char *message)
{
    static const char *const words[] = {"not found", "manifest unknown", "does not exist", "access denied",
                                        "no matching manifest", "unauthorized", "incompatible", "invalid reference"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_ci(message, words[i]))
            return true;
    return false;
}

void ecsb_pull_stream_init(struct ecsb_pull_stream *s, ecsb_pull_progress_fn fn, void *ctx)
{
    memset(s, 0, sizeof *s);
    s->on_progress = fn;
    s->ctx = ctx;
}

static struct pull_layer *layer_for(struct ecsb_pull_stream *s, const char *id)
{
    for (size_t i = 0; i < s->n_layers; i++)
        if (!strcmp(s->layers[i].id, id))
            return &s->layers[i];
    if (s->n_layers == s->cap_layers) {
        s->cap_layers = s->cap_layers ? s->cap_layers * 2 : 8;
        s->layers = ecsb_xrealloc(s->layers, s->cap_layers * sizeof *s->layers);
    }
    struct pull_layer *l = &s->layers[s->n_layers++];
    memset(l, 0, sizeof *l);
    l->id = ecsb_xstrdup(id);
    return l;
}

static void recount(struct ecsb_pull_stream *s)
{
    struct ecsb_pull_progress *p = &s->progress;
    p->downloaded = p->download_total = p->extracted = p->extract_total = 0;
    p->layers = (unsigned)s->n_layers;
    p->layers_done = p->layers_present = 0;
    for (size_t i = 0; i < s->n_layers; i++) {
        const struct pull_layer *l = &s->layers[i];
        p->downloaded = ecsb_bytes_add(p->downloaded, l->dl_cur);
        p->download_total = ecsb_bytes_add(p->download_total, l->dl_total);
        p->extracted = ecsb_bytes_add(p->extracted, l->ex_cur);
        p->extract_total = ecsb_bytes_add(p->extract_total, l->ex_total);
        p->layers_done += l->done;
        p->layers_present += l->present;
    }
}

static void set_once(char **slot, const char *value)
{
    if (!*slot && value)
        *slot = ecsb_xstrdup(value);
}

/* A byte count from the stream: negative, NaN and absurd values (an engine's bug, or a
 * hostile stream) become 0 or 2^53, so the cast below is always defined. */
static int64_t byte_count(double v)
{
    if (!(v > 0))
        return 0;
    return v < 9007199254740992.0 ? (int64_t)v : INT64_C(9007199254740992);
}

/* One layer's status update ("Downloading", "Extracting", "Pull complete", ...). */
static void layer_update(struct ecsb_pull_stream *s, const char *id, const char *status,
                         const struct ecsb_json *detail)
{
    struct pull_layer *l = layer_for(s, id);
    double cur = 0, total = 0;
    bool has_cur = ecsb_json_get_number(detail, "current", &cur);
    ecsb_json_get_number(detail, "total", &total);
    if (!strcmp(status, "Downloading") && has_cur) {
        l->dl_cur = byte_count(cur);
        if (total > 0) l->dl_total = byte_count(total);
    } else if (!strcmp(status, "Extracting") && has_cur) {
        l->ex_cur = byte_count(cur);
        if (total > 0) l->ex_total = byte_count(total);
        if (l->dl_total) l->dl_cur = l->dl_total;
    } else if (!strcmp(status, "Download complete") || !strcmp(status, "Verifying Checksum")) {
        if (l->dl_total) l->dl_cur = l->dl_total;
    } else if (!strcmp(status, "Pull complete")) {
        l->done = true;
        if (l->dl_total) l->dl_cur = l->dl_total;
        if (l->ex_total) l->ex_cur = l->ex_total;
    } else if (!strcmp(status, "Already exists")) {
        l->present = l->done = true;
    }
}

static void handle_message(struct ecsb_pull_stream *s, const struct ecsb_json *m)
{
    const struct ecsb_json *ed = ecsb_json_get(m, "errorDetail");
    const char *msg = ecsb_json_get_string(ed, "message");
    if (ed || ecsb_json_get(m, "error")) {
        const char *plain = ecsb_json_get_string(m, "error");
        set_once(&s->error, msg ? msg : plain ? plain : "the engine reported an error without a message");
        return;
    }
    const char *status = ecsb_json_get_string(m, "status");
    if (!status) {
        /* {"message": ...}: the engine's error body when it refused before streaming */
        set_once(&s->error, ecsb_json_get_string(m, "message"));
        return;
    }
    const char *id = ecsb_json_get_string(m, "id");
    if (!strncmp(status, "Digest: ", 8))
        set_once(&s->digest, status + 8);
    else if (!strncmp(status, "Status: ", 8))
        set_once(&s->final_status, status + 8);
    else if (id && strncmp(status, "Pulling from", 12) != 0)
        layer_update(s, id, status, ecsb_json_get(m, "progressDetail"));
    recount(s);
    s->progress.last_status = status;
    if (s->on_progress)
        s->on_progress(s->ctx, &s->progress);
    s->progress.last_status = NULL;
}

static void handle_line(struct ecsb_pull_stream *s, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    while (len && (*line == ' ' || *line == '\t' || *line == '\r')) {
        line++;
        len--;
    }
    if (!len)
        return;
    struct ecsb_json *m = NULL;
    struct ecsb_error err = {0};
    if (ecsb_json_parse(line, len, NULL, &m, &err) != ECSB_OK || m->type != ECSB_JSON_OBJECT) {
        s->bad_message = true;
        ecsb_json_free(m);
        return;
    }
    handle_message(s, m);
    ecsb_json_free(m);
}

void ecsb_pull_stream_feed(struct ecsb_pull_stream *s, const char *data, size_t len)
{
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        if (s->skipping || s->pending.len + take > PULL_MAX_LINE) {
            s->bad_message = s->skipping = true; /* drop the runaway line up to the next newline */
            ecsb_buf_reset(&s->pending);
        } else {
            ecsb_buf_append(&s->pending, data, take);
        }
        if (!nl)
            return;
        if (!s->skipping)
            handle_line(s, s->pending.data ? s->pending.data : "", s->pending.len);
        s->skipping = false;
        ecsb_buf_reset(&s->pending);
        data += take + 1;
        len -= take + 1;
    }
}

enum ecsb_status ecsb_pull_stream_finish(struct ecsb_pull_stream *s, const char *ref, struct ecsb_error *err)
{
    if (s->pending.len) {
        handle_line(s, s->pending.data, s->pending.len);
        ecsb_buf_reset(&s->pending);
    }
    if (s->error)
        return ecsb_error_set(err, ecsb_pull_error_permanent(s->error) ? ECSB_ERR_NOT_FOUND : ECSB_ERR_HTTP,
                              "pulling %s: the engine reported: %s", ref, s->error);
    if (!s->final_status)
        return ecsb_error_set(err, ECSB_ERR_HTTP,
                              "pulling %s: the engine's progress stream ended without a final status; the pull "
                              "did not finish (check the engine's log)", ref);
    return ECSB_OK;
}

void ecsb_pull_stream_free(struct ecsb_pull_stream *s)
{
    for (size_t i = 0; i < s->n_layers; i++)
        free(s->layers[i].id);
    free(s->layers);
    free(s->error);
    free(s->digest);
    free(s->final_status);
    ecsb_buf_free(&s->pending);
    memset(s, 0, sizeof *s);
}
