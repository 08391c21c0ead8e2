/* userdata.c: EC2 user data in every form -> raw settings (see ecsb/userdata.h).
 *
 * Wrappers (gzip, base64) are peeled first, then the text is classified: MIME
 * multipart, EC2Launch tags, our INI, or legacy PowerShell. PowerShell-derived
 * and INI-derived settings are collected apart and combined at the end, so an INI
 * block or part wins key by key wherever it sits. Parts of a document are handed
 * to the readers as a "blanked" copy of the whole document (other bytes removed,
 * newlines kept), so every reported line and column is one of the document. */
#include "ecsb/userdata/userdata.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ecsb/config/ini.h"
#include "ecsb/userdata/psreader.h"
#include "ecsb/base/mask.h"
#include "ecsb/base/strutil.h"

struct ud {
    struct ecsb_error *err;
    struct ecsb_settings ps;  /* from PowerShell: lower precedence */
    struct ecsb_settings ini; /* from INI documents, blocks and parts: wins key by key */
    struct ecsb_buf format;   /* wrappers and form of the whole document */
};

enum form { F_MIME, F_EC2LAUNCH, F_INI, F_POWERSHELL };

static enum ecsb_status parse_doc(struct ud *u, const char *data, size_t len, const char *origin, int depth,
                                  bool top);

/* ---- small helpers ------------------------------------------------------ */

void ecsb_settings_append(struct ecsb_settings *dst, const struct ecsb_settings *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const struct ecsb_setting *it = &src->items[i];
        ecsb_settings_add(dst, it->section, it->key, it->value, it->line, it->column);
    }
    for (size_t i = 0; i < src->n_ignored; i++)
        ecsb_settings_ignore(dst, src->ignored[i].line, src->ignored[i].text, src->ignored[i].reason);
    for (size_t i = 0; i < src->n_warnings; i++)
        ecsb_settings_warn(dst, src->warnings[i]);
    for (size_t i = 0; i < src->n_secrets; i++)
        ecsb_settings_note_secret(dst, "SECRET", src->secrets[i]);
}

/* 1-based line and character column of byte offset off. */
static void position(const char *s, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static enum ecsb_status invalid_at(struct ud *u, const char *origin, const char *s, size_t off, const char *what,
                                   const char *fix)
{
    int line, col;
    position(s, off, &line, &col);
    return ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s:%d:%d: %s; %s", origin, line, col, what, fix);
}

/* Case-insensitive search for lit in s[0..len). */
static const char *find_ci(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= len; i++)
        if (ecsb_strncaseeq(s + i, lit, n))
            return s + i;
    return NULL;
}

static bool in_ranges(size_t i, const size_t (*r)[2], size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (i >= r[k][0] && i < r[k][1])
            return true;
    return false;
}

/* A NUL-terminated copy of s keeping only the bytes in the ranges and every newline.
 * Bytes outside the ranges become one space per character when kept text follows
 * on the same line (columns stay right), otherwise they are dropped (no long blank
 * lines for the INI reader's line limit). */
static char *blank_except(const char *s, size_t len, const size_t (*r)[2], size_t n)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    size_t ls = 0;
    while (ls < len) {
        size_t le = ls;
        while (le < len && s[le] != '\n')
            le++;
        size_t last = ls; /* one past the last kept byte on this line */
        for (size_t i = ls; i < le; i++)
            if (in_ranges(i, r, n))
                last = i + 1;
        for (size_t i = ls; i < last; i++) {
            if (in_ranges(i, r, n))
                ecsb_buf_putc(&b, s[i]);
            else if (((unsigned char)s[i] & 0xC0) != 0x80)
                ecsb_buf_putc(&b, ' ');
        }
        if (le < len)
            ecsb_buf_putc(&b, '\n');
        ls = le + 1;
    }
    return ecsb_buf_detach(&b);
}

/* ---- gzip and base64 ---------------------------------------------------- */

