/* ecs-ami-metadata list: the ECS-optimized variants under a root (all pages of
 * GetParametersByPath), in the first region given. */
#include <string.h>

#include "ami.h"
#include "ecsb/aws/ssm.h"

static const struct command_usage list_usage = {
    AMI_PROG, "list", "[--root PATH] [--region R] [--output table|json|text]",
    "  Lists the parameters directly under the root whose names end in -ECS_Optimized.\n", NULL};

static bool is_variant(const char *name)
{
    size_t n = strlen(name), k = strlen(ECSB_AMI_SUFFIX);
    return n > k && !strcmp(name + n - k, ECSB_AMI_SUFFIX);
}

static void list_job(struct ami_region *r, void *ctx)
{
    struct ecsb_json *doc = NULL;
    r->st = ecsb_ssm_get_parameters_by_path(&r->client, ctx, false, &doc, &r->err);
    r->result = doc;
}

static void print_list(const struct ecsb_json *ps, enum ami_output fmt, struct ecsb_json_writer *w)
{
    char sh[32];
    for (size_t i = 0; ps && i < ps->count; i++) {
        const char *name = ecsb_json_get_string(ps->items[i], "Name");
        if (!name || !is_variant(name))
            continue;
        if (fmt == AMI_OUT_JSON) {
            ecsb_jw_object_begin(w);
            ecsb_jw_key(w, "variant");
            ecsb_jw_string(w, ami_leaf(name));
            ecsb_jw_key(w, "name");
            ecsb_jw_string(w, name);
            ami_json_param(w, ps->items[i]);
            ecsb_jw_object_end(w);
        } else if (fmt == AMI_OUT_TEXT) {
            printf("%s\n", ami_leaf(name));
        } else {
            const char *s = ecsb_ami_variant_short(ami_leaf(name), sh, sizeof sh);
            printf("%-12s %s\n", s == sh ? s : "-", ami_leaf(name));
        }
    }
}

int cmd_list(int argc, char **argv)
{
    struct ami_flags f = {0};
    const struct option opts[] = {
        OPT_STRING_("root", &f.root, "PATH", "where the variants are", ECSB_AMI_DEFAULT_ROOT),
        AMI_REGION_OPT(&f), AMI_OUTPUT_OPT(&f), AMI_TIMEOUT_OPT(&f), OPT_END_()};
    enum parse_result pr = parse_options(&list_usage, opts, argc, argv, NULL);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    enum ami_output fmt;
    struct ecsb_buf root = ECSB_BUF_INIT;
    int rc = ami_flags_check(&f, "list", &fmt);
    if (rc == AMI_EXIT_OK)
        rc = ami_root_arg("list", f.root, false, &root);
    f.nregions = f.nregions ? 1 : 0; /* one region answers "what is there" */
    struct ami_session s;
    if (rc == AMI_EXIT_OK && (rc = ami_session_open(&s, &f, "list")) == AMI_EXIT_OK) {
        struct ami_region *r = ami_run_regions(&s, list_job, root.data);
        if (r[0].st != ECSB_OK) {
            fprintf(stderr, AMI_PROG " list: %s\n", r[0].err.message);
            rc = ami_exit_for(r[0].st == ECSB_ERR_NOT_FOUND ? ECSB_ERR_AWS : r[0].st);
        } else {
            struct ecsb_buf out = ECSB_BUF_INIT;
            struct ecsb_json_writer w;
            ecsb_jw_init(&w, &out, 2);
            ecsb_jw_array_begin(&w);
            print_list(ecsb_json_get(r[0].result, "Parameters"), fmt, &w);
            ecsb_jw_array_end(&w);
            if (fmt == AMI_OUT_JSON)
                printf("%s\n", out.data);
            ecsb_buf_free(&out);
        }
        ecsb_json_free(r[0].result);
        ami_regions_free(&s, r);
        ami_session_close(&s);
    }
    ecsb_buf_free(&root);
    return rc;
}
