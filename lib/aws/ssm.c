/* ssm.c: SSM Parameter Store actions (GetParameter, GetParameters single and
 * batched, GetParametersByPath and GetParameterHistory with paging, PutParameter). */
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/ssm.h"

#include "request.h"

static enum ecsb_status ssm_send(struct ecsb_aws_request *r, struct ecsb_aws_client *c, const char *action,
                                 struct ecsb_json **out, struct ecsb_error *err)
{
    return ecsb_aws_request_send(r, c, &ecsb_aws_ssm, action, out, err);
}

enum ecsb_status ecsb_ssm_get_parameter(struct ecsb_aws_client *c, const char *name, bool decrypt, char **value,
                                        struct ecsb_error *err)
{
    *value = NULL;
    struct ecsb_aws_request r;
    ecsb_aws_request_begin(&r);
    ecsb_aws_request_string(&r, "Name", name);
    ecsb_aws_request_bool(&r, "WithDecryption", decrypt);
    struct ecsb_json *doc = NULL;
    enum ecsb_status st = ssm_send(&r, c, "GetParameter", &doc, err);
    if (st != ECSB_OK)
        return st;
    const char *v = ecsb_json_get_string(ecsb_json_get(doc, "Parameter"), "Value");
    if (v)
        *value = ecsb_xstrdup(v);
    else
        st = ecsb_error_set(err, ECSB_ERR_AWS, "SSM GetParameter (%s): the response has no Parameter.Value for %s",
                            c->region, name);
    ecsb_json_free(doc);
    return st;
}

enum ecsb_status ecsb_ssm_get_parameters(struct ecsb_aws_client *c, const char *const *names, size_t n,
                                         struct ecsb_json **out, struct ecsb_error *err)
{
    if (n < 1 || n > 10)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SSM GetParameters takes 1 to 10 names, not %lu", (unsigned long)n);
    struct ecsb_aws_request r;
    ecsb_aws_request_begin(&r);
    ecsb_aws_request_strings(&r, "Names", names, n);
    return ssm_send(&r, c, "GetParameters", out, err);
}

/* Paged and batched answers are re-emitted into one document, then parsed once:
 * callers get the same tree shape as a single answer. */
struct ssm_merge {
    struct ecsb_buf params, invalid; /* the items of each array, comma-separated */
};

static void merge_array(struct ecsb_buf *into, const struct ecsb_json *arr)
{
    for (size_t i = 0; arr && arr->type == ECSB_JSON_ARRAY && i < arr->count; i++) {
        if (into->len)
            ecsb_buf_putc(into, ',');
        struct ecsb_json_writer w;
        ecsb_jw_init(&w, into, 0);
        ecsb_jw_value(&w, arr->items[i]);
    }
}

static enum ecsb_status merge_finish(struct ssm_merge *m, bool with_invalid, enum ecsb_status st,
                                     struct ecsb_json **out, struct ecsb_error *err)
{
    struct ecsb_buf all = ECSB_BUF_INIT;
    ecsb_buf_printf(&all, "{\"Parameters\":[%s]", ecsb_buf_cstr(&m->params));
    if (with_invalid)
        ecsb_buf_printf(&all, ",\"InvalidParameters\":[%s]", ecsb_buf_cstr(&m->invalid));
    ecsb_buf_putc(&all, '}');
    if (st == ECSB_OK)
        st = ecsb_json_parse(all.data, all.len, NULL, out, err);
    ecsb_buf_free(&all);
    ecsb_buf_free(&m->params);
    ecsb_buf_free(&m->invalid);
    return st;
}