static bool is_gzip(const char *s, size_t len)
{
    return len >= 2 && (unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b;
}

static enum ecsb_status gunzip(struct ud *u, const char *origin, const char *in, size_t len, char **out,
                               size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return ecsb_error_set(u->err, ECSB_ERR_PLATFORM, "%s: zlib could not start", origin);
    size_t cap = ECSB_USERDATA_MAX + 1;
    char *buf = ecsb_xmalloc(cap + 1);
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (unsigned char *)buf;
    zs.avail_out = (uInt)cap;
    int rc = inflate(&zs, Z_FINISH);
    size_t produced = zs.total_out, left = zs.avail_in;
    const char *zmsg = zs.msg ? zs.msg : "truncated stream";
    enum ecsb_status st = ECSB_OK;
    if ((rc == Z_STREAM_END && produced > ECSB_USERDATA_MAX) || (rc == Z_BUF_ERROR && zs.avail_out == 0))
        st = ecsb_error_set(u->err, ECSB_ERR_LIMIT,
                            "%s:1:1: gzip data expands beyond %u bytes; user data must stay under that size "
                            "after decompression: split it or move settings into the baked INI file",
                            origin, ECSB_USERDATA_MAX);
    else if (rc != Z_STREAM_END)
        st = ecsb_error_set(u->err, ECSB_ERR_INVALID,
                            "%s:1:1: not a valid gzip stream (%s); re-create it with 'gzip -c file' and send "
                            "the bytes unchanged (base64 once if your tool needs text)", origin, zmsg);
    else if (left != 0)
        st = ecsb_error_set(u->err, ECSB_ERR_INVALID,
                            "%s:1:1: %lu bytes follow the end of the gzip stream; send exactly one gzip "
                            "member ('gzip -c file')", origin, (unsigned long)left);
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

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Strict base64 (whitespace between characters allowed, padding required).
 * On failure *bad is the offending offset and *why what is wrong. */
static bool b64_decode(const char *s, size_t len, struct ecsb_buf *out, size_t *bad, const char **why)
{
    unsigned quad[4];
    size_t nq = 0, pads = 0, last = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (ecsb_is_space(c))
            continue;
        last = i;
        if (c == '=') {
            if (nq < 2) {
                *bad = i, *why = "'=' padding in the wrong place";
                return false;
            }
            pads++;
            quad[nq++] = 0;
        } else {
            int v = b64_value(c);
            if (v < 0 || pads) {
                *bad = i, *why = v < 0 ? "a character that is not base64" : "data after the '=' padding";
                return false;
            }
            quad[nq++] = (unsigned)v;
        }
        if (nq == 4) {
            unsigned char bytes[3] = {(unsigned char)(quad[0] << 2 | quad[1] >> 4),
                                      (unsigned char)(quad[1] << 4 | quad[2] >> 2),
                                      (unsigned char)(quad[2] << 6 | quad[3])};
            ecsb_buf_append(out, bytes, 3 - pads);
            nq = 0;
            if (pads)
                pads = 3; /* nothing may follow a padded quad */
        }
    }
    if (nq != 0) {
        *bad = last + 1, *why = "the length is not a multiple of 4 (truncated, or padding missing)";
        return false;
    }
    return true;
}

/* Only base64 characters and line breaks, and long enough not to be a word. */
static bool looks_base64(const char *s, size_t len)
{
    size_t sig = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '\n' || c == '\r')
            continue;
        if (b64_value(c) < 0 && c != '=')
            return false;
        sig++;
    }
    return sig >= 16;
}

/* ---- classification ----------------------------------------------------- */

static bool header_name_char(int c)
{
    return c > ' ' && c < 127 && c != ':';
}

/* Length of the RFC 5322 header block at s (up to and including the empty line),
 * or 0 when s does not start with "Name: value" lines followed by an empty line. */
static size_t header_block(const char *s, size_t len, size_t *body)
{
    size_t i = 0;
    bool any = false;
    while (i < len) {
        size_t le = i;
        while (le < len && s[le] != '\n')
            le++;
        size_t content = le > i && s[le - 1] == '\r' ? le - 1 : le;
        if (content == i) { /* empty line: end of headers */
            *body = le < len ? le + 1 : le;
            return any ? i : 0;
        }
        if (s[i] == ' ' || s[i] == '\t') {
            if (!any)
                return 0;
        } else {
            size_t k = i;
            while (k < content && header_name_char((unsigned char)s[k]))
                k++;
            if (k == i || k >= content || s[k] != ':')
                return 0;
            any = true;
        }
        i = le + 1;
    }
    *body = len;
    return any ? len : 0; /* headers without a body */
}

