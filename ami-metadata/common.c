/* common.c: flags, session and the bounded per-region runner the subcommands share. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ami.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/regions.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/thread.h"
#include "ecsb/config/config_values.h"

enum ecsb_status ami_region_flag(void *target, const char *value, struct ecsb_error *err)
{
    struct ami_flags *f = target;
    while (*value) {
        size_t len = strcspn(value, ",");
        char one[64];
        if (len == 0 || len >= sizeof one)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "not a region name -- use a name like us-east-1");
        memcpy(one, value, len);
        one[len] = '\0';
        if (!ecsb_valid_region(one))
            return ecsb_error_set(err, ECSB_ERR_INVALID, "'%s' is not a region name -- use a name like us-east-1",
                                  one);
        if (f->nregions == AMI_MAX_REGIONS)
            return ecsb_error_set(err, ECSB_ERR_LIMIT, "more than %d regions", AMI_MAX_REGIONS);
        f->regions[f->nregions++] = value; /* argv outlives the command: keep pointers, cut on use */
        value += len + (value[len] == ',');
    }
    return ECSB_OK;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int ami_flags_check(const struct ami_flags *f, const char *cmd, enum ami_output *out)
{
    long v;
    const char *o = f->output ? f->output : "table";
    if (!strcmp(o, "table") || !strcmp(o, "json") || !strcmp(o, "text")) {
        *out = o[0] == 't' ? (o[1] == 'a' ? AMI_OUT_TABLE : AMI_OUT_TEXT) : AMI_OUT_JSON;
    } else {
        fprintf(stderr, AMI_PROG " %s: --output %s: use table, json or text\n", cmd, o);
        return AMI_EXIT_USAGE;
    }
    if (f->jobs && !parse_long(f->jobs, 1, 64, &v)) {
        fprintf(stderr, AMI_PROG " %s: --jobs %s: use a number from 1 to 64\n", cmd, f->jobs);
        return AMI_EXIT_USAGE;
    }
    if (f->timeout && !parse_long(f->timeout, 1, 3600, &v)) {
        fprintf(stderr, AMI_PROG " %s: --timeout %s: use seconds from 1 to 3600\n", cmd, f->timeout);
        return AMI_EXIT_USAGE;
    }
    return AMI_EXIT_OK;
}

/* A --region value is a pointer into argv up to the next comma. */
static const char *region_copy(const char *v)
{
    return ecsb_xstrndup(v, strcspn(v, ","));
}

static int resolve_regions(struct ami_session *s, const struct ami_flags *f, const char *cmd)
{
    for (size_t i = 0; i < f->nregions; i++)
        s->regions[s->nregions++] = region_copy(f->regions[i]);
    const char *first = s->nregions ? s->regions[0] : ecsb_env(NULL, "AWS_REGION");
    if (!first)
        first = ecsb_env(NULL, "AWS_DEFAULT_REGION");
    char *profile_region = first ? NULL : ecsb_aws_profile_region(NULL); /* the SDKs' next fallback */
    if (profile_region)
        s->regions[s->nregions++] = first = profile_region;
    if (!first) {
        fprintf(stderr, AMI_PROG " %s: no region -- pass --region us-east-1, set AWS_REGION, or set region in "
                "the profile of ~/.aws/config\n", cmd);
        return AMI_EXIT_USAGE;
    }
    if (!ecsb_valid_region(first)) {
        fprintf(stderr, AMI_PROG " %s: AWS_REGION '%.64s' is not a region name -- use a name like us-east-1\n",
                cmd, first);
        return AMI_EXIT_BAD_INPUT;
    }
    if (f->all_regions) {
        const char *all[AMI_MAX_REGIONS];
        size_t n = ecsb_aws_partition_regions(ecsb_aws_partition(first), false, all, AMI_MAX_REGIONS);
        for (size_t i = 0; i < s->nregions; i++)
            free((char *)s->regions[i]);
        s->nregions = 0;
        for (size_t i = 0; i < n && i < AMI_MAX_REGIONS; i++)
            s->regions[s->nregions++] = ecsb_xstrdup(all[i]);
    } else if (!s->nregions) {
        s->regions[s->nregions++] = ecsb_xstrdup(first);
    }
    return AMI_EXIT_OK;
}

/* The credential chain: environment, then the instance role (IMDSv2). Resolved
 * once here, on the calling thread; regions get copies. */
static enum ecsb_status open_credentials(struct ami_session *s, struct ecsb_error *err)
{
    struct ecsb_imds_config icfg;
    ecsb_imds_config_defaults(&icfg);
    enum ecsb_status st = ecsb_http_new(&s->http, err);
    if (st != ECSB_OK)
        return st;
    st = ecsb_imds_init(&s->imds, s->http, &icfg, NULL, err);
    if (st != ECSB_OK) {
        ecsb_http_free(s->http);
        s->http = NULL;
        return st;
    }
    ecsb_cred_chain_init(&s->chain, &s->imds, NULL);
    return ecsb_cred_chain_get(&s->chain, &s->creds, err);
}

