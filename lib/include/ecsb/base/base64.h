/* base64.h: standard base64 decoding (RFC 4648 section 4: '+' and '/', '=' padding
 * required), shared by the user-data forms and the Amazon ECR token. */
#ifndef ECSB_BASE_BASE64_H
#define ECSB_BASE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"

/* Whether c is one of the 64 alphabet characters ('=' is not). */
bool ecsb_base64_char(int c);
/* Appends the bytes of s[0..len) to out. ASCII whitespace between characters is skipped
 * when skip_space (user data and MIME bodies wrap their lines) and is an error otherwise.
 * On failure returns false, *bad is the offending offset and *why says what is wrong. */
bool ecsb_base64_decode(const char *s, size_t len, bool skip_space, struct ecsb_buf *out, size_t *bad,
                        const char **why);

#endif
