/* The header list shared by both HTTP backends and SigV4. Order is kept as added:
 * duplicates are legal (SigV4 joins them) and the wire order is the caller's. */
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/http.h"
#include "ecsb/base/strutil.h"

void ecsb_http_headers_add(struct ecsb_http_headers *h, const char *name, const char *value)
{
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->items = ecsb_xrealloc(h->items, h->cap * sizeof *h->items);
    }
    h->items[h->count].name = ecsb_xstrdup(name);
    h->items[h->count].value = ecsb_xstrdup(value ? value : "");
    h->count++;
}

const char *ecsb_http_headers_get(const struct ecsb_http_headers *h, const char *name)
{
    if (!h) return NULL;
    for (size_t i = 0; i < h->count; i++)
        if (ecsb_strcaseeq(h->items[i].name, name))
            return h->items[i].value;
    return NULL;
}

void ecsb_http_headers_free(struct ecsb_http_headers *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i].name);
        free(h->items[i].value);
    }
    free(h->items);
    h->items = NULL;
    h->count = h->cap = 0;
}

bool ecsb_http_host_is_link_local_aws(const char *host)
{
    return host && (strcmp(host, "169.254.169.254") == 0 || ecsb_strcaseeq(host, "fd00:ec2::254") ||
                    strcmp(host, "169.254.170.2") == 0);
}

/* The same on every backend: a response is plain data. */
void ecsb_http_response_free(struct ecsb_http_response *resp)
{
    if (!resp) return;
    ecsb_http_headers_free(&resp->headers);
    ecsb_buf_free(&resp->body);
    resp->status = 0;
}
