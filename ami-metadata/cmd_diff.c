/* ecs-ami-metadata diff: what changed between two releases of one variant. */
#include <stdlib.h>
#include <string.h>

#include "ami.h"

static const struct command_usage diff_usage = {
    AMI_PROG, "diff", "VARIANT --region R [--from VERSION] [--to VERSION] [--root PATH] [--output table|json]",
    "  Compares two parameter versions field by field (image, agent, runtime, source image, ...).\n"
    "  Defaults: --to the newest version, --from the one before it.\n", NULL};

static bool version_arg(const char *s, long long *out)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return false;
    *out = v;
    return true;
}

/* Prints the changed fields; returns how many changed. */
static int print_diff(const struct ami_param *a, const struct ami_param *b, enum ami_output fmt)
{
    struct ecsb_buf out = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &out, 2);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "from");
    ecsb_jw_int(&w, a->version);
    ecsb_jw_key(&w, "to");
    ecsb_jw_int(&w, b->version);
    ecsb_jw_key(&w, "changes");
    ecsb_jw_object_begin(&w);
    int changed = 0;
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++) {
        if (ecsb_ami_meta_field_equal(&a->meta, &b->meta, (enum ecsb_ami_field)f))
            continue;
        const char *key = ecsb_ami_field_key((enum ecsb_ami_field)f);
        changed++;
        ecsb_jw_key(&w, key);
        ecsb_jw_object_begin(&w);
        ecsb_jw_key(&w, "from");
        ecsb_jw_string(&w, a->meta.field[f]);
        ecsb_jw_key(&w, "to");
        ecsb_jw_string(&w, b->meta.field[f]);
        ecsb_jw_object_end(&w);
        if (fmt != AMI_OUT_JSON)
            printf("%-20s %s -> %s\n", key, ami_or(a->meta.field[f]), ami_or(b->meta.field[f]));
    }
    ecsb_jw_object_end(&w);
    ecsb_jw_object_end(&w);
    if (fmt == AMI_OUT_JSON)
        printf("%s\n", out.data);
    else if (!changed)
        printf("versions %lld and %lld have the same metadata\n", a->version, b->version);
    ecsb_buf_free(&out);
    return changed;
}

/* The two versions to compare: flags, else the newest two. */
static int pick(const struct ami_history *h, const char *from_s, const char *to_s, long long *from, long long *to)
{
    size_t n = h->items ? h->items->count : 0;
    double newest = 0, before = 0;
    if (n > 0)
        ecsb_json_get_number(h->items->items[n - 1], "Version", &newest);
    if (n > 1)
        ecsb_json_get_number(h->items->items[n - 2], "Version", &before);
    *to = (long long)newest;
    *from = (long long)(n > 1 ? before : newest);
    if ((to_s && !version_arg(to_s, to)) || (from_s && !version_arg(from_s, from))) {
        fprintf(stderr, AMI_PROG " diff: --from and --to take a parameter version (1, 2, ...)\n");
        return AMI_EXIT_USAGE;
    }
    return AMI_EXIT_OK;
}

int cmd_diff(int argc, char **argv)
{
    struct ami_flags f = {0};
    const char *from_s = NULL, *to_s = NULL;
    const struct option opts[] = {
        AMI_REGION_OPT(&f), OPT_STRING_("from", &from_s, "VERSION", "older version", "the newest but one"),
        OPT_STRING_("to", &to_s, "VERSION", "newer version", "the newest"),
        OPT_STRING_("root", &f.root, "PATH", "where the variants are", ECSB_AMI_DEFAULT_ROOT),
        AMI_OUTPUT_OPT(&f), AMI_TIMEOUT_OPT(&f), OPT_END_()};
    int nargs = 0;
    enum parse_result pr = parse_options(&diff_usage, opts, argc, argv, &nargs);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    if (nargs != 1) {
        fprintf(stderr, AMI_PROG " diff: give one VARIANT\n");
        return AMI_EXIT_USAGE;
    }
    enum ami_output fmt;
    struct ami_history h = {0};
    long long from = 0, to = 0;
    int rc = ami_flags_check(&f, "diff", &fmt);
    if (rc == AMI_EXIT_OK && (rc = ami_history_fetch("diff", &f, argv[0], &h)) == AMI_EXIT_OK &&
        (rc = pick(&h, from_s, to_s, &from, &to)) == AMI_EXIT_OK) {
        const struct ecsb_json *pa = ami_history_version(&h, from), *pb = ami_history_version(&h, to);
        if (!pa || !pb) {
            fprintf(stderr, AMI_PROG " diff: %s in %s has no version %lld\n", h.name, h.region, pa ? to : from);
            rc = AMI_EXIT_MISSING;
        } else {
            struct ami_param a, b;
            ami_param_read(pa, &a);
            ami_param_read(pb, &b);
            print_diff(&a, &b, fmt);
            ami_param_free(&a);
            ami_param_free(&b);
        }
    }
    ami_history_free(&h);
    return rc;
}
