/* base64.h: base64 (RFC 4648): decoding of the standard alphabet for the user-data
 * forms and the Amazon ECR token; encoding, standard or URL-safe, padded, for the
 * registry's Basic credentials and the engine's X-Registry-Auth header. */
#ifndef ECSB_BASE_BASE64_H
#define ECSB_BASE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"

/* Appends the padded base64 of data[0..n) to out: the standard alphabet, or with url
 * the URL-safe one ('-' and '_' for '+' and '/', section 5). */
void ecsb_base64_encode(const void *data, size_t n, bool url, struct ecsb_buf *out);
/* Whether c is one of the 64 alphabet characters ('=' is not). */
bool ecsb_base64_char(int c);
/* Appends the bytes of s[0..len) to out. ASCII whitespace between characters is skipped
 * when skip_space (user data and MIME bodies wrap their lines) and is an error otherwise.
 * On failure returns false, *bad is the offending offset and *why says what is wrong. */
bool ecsb_base64_decode(const char *s, size_t len, bool skip_space, struct ecsb_buf *out, size_t *bad,
                        const char **why);

#endif
