/* ami.h: what the ecs-ami-metadata subcommands share (ami-metadata/common.c,
 * output.c): the common flags, one session (credentials resolved once), one SSM
 * client per region run concurrently with a bound, and the exit codes. */
#ifndef ECSB_AMI_TOOL_H
#define ECSB_AMI_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "ecsb/ami/metadata.h"
#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/options.h"

#define AMI_PROG "ecs-ami-metadata"

enum ami_exit {
    AMI_EXIT_OK = 0,        /* everything asked for was found (or written) */
    AMI_EXIT_FAILURE = 1,   /* a local failure (a file could not be read, ...) */
    AMI_EXIT_USAGE = 2,     /* wrong flags or arguments */
    AMI_EXIT_BAD_INPUT = 3, /* a flag value, manifest or value file is invalid; a reserved root */
    AMI_EXIT_MISSING = 4,   /* some parameter is missing in some region (the others were printed) */
    AMI_EXIT_AWS = 6,       /* an AWS call failed after retries (auth, throttling, network) */
};

int cmd_list(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_publish(int argc, char **argv);

/* ---- flags every AWS subcommand takes ------------------------------------ */

#define AMI_MAX_REGIONS 64

struct ami_flags {
    const char *regions[AMI_MAX_REGIONS]; /* --region, repeatable and comma-separated */
    size_t nregions;
    bool all_regions;
    const char *root;    /* NULL: the default root */
    const char *output;  /* table|json|text */
    const char *jobs;    /* regions in flight; default 8 */
    const char *timeout; /* seconds per region (all its calls and retries); default 60 */
};

enum ecsb_status ami_region_flag(void *target, const char *value, struct ecsb_error *err);

#define AMI_REGION_OPT(f) OPT_CALLBACK_("region", (f), "REGION", "region to ask; repeatable, or comma-separated", \
                                        ami_region_flag)
#define AMI_OUTPUT_OPT(f) OPT_STRING_("output", &(f)->output, "FORMAT", "table, json or text", "table")
#define AMI_JOBS_OPT(f) OPT_STRING_("jobs", &(f)->jobs, "N", "regions asked at once", "8")
#define AMI_TIMEOUT_OPT(f) OPT_STRING_("timeout", &(f)->timeout, "SECONDS", \
                                       "deadline per region, retries included", "60")

enum ami_output { AMI_OUT_TABLE, AMI_OUT_JSON, AMI_OUT_TEXT };
/* Checks --output, --jobs and --timeout; messages name the flag. */
int ami_flags_check(const struct ami_flags *f, const char *cmd, enum ami_output *out);

/* ---- session ------------------------------------------------------------- */

struct ami_session {
    struct ecsb_http *http;          /* for IMDS only: regions get their own */
    struct ecsb_imds imds;
    struct ecsb_cred_chain chain;
    const struct ecsb_credentials *creds; /* resolved once, copied into each region's chain */
    const char *regions[AMI_MAX_REGIONS];
    size_t nregions;
    size_t jobs;
    long deadline_ms;
};

/* Resolves regions (--region, else --all-regions over the partition of the first
 * region or AWS_REGION, else AWS_REGION/AWS_DEFAULT_REGION) and credentials.
 * Prints one line and returns an exit code on failure; AMI_EXIT_OK otherwise. */
int ami_session_open(struct ami_session *s, const struct ami_flags *f, const char *cmd);
void ami_session_close(struct ami_session *s);

/* One region's client: its own HTTP handle and a copy of the credentials, so
 * regions share nothing while they run. */
struct ami_region {
    const char *name;
    struct ecsb_http *http;
    struct ecsb_cred_chain chain;
    struct ecsb_aws_client client;
    struct ecsb_error err; /* set by the job when the region failed */
    enum ecsb_status st;
    void *result;          /* the job's own output */
};

/* Runs job(region, ctx) for every region of the session, jobs at a time; the
 * regions array (s->nregions long) is handed back for printing in order. */
struct ami_region *ami_run_regions(struct ami_session *s, void (*job)(struct ami_region *r, void *ctx), void *ctx);
void ami_regions_free(struct ami_session *s, struct ami_region *r);

