/* request.c: JSON 1.1 request bodies for the service clients (see request.h). */
#include "request.h"

void ecsb_aws_request_begin(struct ecsb_aws_request *r)
{
    r->body = (struct ecsb_buf)ECSB_BUF_INIT;
    ecsb_jw_init(&r->w, &r->body, 0);
    ecsb_jw_object_begin(&r->w);
}

void ecsb_aws_request_string(struct ecsb_aws_request *r, const char *key, const char *value)
{
    if (!value)
        return;
    ecsb_jw_key(&r->w, key);
    ecsb_jw_string(&r->w, value);
}

void ecsb_aws_request_bool(struct ecsb_aws_request *r, const char *key, bool value)
{
    ecsb_jw_key(&r->w, key);
    ecsb_jw_bool(&r->w, value);
}

void ecsb_aws_request_int(struct ecsb_aws_request *r, const char *key, long long value)
{
    ecsb_jw_key(&r->w, key);
    ecsb_jw_int(&r->w, value);
}

void ecsb_aws_request_strings(struct ecsb_aws_request *r, const char *key, const char *const *v, size_t n)
{
    ecsb_jw_key(&r->w, key);
    ecsb_jw_array_begin(&r->w);
    for (size_t i = 0; i < n; i++)
        ecsb_jw_string(&r->w, v[i]);
    ecsb_jw_array_end(&r->w);
}

enum ecsb_status ecsb_aws_request_send(struct ecsb_aws_request *r, struct ecsb_aws_client *c,
                                       const struct ecsb_aws_service *svc, const char *action,
                                       struct ecsb_json **out, struct ecsb_error *err)
{
    ecsb_jw_object_end(&r->w);
    enum ecsb_status st = ecsb_aws_call(c, svc, action, ecsb_buf_cstr(&r->body), out, err);
    ecsb_buf_free(&r->body);
    return st;
}