enum ecsb_status ecsb_ssm_get_parameters_batched(struct ecsb_aws_client *c, const char *const *names, size_t n,
                                                 struct ecsb_json **out, struct ecsb_error *err)
{
    *out = NULL;
    struct ssm_merge m = {ECSB_BUF_INIT, ECSB_BUF_INIT};
    enum ecsb_status st = ECSB_OK;
    for (size_t at = 0; at < n && st == ECSB_OK; at += 10) {
        struct ecsb_json *doc = NULL;
        st = ecsb_ssm_get_parameters(c, names + at, n - at < 10 ? n - at : 10, &doc, err);
        merge_array(&m.params, ecsb_json_get(doc, "Parameters"));
        merge_array(&m.invalid, ecsb_json_get(doc, "InvalidParameters"));
        ecsb_json_free(doc);
    }
    return merge_finish(&m, true, st, out, err);
}

/* One paged action: body members Name or Path (+ Recursive), MaxResults, NextToken. */
struct ssm_paged {
    const char *action, *key, *value;
    bool recursive_member, recursive;
    int max_results;
};

static enum ecsb_status ssm_all_pages(struct ecsb_aws_client *c, const struct ssm_paged *p, struct ecsb_json **out,
                                      struct ecsb_error *err)
{
    *out = NULL;
    struct ssm_merge m = {ECSB_BUF_INIT, ECSB_BUF_INIT};
    char *next = NULL;
    enum ecsb_status st = ECSB_OK;
    for (int page = 0; page < 10000; page++) {
        struct ecsb_aws_request r;
        ecsb_aws_request_begin(&r);
        ecsb_aws_request_string(&r, p->key, p->value);
        if (p->recursive_member)
            ecsb_aws_request_bool(&r, "Recursive", p->recursive);
        ecsb_aws_request_int(&r, "MaxResults", p->max_results);
        ecsb_aws_request_string(&r, "NextToken", next);
        struct ecsb_json *doc = NULL;
        st = ssm_send(&r, c, p->action, &doc, err);
        if (st != ECSB_OK)
            break;
        merge_array(&m.params, ecsb_json_get(doc, "Parameters"));
        free(next);
        next = NULL;
        const char *tok = ecsb_json_get_string(doc, "NextToken");
        if (tok && *tok)
            next = ecsb_xstrdup(tok);
        ecsb_json_free(doc);
        if (!next)
            break;
    }
    free(next);
    return merge_finish(&m, false, st, out, err);
}

enum ecsb_status ecsb_ssm_get_parameters_by_path(struct ecsb_aws_client *c, const char *path, bool recursive,
                                                 struct ecsb_json **out, struct ecsb_error *err)
{
    const struct ssm_paged p = {"GetParametersByPath", "Path", path, true, recursive, 10};
    return ssm_all_pages(c, &p, out, err);
}

enum ecsb_status ecsb_ssm_get_parameter_history(struct ecsb_aws_client *c, const char *name, struct ecsb_json **out,
                                                struct ecsb_error *err)
{
    const struct ssm_paged p = {"GetParameterHistory", "Name", name, false, false, 50};
    return ssm_all_pages(c, &p, out, err);
}

enum ecsb_status ecsb_ssm_put_parameter(struct ecsb_aws_client *c, const struct ecsb_ssm_put *p, long long *version,
                                        struct ecsb_error *err)
{
    struct ecsb_aws_request r;
    ecsb_aws_request_begin(&r);
    ecsb_aws_request_string(&r, "Name", p->name);
    ecsb_aws_request_string(&r, "Value", p->value);
    ecsb_aws_request_string(&r, "Type", p->type ? p->type : "String");
    ecsb_aws_request_string(&r, "DataType", p->data_type);
    ecsb_aws_request_string(&r, "Description", p->description);
    ecsb_aws_request_bool(&r, "Overwrite", p->overwrite);
    struct ecsb_json *doc = NULL;
    enum ecsb_status st = ssm_send(&r, c, "PutParameter", &doc, err);
    if (st == ECSB_OK && version) {
        struct ecsb_json *v = ecsb_json_get(doc, "Version");
        *version = v && v->type == ECSB_JSON_NUMBER ? (long long)v->number : 0;
    }
    ecsb_json_free(doc);
    return st;
}
