/* ecs-bootstrap preload: make the base images present with this host's build, at
 * AMI build time (pull) or at boot (verify). The same code as the preload-images
 * action of run (lib/docker/preload.c); the image list comes from --images, else
 * [images] preload of the configuration, else servercore and nanoserver of the
 * host's release. User data is read only from --userdata (never from IMDS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/ecr.h"
#include "ecsb/aws/http.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/mask.h"
#include "ecsb/base/term.h"
#include "ecsb/config/osfamily.h"
#include "ecsb/docker/preload.h"
#include "actions.h"
#include "load.h"
#include "preload_live.h"

static const struct command_usage preload_usage = {
    ECSB_BOOTSTRAP_PROG, "preload", "[options] [--images LIST] [--parallel N] [--mode pull|verify] [--json]",
    "  Pulls the images that are missing or have another Windows build than this host\n"
    "  (servercore first), or with --mode verify only checks them. Progress goes to\n"
    "  stderr (a live display on a terminal, else log lines), the summary table (or\n"
    "  --json) to stdout. The engine: DOCKER_HOST, else this platform's default.\n",
    "  Default image list: [images] preload, else mcr.microsoft.com/windows/servercore:{ltsc}\n"
    "  and mcr.microsoft.com/windows/nanoserver:{nanoserver}. See docs/images.md.\n"};

struct preload_args {
    const char *images, *parallel, *mode;
    bool json;
};

static void print_line(void *ctx, const char *line)
{
    const struct ecsb_masker *m = ctx;
    char *safe = ecsb_masker_apply(m, line);
    fprintf(stderr, "%s\n", safe);
    fflush(stderr);
    free(safe);
}

/* Applies --parallel and --mode over the configuration's values. */
static int apply_flags(const struct preload_args *a, struct ecsb_preload_opts *o)
{
    if (a->parallel) {
        char *end = NULL;
        long n = strtol(a->parallel, &end, 10);
        if (end == a->parallel || *end || n < 1 || n > 8) {
            fprintf(stderr, "ecs-bootstrap preload: --parallel '%s': write a number from 1 to 8\n", a->parallel);
            return ECSB_EXIT_USAGE;
        }
        o->parallel = (int)n;
    }
    if (a->mode) {
        if (strcmp(a->mode, "pull") && strcmp(a->mode, "verify")) {
            fprintf(stderr, "ecs-bootstrap preload: --mode '%s': write pull or verify\n", a->mode);
            return ECSB_EXIT_USAGE;
        }
        o->verify_only = !strcmp(a->mode, "verify");
    }
    return ECSB_EXIT_OK;
}

/* The image list: --images, else the plan's, else the default pair (also for warm). */
int preload_image_list(const char *images, const struct ecsb_plan *p, struct ecsb_strlist *out)
{
    struct ecsb_strlist raw = {0};
    char *copy = NULL;
    const char *defaults[] = {"mcr.microsoft.com/windows/servercore:{ltsc}",
                              "mcr.microsoft.com/windows/nanoserver:{nanoserver}"};
    if (images) {
        copy = ecsb_xstrdup(images);
        raw.items = ecsb_xcalloc(strlen(copy) + 1, sizeof *raw.items);
        for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", "))
            raw.items[raw.count++] = tok;
    } else if (p->config.images.preload.count) {
        raw = p->config.images.preload;
    } else {
        raw.items = (char **)defaults;
        raw.count = 2;
    }
    size_t skipped = ecsb_plan_expand_images(&raw, p->build, out);
    if (images) free(raw.items);
    free(copy);
    if (skipped || !out->count) {
        fprintf(stderr, "ecs-bootstrap: build %u has no known servercore/nanoserver tag for {ltsc} or "
                        "{nanoserver}%s; name the images with --images\n", p->build, out->count ? "" : " (no images left)");
        return ECSB_EXIT_BAD_INPUT;
    }
    return ECSB_EXIT_OK;
}

/* An ECR registry among the images: a token with the instance role (or the usual
 * credential chain), through an AWS client that lives for this command. */
struct aws_session {
    struct ecsb_http *http;
    struct ecsb_imds imds;
    bool have_imds;
    struct ecsb_cred_chain creds;
    bool have_creds;
    struct ecsb_aws_client client;
    bool ready;
};

static enum ecsb_status aws_open(struct aws_session *s, const char *region, struct ecsb_error *err)
{
    memset(s, 0, sizeof *s);
    s->have_imds = load_open_imds(&s->http, &s->imds, err) == ECSB_OK;
    if (!s->http) return err->code;
    ecsb_cred_chain_init(&s->creds, s->have_imds ? &s->imds : NULL, NULL);
    s->have_creds = true;
    enum ecsb_status st = ecsb_aws_client_init(&s->client, s->http, &s->creds, region, NULL, err);
    s->ready = st == ECSB_OK;
    return st;
}

