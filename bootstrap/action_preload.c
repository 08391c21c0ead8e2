/* Action "preload-images": the images of [images] preload present on the engine
 * with the host's build (lib/docker/preload.c; `ecs-bootstrap preload` runs the
 * same code). Pulled images go to the report; a missing or wrong-build image fails
 * the run after the others completed. */
#include <stdlib.h>

#include "commands.h"
#include "ecsb/base/mask.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/preload.h"
#include "run.h"

static long ns_to_ms(int64_t ns)
{
    return ns > 0 ? (long)(ns / 1000000) : 0;
}

char *preload_auth_header(const struct ecsb_plan *p, struct ecsb_masker *masker)
{
    const struct ecsb_config *c = &p->config;
    if (!c->images.registry || !c->images.registry_username) return NULL;
    ecsb_masker_add(masker, c->images.registry_password); /* already registered when read; kept explicit here */
    char *h = ecsb_docker_auth_header(c->images.registry_username, c->images.registry_password, c->images.registry);
    ecsb_masker_add(masker, h); /* the header is the password in another encoding */
    return h;
}

void preload_opts_from_plan(const struct ecsb_plan *p, struct ecsb_preload_opts *o)
{
    const struct ecsb_config *c = &p->config;
    long docker_ms = ns_to_ms(c->timeouts.docker_ns);
    *o = (struct ecsb_preload_opts){
        .host_build = p->build,
        .parallel = c->images.parallel,
        .verify_only = c->images.mode == ECSB_IMAGES_VERIFY,
        .call_timeout_ms = docker_ms < 60000 ? docker_ms : 60000,
        .idle_ms = docker_ms,       /* a pull stream silent for timeouts.docker is stalled */
        .engine_wait_ms = docker_ms, /* at boot the engine may start after us */
        .attempts = 4,
        .backoff_ms = 2000,
        .progress_every_ms = 10000,
        .auth_registry = c->images.registry,
        .check_username = c->images.registry_username,
        .check_password = c->images.registry_password,
    };
}

int preload_exit_code(enum ecsb_status st)
{
    /* A missing image or a wrong build is fixed in the image list; the rest is the host or the network. */
    return st == ECSB_ERR_NOT_FOUND ? ECSB_EXIT_BAD_INPUT : st == ECSB_ERR_INVALID ? ECSB_EXIT_BAD_INPUT
                                                                                  : ECSB_EXIT_PREFLIGHT;
}

static void log_line(void *ctx, const char *line)
{
    ecsb_log((struct ecsb_log *)ctx, ECSB_LOG_INFO, "%s", line);
}

bool plan_action_preload_images(struct ecsb_plan *p, struct ecsb_buf *text)
{
    const struct ecsb_config *c = &p->config;
    if (!p->preload.count)
        return false;
    ecsb_buf_printf(text, "%s %u image%s (%d in parallel)", c->images.mode == ECSB_IMAGES_VERIFY ? "verify" : "preload",
                    (unsigned)p->preload.count, p->preload.count == 1 ? "" : "s", c->images.parallel);
    return true;
}


enum ecsb_status run_action_preload_images(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                           struct ecsb_buf *detail)
{
    struct ecsb_preload_opts o;
    preload_opts_from_plan(&ctx->plan, &o);
    o.on_line = log_line;
    o.ctx = &ctx->log;
    char *auth = preload_auth_header(&ctx->plan, &ctx->masker);
    o.auth = auth;
    struct ecsb_preload_report r;
    struct ecsb_error err = {0};
    enum ecsb_status st = ecsb_preload_run(&o, (const char *const *)ctx->plan.preload.items, ctx->plan.preload.count,
                                           &r, &err);
    for (size_t i = 0; i < r.count; i++)
        if (r.items[i].result == ECSB_PRELOAD_PULLED || r.items[i].result == ECSB_PRELOAD_PRESENT)
            ecsb_report_add_image(&ctx->report, r.items[i].ref);
    ecsb_buf_printf(detail, "%u pulled, %u present, %u failed", r.pulled, r.present, r.failed);
    bool pulled = r.pulled > 0;
    ecsb_preload_report_free(&r);
    free(auth);
    if (st != ECSB_OK)
        return run_fail(ctx, preload_exit_code(st), st, err.message);
    *result = pulled ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
