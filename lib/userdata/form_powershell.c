/* form_powershell.c: legacy PowerShell (Initialize-ECSAgent, SetEnvironmentVariable):
 * whatever no other form claims. The reader itself is psreader.c. */
#include "ud.h"

#include "ecsb/userdata/psreader.h"

enum ecsb_status ud_read_powershell(struct ud *u, const char *text, size_t len, const char *origin)
{
    return ecsb_psreader_parse(text, len, origin, &u->ps, u->err);
}

static bool powershell_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u, (void)d;
    return true; /* the last row: anything else */
}

static enum ecsb_status powershell_read(struct ud *u, const struct ud_doc *d)
{
    return ud_read_powershell(u, d->s, d->len, d->origin);
}

const struct ud_form ud_form_powershell = {"powershell", false, powershell_detect, powershell_read};