/* The unfolded value of header `name` in the block, or NULL. Caller frees. */
static char *header_get(const char *s, size_t block_len, const char *name, size_t *at)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < block_len;) {
        size_t le = i;
        while (le < block_len && s[le] != '\n')
            le++;
        if (le - i > n && ecsb_strncaseeq(s + i, name, n) && s[i + n] == ':') {
            struct ecsb_buf b = ECSB_BUF_INIT;
            ecsb_buf_append(&b, s + i + n + 1, le - i - n - 1);
            *at = i;
            for (size_t j = le + 1; j < block_len && (s[j] == ' ' || s[j] == '\t');) {
                size_t je = j;
                while (je < block_len && s[je] != '\n')
                    je++;
                ecsb_buf_putc(&b, ' ');
                ecsb_buf_append(&b, s + j, je - j);
                j = je + 1;
            }
            char *v = ecsb_trimmed_dup(ecsb_buf_cstr(&b), b.len);
            ecsb_buf_free(&b);
            return v;
        }
        i = le + 1;
    }
    return NULL;
}

/* Parameter `param` of a Content-Type value (quoted or token), or NULL. */
static char *content_type_param(const char *v, const char *param)
{
    size_t n = strlen(param);
    for (const char *p = strchr(v, ';'); p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!ecsb_strncaseeq(q, param, n) || q[n] != '=')
            continue;
        q += n + 1;
        if (*q == '"') {
            const char *e = strchr(q + 1, '"');
            return e ? ecsb_xstrndup(q + 1, (size_t)(e - q - 1)) : NULL;
        }
        size_t k = strcspn(q, "; \t\r");
        return k ? ecsb_xstrndup(q, k) : NULL;
    }
    return NULL;
}

