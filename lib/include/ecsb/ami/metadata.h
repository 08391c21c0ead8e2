/* metadata.h: the AMI metadata AWS publishes in SSM for ECS-optimized AMIs, as a
 * pure model (lib/ami/): parse a parameter's value, write the 8-key value, name
 * variants, check roots, read a Packer manifest. No I/O; ecs-ami-metadata
 * (ami-metadata/) does the calls. */
#ifndef ECSB_AMI_METADATA_H
#define ECSB_AMI_METADATA_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

/* The text fields, in the order AWS writes keys (sorted; schema_version, an
 * integer, sits between os and source_image_name). */
enum ecsb_ami_field {
    ECSB_AMI_AGENT,    /* ecs_agent_version */
    ECSB_AMI_RUNTIME,  /* ecs_runtime_version (free text: "Docker version 20.10.9") */
    ECSB_AMI_IMAGE_ID, /* image_id */
    ECSB_AMI_NAME,     /* image_name */
    ECSB_AMI_VERSION,  /* image_version */
    ECSB_AMI_OS,       /* os */
    ECSB_AMI_SOURCE,   /* source_image_name */
    ECSB_AMI_NFIELDS
};

struct ecsb_ami_meta {
    char *field[ECSB_AMI_NFIELDS]; /* NULL when absent */
    long long schema_version;
    bool has_schema_version;
    size_t extra_keys;             /* keys this model does not know (kept out, counted) */
};

/* "ecs_agent_version" etc. */
const char *ecsb_ami_field_key(enum ecsb_ami_field f);

/* Parses a parameter's value. Every key is optional and unknown keys are
 * counted, not errors; a number where text is expected keeps its lexeme, a
 * numeric string is accepted for schema_version. ECSB_ERR_INVALID (with the
 * reason) when the value is not a JSON object; *m is then empty. */
enum ecsb_status ecsb_ami_meta_parse(const char *value, size_t len, struct ecsb_ami_meta *m, struct ecsb_error *err);
void ecsb_ami_meta_free(struct ecsb_ami_meta *m);
void ecsb_ami_meta_copy(struct ecsb_ami_meta *dst, const struct ecsb_ami_meta *src);
void ecsb_ami_meta_set(struct ecsb_ami_meta *m, enum ecsb_ami_field f, const char *value); /* NULL clears */
/* The compact value with keys sorted, absent fields left out (8 keys when all set). */
void ecsb_ami_meta_write(const struct ecsb_ami_meta *m, struct ecsb_buf *out);
/* true when both have the same text for f (both absent counts as equal). */
bool ecsb_ami_meta_field_equal(const struct ecsb_ami_meta *a, const struct ecsb_ami_meta *b, enum ecsb_ami_field f);

/* ---- names --------------------------------------------------------------- */

#define ECSB_AMI_DEFAULT_ROOT "/aws/service/ami-windows-latest"
#define ECSB_AMI_SUFFIX "-ECS_Optimized"

/* The ECS-optimized Windows variants AWS publishes (full names), *n of them. */
const char *const *ecsb_ami_known_variants(size_t *n);
/* "2022-core" (any case) -> "Windows_Server-2022-English-Core-ECS_Optimized"; a full
 * leaf name ([A-Za-z0-9_.-]+) passes unchanged. ECSB_ERR_INVALID names the fix. */
enum ecsb_status ecsb_ami_variant_name(const char *in, struct ecsb_buf *out, struct ecsb_error *err);
/* "2022-core" for a known full name, else the name itself. */
const char *ecsb_ami_variant_short(const char *full, char *buf, size_t cap);
/* The variant an AMI name belongs to: "...-ECS_Optimized-2025.09.13" ->
 * "...-ECS_Optimized" (a trailing "-<digits and dots>" is dropped). */
void ecsb_ami_variant_from_image_name(const char *image_name, struct ecsb_buf *out);
/* A root is "/a/b" (trailing slashes dropped into out). ECSB_ERR_INVALID when it
 * does not start with '/' or holds an empty segment; when writing, roots whose
 * first segment begins with "aws" or "ssm" (any case) are reserved by SSM. */
enum ecsb_status ecsb_ami_root(const char *in, bool for_writing, struct ecsb_buf *out, struct ecsb_error *err);

/* ---- Packer manifest ----------------------------------------------------- */

#define ECSB_AMI_MAX_REGIONS 64

/* What one Packer build produced: the AMI per region and the metadata from the
 * build's custom_data (keys as in the value: image_name, os, ...). */
struct ecsb_ami_build {
    size_t n;
    char *region[ECSB_AMI_MAX_REGIONS];
    char *image_id[ECSB_AMI_MAX_REGIONS];
    struct ecsb_ami_meta meta; /* image_id unset */
};

/* Reads the manifest of Packer's manifest post-processor: the build of
 * last_run_uuid (else the last build), artifact_id "us-east-1:ami-1,us-west-2:ami-2".
 * Derives image_version from image_name's date suffix and sets schema_version 1
 * when custom_data leaves them out. */
enum ecsb_status ecsb_ami_build_from_manifest(const char *text, size_t len, struct ecsb_ami_build *b,
                                              struct ecsb_error *err);
void ecsb_ami_build_free(struct ecsb_ami_build *b);

#endif
