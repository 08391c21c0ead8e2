/* form_base64.c: base64 user data (only base64 characters and line breaks, at least
 * 16 of them), decoded only when the result is user data itself; otherwise the text
 * is read as it is, with a warning. Also decodes base64 MIME part bodies. */
#include "ud.h"

#include <stdio.h>
#include <string.h>

#include "ecsb/base/base64.h"
#include "ecsb/base/strutil.h"

/* Only base64 characters and line breaks, and long enough not to be a word. */
static bool looks_base64(const char *s, size_t len)
{
    size_t sig = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '\n' || c == '\r')
            continue;
        if (!ecsb_base64_char(c) && c != '=')
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
    bool valid = ecsb_base64_decode(d->s, d->len, true, &b, &bad, &why);
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
    if (!ecsb_base64_decode(d->s, d->len, true, &b, &bad, &why)) {
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
