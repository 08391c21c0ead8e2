/* value.c: the metadata value generate and publish write, from a Packer manifest
 * or a value file, with the versions pinned for the build given as flags. */
#include <stdlib.h>
#include <string.h>

#include "ami.h"
#include "ecsb/base/fs.h"

#define VALUE_FILE_MAX (64 * 1024)

static int load_file(const char *cmd, const char *what, const char *path, char **data, size_t *len)
{
    struct ecsb_error err = {0};
    if (ecsb_fs_read_limited(path, VALUE_FILE_MAX, data, len, &err) == ECSB_OK)
        return AMI_EXIT_OK;
    fprintf(stderr, AMI_PROG " %s: %s: %s\n", cmd, what, err.message);
    return AMI_EXIT_FAILURE;
}

/* A value file: one value, published as is (its image_id for every region). */
static int from_value_file(const char *cmd, const char *path, struct ecsb_ami_build *b)
{
    char *data = NULL;
    size_t len = 0;
    int rc = load_file(cmd, "--value-file", path, &data, &len);
    struct ecsb_error err = {0};
    if (rc == AMI_EXIT_OK && ecsb_ami_meta_parse(data, len, &b->meta, &err) != ECSB_OK) {
        fprintf(stderr, AMI_PROG " %s: --value-file %s: %s\n", cmd, path, err.message);
        rc = AMI_EXIT_BAD_INPUT;
    }
    free(data);
    return rc;
}

static int from_manifest(const char *cmd, const char *path, struct ecsb_ami_build *b)
{
    char *data = NULL;
    size_t len = 0;
    int rc = load_file(cmd, "--manifest", path, &data, &len);
    struct ecsb_error err = {0};
    if (rc == AMI_EXIT_OK && ecsb_ami_build_from_manifest(data, len, b, &err) != ECSB_OK) {
        fprintf(stderr, AMI_PROG " %s: --manifest %s: %s\n", cmd, path, err.message);
        rc = AMI_EXIT_BAD_INPUT;
    }
    free(data);
    return rc;
}

int ami_value_load(const char *cmd, const struct ami_value_flags *v, struct ecsb_ami_build *b)
{
    memset(b, 0, sizeof *b);
    if (!v->manifest == !v->value_file) {
        fprintf(stderr, AMI_PROG " %s: give --manifest FILE or --value-file FILE (one of them)\n", cmd);
        return AMI_EXIT_USAGE;
    }
    int rc = v->manifest ? from_manifest(cmd, v->manifest, b) : from_value_file(cmd, v->value_file, b);
    for (int f = 0; rc == AMI_EXIT_OK && f < ECSB_AMI_NFIELDS; f++)
        if (v->set[f])
            ecsb_ami_meta_set(&b->meta, (enum ecsb_ami_field)f, v->set[f]);
    if (rc == AMI_EXIT_OK && !b->meta.has_schema_version) {
        b->meta.schema_version = 1;
        b->meta.has_schema_version = true;
    }
    return rc;
}

void ami_value_for(const struct ecsb_ami_build *b, size_t i, struct ecsb_ami_meta *out)
{
    ecsb_ami_meta_copy(out, &b->meta);
    out->extra_keys = 0;
    if (i < b->n)
        ecsb_ami_meta_set(out, ECSB_AMI_IMAGE_ID, b->image_id[i]);
}
