/* base64.c: standard base64 decoding (see ecsb/base/base64.h). */
#include "ecsb/base/base64.h"

#include "ecsb/base/strutil.h"

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool ecsb_base64_char(int c)
{
    return b64_value(c) >= 0;
}

static void put_quad(struct ecsb_buf *out, const unsigned quad[4], size_t pads)
{
    unsigned char bytes[3] = {(unsigned char)(quad[0] << 2 | quad[1] >> 4),
                              (unsigned char)(quad[1] << 4 | quad[2] >> 2),
                              (unsigned char)(quad[2] << 6 | quad[3])};
    ecsb_buf_append(out, bytes, 3 - pads);
}

bool ecsb_base64_decode(const char *s, size_t len, bool skip_space, struct ecsb_buf *out, size_t *bad,
                        const char **why)
{
    unsigned quad[4];
    size_t nq = 0, pads = 0, last = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (skip_space && ecsb_is_space(c))
            continue;
        last = i;
        if (c == '=') {
            if (nq < 2) {
                *bad = i, *why = "'=' padding in the wrong place";
                return false;
            }
            pads++;
            quad[nq++] = 0;
        } else {
            int v = b64_value(c);
            if (v < 0 || pads) {
                *bad = i, *why = v < 0 ? "a character that is not base64" : "data after the '=' padding";
                return false;
            }
            quad[nq++] = (unsigned)v;
        }
        if (nq == 4) {
            put_quad(out, quad, pads);
            nq = 0;
            if (pads)
                pads = 3; /* nothing may follow a padded quad */
        }
    }
    if (nq != 0) {
        *bad = last + 1, *why = "the length is not a multiple of 4 (truncated, or padding missing)";
        return false;
    }
    return true;
}

void ecsb_base64_encode(const void *data, size_t n, bool url, struct ecsb_buf *out)
{
    const char *alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                               : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        ecsb_buf_putc(out, alphabet[v >> 18 & 63]);
        ecsb_buf_putc(out, alphabet[v >> 12 & 63]);
        ecsb_buf_putc(out, i + 1 < n ? alphabet[v >> 6 & 63] : '=');
        ecsb_buf_putc(out, i + 2 < n ? alphabet[v & 63] : '=');
    }
}
