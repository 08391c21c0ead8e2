/* form_gzip.c: gzip user data (magic 1f 8b), inflated within ECSB_USERDATA_MAX and
 * read again from the top. Also inflates gzip MIME part bodies. */
#include "ud.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ecsb/userdata/userdata.h"

bool ud_is_gzip(const char *s, size_t len)
{
    return len >= 2 && (unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b;
}

static enum ecsb_status inflate_status(struct ud *u, const char *origin, int rc, const z_stream *zs)
{
    if ((rc == Z_STREAM_END && zs->total_out > ECSB_USERDATA_MAX) || (rc == Z_BUF_ERROR && zs->avail_out == 0))
        return ecsb_error_set(u->err, ECSB_ERR_LIMIT,
                              "%s:1:1: gzip data expands beyond %u bytes; user data must stay under that size "
                              "after decompression: split it or move settings into the baked INI file",
                              origin, ECSB_USERDATA_MAX);
    if (rc != Z_STREAM_END)
        return ecsb_error_set(u->err, ECSB_ERR_INVALID,
                              "%s:1:1: not a valid gzip stream (%s); re-create it with 'gzip -c file' and send "
                              "the bytes unchanged (base64 once if your tool needs text)",
                              origin, zs->msg ? zs->msg : "truncated stream");
    if (zs->avail_in != 0)
        return ecsb_error_set(u->err, ECSB_ERR_INVALID,
                              "%s:1:1: %lu bytes follow the end of the gzip stream; send exactly one gzip "
                              "member ('gzip -c file')", origin, (unsigned long)zs->avail_in);
    return ECSB_OK;
}

enum ecsb_status ud_gunzip(struct ud *u, const char *origin, const char *in, size_t len, char **out,
                           size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return ecsb_error_set(u->err, ECSB_ERR_PLATFORM, "%s: zlib could not start", origin);
    size_t cap = ECSB_USERDATA_MAX + 1; /* one byte past the limit proves "too large" */
    char *buf = ecsb_xmalloc(cap + 1);
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (unsigned char *)buf;
    zs.avail_out = (uInt)cap;
    int rc = inflate(&zs, Z_FINISH);
    enum ecsb_status st = inflate_status(u, origin, rc, &zs);
    size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (st != ECSB_OK) {
        free(buf);
        return st;
    }
    buf[produced] = '\0';
    *out = buf;
    *out_len = produced;
    return ECSB_OK;
}

static bool gzip_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    return ud_is_gzip(d->s, d->len);
}

static enum ecsb_status gzip_read(struct ud *u, const struct ud_doc *d)
{
    char *z = NULL, sub[600];
    size_t zl = 0;
    snprintf(sub, sizeof sub, "%.500s [gzip]", d->origin);
    enum ecsb_status st = ud_gunzip(u, d->origin, d->s, d->len, &z, &zl);
    if (st == ECSB_OK) {
        struct ud_doc inner = {z, zl, sub, d->depth + 1, d->fmt};
        st = ud_read_doc(u, &inner);
    }
    free(z);
    return st;
}

const struct ud_form ud_form_gzip = {"gzip", true, gzip_detect, gzip_read};
