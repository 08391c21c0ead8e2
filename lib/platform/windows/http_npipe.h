/* http_npipe.h: HTTP/1.1 over a named pipe (the Docker engine's \\.\pipe\docker_engine),
 * for http_winhttp.c when a request names a local endpoint (Windows only). */
#ifndef ECSB_HTTP_NPIPE_H
#define ECSB_HTTP_NPIPE_H

#include "ecsb/aws/http.h"

enum ecsb_status ecsb_npipe_http_send(const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                      struct ecsb_error *err);

#endif
