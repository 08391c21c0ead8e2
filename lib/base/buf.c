#include "ecsb/base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *ecsb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("ecs-bootstrap: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *ecsb_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        fputs("ecs-bootstrap: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *ecsb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("ecs-bootstrap: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *ecsb_xstrndup(const char *s, size_t n)
{
    char *d = ecsb_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ecsb_xstrdup(const char *s)
{
    return ecsb_xstrndup(s, strlen(s));
}

static void buf_reserve(struct ecsb_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = ecsb_xrealloc(b->data, cap);
    b->cap = cap;
}

void ecsb_buf_append(struct ecsb_buf *b, const void *bytes, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ecsb_buf_puts(struct ecsb_buf *b, const char *s)
{
    ecsb_buf_append(b, s, strlen(s));
}

void ecsb_buf_putc(struct ecsb_buf *b, char c)
{
    ecsb_buf_append(b, &c, 1);
}

void ecsb_buf_vprintf(struct ecsb_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ecsb_buf_printf(struct ecsb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ecsb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ecsb_buf_reset(struct ecsb_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

const char *ecsb_buf_cstr(const struct ecsb_buf *b)
{
    return b->data ? b->data : "";
}

char *ecsb_buf_detach(struct ecsb_buf *b)
{
    char *d = b->data ? b->data : ecsb_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void ecsb_buf_free(struct ecsb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
