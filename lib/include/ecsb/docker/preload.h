/* preload.h: make a set of images present on the engine with the host's build
 * (the preload-images action of run and `ecs-bootstrap preload` share this).
 *
 * Per image: inspect; present with the host build (or no build to compare) ->
 * skipped; missing (or a floating tag with another build) -> pulled, with bounded
 * parallelism, servercore images first, retried with doubling backoff on transient
 * failures; an unknown image fails at once and the others still complete. Before a
 * pull the registry is asked which builds the tag offers (ecsb/docker/registry.h):
 * another build is refused before any layer is downloaded. A pull
 * stream is never dropped: the deadline only stops new attempts and the waits
 * between them; a stream idle for idle_ms is given up. After every pull the
 * image's OsVersion build is compared with the host build. */
#ifndef ECSB_DOCKER_PRELOAD_H
#define ECSB_DOCKER_PRELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"

struct ecsb_preload_item;

/* Credentials for one registry, sent only with the images on it. */
struct ecsb_registry_login {
    const char *registry;            /* "r.example:5000", "123456789012.dkr.ecr.eu-west-1.amazonaws.com" */
    const char *header;              /* the X-Registry-Auth value for pulls */
    const char *username, *password; /* for the check before download */
};

struct ecsb_preload_opts {
    const char *docker_host;  /* NULL: DOCKER_HOST, else the platform default */
    unsigned host_build;      /* 0: builds are not compared */
    int parallel;             /* 1..8 */
    bool verify_only;         /* never pull: a missing image is a failure */
    long call_timeout_ms;     /* ordinary engine calls */
    long idle_ms;             /* a pull stream silent this long is given up (timeouts.docker) */
    long engine_wait_ms;      /* how long to wait for the engine to answer at start */
    int attempts;             /* pull attempts per image (>= 1) */
    long backoff_ms;          /* first wait between attempts; doubles */
    long long deadline_ms;    /* monotonic; 0 = none. No new attempt starts after it */
    const struct ecsb_registry_login *logins; /* images on other registries go anonymous */
    size_t n_logins;
    long progress_every_ms;   /* periodic progress line per image (10 s) */
    /* The live terminal view, or NULL. When set, no progress lines go to on_line
     * (result lines still do) and on_update is called under the same lock after
     * every step change and progress event; it may read items[i].ref and
     * items[i].live only, and throttles the redraw itself. */
    void (*on_update)(void *ctx, const struct ecsb_preload_item *items, size_t n, bool final);
    /* One log line (progress, results); called under a lock, from worker threads. */
    void (*on_line)(void *ctx, const char *line);
    void *ctx;
    const struct ecsb_clock *clock;
};

enum ecsb_preload_result {
    ECSB_PRELOAD_PRESENT,     /* already there with the right build */
    ECSB_PRELOAD_PULLED,
    ECSB_PRELOAD_MISSING,     /* unknown to the registry, or absent in verify mode */
    ECSB_PRELOAD_WRONG_BUILD, /* the image's build is not the host's */
    ECSB_PRELOAD_FAILED,      /* pull failed after the retries, or the deadline passed */
};
const char *ecsb_preload_result_name(enum ecsb_preload_result r); /* "present", "pulled", ... */

/* What the live view shows of an image; written only under the preload's lock. */
struct ecsb_preload_live {
    const char *step;         /* "waiting", "inspecting", "checking", "downloading", ..., a result name */
    int64_t downloaded, download_total, extracted, extract_total;
};

struct ecsb_preload_item {
    char *ref;
    struct ecsb_preload_live live;
    enum ecsb_preload_result result;
    char *os_version;         /* "" when unknown */
    int64_t size;             /* bytes on disk as the engine reports it */
    int64_t downloaded;       /* bytes the pull downloaded */
    int64_t download_size;    /* compressed size the registry announced (0: not asked) */
    long long check_ms;       /* the registry check before download */
    long long ms;
    int attempts;
    char *error;              /* NULL when it worked */
};

struct ecsb_preload_report {
    struct ecsb_preload_item *items; /* in the order processed (servercore first) */
    size_t count;
    unsigned pulled, present, failed;
};

/* Servercore images first, the rest in the given order (they share its base layers). */
void ecsb_preload_order(const char *const *images, size_t n, size_t *order);

/* The engine not answering (after engine_wait_ms) is the returned error; image
 * failures are in the report (and make the result ECSB_ERR_NOT_FOUND / ECSB_ERR_HTTP
 * with a one-line summary in err). */
enum ecsb_status ecsb_preload_run(const struct ecsb_preload_opts *o, const char *const *images, size_t n,
                                  struct ecsb_preload_report *out, struct ecsb_error *err);
void ecsb_preload_report_free(struct ecsb_preload_report *r);

/* The summary table (image, build, size, time, result) and its JSON form. */
void ecsb_preload_table(const struct ecsb_preload_report *r, struct ecsb_buf *out);
void ecsb_preload_json(const struct ecsb_preload_report *r, struct ecsb_buf *out);

#endif
