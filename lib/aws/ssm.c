/* ssm.c: SSM Parameter Store actions (GetParameter, GetParameters,
 * GetParametersByPath with paging, PutParameter). */
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

/* Pages are re-emitted into one {"Parameters":[...]} document, then parsed once:
 * callers get the same tree shape as a single-page answer. */
enum ecsb_status ecsb_ssm_get_parameters_by_path(struct ecsb_aws_client *c, const char *path, bool recursive,
                                                 struct ecsb_json **out, struct ecsb_error *err)
{
    *out = NULL;
    struct ecsb_buf all = ECSB_BUF_INIT;
    struct ecsb_json_writer aw;
    ecsb_jw_init(&aw, &all, 0);
    ecsb_jw_object_begin(&aw);
    ecsb_jw_key(&aw, "Parameters");
    ecsb_jw_array_begin(&aw);
    char *next = NULL;
    enum ecsb_status st = ECSB_OK;
    for (int page = 0; page < 10000; page++) {
        struct ecsb_aws_request r;
        ecsb_aws_request_begin(&r);
        ecsb_aws_request_string(&r, "Path", path);
        ecsb_aws_request_bool(&r, "Recursive", recursive);
        ecsb_aws_request_int(&r, "MaxResults", 10);
        ecsb_aws_request_string(&r, "NextToken", next);
        struct ecsb_json *doc = NULL;
        st = ssm_send(&r, c, "GetParametersByPath", &doc, err);
        if (st != ECSB_OK)
            break;
        struct ecsb_json *params = ecsb_json_get(doc, "Parameters");
        for (size_t i = 0; params && params->type == ECSB_JSON_ARRAY && i < params->count; i++)
            ecsb_jw_value(&aw, params->items[i]);
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
    ecsb_jw_array_end(&aw);
    ecsb_jw_object_end(&aw);
    if (st == ECSB_OK)
        st = ecsb_json_parse(all.data, all.len, NULL, out, err);
    ecsb_buf_free(&all);
    return st;
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
