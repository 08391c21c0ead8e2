/* ecs-ami-metadata publish: the value and each field as a sub-parameter under our
 * own root, in every region of the build. Values already there are skipped, so a
 * second identical publish writes nothing and versions stay. */
#include <stdlib.h>
#include <string.h>

#include "ami.h"
#include "ecsb/aws/ssm.h"

static const struct command_usage publish_usage = {
    AMI_PROG, "publish", "--root PREFIX (--manifest FILE | --value-file FILE) [--name VARIANT] [--region R ...] [--dry-run]",
    "  Writes <root>/<variant> (the JSON value) and <root>/<variant>/<field> for each field;\n"
    "  <variant>/image_id gets DataType aws:ec2:image, so launch templates (resolve:ssm:) and\n"
    "  CloudFormation (AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>) can use it.\n"
    "  Regions: the manifest's (or --region); a value file needs --region.\n"
    "  Roots beginning with aws or ssm are reserved by SSM and refused before any call.\n", NULL};

#define MAX_WRITES (ECSB_AMI_NFIELDS + 2)

struct write {
    char *name, *value;
    const char *data_type;
};

struct publish_ctx {
    const struct ecsb_ami_build *build;
    const char *base; /* <root>/<variant> */
    bool dry_run;
};

/* The writes for one region, sub-parameters first: the value itself last, so a
 * reader of the value finds its sub-parameters already in place. */
static size_t plan_writes(const struct publish_ctx *p, const char *region, struct write *w)
{
    size_t i = 0, n = 0;
    while (i < p->build->n && strcmp(p->build->region[i], region))
        i++;
    struct ecsb_ami_meta m;
    ami_value_for(p->build, i, &m);
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++) {
        if (!m.field[f])
            continue;
        ecsb_buf_printf(&b, "%s/%s", p->base, ecsb_ami_field_key((enum ecsb_ami_field)f));
        w[n++] = (struct write){ecsb_buf_detach(&b), ecsb_xstrdup(m.field[f]),
                                f == ECSB_AMI_IMAGE_ID ? "aws:ec2:image" : "text"};
    }
    if (m.has_schema_version) {
        struct ecsb_buf v = ECSB_BUF_INIT;
        ecsb_buf_printf(&b, "%s/schema_version", p->base);
        ecsb_buf_printf(&v, "%lld", m.schema_version);
        w[n++] = (struct write){ecsb_buf_detach(&b), ecsb_buf_detach(&v), "text"};
    }
    ecsb_ami_meta_write(&m, &b);
    w[n++] = (struct write){ecsb_xstrdup(p->base), ecsb_buf_detach(&b), "text"};
    ecsb_ami_meta_free(&m);
    return n;
}

static const char *current_value(const struct ecsb_json *doc, const char *name)
{
    const struct ecsb_json *ps = ecsb_json_get(doc, "Parameters");
    for (size_t i = 0; ps && i < ps->count; i++) {
        const char *n = ecsb_json_get_string(ps->items[i], "Name");
        if (n && !strcmp(n, name))
            return ecsb_json_get_string(ps->items[i], "Value");
    }
    return NULL;
}

/* One write: skipped when the value is already there. Appends a report line. */
static enum ecsb_status one_write(struct ami_region *r, const struct publish_ctx *p, const struct write *w,
                                  const char *now, struct ecsb_buf *log)
{
    if (now && !strcmp(now, w->value)) {
        ecsb_buf_printf(log, "%-15s unchanged     %s\n", r->name, w->name);
        return ECSB_OK;
    }
    const char *verb = now ? "update" : "create";
    if (p->dry_run) {
        ecsb_buf_printf(log, "%-15s would %-6s %s = %s\n", r->name, verb, w->name, w->value);
        return ECSB_OK;
    }
    const struct ecsb_ssm_put put = {w->name, w->value, "String", w->data_type, NULL, true};
    long long version = 0;
    enum ecsb_status st = ecsb_ssm_put_parameter(&r->client, &put, &version, &r->err);
    if (st == ECSB_OK)
        ecsb_buf_printf(log, "%-15s %sd       %s (version %lld)\n", r->name, verb, w->name, version);
    return st;
}

static void publish_job(struct ami_region *r, void *ctx)
{
    const struct publish_ctx *p = ctx;
    struct write w[MAX_WRITES];
    size_t n = plan_writes(p, r->name, w);
    const char *names[MAX_WRITES];
    for (size_t i = 0; i < n; i++)
        names[i] = w[i].name;
    struct ecsb_json *doc = NULL;
    struct ecsb_buf log = ECSB_BUF_INIT;
    r->st = ecsb_ssm_get_parameters_batched(&r->client, names, n, &doc, &r->err);
    for (size_t i = 0; i < n && r->st == ECSB_OK; i++)
        r->st = one_write(r, p, &w[i], current_value(doc, w[i].name), &log);
    ecsb_json_free(doc);
    for (size_t i = 0; i < n; i++) {
        free(w[i].name);
        free(w[i].value);
    }
    r->result = ecsb_buf_detach(&log);
}

