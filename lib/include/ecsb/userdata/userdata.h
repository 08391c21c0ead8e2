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

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

#define ECSB_USERDATA_MAX (64u * 1024u) /* EC2's limit, after base64 decoding: 16 KiB raw; allow gzip growth */

/* Parses user data. out->origin (set by the caller's ecsb_settings_init: "user
 * data", a file name) names it in messages; out->format is set to the forms found,
 * outermost first ("base64+gzip+mime", "ec2launch+ini", "powershell", "ini").
 * On bad input returns ECSB_ERR_INVALID with "<origin>:<line>:<col>: what; how to
 * fix" (inside a base64/gzip wrapper or a base64 MIME part, origin says so and
 * positions are those of the decoded text), ECSB_ERR_LIMIT when the input or a
 * decompressed wrapper exceeds ECSB_USERDATA_MAX or nesting exceeds
 * ECSB_USERDATA_MAX_DEPTH. On error out is unchanged. docs/userdata.md has the rules. */
enum ecsb_status ecsb_userdata_parse(const char *data, size_t len, struct ecsb_settings *out,
                                     struct ecsb_error *err);

/* Reads user data from file `source`, or from stdin when source is "-" (binary mode,
 * so gzip arrives unchanged on Windows). More than ECSB_USERDATA_MAX bytes is
 * ECSB_ERR_LIMIT, decided by the file's size or after reading at most one byte past
 * the limit. NUL-terminated; *len excludes the NUL. */
enum ecsb_status ecsb_userdata_read(const char *source, char **data, size_t *len, struct ecsb_error *err);

/* Renders settings as our INI document (used by migrate-userdata): a header comment
 * naming origin and format, then sections in a fixed order (cluster, agent,
 * attributes, tags, images, environment, then any others in order of appearance),
 * each key once with its last value, preceded by "; line N" (its source line).
 * Values INI cannot carry (line breaks, leading/trailing blanks, " ;") are left out
 * with a comment saying why. */
void ecsb_settings_to_ini(const struct ecsb_settings *s, struct ecsb_buf *out);

/* Appends all items, ignored lines and warnings of src to dst (copies). */
void ecsb_settings_append(struct ecsb_settings *dst, const struct ecsb_settings *src);

/* The content type of our INI part in MIME multipart user data. */
#define ECSB_USERDATA_MIME_TYPE "text/x-ecs-bootstrap"
/* The tag around our INI block in EC2Launch-style user data. */
#define ECSB_USERDATA_TAG "ecs-bootstrap"
/* Wrappers (base64, gzip, MIME parts) nested deeper than this are refused. */
#define ECSB_USERDATA_MAX_DEPTH 6

#endif
