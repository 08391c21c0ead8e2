/* history.c: GetParameterHistory of one variant in one region, for history and diff. */
#include <stdlib.h>
#include <string.h>

#include "ami.h"
#include "ecsb/aws/ssm.h"

static void history_job(struct ami_region *r, void *ctx)
{
    struct ecsb_json *doc = NULL;
    r->st = ecsb_ssm_get_parameter_history(&r->client, ctx, &doc, &r->err);
    r->result = doc;
}

int ami_history_fetch(const char *cmd, struct ami_flags *f, const char *variant, struct ami_history *h)
{
    memset(h, 0, sizeof *h);
    struct ecsb_buf root = ECSB_BUF_INIT;
    char **names = NULL;
    size_t n = 0;
    if (f->nregions > 1 || f->all_regions) {
        fprintf(stderr, AMI_PROG " %s: give one --region (or set AWS_REGION)\n", cmd);
        return AMI_EXIT_USAGE;
    }
    int rc = ami_root_arg(cmd, f->root, false, &root);
    char *args[1] = {(char *)variant};
    if (rc == AMI_EXIT_OK)
        rc = ami_names(cmd, root.data, 1, args, &names, &n);
    ecsb_buf_free(&root);
    struct ami_session s;
    if (rc == AMI_EXIT_OK && (rc = ami_session_open(&s, f, cmd)) == AMI_EXIT_OK) {
        struct ami_region *r = ami_run_regions(&s, history_job, names[0]);
        if (r[0].st != ECSB_OK) {
            fprintf(stderr, AMI_PROG " %s: %s\n", cmd, r[0].err.message);
            rc = ami_exit_for(r[0].st);
        }
        h->doc = r[0].result;
        h->items = ecsb_json_get(h->doc, "Parameters");
        snprintf(h->region, sizeof h->region, "%s", s.regions[0]);
        ami_regions_free(&s, r);
        ami_session_close(&s);
    }
    if (names)
        h->name = ecsb_xstrdup(names[0]);
    ami_names_free(names, n);
    return rc;
}

const struct ecsb_json *ami_history_version(const struct ami_history *h, long long version)
{
    for (size_t i = 0; h->items && i < h->items->count; i++) {
        double v = 0;
        if (ecsb_json_get_number(h->items->items[i], "Version", &v) && (long long)v == version)
            return h->items->items[i];
    }
    return NULL;
}

void ami_history_free(struct ami_history *h)
{
    ecsb_json_free(h->doc);
    free(h->name);
    memset(h, 0, sizeof *h);
}