int ami_session_open(struct ami_session *s, const struct ami_flags *f, const char *cmd)
{
    memset(s, 0, sizeof *s);
    long jobs = 8, timeout = 60;
    parse_long(f->jobs, 1, 64, &jobs);
    parse_long(f->timeout, 1, 3600, &timeout);
    s->jobs = (size_t)jobs;
    s->deadline_ms = timeout * 1000;
    int rc = resolve_regions(s, f, cmd);
    struct ecsb_error err = {0};
    enum ecsb_status st = rc == AMI_EXIT_OK ? open_credentials(s, &err) : ECSB_OK;
    if (rc == AMI_EXIT_OK && st != ECSB_OK) {
        fprintf(stderr, AMI_PROG " %s: %s\n", cmd, err.message);
        rc = st == ECSB_ERR_INVALID ? AMI_EXIT_BAD_INPUT : AMI_EXIT_AWS;
    }
    if (rc != AMI_EXIT_OK)
        ami_session_close(s);
    return rc;
}

void ami_session_close(struct ami_session *s)
{
    for (size_t i = 0; i < s->nregions; i++)
        free((char *)s->regions[i]);
    if (s->http) {
        ecsb_cred_chain_free(&s->chain);
        ecsb_imds_free(&s->imds);
        ecsb_http_free(s->http);
    }
    memset(s, 0, sizeof *s);
}

struct runner {
    struct ami_region *r;
    void (*job)(struct ami_region *r, void *ctx);
    void *ctx;
};

static void run_one(void *ctx, size_t i)
{
    struct runner *run = ctx;
    struct ami_region *r = &run->r[i];
    if (r->st == ECSB_OK)
        run->job(r, run->ctx);
}

/* Clients are made on the calling thread (HTTP library set-up is not everywhere
 * thread-safe); only the calls run on the workers. */
static void region_open(struct ami_session *s, struct ami_region *r, const char *name)
{
    r->name = name;
    r->st = ecsb_http_new(&r->http, &r->err);
    if (r->st != ECSB_OK)
        return;
    ecsb_cred_chain_init(&r->chain, NULL, NULL);
    ecsb_credentials_copy(&r->chain.current, s->creds);
    r->chain.have = true;
    r->chain.refresh_early_s = 0; /* the session resolved them; a region never refreshes */
    r->st = ecsb_aws_client_init(&r->client, r->http, &r->chain, name, NULL, &r->err);
    if (r->st == ECSB_OK)
        ecsb_aws_retry_set_deadline(&r->client.retry, s->deadline_ms);
}

struct ami_region *ami_run_regions(struct ami_session *s, void (*job)(struct ami_region *r, void *ctx), void *ctx)
{
    struct ami_region *r = ecsb_xcalloc(s->nregions, sizeof *r);
    for (size_t i = 0; i < s->nregions; i++)
        region_open(s, &r[i], s->regions[i]);
    struct runner run = {r, job, ctx};
    ecsb_parallel_for(s->nregions, s->jobs, run_one, &run);
    return r;
}

void ami_regions_free(struct ami_session *s, struct ami_region *r)
{
    for (size_t i = 0; r && i < s->nregions; i++) {
        ecsb_cred_chain_free(&r[i].chain);
        if (r[i].http)
            ecsb_http_free(r[i].http);
    }
    free(r);
}

void ami_iso_time(double epoch, char out[32])
{
    struct tm tm;
    ecsb_gmtime((time_t)epoch, &tm);
    if (!strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        strcpy(out, "?");
}

int ami_exit_for(enum ecsb_status st)
{
    switch (st) {
    case ECSB_OK: return AMI_EXIT_OK;
    case ECSB_ERR_NOT_FOUND: return AMI_EXIT_MISSING;
    case ECSB_ERR_INVALID: return AMI_EXIT_BAD_INPUT;
    default: return AMI_EXIT_AWS;
    }
}

const char *ami_leaf(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

int ami_names(const char *cmd, const char *root, int nargs, char **args, char ***names, size_t *n)
{
    size_t nk;
    const char *const *known = ecsb_ami_known_variants(&nk);
    size_t count = nargs > 0 ? (size_t)nargs : nk;
    char **out = ecsb_xcalloc(count, sizeof *out);
    struct ecsb_buf v = ECSB_BUF_INIT;
    for (size_t i = 0; i < count; i++) {
        struct ecsb_error err = {0};
        if (ecsb_ami_variant_name(nargs > 0 ? args[i] : known[i], &v, &err) != ECSB_OK) {
            fprintf(stderr, AMI_PROG " %s: %s\n", cmd, err.message);
            ecsb_buf_free(&v);
            ami_names_free(out, i);
            return AMI_EXIT_BAD_INPUT;
        }
        struct ecsb_buf full = ECSB_BUF_INIT;
        ecsb_buf_printf(&full, "%s/%s", root, v.data);
        out[i] = ecsb_buf_detach(&full);
    }
    ecsb_buf_free(&v);
    *names = out;
    *n = count;
    return AMI_EXIT_OK;
}

void ami_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}