/* --name, else the variant of the AMI name. */
static int variant_of(const char *name_flag, const struct ecsb_ami_build *b, const char *root, struct ecsb_buf *base)
{
    struct ecsb_buf v = ECSB_BUF_INIT;
    struct ecsb_error err = {0};
    const char *img = b->meta.field[ECSB_AMI_NAME];
    int rc = AMI_EXIT_OK;
    if (name_flag) {
        if (ecsb_ami_variant_name(name_flag, &v, &err) != ECSB_OK) {
            fprintf(stderr, AMI_PROG " publish: --name: %s\n", err.message);
            rc = AMI_EXIT_BAD_INPUT;
        }
    } else if (img) {
        struct ecsb_buf derived = ECSB_BUF_INIT;
        ecsb_ami_variant_from_image_name(img, &derived);
        enum ecsb_status st = ecsb_ami_variant_name(ecsb_buf_cstr(&derived), &v, &err);
        ecsb_buf_free(&derived);
        if (st != ECSB_OK) {
            fprintf(stderr, AMI_PROG " publish: image_name '%.100s' gives no variant name -- pass --name\n", img);
            rc = AMI_EXIT_BAD_INPUT;
        }
    } else {
        fprintf(stderr, AMI_PROG " publish: no image_name to name the parameter after -- pass --name VARIANT\n");
        rc = AMI_EXIT_BAD_INPUT;
    }
    if (rc == AMI_EXIT_OK)
        ecsb_buf_printf(base, "%s/%s", root, v.data);
    ecsb_buf_free(&v);
    return rc;
}

static int report(struct ami_session *s, struct ami_region *r)
{
    int rc = AMI_EXIT_OK;
    for (size_t i = 0; i < s->nregions; i++) {
        fputs(r[i].result ? (const char *)r[i].result : "", stdout);
        free(r[i].result);
        if (r[i].st != ECSB_OK) {
            fprintf(stderr, AMI_PROG " publish: %s\n", r[i].err.message);
            rc = AMI_EXIT_AWS;
        }
    }
    return rc;
}

/* With a manifest, every --region must be one the build made an AMI in. */
static int check_regions(const struct ami_flags *f, const struct ecsb_ami_build *b)
{
    for (size_t i = 0; b->n && i < f->nregions; i++) {
        size_t len = strcspn(f->regions[i], ","), j = 0;
        while (j < b->n && (strlen(b->region[j]) != len || strncmp(b->region[j], f->regions[i], len)))
            j++;
        if (j == b->n) {
            fprintf(stderr, AMI_PROG " publish: --region %.*s: the manifest has no AMI there\n", (int)len,
                    f->regions[i]);
            return AMI_EXIT_BAD_INPUT;
        }
    }
    return AMI_EXIT_OK;
}

static int publish(struct ami_flags *f, const struct ecsb_ami_build *b, const char *base, bool dry_run)
{
    int rc = check_regions(f, b);
    if (rc != AMI_EXIT_OK)
        return rc;
    for (size_t i = 0; f->nregions == 0 && i < b->n; i++)
        f->regions[i] = b->region[i];
    if (f->nregions == 0)
        f->nregions = b->n;
    struct ami_session s;
    rc = ami_session_open(&s, f, "publish");
    if (rc != AMI_EXIT_OK)
        return rc;
    struct publish_ctx p = {b, base, dry_run};
    struct ami_region *r = ami_run_regions(&s, publish_job, &p);
    rc = report(&s, r);
    ami_regions_free(&s, r);
    ami_session_close(&s);
    return rc;
}

int cmd_publish(int argc, char **argv)
{
    struct ami_flags f = {0};
    struct ami_value_flags v = {0};
    const char *name = NULL;
    bool dry_run = false;
    const struct option opts[] = {
        OPT_STRING_("root", &f.root, "PREFIX", "our own parameter root, e.g. /my-company/ami-windows-latest", NULL),
        OPT_STRING_("name", &name, "VARIANT", "parameter leaf name or short form", "from image_name"),
        AMI_VALUE_OPTS(&v), AMI_REGION_OPT(&f),
        OPT_FLAG_("dry-run", 0, &dry_run, "print what would change, write nothing"),
        AMI_JOBS_OPT(&f), AMI_TIMEOUT_OPT(&f), OPT_END_()};
    enum parse_result pr = parse_options(&publish_usage, opts, argc, argv, NULL);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    if (!f.root) {
        fprintf(stderr, AMI_PROG " publish: --root PREFIX is required (e.g. /my-company/ami-windows-latest)\n");
        return AMI_EXIT_USAGE;
    }
    enum ami_output fmt;
    struct ecsb_buf root = ECSB_BUF_INIT, base = ECSB_BUF_INIT;
    struct ecsb_ami_build b = {0};
    int rc = ami_root_arg("publish", f.root, true, &root); /* before any call */
    if (rc == AMI_EXIT_OK)
        rc = ami_flags_check(&f, "publish", &fmt);
    if (rc == AMI_EXIT_OK)
        rc = ami_value_load("publish", &v, &b);
    if (rc == AMI_EXIT_OK)
        rc = variant_of(name, &b, root.data, &base);
    if (rc == AMI_EXIT_OK)
        rc = publish(&f, &b, base.data, dry_run);
    ecsb_ami_build_free(&b);
    ecsb_buf_free(&root);
    ecsb_buf_free(&base);
    return rc;
}
