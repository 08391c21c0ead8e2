/* ecs-bootstrap warm: read the preloaded images' layer files once (the EBS warm-up;
 * the same code as the warm-images action of run, lib/docker/warm.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "commands.h"
#include "ecsb/base/json.h"
#include "ecsb/base/mask.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/warm.h"
#include "load.h"

static const struct command_usage warm_usage = {
    ECSB_BOOTSTRAP_PROG, "warm", "[options] [--images LIST] [--seconds N] [--threads N] [--json]",
    "  Reads every layer file of the images once, with large sequential reads and several\n"
    "  files in flight, so blocks of an EBS volume restored from a snapshot are fetched now\n"
    "  rather than by the first task. Stops after --seconds. Images as for 'preload'.\n",
    NULL};

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

static long number(const char *s, long lo, long hi, long def, bool *bad)
{
    if (!s) return def;
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (end == s || *end || n < lo || n > hi) *bad = true;
    return n;
}

static void print_json(const struct ecsb_warm_report *r)
{
    struct ecsb_buf out = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &out, 2);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "images"), ecsb_jw_int(&w, r->images);
    ecsb_jw_key(&w, "folders"), ecsb_jw_int(&w, r->folders);
    ecsb_jw_key(&w, "files"), ecsb_jw_int(&w, (long long)r->files);
    ecsb_jw_key(&w, "files_read"), ecsb_jw_int(&w, (long long)r->files_read);
    ecsb_jw_key(&w, "bytes_total"), ecsb_jw_int(&w, r->bytes_total);
    ecsb_jw_key(&w, "bytes_read"), ecsb_jw_int(&w, r->bytes_read);
    ecsb_jw_key(&w, "ms"), ecsb_jw_int(&w, r->ms);
    ecsb_jw_key(&w, "complete"), ecsb_jw_bool(&w, r->complete);
    ecsb_jw_key(&w, "errors"), ecsb_jw_int(&w, r->errors);
    ecsb_jw_object_end(&w);
    printf("%s\n", ecsb_buf_cstr(&out));
    ecsb_buf_free(&out);
}

static int warm(struct load_options *lo, const char *images_flag, long seconds, long threads, bool json)
{
    struct ecsb_plan plan;
    struct ecsb_error err = {0};
    enum ecsb_status st = load_plan(lo, NULL, &plan, &err);
    if (st != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap warm: %s\n", err.message);
        return load_exit_code(st);
    }
    struct ecsb_strlist images = {0};
    int rc = preload_image_list(images_flag, &plan, &images);
    if (rc == ECSB_EXIT_OK) {
        struct ecsb_warm_opts o = {.call_timeout_ms = ecsb_docker_call_timeout_ms(plan.config.timeouts.docker_ns),
                                   .budget_ms = seconds * 1000, .threads = (int)threads, .on_line = print_line};
        struct ecsb_warm_report r;
        if (ecsb_warm_run(&o, (const char *const *)images.items, images.count, &r, &err) != ECSB_OK) {
            fprintf(stderr, "ecs-bootstrap warm: %s\n", err.message);
            rc = ECSB_EXIT_PREFLIGHT;
        } else if (json) {
            print_json(&r);
        } else {
            struct ecsb_buf out = ECSB_BUF_INIT;
            ecsb_warm_summary(&r, &out);
            printf("%s\n", ecsb_buf_cstr(&out));
            ecsb_buf_free(&out);
        }
    }
    ecsb_strv_free(images.items, images.count);
    ecsb_plan_free(&plan);
    return rc;
}

int cmd_warm(int argc, char **argv)
{
    struct load_options lo;
    struct ecsb_masker masker;
    load_options_init(&lo);
    ecsb_masker_init(&masker);
    lo.masker = &masker;
    const char *images = NULL, *seconds = NULL, *threads = NULL;
    bool json = false;
    const struct option opts[] = {
        LOAD_OPTIONS(&lo),
        OPT_STRING_("images", &images, "LIST", "comma-separated images ({ltsc}, {nanoserver} allowed)", NULL),
        OPT_STRING_("seconds", &seconds, "N", "stop reading after N seconds (1..86400)", "600"),
        OPT_STRING_("threads", &threads, "N", "files read at once (1..16)", "4"),
        OPT_FLAG_("json", 0, &json, "print the result as JSON"),
        OPT_END_(),
    };
    enum parse_result pr = parse_options(&warm_usage, opts, argc, argv, NULL);
    int rc = pr == PARSE_OK ? ECSB_EXIT_OK : pr == PARSE_HELP ? -1 : ECSB_EXIT_USAGE;
    bool bad = false;
    long secs = number(seconds, 1, 86400, 600, &bad), nthreads = number(threads, 1, 16, 4, &bad);
    if (rc == ECSB_EXIT_OK && bad) {
        fprintf(stderr, "ecs-bootstrap warm: --seconds takes 1..86400 and --threads 1..16\n");
        rc = ECSB_EXIT_USAGE;
    }
    if (rc == ECSB_EXIT_OK) rc = load_resolve_host(&lo, "warm");
    if (rc == ECSB_EXIT_OK) rc = warm(&lo, images, secs, nthreads, json);
    load_options_free(&lo);
    ecsb_masker_free(&masker);
    return rc < 0 ? ECSB_EXIT_OK : rc;
}
