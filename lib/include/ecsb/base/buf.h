/* buf.h: a growable, always NUL-terminated byte buffer. The owner frees it with
 * ecsb_buf_free; ecsb_buf_detach hands the bytes over to the caller. Allocation
 * failure aborts: this is a short-lived CLI, and a half-built string is worse. */
#ifndef ECSB_BUF_H
#define ECSB_BUF_H

#include "ecsb/base/compiler.h"

#include <stdarg.h>
#include <stddef.h>

struct ecsb_buf {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
};

#define ECSB_BUF_INIT {NULL, 0, 0}

void ecsb_buf_append(struct ecsb_buf *b, const void *bytes, size_t n);
void ecsb_buf_puts(struct ecsb_buf *b, const char *s);
void ecsb_buf_putc(struct ecsb_buf *b, char c);
ECSB_PRINTF(2, 3)
void ecsb_buf_printf(struct ecsb_buf *b, const char *fmt, ...);
void ecsb_buf_vprintf(struct ecsb_buf *b, const char *fmt, va_list ap);
/* Appends s[0..n) for a message that quotes input: valid UTF-8 is kept as it is
 * (backslashes too, so Windows paths read naturally); control characters become
 * \n, \r, \t or \xHH, bytes that are not UTF-8 \xHH, and invisible characters that
 * can disguise text (C1 controls, bidi overrides and isolates, U+2028/2029, U+FEFF)
 * \u{XXXX}. The result is one line of printable text. */
void ecsb_buf_put_escaped(struct ecsb_buf *b, const char *s, size_t n);
void ecsb_buf_reset(struct ecsb_buf *b);              /* len = 0, keeps memory */
const char *ecsb_buf_cstr(const struct ecsb_buf *b);  /* "" when empty */
char *ecsb_buf_detach(struct ecsb_buf *b);            /* caller frees; never NULL */
void ecsb_buf_free(struct ecsb_buf *b);

/* Allocation helpers that abort on failure. */
void *ecsb_xmalloc(size_t n);
void *ecsb_xcalloc(size_t count, size_t size);
void *ecsb_xrealloc(void *p, size_t n);
/* Makes room for one more element in a growable array (count elements of cap):
 * doubles cap (from 8) when it is full. */
#define ECSB_GROW(arr, count, cap)                                                \
    do {                                                                          \
        if ((count) == (cap)) {                                                   \
            (cap) = (cap) ? (cap) * 2 : 8;                                        \
            (arr) = ecsb_xrealloc((arr), (cap) * sizeof *(arr));                  \
        }                                                                         \
    } while (0)
char *ecsb_xstrdup(const char *s);
char *ecsb_xstrndup(const char *s, size_t n);

#endif
