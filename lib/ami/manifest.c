/* manifest.c: one Packer build (manifest post-processor output) -> AMI ids per
 * region and the metadata of the value we publish for them. */
#include <stdlib.h>
#include <string.h>

#include "ecsb/ami/metadata.h"
#include "ecsb/base/json.h"

void ecsb_ami_build_free(struct ecsb_ami_build *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->region[i]);
        free(b->image_id[i]);
    }
    ecsb_ami_meta_free(&b->meta);
    memset(b, 0, sizeof *b);
}

/* The build of last_run_uuid, else the last one listed. */
static const struct ecsb_json *pick_build(const struct ecsb_json *doc)
{
    const struct ecsb_json *builds = ecsb_json_get(doc, "builds");
    if (!builds || builds->type != ECSB_JSON_ARRAY || builds->count == 0)
        return NULL;
    const char *last = ecsb_json_get_string(doc, "last_run_uuid");
    for (size_t i = builds->count; last && i-- > 0;) {
        const char *u = ecsb_json_get_string(builds->items[i], "packer_run_uuid");
        if (u && !strcmp(u, last))
            return builds->items[i];
    }
    return builds->items[builds->count - 1];
}

/* "us-east-1:ami-1,us-west-2:ami-2" */
static enum ecsb_status split_artifact(const char *s, struct ecsb_ami_build *b, struct ecsb_error *err)
{
    while (*s) {
        size_t len = strcspn(s, ",");
        const char *colon = memchr(s, ':', len);
        if (!colon || colon == s || colon + 1 == s + len || b->n == ECSB_AMI_MAX_REGIONS)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "artifact_id entry '%.*s' is not REGION:AMI_ID",
                                  (int)(len > 80 ? 80 : len), s);
        b->region[b->n] = ecsb_xstrndup(s, (size_t)(colon - s));
        b->image_id[b->n] = ecsb_xstrndup(colon + 1, (size_t)(s + len - colon - 1));
        b->n++;
        s += len + (s[len] == ',');
    }
    return b->n ? ECSB_OK : ecsb_error_set(err, ECSB_ERR_INVALID, "artifact_id is empty");
}

/* image_version defaults to the AMI name's date suffix ("...-2025.09.13"). */
static void derive(struct ecsb_ami_meta *m)
{
    const char *name = m->field[ECSB_AMI_NAME];
    const char *dash = name ? strrchr(name, '-') : NULL;
    if (!m->field[ECSB_AMI_VERSION] && dash && dash[1] && dash[1 + strspn(dash + 1, "0123456789.")] == '\0')
        ecsb_ami_meta_set(m, ECSB_AMI_VERSION, dash + 1);
    if (!m->has_schema_version) {
        m->schema_version = 1;
        m->has_schema_version = true;
    }
}

enum ecsb_status ecsb_ami_build_from_manifest(const char *text, size_t len, struct ecsb_ami_build *b,
                                              struct ecsb_error *err)
{
    memset(b, 0, sizeof *b);
    struct ecsb_json *doc = NULL;
    enum ecsb_status st = ecsb_json_parse(text, len, NULL, &doc, err);
    if (st != ECSB_OK)
        return ecsb_error_prefix(err, "the Packer manifest is not JSON: ");
    const struct ecsb_json *build = pick_build(doc);
    const char *art = ecsb_json_get_string(build, "artifact_id");
    if (!art)
        st = ecsb_error_set(err, ECSB_ERR_INVALID, "the Packer manifest has no builds[].artifact_id -- "
                            "write it with Packer's manifest post-processor");
    else
        st = split_artifact(art, b, err);
    const struct ecsb_json *custom = ecsb_json_get(build, "custom_data");
    if (st == ECSB_OK && custom && custom->type == ECSB_JSON_OBJECT) {
        struct ecsb_buf v = ECSB_BUF_INIT;
        struct ecsb_json_writer w;
        ecsb_jw_init(&w, &v, 0);
        ecsb_jw_value(&w, custom);
        st = ecsb_ami_meta_parse(v.data, v.len, &b->meta, err);
        ecsb_buf_free(&v);
        ecsb_ami_meta_set(&b->meta, ECSB_AMI_IMAGE_ID, NULL);
    }
    ecsb_json_free(doc);
    if (st != ECSB_OK) {
        ecsb_ami_build_free(b);
        return st;
    }
    derive(&b->meta);
    return ECSB_OK;
}
