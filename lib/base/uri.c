/* Percent-encoding, SigV4 path normalization and URL splitting (RFC 3986). */
#include "ecsb/base/uri.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/strutil.h"

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void ecsb_uri_encode(struct ecsb_buf *out, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            ecsb_buf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 0xf]};
            ecsb_buf_append(out, esc, 3);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void ecsb_uri_decode(struct ecsb_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                ecsb_buf_putc(out, (char)(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        ecsb_buf_putc(out, s[i]);
    }
}

/* Segments are kept as (offset, length) pairs into the input; ".." pops one. */
void ecsb_uri_normalize_path(struct ecsb_buf *out, const char *path, size_t n)
{
    size_t cap = n / 2 + 2, count = 0;
    size_t *off = ecsb_xmalloc(cap * sizeof *off), *len = ecsb_xmalloc(cap * sizeof *len);
    bool trailing = false;
    size_t i = 0;
    while (i < n) {
        while (i < n && path[i] == '/') i++;
        size_t start = i;
        while (i < n && path[i] != '/') i++;
        size_t l = i - start;
        /* A path ending in "/", "/." or "/.." names a directory: keep the slash. */
        trailing = (i == n) && (l == 0 || (l == 1 && path[start] == '.') ||
                                (l == 2 && path[start] == '.' && path[start + 1] == '.'));
        if (l == 0 || (l == 1 && path[start] == '.'))
            continue;
        if (l == 2 && path[start] == '.' && path[start + 1] == '.') {
            if (count) count--;
            continue;
        }
        off[count] = start;
        len[count++] = l;
    }
    if (n > 0 && path[n - 1] == '/') trailing = true;
    ecsb_buf_putc(out, '/');
    for (size_t k = 0; k < count; k++) {
        ecsb_buf_append(out, path + off[k], len[k]);
        if (k + 1 < count || trailing) ecsb_buf_putc(out, '/');
    }
    free(off);
    free(len);
}

static enum ecsb_status parse_port(const char *s, size_t n, int *port, const char *url, struct ecsb_error *err)
{
    long v = 0;
    if (n == 0 || n > 5)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": bad port; use a number 1-65535", url);
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": bad port; use a number 1-65535", url);
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": port out of range; use 1-65535", url);
    *port = (int)v;
    return ECSB_OK;
}

static enum ecsb_status parse_authority(const char *a, size_t n, struct ecsb_url *u, const char *url,
                                        struct ecsb_error *err)
{
    const char *port = NULL;
    size_t host_len;
    if (memchr(a, '@', n))
        return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": user info is not supported; remove \"user@\"", url);
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": missing ']' after IPv6 address", url);
        u->ipv6 = true;
        u->host = ecsb_xstrndup(a + 1, (size_t)(close - a - 1));
        host_len = (size_t)(close - a - 1);
        if (close + 1 < a + n) {
            if (close[1] != ':')
                return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": junk after IPv6 address", url);
            port = close + 2;
        }
    } else {
        const char *colon = memchr(a, ':', n);
        host_len = colon ? (size_t)(colon - a) : n;
        u->host = ecsb_xstrndup(a, host_len);
        if (colon) port = colon + 1;
    }
    if (host_len == 0)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": empty host; write http://HOST[:PORT]/path", url);
    if (port) {
        u->port_explicit = true;
        return parse_port(port, (size_t)(a + n - port), &u->port, url, err);
    }
    return ECSB_OK;
}

enum ecsb_status ecsb_url_parse(const char *url, struct ecsb_url *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p;
    if (ecsb_starts_with_ci(url, "http://")) {
        out->scheme = ecsb_xstrdup("http");
        out->port = 80;
        p = url + 7;
    } else if (ecsb_starts_with_ci(url, "https://")) {
        out->scheme = ecsb_xstrdup("https");
        out->port = 443;
        p = url + 8;
    } else {
        return ecsb_error_set(err, ECSB_ERR_INVALID, "URL \"%s\": only http:// and https:// URLs are supported", url);
    }
    size_t auth_len = strcspn(p, "/?#");
    enum ecsb_status st = parse_authority(p, auth_len, out, url, err);
    if (st != ECSB_OK) {
        ecsb_url_free(out);
        return st;
    }
    p += auth_len;
    size_t path_len = strcspn(p, "?#");
    out->path = path_len ? ecsb_xstrndup(p, path_len) : ecsb_xstrdup("/");
    p += path_len;
    if (*p == '?') {
        p++;
        out->query = ecsb_xstrndup(p, strcspn(p, "#"));
    }
    return ECSB_OK;
}

void ecsb_url_host_header(const struct ecsb_url *u, struct ecsb_buf *out)
{
    int def = strcmp(u->scheme, "https") == 0 ? 443 : 80;
    ecsb_buf_printf(out, u->ipv6 ? "[%s]" : "%s", u->host);
    if (u->port != def) ecsb_buf_printf(out, ":%d", u->port);
}

void ecsb_url_free(struct ecsb_url *u)
{
    if (!u) return;
    free(u->scheme);
    free(u->host);
    free(u->path);
    free(u->query);
    memset(u, 0, sizeof *u);
}
