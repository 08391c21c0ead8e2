/* ecs-ami-metadata history: previous releases of one variant, newest first. */
#include <stdlib.h>

#include "ami.h"

static const struct command_usage history_usage = {
    AMI_PROG, "history", "VARIANT --region R [--limit N] [--root PATH] [--output table|json|text]",
    "  Every stored version of the variant (SSM keeps the last 100), newest first: image id,\n"
    "  agent and runtime versions and date, to pick an AMI to roll back to.\n", NULL};

static void history_row(const struct ecsb_json *p, enum ami_output fmt, struct ecsb_json_writer *w)
{
    if (fmt == AMI_OUT_JSON) {
        ecsb_jw_object_begin(w);
        ami_json_param(w, p);
        ecsb_jw_object_end(w);
        return;
    }
    if (fmt == AMI_OUT_TEXT) {
        ami_print_image_id(p);
        return;
    }
    struct ami_param ap;
    ami_param_read(p, &ap);
    char iso[32];
    ami_iso_time(ap.modified, iso);
    printf("%-8lld %-21s %-22s %-10s %-28s %s\n", ap.version, iso, ami_or(ap.meta.field[ECSB_AMI_IMAGE_ID]),
           ami_or(ap.meta.field[ECSB_AMI_AGENT]), ami_or(ap.meta.field[ECSB_AMI_RUNTIME]),
           ap.value_error[0] ? ap.value_error : ami_or(ap.meta.field[ECSB_AMI_NAME]));
    ami_param_free(&ap);
}

int cmd_history(int argc, char **argv)
{
    struct ami_flags f = {0};
    const char *limit_s = NULL;
    const struct option opts[] = {
        AMI_REGION_OPT(&f), OPT_STRING_("limit", &limit_s, "N", "newest N versions", "all"),
        OPT_STRING_("root", &f.root, "PATH", "where the variants are", ECSB_AMI_DEFAULT_ROOT),
        AMI_OUTPUT_OPT(&f), AMI_TIMEOUT_OPT(&f), OPT_END_()};
    int nargs = 0;
    enum parse_result pr = parse_options(&history_usage, opts, argc, argv, &nargs);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    char *end = NULL;
    long limit = limit_s ? strtol(limit_s, &end, 10) : 1000000;
    if (nargs != 1 || (limit_s && (*end || limit < 1))) {
        fprintf(stderr, AMI_PROG " history: give one VARIANT%s\n", nargs == 1 ? " and --limit N >= 1" : "");
        return AMI_EXIT_USAGE;
    }
    enum ami_output fmt;
    struct ami_history h = {0};
    int rc = ami_flags_check(&f, "history", &fmt);
    if (rc == AMI_EXIT_OK && (rc = ami_history_fetch("history", &f, argv[0], &h)) == AMI_EXIT_OK) {
        struct ecsb_buf out = ECSB_BUF_INIT;
        struct ecsb_json_writer w;
        ecsb_jw_init(&w, &out, 2);
        ecsb_jw_object_begin(&w);
        ecsb_jw_key(&w, "region");
        ecsb_jw_string(&w, h.region);
        ecsb_jw_key(&w, "name");
        ecsb_jw_string(&w, h.name);
        ecsb_jw_key(&w, "versions");
        ecsb_jw_array_begin(&w);
        if (fmt == AMI_OUT_TABLE)
            printf("%-8s %-21s %-22s %-10s %-28s %s\n", "VERSION", "DATE", "IMAGE_ID", "AGENT", "RUNTIME",
                   "IMAGE_NAME");
        size_t n = h.items ? h.items->count : 0;
        for (size_t i = n; i-- > 0 && (long)(n - 1 - i) < limit;)
            history_row(h.items->items[i], fmt, &w);
        ecsb_jw_array_end(&w);
        ecsb_jw_object_end(&w);
        if (fmt == AMI_OUT_JSON)
            printf("%s\n", out.data);
        ecsb_buf_free(&out);
    }
    ami_history_free(&h);
    return rc;
}
