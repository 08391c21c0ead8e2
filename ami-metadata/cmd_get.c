/* ecs-ami-metadata get: variants in one or all regions, one batched GetParameters
 * (10 names per call) per region, regions concurrently. */
#include <stdlib.h>
#include <string.h>

#include "ami.h"
#include "ecsb/aws/ssm.h"

static const struct command_usage get_usage = {
    AMI_PROG, "get", "[VARIANT...] [--region R ... | --all-regions] [--root PATH] [--output table|json|text]",
    "  VARIANT: 2016-full, 2019-full, 2019-core, 2022-full, 2022-core, 2025-full, 2025-core, or a full\n"
    "  parameter leaf name; none = all of them. --output text prints image ids only, one per line.\n",
    "  Exit 4 when a parameter is missing in some region, or its value has no image_id (the others\n"
    "  are printed).\n"};

struct get_ctx {
    char **names;
    size_t n;
};

static void get_job(struct ami_region *r, void *ctx)
{
    const struct get_ctx *g = ctx;
    struct ecsb_json *doc = NULL;
    r->st = ecsb_ssm_get_parameters_batched(&r->client, (const char *const *)g->names, g->n, &doc, &r->err);
    r->result = doc;
}

/* The answer's parameter named name, or NULL. */
static const struct ecsb_json *find_param(const struct ecsb_json *doc, const char *name)
{
    const struct ecsb_json *ps = ecsb_json_get(doc, "Parameters");
    for (size_t i = 0; ps && i < ps->count; i++) {
        const char *n = ecsb_json_get_string(ps->items[i], "Name");
        if (n && !strcmp(n, name))
            return ps->items[i];
    }
    return NULL;
}

static void json_entry(struct ecsb_json_writer *w, const char *region, const char *name, const struct ecsb_json *p,
                       const char *error)
{
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "region");
    ecsb_jw_string(w, region);
    ecsb_jw_key(w, "variant");
    ecsb_jw_string(w, ami_leaf(name));
    ecsb_jw_key(w, "name");
    ecsb_jw_string(w, name);
    ecsb_jw_key(w, "found");
    ecsb_jw_bool(w, p != NULL);
    if (p)
        ami_json_param(w, p);
    ecsb_jw_key(w, "error");
    ecsb_jw_string(w, error);
    ecsb_jw_object_end(w);
}

static void table_row(const char *region, const char *name, const struct ecsb_json *p)
{
    char sh[32];
    const char *variant = ecsb_ami_variant_short(ami_leaf(name), sh, sizeof sh);
    struct ami_param ap;
    ami_param_read(p, &ap);
    printf("%-15s %-12s %-22s %-12s %-10s %-28s %ld\n", region, variant, ami_or(ap.meta.field[ECSB_AMI_IMAGE_ID]),
           ami_or(ap.meta.field[ECSB_AMI_VERSION]), ami_or(ap.meta.field[ECSB_AMI_AGENT]),
           ami_or(ap.meta.field[ECSB_AMI_RUNTIME]), (long)ap.version);
    if (ap.value_error[0])
        fprintf(stderr, AMI_PROG " get: %s in %s: %s\n", name, region, ap.value_error);
    ami_param_free(&ap);
}

/* Prints one region's results; returns the worst exit code it saw. */
static int print_region(const struct ami_region *r, const struct get_ctx *g, enum ami_output fmt,
                        struct ecsb_json_writer *w)
{
    int rc = AMI_EXIT_OK;
    if (r->st != ECSB_OK)
        fprintf(stderr, AMI_PROG " get: %s\n", r->err.message);
    for (size_t i = 0; i < g->n; i++) {
        const struct ecsb_json *p = r->st == ECSB_OK ? find_param(r->result, g->names[i]) : NULL;
        if (!p && r->st == ECSB_OK) {
            fprintf(stderr, AMI_PROG " get: %s: not found in %s\n", g->names[i], r->name);
            rc = rc ? rc : AMI_EXIT_MISSING;
        }
        if (fmt == AMI_OUT_JSON)
            json_entry(w, r->name, g->names[i], p, r->st == ECSB_OK ? (p ? NULL : "not found") : r->err.message);
        else if (p && fmt == AMI_OUT_TABLE)
            table_row(r->name, g->names[i], p);
        else if (p)
            ami_print_image_id(p);
        if (p && !ami_param_has_image(p))
            rc = rc ? rc : AMI_EXIT_MISSING; /* reported above, not fatal to the others */
    }
    return r->st != ECSB_OK ? ami_exit_for(r->st == ECSB_ERR_NOT_FOUND ? ECSB_ERR_AWS : r->st) : rc;
}

static int print_all(struct ami_session *s, struct ami_region *r, const struct get_ctx *g, enum ami_output fmt,
                     const char *root)
{
    struct ecsb_buf out = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &out, 2);
    if (fmt == AMI_OUT_JSON) {
        ecsb_jw_object_begin(&w);
        ecsb_jw_key(&w, "root");
        ecsb_jw_string(&w, root);
        ecsb_jw_key(&w, "parameters");
        ecsb_jw_array_begin(&w);
    } else if (fmt == AMI_OUT_TABLE) {
        printf("%-15s %-12s %-22s %-12s %-10s %-28s %s\n", "REGION", "VARIANT", "IMAGE_ID", "IMAGE_VER", "AGENT",
               "RUNTIME", "PARAM_VER");
    }
    int rc = AMI_EXIT_OK;
    for (size_t i = 0; i < s->nregions; i++) {
        int one = print_region(&r[i], g, fmt, &w);
        if (one > rc)
            rc = one;
    }
    if (fmt == AMI_OUT_JSON) {
        ecsb_jw_array_end(&w);
        ecsb_jw_object_end(&w);
        printf("%s\n", out.data);
    }
    ecsb_buf_free(&out);
    return rc;
}

int cmd_get(int argc, char **argv)
{
    struct ami_flags f = {0};
    const struct option opts[] = {
        AMI_REGION_OPT(&f),
        OPT_FLAG_("all-regions", 0, &f.all_regions, "every region of the first region's partition"),
        OPT_STRING_("root", &f.root, "PATH", "where the variants are", ECSB_AMI_DEFAULT_ROOT),
        AMI_OUTPUT_OPT(&f), AMI_JOBS_OPT(&f), AMI_TIMEOUT_OPT(&f), OPT_END_()};
    int nargs = 0;
    enum parse_result pr = parse_options(&get_usage, opts, argc, argv, &nargs);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    enum ami_output fmt;
    struct ecsb_buf root = ECSB_BUF_INIT;
    struct get_ctx g = {NULL, 0};
    int rc = ami_flags_check(&f, "get", &fmt);
    if (rc == AMI_EXIT_OK)
        rc = ami_root_arg("get", f.root, false, &root);
    if (rc == AMI_EXIT_OK)
        rc = ami_names("get", root.data, nargs, argv, &g.names, &g.n);
    struct ami_session s;
    if (rc == AMI_EXIT_OK && (rc = ami_session_open(&s, &f, "get")) == AMI_EXIT_OK) {
        struct ami_region *r = ami_run_regions(&s, get_job, &g);
        rc = print_all(&s, r, &g, fmt, root.data);
        for (size_t i = 0; i < s.nregions; i++)
            ecsb_json_free(r[i].result);
        ami_regions_free(&s, r);
        ami_session_close(&s);
    }
    ami_names_free(g.names, g.n);
    ecsb_buf_free(&root);
    return rc;
}