/* The media type ("text/x-ecs-bootstrap"), lower-cased. Caller frees. */
static char *media_type(const char *v)
{
    size_t k = strcspn(v, ";");
    char *m = ecsb_trimmed_dup(v, k);
    for (char *p = m; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return m;
}

static bool is_multipart(const char *s, size_t len)
{
    size_t body, at;
    size_t hl = header_block(s, len, &body);
    if (!hl)
        return false;
    char *ct = header_get(s, hl, "Content-Type", &at);
    bool yes = ct && ecsb_starts_with_ci(ct, "multipart/");
    free(ct);
    return yes;
}

static bool has_ec2launch_tags(const char *s, size_t len)
{
    return find_ci(s, len, "<powershell>") || find_ci(s, len, "<" ECSB_USERDATA_TAG ">");
}

static bool isalnum_ascii(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The first line that is not blank and not a comment is "[section]". */
static bool starts_like_ini(const char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        while (i < len && ecsb_is_space((unsigned char)s[i]))
            i++;
        if (i < len && (s[i] == ';' || s[i] == '#')) {
            while (i < len && s[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    if (i >= len || s[i] != '[')
        return false;
    size_t j = i + 1;
    while (j < len && s[j] != ']' && s[j] != '\n' && (isalnum_ascii(s[j]) || strchr("_.-", s[j])))
        j++;
    if (j >= len || s[j] != ']' || j == i + 1)
        return false;
    for (j++; j < len && s[j] != '\n'; j++) {
        if (s[j] == ';' || s[j] == '#')
            return true;
        if (!ecsb_is_space((unsigned char)s[j]))
            return false;
    }
    return true;
}

static enum form classify(const char *s, size_t len)
{
    if (is_multipart(s, len))
        return F_MIME;
    if (has_ec2launch_tags(s, len))
        return F_EC2LAUNCH;
    if (starts_like_ini(s, len))
        return F_INI;
    return F_POWERSHELL;
}

/* Decoded base64 is taken only when it is one of the forms (text, not binary). */
static bool is_user_data(const char *s, size_t len)
{
    if (is_gzip(s, len))
        return true;
    if (memchr(s, '\0', len))
        return false;
    if (classify(s, len) != F_POWERSHELL)
        return true;
    return find_ci(s, len, "Initialize-ECSAgent") || find_ci(s, len, "SetEnvironmentVariable") ||
           find_ci(s, len, "ECSTools");
}

/* ---- the readers -------------------------------------------------------- */

static enum ecsb_status read_ini(struct ud *u, const char *text, const char *origin)
{
    struct ecsb_settings tmp;
    ecsb_settings_init(&tmp, origin);
    enum ecsb_status st = ecsb_settings_from_ini(text, &tmp, u->err);
    for (size_t i = 0; st == ECSB_OK && i < tmp.count; i++)
        if (!tmp.items[i].section[0])
            st = ecsb_error_set(u->err, ECSB_ERR_INVALID,
                                "%s:%d:%d: '%s' is outside any section; put it under its section, e.g. [cluster] "
                                "or [agent] (docs/userdata.md)",
                                origin, tmp.items[i].line, tmp.items[i].column, tmp.items[i].key);
    if (st == ECSB_OK)
        ecsb_settings_append(&u->ini, &tmp);
    ecsb_settings_free(&tmp);
    return st;
}

static enum ecsb_status read_powershell(struct ud *u, const char *text, size_t len, const char *origin)
{
    return ecsb_psreader_parse(text, len, origin, &u->ps, u->err);
}

#define MAX_BLOCKS 16

/* <powershell> and/or <ecs-bootstrap> blocks side by side. */
static enum ecsb_status read_ec2launch(struct ud *u, const char *s, size_t len, const char *origin)
{
    static const char open[] = "<" ECSB_USERDATA_TAG ">", close[] = "</" ECSB_USERDATA_TAG ">";
    size_t inner[MAX_BLOCKS][2], outer[MAX_BLOCKS + 1][2], n = 0, from = 0;
    for (;;) {
        const char *o = find_ci(s + from, len - from, open);
        const char *c = find_ci(s + from, len - from, close);
        if (c && (!o || c < o))
            return invalid_at(u, origin, s, (size_t)(c - s), "</" ECSB_USERDATA_TAG "> without an opening tag",
                              "open the block with <" ECSB_USERDATA_TAG "> or remove the stray tag");
        if (!o)
            break;
        if (!c)
            return invalid_at(u, origin, s, (size_t)(o - s), "<" ECSB_USERDATA_TAG "> is not closed",
                              "end the INI block with </" ECSB_USERDATA_TAG ">");
        if (n == MAX_BLOCKS)
            return invalid_at(u, origin, s, (size_t)(o - s), "too many <" ECSB_USERDATA_TAG "> blocks",
                              "merge them into one block");
        outer[n][0] = from;
        outer[n][1] = (size_t)(o - s);
        inner[n][0] = (size_t)(o - s) + sizeof open - 1;
        inner[n][1] = (size_t)(c - s);
        n++;
        from = (size_t)(c - s) + sizeof close - 1;
    }
    outer[n][0] = from;
    outer[n][1] = len;
    char *ps = blank_except(s, len, (const size_t(*)[2])outer, n + 1);
    enum ecsb_status st = read_powershell(u, ps, strlen(ps), origin);
    free(ps);
    if (st == ECSB_OK && n > 0) {
        char *ini = blank_except(s, len, (const size_t(*)[2])inner, n);
        st = read_ini(u, ini, origin);
        free(ini);
    }
    return st;
}

/* Dispatches a text (no wrappers left) to its reader. */
static enum ecsb_status read_text(struct ud *u, const char *s, size_t len, const char *origin, int depth,
                                  struct ecsb_buf *fmt);

/* ---- MIME multipart ----------------------------------------------------- */

struct part {
    int index;
    size_t start, hdr_len, body, end; /* offsets in the document */
};

static enum ecsb_status read_part_body(struct ud *u, const char *doc, size_t len, const struct part *p,
                                       const char *origin, int depth)
{
    size_t at = 0;
    char *ct = header_get(doc + p->start, p->hdr_len, "Content-Type", &at);
    char *cte = header_get(doc + p->start, p->hdr_len, "Content-Transfer-Encoding", &at);
    char *mt = media_type(ct ? ct : "text/plain");
    char sub[800];
    enum ecsb_status st = ECSB_OK;
    char *text = NULL;
    size_t text_len = 0;
    snprintf(sub, sizeof sub, "%s", origin);
    if (cte && ecsb_strcaseeq(cte, "base64")) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        size_t bad = 0;
        const char *why = "";
        if (!b64_decode(doc + p->body, p->end - p->body, &b, &bad, &why)) {
            char what[160];
            snprintf(what, sizeof what, "MIME part %d is not valid base64: %s", p->index, why);
            st = invalid_at(u, origin, doc, p->body + bad, what,
                            "re-encode the part body with base64, or drop 'Content-Transfer-Encoding: base64'");
        }
        text_len = b.len;
        text = ecsb_buf_detach(&b);
        snprintf(sub, sizeof sub, "%.700s [MIME part %d, base64]", origin, p->index);
    } else if (cte && !ecsb_strcaseeq(cte, "7bit") && !ecsb_strcaseeq(cte, "8bit") &&
               !ecsb_strcaseeq(cte, "binary")) {
        char what[160];
        snprintf(what, sizeof what, "MIME part %d uses Content-Transfer-Encoding '%.60s'", p->index, cte);
        st = invalid_at(u, origin, doc, p->start, what, "use base64, 7bit or 8bit for the part");
    } else {
        /* Keep the part's own bytes in place, so positions are those of the document. */
        size_t r[1][2] = {{p->body, p->end}};
        if (ecsb_starts_with(mt, "multipart/"))
            r[0][0] = p->start;
        text = blank_except(doc, len, (const size_t(*)[2])r, 1);
        text_len = strlen(text);
    }
    if (st == ECSB_OK && is_gzip(text, text_len)) {
        char *z = NULL;
        size_t zl = 0;
        char zorigin[800];
        snprintf(zorigin, sizeof zorigin, "%.700s [gzip]", sub);
        st = gunzip(u, zorigin, text, text_len, &z, &zl);
        free(text);
        text = z, text_len = zl;
        snprintf(sub, sizeof sub, "%s", zorigin);
    }
    if (st == ECSB_OK) {
        if (!strcmp(mt, ECSB_USERDATA_MIME_TYPE)) {
            st = memchr(text, '\0', text_len)
                     ? ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s: MIME part %d contains NUL bytes; send INI text",
                                      sub, p->index)
                     : read_ini(u, text, sub);
        } else if (ecsb_starts_with(mt, "multipart/") || !strcmp(mt, "text/powershell") ||
                   !strcmp(mt, "text/x-powershell") ||
                   (ecsb_starts_with(mt, "text/") && has_ec2launch_tags(text, text_len))) {
            st = read_text(u, text, text_len, sub, depth + 1, NULL);
        } else {
            char what[128], reason[256];
            snprintf(what, sizeof what, "MIME part %d (%s)", p->index, mt);
            snprintf(reason, sizeof reason, "not an ECS part: only %s, PowerShell (<powershell> or "
                     "text/x-powershell) and nested multipart parts are read", ECSB_USERDATA_MIME_TYPE);
            int line, col;
            position(doc, p->start, &line, &col);
            ecsb_settings_ignore(&u->ps, line, what, reason);
        }
    }
    free(text);
    free(mt);
    free(ct);
    free(cte);
    return st;
}

/* Offset of the delimiter line "--B" or "--B--" starting at i, 1 or 2, else 0. */
static int delimiter(const char *s, size_t le, size_t i, const char *boundary)
{
    size_t bl = strlen(boundary);
    if (le - i < bl + 2 || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, boundary, bl) != 0)
        return 0;
    size_t k = i + 2 + bl;
    int kind = 1;
    if (k + 1 < le && s[k] == '-' && s[k + 1] == '-') {
        kind = 2;
        k += 2;
    }
    while (k < le && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
        k++;
    return k == le ? kind : 0;
}

static enum ecsb_status read_mime(struct ud *u, const char *s, size_t len, const char *origin, int depth)
{
    size_t body = 0, at = 0;
    size_t hl = header_block(s, len, &body);
    char *ct = header_get(s, hl, "Content-Type", &at);
    char *boundary = ct ? content_type_param(ct, "boundary") : NULL;
    free(ct);
    if (!boundary || !*boundary || strlen(boundary) > 70) {
        free(boundary);
        return invalid_at(u, origin, s, at, "the multipart Content-Type has no usable boundary",
                          "add boundary=\"...\" (1 to 70 characters) to the Content-Type header");
    }
    enum ecsb_status st = ECSB_OK;
    struct part p = {0, 0, 0, 0, 0};
    bool open = false, closed = false;
    for (size_t i = body; i < len && !closed && st == ECSB_OK;) {
        size_t le = i;
        while (le < len && s[le] != '\n')
            le++;
        int kind = delimiter(s, le, i, boundary);
        if (kind) {
            if (open) { /* the line break before the delimiter belongs to it */
                p.end = i;
                if (p.end > p.body && s[p.end - 1] == '\n')
                    p.end--;
                if (p.end > p.body && s[p.end - 1] == '\r')
                    p.end--;
                st = read_part_body(u, s, len, &p, origin, depth);
            }
            closed = kind == 2;
            open = !closed;
            if (open) {
                p.index++;
                p.start = le < len ? le + 1 : le;
                size_t pb = 0;
                size_t phl = p.start < len ? header_block(s + p.start, len - p.start, &pb) : 0;
                bool blank_first = p.start < len && (s[p.start] == '\n' || s[p.start] == '\r');
                if (!phl && !blank_first) {
                    char what[96];
                    snprintf(what, sizeof what, "MIME part %d does not start with headers and an empty line",
                             p.index);
                    st = invalid_at(u, origin, s, p.start, what,
                                    "begin each part with 'Content-Type: ...' and an empty line");
                    break;
                }
                if (blank_first)
                    pb = s[p.start] == '\r' ? 2 : 1;
                p.hdr_len = phl;
                p.body = p.start + pb;
                if (p.body > len)
                    p.body = len;
            }
        }
        i = le + 1;
    }
    if (st == ECSB_OK && p.index == 0)
        st = invalid_at(u, origin, s, body, "no MIME part starts here",
                        "start each part with a line '--BOUNDARY' (the boundary of the Content-Type header)");
    else if (st == ECSB_OK && !closed)
        st = invalid_at(u, origin, s, len, "the multipart body is not closed",
                        "end the last part with a line '--BOUNDARY--'");
    free(boundary);
    return st;
}

/* ---- the whole document ------------------------------------------------- */

static void add_format(struct ecsb_buf *fmt, const char *name)
{
    if (!fmt)
        return;
    if (fmt->len)
        ecsb_buf_putc(fmt, '+');
    ecsb_buf_puts(fmt, name);
}

static enum ecsb_status read_text(struct ud *u, const char *s, size_t len, const char *origin, int depth,
                                  struct ecsb_buf *fmt)
{
    if (depth > ECSB_USERDATA_MAX_DEPTH)
        return ecsb_error_set(u->err, ECSB_ERR_LIMIT, "%s: wrappers and MIME parts nested deeper than %d; "
                              "wrap the user data at most once in each form", origin, ECSB_USERDATA_MAX_DEPTH);
    if (memchr(s, '\0', len))
        return invalid_at(u, origin, s, (size_t)((const char *)memchr(s, '\0', len) - s),
                          "a NUL byte: this is not text",
                          "send the user data as UTF-8 text (or gzip/base64 of it); save UTF-16 files as UTF-8");
    char *text = ecsb_xstrndup(s, len);
    enum ecsb_status st;
    switch (classify(text, len)) {
    case F_MIME:
        add_format(fmt, "mime");
        st = read_mime(u, text, len, origin, depth);
        break;
    case F_EC2LAUNCH:
        add_format(fmt, find_ci(text, len, "<" ECSB_USERDATA_TAG ">") ? "ec2launch+ini" : "ec2launch");
        st = read_ec2launch(u, text, len, origin);
        break;
    case F_INI:
        add_format(fmt, "ini");
        st = read_ini(u, text, origin);
        break;
    default:
        add_format(fmt, "powershell");
        st = read_powershell(u, text, len, origin);
        break;
    }
    free(text);
    return st;
}

static enum ecsb_status parse_doc(struct ud *u, const char *s, size_t len, const char *origin, int depth, bool top)
{
    struct ecsb_buf *fmt = top ? &u->format : NULL;
    char sub[600];
    if (depth > ECSB_USERDATA_MAX_DEPTH)
        return ecsb_error_set(u->err, ECSB_ERR_LIMIT, "%s: wrappers nested deeper than %d; wrap the user data "
                              "at most once in each form", origin, ECSB_USERDATA_MAX_DEPTH);
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        len -= 3;
    }
    if (is_gzip(s, len)) {
        char *z = NULL;
        size_t zl = 0;
        snprintf(sub, sizeof sub, "%.500s [gzip]", origin);
        enum ecsb_status st = gunzip(u, origin, s, len, &z, &zl);
        if (st == ECSB_OK) {
            add_format(fmt, "gzip");
            st = parse_doc(u, z, zl, sub, depth + 1, top);
        }
        free(z);
        return st;
    }
    if (len >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                     ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)))
        return ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s:1:1: UTF-16 text; save the user data as UTF-8 "
                              "(PowerShell: Out-File -Encoding utf8)", origin);
    if (looks_base64(s, len)) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        size_t bad = 0;
        const char *why = "";
        if (!b64_decode(s, len, &b, &bad, &why)) {
            ecsb_buf_free(&b);
            char what[160];
            snprintf(what, sizeof what, "this looks like base64 but is not valid base64: %s", why);
            return invalid_at(u, origin, s, bad, what,
                              "encode the whole user data exactly once (base64 -w0 file), or send it as text");
        }
        enum ecsb_status st = ECSB_OK;
        if (is_user_data(ecsb_buf_cstr(&b), b.len)) {
            snprintf(sub, sizeof sub, "%.500s [base64]", origin);
            add_format(fmt, "base64");
            st = parse_doc(u, ecsb_buf_cstr(&b), b.len, sub, depth + 1, top);
            ecsb_buf_free(&b);
            return st;
        }
        ecsb_buf_free(&b);
        char msg[700];
        snprintf(msg, sizeof msg, "%s:1:1: looks like base64, but does not decode to user data; read as text",
                 origin);
        ecsb_settings_warn(&u->ps, msg);
    }
    return read_text(u, s, len, origin, depth, fmt);
}

