/* mime.h: private to lib/userdata: the header helpers of the MIME form. */
#ifndef ECSB_USERDATA_MIME_H
#define ECSB_USERDATA_MIME_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the header block at s (up to the empty line; *body is where the body
 * starts), or 0 when s does not start with "Name: value" lines and an empty line. */
size_t mime_header_block(const char *s, size_t len, size_t *body);
/* The unfolded value of header `name` in the block (*at: its offset), or NULL. Caller frees. */
char *mime_header_get(const char *s, size_t block_len, const char *name, size_t *at);
/* Parameter `param` of a Content-Type value (quoted or token), or NULL. Caller frees. */
char *mime_content_type_param(const char *v, const char *param);
/* The media type ("text/x-ecs-bootstrap"), lower-cased. Caller frees. */
char *mime_media_type(const char *v);

#endif
