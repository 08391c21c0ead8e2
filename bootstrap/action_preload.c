/* Action "preload-images": the images of [images] preload present on the engine
 * with the host's build (lib/docker/preload.c; `ecs-bootstrap preload` runs the
 * same code). Pulled images go to the report; a missing or wrong-build image fails
 * the run after the others completed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/aws/ecr.h"
#include "ecsb/base/mask.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/preload.h"
#include "ecsb/docker/registry.h"
#include "run.h"

static long ns_to_ms(int64_t ns)
{
    return ns > 0 ? (long)(ns / 1000000) : 0;
}

bool preload_ecr_registry(const struct ecsb_plan *p, const char *const *images, size_t n, char *host, size_t cap)
{
    const struct ecsb_config *c = &p->config;
    if (c->images.registry) { /* credentials go to one registry: the configured one */
        if (c->images.registry_username || !ecsb_ecr_registry(c->images.registry, NULL, 0, NULL, 0)) return false;
        return snprintf(host, cap, "%s", c->images.registry) < (int)cap;
    }
    for (size_t i = 0; i < n; i++) {
        struct ecsb_image_ref r;
        struct ecsb_error ignored = {0};
        if (ecsb_image_ref_parse(images[i], &r, &ignored) != ECSB_OK) continue;
        bool ecr = ecsb_ecr_registry(r.registry, NULL, 0, NULL, 0) && snprintf(host, cap, "%s", r.registry) < (int)cap;
        ecsb_image_ref_free(&r);
        if (ecr) return true;
    }
    return false;
}

/* GetAuthorizationToken in the registry's own region and account. */
static enum ecsb_status ecr_credentials(const struct ecsb_aws_client *aws, const char *host,
                                        struct ecsb_masker *masker, struct preload_auth *a, struct ecsb_error *err)
{
    if (!aws)
        return ecsb_error_set(err, ECSB_ERR_AUTH, "%s is an Amazon ECR registry and no AWS client is available "
                              "for its token", host);
    char region[64], account[16];
    ecsb_ecr_registry(host, region, sizeof region, account, sizeof account);
    struct ecsb_aws_client c = *aws;
    snprintf(c.region, sizeof c.region, "%s", region);
    struct ecsb_ecr_token t;
    enum ecsb_status st = ecsb_ecr_get_token(&c, account, masker, &t, err);
    if (st != ECSB_OK) return ecsb_error_prefix(err, "the ECR token for %s (instance role needs "
                                                "ecr:GetAuthorizationToken): ", host);
    a->username = t.username, a->password = t.password;
    t.username = t.password = NULL;
    ecsb_ecr_token_free(&t);
    return ECSB_OK;
}

enum ecsb_status preload_auth_setup(const struct ecsb_plan *p, const char *const *images, size_t n,
                                    const struct ecsb_aws_client *aws, struct ecsb_masker *masker,
                                    struct ecsb_preload_opts *o, struct preload_auth *a, struct ecsb_error *err)
{
    const struct ecsb_config *c = &p->config;
    memset(a, 0, sizeof *a);
    char host[256];
    if (preload_ecr_registry(p, images, n, host, sizeof host)) {
        a->registry = ecsb_xstrdup(host);
        enum ecsb_status st = ecr_credentials(aws, host, masker, a, err);
        if (st != ECSB_OK) return st;
    } else if (c->images.registry && c->images.registry_username) {
        a->registry = ecsb_xstrdup(c->images.registry);
        a->username = ecsb_xstrdup(c->images.registry_username);
        a->password = ecsb_xstrdup(c->images.registry_password ? c->images.registry_password : "");
        ecsb_masker_add(masker, a->password); /* already registered when read; kept explicit here */
    } else {
        return ECSB_OK;
    }
    a->header = ecsb_docker_auth_header(a->username, a->password, a->registry);
    ecsb_masker_add(masker, a->header); /* the header is the password in another encoding */
    o->auth = a->header;
    o->auth_registry = a->registry;
    o->check_username = a->username;
    o->check_password = a->password;
    return ECSB_OK;
}

void preload_auth_free(struct preload_auth *a)
{
    if (a->password) memset(a->password, 0, strlen(a->password));
    free(a->registry), free(a->username), free(a->password), free(a->header);
    memset(a, 0, sizeof *a);
}

void preload_opts_from_plan(const struct ecsb_plan *p, struct ecsb_preload_opts *o)
{
    const struct ecsb_config *c = &p->config;
    long docker_ms = ns_to_ms(c->timeouts.docker_ns);
    *o = (struct ecsb_preload_opts){
        .host_build = p->build,
        .parallel = c->images.parallel,
        .verify_only = c->images.mode == ECSB_IMAGES_VERIFY,
        .call_timeout_ms = ecsb_docker_call_timeout_ms(c->timeouts.docker_ns),
        .idle_ms = docker_ms,       /* a pull stream silent for timeouts.docker is stalled */
        .engine_wait_ms = docker_ms, /* at boot the engine may start after us */
        .attempts = 4,
        .backoff_ms = 2000,
        .progress_every_ms = 10000,
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
    struct preload_auth auth;
    struct ecsb_error err = {0};
    enum ecsb_status st = preload_auth_setup(&ctx->plan, (const char *const *)ctx->plan.preload.items,
                                             ctx->plan.preload.count,
                                             ctx->aws.creds ? &ctx->aws : NULL, &ctx->masker, &o, &auth, &err);
    if (st != ECSB_OK) {
        preload_auth_free(&auth);
        return run_fail(ctx, ECSB_EXIT_PREFLIGHT, st, err.message);
    }
    struct ecsb_preload_report r;
    st = ecsb_preload_run(&o, (const char *const *)ctx->plan.preload.items, ctx->plan.preload.count,
                                           &r, &err);
    for (size_t i = 0; i < r.count; i++)
        if (r.items[i].result == ECSB_PRELOAD_PULLED || r.items[i].result == ECSB_PRELOAD_PRESENT)
            ecsb_report_add_image(&ctx->report, r.items[i].ref);
    ecsb_buf_printf(detail, "%u pulled, %u present, %u failed", r.pulled, r.present, r.failed);
    bool pulled = r.pulled > 0;
    ecsb_preload_report_free(&r);
    preload_auth_free(&auth);
    if (st != ECSB_OK)
        return run_fail(ctx, preload_exit_code(st), st, err.message);
    *result = pulled ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