/* PowerShell settings first, each skipped (with a warning) when INI sets the same key. */
static void combine(struct ud *u, struct ecsb_settings *res)
{
    for (size_t i = 0; i < u->ps.count; i++) {
        const struct ecsb_setting *it = &u->ps.items[i];
        const struct ecsb_setting *win = ecsb_settings_find(&u->ini, it->section, it->key);
        if (win) {
            /* a secret is quoted by neither value; the dropped one stays known to the masker */
            bool secret = ecsb_secret_name(it->key);
            ecsb_settings_note_secret(res, it->key, it->value);
            char msg[900];
            snprintf(msg, sizeof msg, "%s:%d: %s.%s from PowerShell ('%.200s') is overridden by the INI "
                     "settings at line %d ('%.200s')", res->origin, it->line, it->section, it->key,
                     secret ? ECSB_MASK_TEXT : it->value, win->line, secret ? ECSB_MASK_TEXT : win->value);
            ecsb_settings_warn(res, msg);
            continue;
        }
        ecsb_settings_add(res, it->section, it->key, it->value, it->line, it->column);
    }
    for (size_t i = 0; i < u->ps.n_ignored; i++)
        ecsb_settings_ignore(res, u->ps.ignored[i].line, u->ps.ignored[i].text, u->ps.ignored[i].reason);
    for (size_t i = 0; i < u->ps.n_warnings; i++)
        ecsb_settings_warn(res, u->ps.warnings[i]);
    ecsb_settings_append(res, &u->ini);
}