static void aws_close(struct aws_session *s)
{
    if (s->have_creds) ecsb_cred_chain_free(&s->creds);
    if (s->have_imds) ecsb_imds_free(&s->imds);
    if (s->http) ecsb_http_free(s->http);
}

static int preload_auth(struct load_options *lo, const struct ecsb_plan *plan, const struct ecsb_strlist *images,
                        struct ecsb_preload_opts *o, struct preload_auth *auth, struct aws_session *aws)
{
    struct ecsb_error err = {0};
    char host[256], region[64];
    const char *const *items = (const char *const *)images->items;
    enum ecsb_status st = ECSB_OK;
    if (preload_ecr_registry(plan, items, images->count, host, sizeof host)) {
        ecsb_ecr_registry(host, region, sizeof region, NULL, 0);
        st = aws_open(aws, region, &err);
    }
    if (st == ECSB_OK)
        st = preload_auth_setup(plan, items, images->count, aws->ready ? &aws->client : NULL, lo->masker, o, auth,
                                &err);
    if (st == ECSB_OK) return ECSB_EXIT_OK;
    fprintf(stderr, "ecs-bootstrap preload: ");
    print_line(lo->masker, err.message);
    return st == ECSB_ERR_AUTH || st == ECSB_ERR_AWS ? ECSB_EXIT_PREFLIGHT : preload_exit_code(st);
}

static int preload(struct load_options *lo, const struct preload_args *a)
{
    struct ecsb_plan plan;
    struct ecsb_error err = {0};
    enum ecsb_status st = load_plan(lo, NULL, &plan, &err);
    if (st != ECSB_OK) {
        print_line(lo->masker, err.message);
        return load_exit_code(st);
    }
    struct ecsb_preload_opts o;
    preload_opts_from_plan(&plan, &o);
    o.on_line = print_line;
    o.ctx = lo->masker;
    struct preload_live live;
    int columns = 80;
    bool tty = ecsb_term_stderr_ansi(&columns);
    preload_live_init(&live, stderr, lo->masker, o.clock, columns);
    live.width = ecsb_term_stderr_columns; /* follows resizes */
    if (tty) { /* a live display; a file or a pipe keeps the log lines */
        o.on_line = preload_live_line;
        o.on_update = preload_live_update;
        o.ctx = &live;
    }
    struct preload_auth auth = {0};
    struct aws_session aws = {0};
    struct ecsb_strlist images = {0};
    int rc = apply_flags(a, &o);
    if (rc == ECSB_EXIT_OK) rc = preload_image_list(a->images, &plan, &images);
    if (rc == ECSB_EXIT_OK) rc = preload_auth(lo, &plan, &images, &o, &auth, &aws);
    if (rc == ECSB_EXIT_OK) {
        struct ecsb_preload_report r;
        st = ecsb_preload_run(&o, (const char *const *)images.items, images.count, &r, &err);
        struct ecsb_buf out = ECSB_BUF_INIT;
        if (a->json) ecsb_preload_json(&r, &out);
        else ecsb_preload_table(&r, &out);
        if (r.count) fputs(ecsb_buf_cstr(&out), stdout);
        ecsb_buf_free(&out);
        if (st != ECSB_OK) {
            fprintf(stderr, "ecs-bootstrap preload: ");
            print_line(lo->masker, err.message);
            rc = preload_exit_code(st);
        }
        ecsb_preload_report_free(&r);
    }
    ecsb_strv_free(images.items, images.count);
    ecsb_plan_free(&plan);
    preload_live_free(&live);
    preload_auth_free(&auth);
    aws_close(&aws);
    return rc;
}

int cmd_preload(int argc, char **argv)
{
    struct load_options lo;
    struct ecsb_masker masker;
    load_options_init(&lo);
    ecsb_masker_init(&masker);
    lo.masker = &masker;
    struct preload_args a = {0};
    const struct option opts[] = {
        LOAD_OPTIONS(&lo),
        OPT_STRING_("images", &a.images, "LIST", "comma-separated images ({ltsc}, {nanoserver} allowed)", NULL),
        OPT_STRING_("parallel", &a.parallel, "N", "pulls at once, 1..8", "images.parallel"),
        OPT_STRING_("mode", &a.mode, "pull|verify", "verify: never pull, fail on a missing image", "images.mode"),
        OPT_FLAG_("json", 0, &a.json, "print the summary as JSON"),
        OPT_END_(),
    };
    enum parse_result pr = parse_options(&preload_usage, opts, argc, argv, NULL);
    int rc = pr == PARSE_OK ? ECSB_EXIT_OK : pr == PARSE_HELP ? -1 : ECSB_EXIT_USAGE;
    if (rc == ECSB_EXIT_OK) rc = load_resolve_host(&lo, "preload");
    if (rc == ECSB_EXIT_OK) rc = preload(&lo, &a);
    load_options_free(&lo);
    ecsb_masker_free(&masker);
    return rc < 0 ? ECSB_EXIT_OK : rc;
}
