/* userdata.h: EC2 user data in every form in use, read into raw settings.
 *
 * Forms (detected in this order, wrappers peeled first):
 *   base64 of any form below; gzip of any form below;
 *   MIME multipart (one part ours, identified by its content type);
 *   EC2Launch-style user data: <powershell>...</powershell> and/or our INI block in
 *     its own tag next to it (both may be present; the INI block wins per key);
 *   our INI document;
 *   legacy PowerShell calling Initialize-ECSAgent and
 *     [Environment]::SetEnvironmentVariable(..., "Machine").
 * Every line not acted on is listed in settings->ignored with a reason. */
#ifndef ECSB_USERDATA_H
#define ECSB_USERDATA_H

#include <stddef.h>

#include "ecsb/buf.h"
#include "ecsb/error.h"
#include "ecsb/settings.h"

#define ECSB_USERDATA_MAX (64u * 1024u) /* EC2's limit, after base64 decoding: 16 KiB raw; allow gzip growth */

/* Parses user data. `origin` names it in messages ("user data", a file name).
 * out must be initialised by the caller with ecsb_settings_init. On bad input
 * returns ECSB_ERR_INVALID with "<origin>:<line>:<col>: what; how to fix". */
enum ecsb_status ecsb_userdata_parse(const char *data, size_t len, struct ecsb_settings *out,
                                     struct ecsb_error *err);

/* Renders settings as our INI document (used by migrate-userdata). */
void ecsb_settings_to_ini(const struct ecsb_settings *s, struct ecsb_buf *out);

#endif