/* ---- output helpers ------------------------------------------------------ */

/* LastModifiedDate (epoch seconds) -> "2026-11-30T15:50:39Z". */
void ami_iso_time(double epoch, char out[32]);
/* The exit code for a region's failure status. */
int ami_exit_for(enum ecsb_status st);
/* "<root>/<variant>" for each variant argument (all known variants when none),
 * in *names (free with ami_names_free); prints the error and returns an exit code. */
int ami_names(const char *cmd, const char *root, int nargs, char **args, char ***names, size_t *n);
void ami_names_free(char **names, size_t n);
/* The variant (last path segment) of a parameter name. */
const char *ami_leaf(const char *name);

/* The root flag (NULL: the default) checked and normalised into out. */
int ami_root_arg(const char *cmd, const char *root, bool for_writing, struct ecsb_buf *out);

/* One SSM parameter (a GetParameters or GetParameterHistory item), read. */
struct ami_param {
    const char *name, *value, *data_type; /* point into the JSON tree */
    long long version;
    double modified;                      /* epoch seconds */
    struct ecsb_ami_meta meta;
    char value_error[256];                /* why the value is not metadata, or "" */
};

void ami_param_read(const struct ecsb_json *p, struct ami_param *out);
void ami_param_free(struct ami_param *ap);
const char *ami_or(const char *s); /* s, or "-" */
/* The members of a parameter in the documented JSON output (docs/ami-metadata.md). */
void ami_json_param(struct ecsb_json_writer *w, const struct ecsb_json *p);
void ami_print_image_id(const struct ecsb_json *p);
/* false when the value is not metadata or has no image_id (get then exits 4). */
bool ami_param_has_image(const struct ecsb_json *p);

/* ---- history (history.c): every version of one variant in one region ---- */

struct ami_history {
    struct ecsb_json *doc;
    const struct ecsb_json *items; /* the versions, oldest first */
    char *name;
    char region[64];
};

/* Needs exactly one --region. Prints its errors; returns an exit code. */
int ami_history_fetch(const char *cmd, struct ami_flags *f, const char *variant, struct ami_history *h);
const struct ecsb_json *ami_history_version(const struct ami_history *h, long long version);
void ami_history_free(struct ami_history *h);

/* ---- the value to write (value.c) ---------------------------------------- */

struct ami_value_flags {
    const char *manifest, *value_file;
    const char *set[ECSB_AMI_NFIELDS]; /* --agent-version etc.: override the source */
};

#define AMI_VALUE_OPTS(v)                                                                                   \
    OPT_STRING_("manifest", &(v)->manifest, "FILE", "Packer manifest (manifest post-processor)", NULL),      \
    OPT_STRING_("value-file", &(v)->value_file, "FILE", "a metadata value (JSON object) instead", NULL),    \
    OPT_STRING_("agent-version", &(v)->set[ECSB_AMI_AGENT], "V", "ECS agent version baked in", NULL),      \
    OPT_STRING_("runtime-version", &(v)->set[ECSB_AMI_RUNTIME], "V", "container runtime version", NULL),   \
    OPT_STRING_("image-name", &(v)->set[ECSB_AMI_NAME], "NAME", "AMI name", "from the manifest"),         \
    OPT_STRING_("image-version", &(v)->set[ECSB_AMI_VERSION], "V", "image version", "the name's date"),   \
    OPT_STRING_("os", &(v)->set[ECSB_AMI_OS], "TEXT", "operating system", NULL),                          \
    OPT_STRING_("source-image-name", &(v)->set[ECSB_AMI_SOURCE], "NAME", "the base AMI's name", NULL)

/* Reads the manifest or value file and applies the flags. Prints errors. */
int ami_value_load(const char *cmd, const struct ami_value_flags *v, struct ecsb_ami_build *b);
/* The value for the build's i-th region (i >= b->n: the value as loaded). */
void ami_value_for(const struct ecsb_ami_build *b, size_t i, struct ecsb_ami_meta *out);

#endif