enum ecsb_status ecsb_userdata_parse(const char *data, size_t len, struct ecsb_settings *out,
                                     struct ecsb_error *err)
{
    const char *origin = out->origin && *out->origin ? out->origin : "user data";
    if (len > ECSB_USERDATA_MAX)
        return ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: %lu bytes is more than the %u bytes user data may have; "
                              "move settings into the baked INI file or gzip the user data", origin, (unsigned long)len,
                              ECSB_USERDATA_MAX);
    out->untrusted = true; /* the launcher's input: it may not steer ecs-bootstrap (trust.h) */
    struct ud u = {err, {0}, {0}, ECSB_BUF_INIT};
    ecsb_settings_init(&u.ps, origin);
    ecsb_settings_init(&u.ini, origin);
    enum ecsb_status st = parse_doc(&u, data, len, origin, 0, true);
    if (st == ECSB_OK) {
        struct ecsb_settings res;
        ecsb_settings_init(&res, origin);
        combine(&u, &res);
        ecsb_settings_append(out, &res);
        ecsb_settings_free(&res);
        free(out->format);
        out->format = ecsb_xstrdup(u.format.len ? u.format.data : "powershell");
    }
    ecsb_settings_free(&u.ps);
    ecsb_settings_free(&u.ini);
    ecsb_buf_free(&u.format);
    return st;
}
