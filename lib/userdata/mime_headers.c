/* mime_headers.c: RFC 5322 header blocks as MIME user data uses them: the block's
 * length, one unfolded header value, a Content-Type parameter, the media type. */
#include "mime.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/strutil.h"

static bool header_name_char(int c)
{
    return c > ' ' && c < 127 && c != ':';
}

size_t mime_header_block(const char *s, size_t len, size_t *body)
{
    size_t i = 0;
    bool any = false;
    while (i < len) {
        size_t le = i;
        while (le < len && s[le] != '\n')
            le++;
        size_t content = le > i && s[le - 1] == '\r' ? le - 1 : le;
        if (content == i) { /* empty line: end of headers */
            *body = le < len ? le + 1 : le;
            return any ? i : 0;
        }
        if (s[i] == ' ' || s[i] == '\t') {
            if (!any)
                return 0;
        } else {
            size_t k = i;
            while (k < content && header_name_char((unsigned char)s[k]))
                k++;
            if (k == i || k >= content || s[k] != ':')
                return 0;
            any = true;
        }
        i = le + 1;
    }
    *body = len;
    return any ? len : 0; /* headers without a body */
}

/* Continuation lines (starting with a blank) after line end le, joined with spaces. */
static void unfold(const char *s, size_t block_len, size_t le, struct ecsb_buf *b)
{
    for (size_t j = le + 1; j < block_len && (s[j] == ' ' || s[j] == '\t');) {
        size_t je = j;
        while (je < block_len && s[je] != '\n')
            je++;
        ecsb_buf_putc(b, ' ');
        ecsb_buf_append(b, s + j, je - j);
        j = je + 1;
    }
}

char *mime_header_get(const char *s, size_t block_len, const char *name, size_t *at)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < block_len;) {
        size_t le = i;
        while (le < block_len && s[le] != '\n')
            le++;
        if (le - i > n && ecsb_strncaseeq(s + i, name, n) && s[i + n] == ':') {
            struct ecsb_buf b = ECSB_BUF_INIT;
            ecsb_buf_append(&b, s + i + n + 1, le - i - n - 1);
            *at = i;
            unfold(s, block_len, le, &b);
            char *v = ecsb_trimmed_dup(ecsb_buf_cstr(&b), b.len);
            ecsb_buf_free(&b);
            return v;
        }
        i = le + 1;
    }
    return NULL;
}

char *mime_content_type_param(const char *v, const char *param)
{
    size_t n = strlen(param);
    for (const char *p = strchr(v, ';'); p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!ecsb_strncaseeq(q, param, n) || q[n] != '=')
            continue;
        q += n + 1;
        if (*q == '"') {
            const char *e = strchr(q + 1, '"');
            return e ? ecsb_xstrndup(q + 1, (size_t)(e - q - 1)) : NULL;
        }
        size_t k = strcspn(q, "; \t\r");
        return k ? ecsb_xstrndup(q, k) : NULL;
    }
    return NULL;
}

char *mime_media_type(const char *v)
{
    size_t k = strcspn(v, ";");
    char *m = ecsb_trimmed_dup(v, k);
    for (char *p = m; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return m;
}
