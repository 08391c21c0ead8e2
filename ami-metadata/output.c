/* output.c: reading SSM parameters into metadata, and the JSON every command prints. */
#include <stdio.h>
#include <string.h>

#include "ami.h"

int ami_root_arg(const char *cmd, const char *root, bool for_writing, struct ecsb_buf *out)
{
    struct ecsb_error err = {0};
    if (ecsb_ami_root(root ? root : ECSB_AMI_DEFAULT_ROOT, for_writing, out, &err) == ECSB_OK)
        return AMI_EXIT_OK;
    fprintf(stderr, AMI_PROG " %s: --root: %s\n", cmd, err.message);
    return AMI_EXIT_BAD_INPUT;
}

const char *ami_or(const char *s)
{
    return s && *s ? s : "-";
}

void ami_param_read(const struct ecsb_json *p, struct ami_param *ap)
{
    memset(ap, 0, sizeof *ap);
    ap->name = ecsb_json_get_string(p, "Name");
    ap->value = ecsb_json_get_string(p, "Value");
    ap->data_type = ecsb_json_get_string(p, "DataType");
    double d = 0;
    if (ecsb_json_get_number(p, "Version", &d))
        ap->version = (long long)d;
    ecsb_json_get_number(p, "LastModifiedDate", &ap->modified);
    struct ecsb_error err = {0};
    if (!ap->value)
        snprintf(ap->value_error, sizeof ap->value_error, "the parameter has no Value");
    else if (ecsb_ami_meta_parse(ap->value, strlen(ap->value), &ap->meta, &err) != ECSB_OK)
        snprintf(ap->value_error, sizeof ap->value_error, "%.250s", err.message);
}

void ami_param_free(struct ami_param *ap)
{
    ecsb_ami_meta_free(&ap->meta);
}

static void meta_members(struct ecsb_json_writer *w, const struct ecsb_ami_meta *m)
{
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++) {
        ecsb_jw_key(w, ecsb_ami_field_key((enum ecsb_ami_field)f));
        ecsb_jw_string(w, m->field[f]);
    }
    ecsb_jw_key(w, "schema_version");
    if (m->has_schema_version)
        ecsb_jw_int(w, m->schema_version);
    else
        ecsb_jw_null(w);
}

void ami_json_param(struct ecsb_json_writer *w, const struct ecsb_json *p)
{
    struct ami_param ap;
    ami_param_read(p, &ap);
    char iso[32];
    ami_iso_time(ap.modified, iso);
    ecsb_jw_key(w, "version");
    ecsb_jw_int(w, ap.version);
    ecsb_jw_key(w, "last_modified");
    ecsb_jw_string(w, iso);
    ecsb_jw_key(w, "last_modified_epoch");
    ecsb_jw_value(w, ecsb_json_get(p, "LastModifiedDate"));
    ecsb_jw_key(w, "data_type");
    ecsb_jw_string(w, ap.data_type);
    meta_members(w, &ap.meta);
    ecsb_jw_key(w, "value");
    ecsb_jw_string(w, ap.value);
    ecsb_jw_key(w, "value_error");
    ecsb_jw_string(w, ap.value_error[0] ? ap.value_error : NULL);
    ami_param_free(&ap);
}

void ami_print_image_id(const struct ecsb_json *p)
{
    struct ami_param ap;
    ami_param_read(p, &ap);
    if (ap.meta.field[ECSB_AMI_IMAGE_ID])
        printf("%s\n", ap.meta.field[ECSB_AMI_IMAGE_ID]);
    else
        fprintf(stderr, AMI_PROG ": %s: no image_id in the value%s%s\n", ami_or(ap.name),
                ap.value_error[0] ? ": " : "", ap.value_error);
    ami_param_free(&ap);
}

bool ami_param_has_image(const struct ecsb_json *p)
{
    struct ami_param ap;
    ami_param_read(p, &ap);
    bool ok = ap.meta.field[ECSB_AMI_IMAGE_ID] && ap.meta.field[ECSB_AMI_IMAGE_ID][0];
    ami_param_free(&ap);
    return ok;
}
