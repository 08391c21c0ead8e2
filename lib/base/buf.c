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

/* Length of the valid UTF-8 sequence at s (at most n bytes) and its code point, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    unsigned long c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0; /* overlong, out of range, or a surrogate */
    *cp = c;
    return len;
}

/* Characters that are valid but invisible or reorder the text around them. */
static int disguising(unsigned long c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029 || c == 0xFEFF;
}

void ecsb_buf_put_escaped(struct ecsb_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x7F) {
            ecsb_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c < 0x80) {
            const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (named)
                ecsb_buf_puts(b, named);
            else
                ecsb_buf_printf(b, "\\x%02X", c);
            i++;
            continue;
        }
        unsigned long cp = 0;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) {
            ecsb_buf_printf(b, "\\x%02X", c);
            i++;
        } else {
            if (disguising(cp))
                ecsb_buf_printf(b, "\\u{%04lX}", cp);
            else
                ecsb_buf_append(b, s + i, len);
            i += len;
        }
    }
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
