/* metadata.c: the AMI metadata value (ecsb/ami/metadata.h): parse, write, compare. */
#include <stdlib.h>
#include <string.h>

#include "ecsb/ami/metadata.h"
#include "ecsb/base/json.h"

static const char *const field_keys[ECSB_AMI_NFIELDS] = {
    "ecs_agent_version", "ecs_runtime_version", "image_id", "image_name", "image_version", "os", "source_image_name",
};

const char *ecsb_ami_field_key(enum ecsb_ami_field f)
{
    return f < ECSB_AMI_NFIELDS ? field_keys[f] : "?";
}

void ecsb_ami_meta_free(struct ecsb_ami_meta *m)
{
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++)
        free(m->field[f]);
    memset(m, 0, sizeof *m);
}

void ecsb_ami_meta_set(struct ecsb_ami_meta *m, enum ecsb_ami_field f, const char *value)
{
    free(m->field[f]);
    m->field[f] = value ? ecsb_xstrdup(value) : NULL;
}

void ecsb_ami_meta_copy(struct ecsb_ami_meta *dst, const struct ecsb_ami_meta *src)
{
    memset(dst, 0, sizeof *dst);
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++)
        ecsb_ami_meta_set(dst, (enum ecsb_ami_field)f, src->field[f]);
    dst->schema_version = src->schema_version;
    dst->has_schema_version = src->has_schema_version;
    dst->extra_keys = src->extra_keys;
}

static int field_of(const char *key)
{
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++)
        if (!strcmp(key, field_keys[f]))
            return f;
    return -1;
}

/* schema_version: an integer number, or a string of digits (tolerated). */
static void take_schema(struct ecsb_ami_meta *m, const struct ecsb_json *v)
{
    const char *s = v->type == ECSB_JSON_NUMBER || v->type == ECSB_JSON_STRING ? v->str : NULL;
    if (!s || !*s || strlen(s) > 18 || s[strspn(s, "0123456789")] != '\0') {
        m->extra_keys++; /* present but not usable: counted, not fatal */
        return;
    }
    m->schema_version = strtoll(s, NULL, 10);
    m->has_schema_version = true;
}

/* One member; text fields take strings (up to an embedded NUL) and number lexemes. */
static void take_member(struct ecsb_ami_meta *m, const char *key, const struct ecsb_json *v)
{
    if (!strcmp(key, "schema_version")) {
        take_schema(m, v);
        return;
    }
    int f = field_of(key);
    if (f < 0) {
        m->extra_keys++;
        return;
    }
    if (v->type == ECSB_JSON_STRING || v->type == ECSB_JSON_NUMBER)
        ecsb_ami_meta_set(m, (enum ecsb_ami_field)f, v->str);
    else if (v->type == ECSB_JSON_NULL)
        ecsb_ami_meta_set(m, (enum ecsb_ami_field)f, NULL);
    else
        m->extra_keys++;
}

enum ecsb_status ecsb_ami_meta_parse(const char *value, size_t len, struct ecsb_ami_meta *m, struct ecsb_error *err)
{
    memset(m, 0, sizeof *m);
    const struct ecsb_json_limits lim = {16, 64 * 1024}; /* SSM values are at most 8 KB */
    struct ecsb_json *doc = NULL;
    struct ecsb_error perr = {0};
    if (ecsb_json_parse(value, len, &lim, &doc, &perr) != ECSB_OK)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "the value is not JSON (%s)", perr.message);
    if (doc->type != ECSB_JSON_OBJECT) {
        enum ecsb_json_type t = doc->type;
        ecsb_json_free(doc);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "the value is a JSON %s, not an object of image fields",
                              ecsb_json_type_name(t));
    }
    for (size_t i = 0; i < doc->count; i++)
        take_member(m, doc->keys[i], doc->items[i]);
    ecsb_json_free(doc);
    return ECSB_OK;
}

void ecsb_ami_meta_write(const struct ecsb_ami_meta *m, struct ecsb_buf *out)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, 0);
    ecsb_jw_object_begin(&w);
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++) {
        if (f == ECSB_AMI_SOURCE && m->has_schema_version) {
            ecsb_jw_key(&w, "schema_version");
            ecsb_jw_int(&w, m->schema_version);
        }
        if (m->field[f]) {
            ecsb_jw_key(&w, field_keys[f]);
            ecsb_jw_string(&w, m->field[f]);
        }
    }
    ecsb_jw_object_end(&w);
}

bool ecsb_ami_meta_field_equal(const struct ecsb_ami_meta *a, const struct ecsb_ami_meta *b, enum ecsb_ami_field f)
{
    const char *x = a->field[f], *y = b->field[f];
    return (!x && !y) || (x && y && !strcmp(x, y));
}
