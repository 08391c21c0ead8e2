/* request.h (private to lib/aws): one JSON 1.1 request body, built member by member
 * and sent with ecsb_aws_call. The service clients (ecs.c, ssm.c) use it so each
 * action is its members and nothing else. */
#ifndef ECSB_AWS_REQUEST_H
#define ECSB_AWS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/json.h"

struct ecsb_aws_request {
    struct ecsb_buf body;
    struct ecsb_json_writer w; /* writes into body: keep the struct where it was begun */
};

/* Opens the request object. */
void ecsb_aws_request_begin(struct ecsb_aws_request *r);
/* "key": "value"; skipped when value is NULL. */
void ecsb_aws_request_string(struct ecsb_aws_request *r, const char *key, const char *value);
void ecsb_aws_request_bool(struct ecsb_aws_request *r, const char *key, bool value);
void ecsb_aws_request_int(struct ecsb_aws_request *r, const char *key, long long value);
/* "key": ["v0", ...] */
void ecsb_aws_request_strings(struct ecsb_aws_request *r, const char *key, const char *const *v, size_t n);
/* Closes the object, calls svc's action and frees the body (whatever the result). */
enum ecsb_status ecsb_aws_request_send(struct ecsb_aws_request *r, struct ecsb_aws_client *c,
                                       const struct ecsb_aws_service *svc, const char *action,
                                       struct ecsb_json **out, struct ecsb_error *err);

#endif
