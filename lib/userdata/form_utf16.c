/* form_utf16.c: UTF-16 user data (a BOM FF FE or FE FF) is refused with the fix:
 * EC2 hands the bytes over unchanged and every reader here reads UTF-8. */
#include "ud.h"

static bool utf16_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    const unsigned char *s = (const unsigned char *)d->s;
    return d->len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF));
}

static enum ecsb_status utf16_read(struct ud *u, const struct ud_doc *d)
{
    return ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s:1:1: UTF-16 text; save the user data as UTF-8 "
                          "(PowerShell: Out-File -Encoding utf8)", d->origin);
}

const struct ud_form ud_form_utf16 = {"utf16", true, utf16_detect, utf16_read};
