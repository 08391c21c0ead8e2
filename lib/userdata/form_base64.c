/* form_base64.c: base64 user data (only base64 characters and line breaks, at least
 * 16 of them), decoded only when the result is user data itself; otherwise the text
 * is read as it is, with a warning. Also decodes base64 MIME part bodies. */
#include "ud.h"

#include <stdio.h>
#include <string.h>

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

static void put_quad(struct ecsb_buf *out, const unsigned quad[4], size_t pads)
{
    unsigned char bytes[3] = {(unsigned char)(quad[0] << 2 | quad[1] >> 4),
                              (unsigned char)(quad[1] << 4 | quad[2] >> 2),
                              (unsigned char)(quad[2] << 6 | quad[3])};
    ecsb_buf_append(out, bytes, 3 - pads);
}

bool ud_b64_decode(const char *s, size_t len, struct ecsb_buf *out, size_t *bad, const char **why)
{
    unsigned quad[4];
    size_t nq = 0, pads = 0, last = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (ecsb_is_space(c))
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

/* Only base64 characters and line breaks, and long enough not to be a word. */
static bool looks_base64(const char *s, size_t len)
{
    size_t sig = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '\n' || c == '\r')
            continue;
        if (b64_value(c) < 0 && c != '=')
            return false;
        sig++;
    }
    return sig >= 16;
}

/* Decoded base64 is taken only when it is one of the forms (text, not binary). */
static bool is_user_data(struct ud *u, const char *s, size_t len)
{
    if (ud_is_gzip(s, len))
        return true;
    if (memchr(s, '\0', len))
        return false;
    struct ud_doc d = {s, len, "", 0, NULL};
    if (ud_text_form(u, &d) != &ud_form_powershell)
        return true;
    return ud_find_ci(s, len, "Initialize-ECSAgent") || ud_find_ci(s, len, "SetEnvironmentVariable") ||
           ud_find_ci(s, len, "ECSTools");
}

/* Malformed base64 is ours (read reports it); valid base64 only when it decodes to user data. */
static bool base64_detect(struct ud *u, const struct ud_doc *d)
{
    if (!looks_base64(d->s, d->len))
        return false;
    struct ecsb_buf b = ECSB_BUF_INIT;
    size_t bad = 0;
    const char *why = "";
    bool valid = ud_b64_decode(d->s, d->len, &b, &bad, &why);
    bool ours = !valid || is_user_data(u, ecsb_buf_cstr(&b), b.len);
    ecsb_buf_free(&b);
    if (!ours) {
        char msg[700];
        snprintf(msg, sizeof msg, "%.600s:1:1: looks like base64, but does not decode to user data; read as text",
                 d->origin);
        ecsb_settings_warn(&u->ps, msg);
    }
    return ours;
}

static enum ecsb_status base64_read(struct ud *u, const struct ud_doc *d)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    size_t bad = 0;
    const char *why = "";
    enum ecsb_status st;
    if (!ud_b64_decode(d->s, d->len, &b, &bad, &why)) {
        char what[160];
        snprintf(what, sizeof what, "this looks like base64 but is not valid base64: %s", why);
        st = ud_invalid_at(u, d->origin, d->s, bad, what,
                           "encode the whole user data exactly once (base64 -w0 file), or send it as text");
    } else {
        char sub[600];
        snprintf(sub, sizeof sub, "%.500s [base64]", d->origin);
        struct ud_doc inner = {ecsb_buf_cstr(&b), b.len, sub, d->depth + 1, d->fmt};
        st = ud_read_doc(u, &inner);
    }
    ecsb_buf_free(&b);
    return st;
}

const struct ud_form ud_form_base64 = {"base64", true, base64_detect, base64_read};
