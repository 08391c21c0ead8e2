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

static bool is_ecr(const char *registry)
{
    return ecsb_ecr_registry(registry, NULL, 0, NULL, 0);
}

/* Whether a registry takes an ECR token: an ECR host that the configuration gives no
 * registry_username for (with one, the given credentials are used instead). */
static bool takes_ecr_token(const struct ecsb_config *c, const char *registry)
{
    bool has_credentials = c->images.registry_username && c->images.registry && !strcmp(registry, c->images.registry);
    return is_ecr(registry) && !has_credentials;
}

static bool listed(char *const *items, size_t count, const char *s)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(items[i], s)) return true;
    return false;
}

/* The registries that take an ECR token, each once: images.registry, then those of the
 * image list in order. Caller frees with ecsb_strv_free. */
static char **token_registries(const struct ecsb_config *c, const char *const *images, size_t n, size_t *count)
{
    char **out = ecsb_xcalloc(n + 1, sizeof *out);
    *count = 0;
    if (c->images.registry && takes_ecr_token(c, c->images.registry))
        out[(*count)++] = ecsb_xstrdup(c->images.registry);
    for (size_t i = 0; i < n; i++) {
        struct ecsb_image_ref r;
        struct ecsb_error ignored = {0};
        if (ecsb_image_ref_parse(images[i], &r, &ignored) != ECSB_OK) continue;
        if (takes_ecr_token(c, r.registry) && !listed(out, *count, r.registry))
            out[(*count)++] = ecsb_xstrdup(r.registry);
        ecsb_image_ref_free(&r);
    }
    return out;
}

bool preload_ecr_registry(const struct ecsb_plan *p, const char *const *images, size_t n, char *host, size_t cap)
{
    size_t count;
    char **registries = token_registries(&p->config, images, n, &count);
    bool found = count > 0 && snprintf(host, cap, "%s", registries[0]) < (int)cap;
    ecsb_strv_free(registries, count);
    return found;
}

static struct preload_login *add_login(struct preload_auth *a, const char *registry)
{
    a->owned = ecsb_xrealloc(a->owned, (a->count + 1) * sizeof *a->owned);
    struct preload_login *l = &a->owned[a->count++];
    *l = (struct preload_login){.registry = ecsb_xstrdup(registry)};
    return l;
}

/* GetAuthorizationToken in the registry's own region and account. */
static enum ecsb_status add_ecr_login(struct preload_auth *a, const struct ecsb_aws_client *aws, const char *host,
                                      struct ecsb_masker *masker, struct ecsb_error *err)
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
    struct preload_login *l = add_login(a, host);
    l->username = t.username, l->password = t.password;
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
    if (c->images.registry && c->images.registry_username) {
        struct preload_login *l = add_login(a, c->images.registry);
        l->username = ecsb_xstrdup(c->images.registry_username);
        l->password = ecsb_xstrdup(c->images.registry_password ? c->images.registry_password : "");
    }
    size_t count;
    char **registries = token_registries(c, images, n, &count);
    enum ecsb_status st = ECSB_OK;
    for (size_t i = 0; i < count && st == ECSB_OK; i++) st = add_ecr_login(a, aws, registries[i], masker, err);
    ecsb_strv_free(registries, count);
    if (st != ECSB_OK) return st;
    a->logins = ecsb_xcalloc(a->count ? a->count : 1, sizeof *a->logins);
    for (size_t i = 0; i < a->count; i++) {
        struct preload_login *l = &a->owned[i];
        ecsb_masker_add(masker, l->password); /* already registered when read; kept explicit here */
        l->header = ecsb_docker_auth_header(l->username, l->password, l->registry);
        ecsb_masker_add(masker, l->header); /* the header is the password in another encoding */
        a->logins[i] = (struct ecsb_registry_login){l->registry, l->header, l->username, l->password};
    }
    o->logins = a->logins;
    o->n_logins = a->count;
    return ECSB_OK;
}

void preload_auth_free(struct preload_auth *a)
{
    for (size_t i = 0; i < a->count; i++) {
        struct preload_login *l = &a->owned[i];
        if (l->password) memset(l->password, 0, strlen(l->password));
        free(l->registry), free(l->username), free(l->password), free(l->header);
    }
    free(a->owned);
    free(a->logins);
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
