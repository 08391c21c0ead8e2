/* form_mime.c: MIME multipart user data (cloud-init style): a header block with
 * Content-Type: multipart/...; boundary=..., then parts. Each part is decoded
 * (Content-Transfer-Encoding, then gzip) and read by its media type: our INI part,
 * PowerShell, EC2Launch tags in any text part, or a nested multipart read
 * recursively (at most ECSB_USERDATA_MAX_DEPTH levels). Parts sent as they are
 * keep their place in the document (blanked copy), so positions stay those of the
 * document. */
#include "ud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/base64.h"
#include "ecsb/base/strutil.h"
#include "ecsb/userdata/userdata.h"
#include "mime.h"

struct part {
    int index;
    size_t start, hdr_len, body, end; /* offsets in the document */
    char *media_type, *cte;           /* lower-cased media type; transfer encoding or NULL */
};

/* A part's body as text: transfer encoding undone, then gzip. *sub names what was undone. */
static enum ecsb_status part_text(struct ud *u, const struct ud_doc *d, const struct part *p, char **text,
                                  size_t *len, char *sub, size_t cap)
{
    enum ecsb_status st = ECSB_OK;
    snprintf(sub, cap, "%s", d->origin);
    if (p->cte && ecsb_strcaseeq(p->cte, "base64")) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        size_t bad = 0;
        const char *why = "";
        if (!ecsb_base64_decode(d->s + p->body, p->end - p->body, true, &b, &bad, &why)) {
            char what[160];
            snprintf(what, sizeof what, "MIME part %d is not valid base64: %s", p->index, why);
            st = ud_invalid_at(u, d->origin, d->s, p->body + bad, what,
                               "re-encode the part body with base64, or drop 'Content-Transfer-Encoding: base64'");
        }
        *len = b.len;
        *text = ecsb_buf_detach(&b);
        snprintf(sub, cap, "%.700s [MIME part %d, base64]", d->origin, p->index);
    } else if (p->cte && !ecsb_strcaseeq(p->cte, "7bit") && !ecsb_strcaseeq(p->cte, "8bit") &&
               !ecsb_strcaseeq(p->cte, "binary")) {
        char what[160];
        snprintf(what, sizeof what, "MIME part %d uses Content-Transfer-Encoding '%.60s'", p->index, p->cte);
        return ud_invalid_at(u, d->origin, d->s, p->start, what, "use base64, 7bit or 8bit for the part");
    } else {
        /* In place; a nested multipart keeps its headers (they hold its boundary). */
        size_t r[1][2] = {{ecsb_starts_with(p->media_type, "multipart/") ? p->start : p->body, p->end}};
        *text = ud_blank_except(d->s, d->len, (const size_t(*)[2])r, 1);
        *len = strlen(*text);
    }
    if (st == ECSB_OK && ud_is_gzip(*text, *len)) {
        char *z = NULL, zorigin[800];
        size_t zl = 0;
        snprintf(zorigin, sizeof zorigin, "%.700s [gzip]", sub);
        st = ud_gunzip(u, zorigin, *text, *len, &z, &zl);
        free(*text);
        *text = z, *len = zl;
        snprintf(sub, cap, "%s", zorigin);
    }
    return st;
}

/* A part read by another reader is one level deeper: refused here, by name and place. */
static bool too_deep(struct ud *u, const struct ud_doc *d, const struct part *p, enum ecsb_status *st)
{
    if (d->depth + 1 <= ECSB_USERDATA_MAX_DEPTH)
        return false;
    int line, col;
    ud_position(d->s, p->start, &line, &col);
    *st = ecsb_error_set(u->err, ECSB_ERR_LIMIT,
                         "%s:%d:%d: MIME part %d (%.80s) is nested deeper than %d levels of wrappers and parts; "
                         "move its content into the enclosing multipart document instead of nesting it",
                         d->origin, line, col, p->index, p->media_type, ECSB_USERDATA_MAX_DEPTH);
    return true;
}

static void ignore_part(struct ud *u, const struct ud_doc *d, const struct part *p)
{
    char what[128], reason[256];
    snprintf(what, sizeof what, "MIME part %d (%.80s)", p->index, p->media_type);
    snprintf(reason, sizeof reason, "not an ECS part: only %s, PowerShell (<powershell> or "
             "text/x-powershell) and nested multipart parts are read", ECSB_USERDATA_MIME_TYPE);
    int line, col;
    ud_position(d->s, p->start, &line, &col);
    ecsb_settings_ignore(&u->ps, line, what, reason);
}

/* The decoded part to the reader its media type names. */
static enum ecsb_status dispatch_part(struct ud *u, const struct ud_doc *d, const struct part *p, const char *text,
                                      size_t len, const char *sub)
{
    const char *mt = p->media_type;
    enum ecsb_status st = ECSB_OK;
    if (!strcmp(mt, ECSB_USERDATA_MIME_TYPE))
        return memchr(text, '\0', len) ? ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s: MIME part %d contains NUL "
                                                        "bytes; send INI text", sub, p->index)
                                       : ud_read_ini(u, text, sub);
    struct ud_doc inner = {text, len, sub, d->depth + 1, NULL};
    if (ecsb_starts_with(mt, "multipart/")) /* its headers arrive in place, before the body */
        return too_deep(u, d, p, &st) ? st : ud_form_mime.read(u, &inner);
    if (!strcmp(mt, "text/powershell") || !strcmp(mt, "text/x-powershell") ||
        (ecsb_starts_with(mt, "text/") && ud_has_ec2launch_tags(text, len)))
        return too_deep(u, d, p, &st) ? st : ud_read_text(u, &inner);
    ignore_part(u, d, p);
    return ECSB_OK;
}

static enum ecsb_status read_part(struct ud *u, const struct ud_doc *d, struct part *p)
{
    size_t at = 0;
    char *ct = mime_header_get(d->s + p->start, p->hdr_len, "Content-Type", &at);
    p->cte = mime_header_get(d->s + p->start, p->hdr_len, "Content-Transfer-Encoding", &at);
    p->media_type = mime_media_type(ct ? ct : "text/plain");
    free(ct);
    char *text = NULL, sub[800];
    size_t len = 0;
    enum ecsb_status st = part_text(u, d, p, &text, &len, sub, sizeof sub);
    if (st == ECSB_OK)
        st = dispatch_part(u, d, p, text, len, sub);
    free(text);
    free(p->media_type);
    free(p->cte);
    p->media_type = p->cte = NULL;
    return st;
}

/* "--B" (1), "--B--" (2) or not a delimiter line (0), for the line s[i..le). */
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

/* A part starts after its delimiter line: headers and an empty line, or just the empty line. */
static enum ecsb_status start_part(struct ud *u, const struct ud_doc *d, struct part *p, size_t start)
{
    const char *s = d->s;
    size_t len = d->len, pb = 0;
    p->index++;
    p->start = start;
    size_t phl = start < len ? mime_header_block(s + start, len - start, &pb) : 0;
    bool blank_first = start < len && (s[start] == '\n' || s[start] == '\r');
    if (!phl && !blank_first) {
        char what[96];
        snprintf(what, sizeof what, "MIME part %d does not start with headers and an empty line", p->index);
        return ud_invalid_at(u, d->origin, s, start, what,
                             "begin each part with 'Content-Type: ...' and an empty line");
    }
    if (blank_first)
        pb = s[start] == '\r' ? 2 : 1;
    p->hdr_len = phl;
    p->body = start + pb > len ? len : start + pb;
    return ECSB_OK;
}

/* The boundary of the document's Content-Type; *body is where the parts begin. A
 * nested part arrives in place, after the blank lines that stand for the rest of the
 * document: the header block starts after them. */
static char *doc_boundary(struct ud *u, const struct ud_doc *d, size_t *body, enum ecsb_status *st)
{
    size_t skip = 0, at = 0;
    while (skip < d->len && d->s[skip] == '\n')
        skip++;
    size_t hl = mime_header_block(d->s + skip, d->len - skip, body);
    *body += skip;
    char *ct = mime_header_get(d->s + skip, hl, "Content-Type", &at);
    char *boundary = ct ? mime_content_type_param(ct, "boundary") : NULL;
    free(ct);
    if (boundary && *boundary && strlen(boundary) <= 70)
        return boundary;
    free(boundary);
    *st = ud_invalid_at(u, d->origin, d->s, skip + at, "the multipart Content-Type has no usable boundary",
                        "add boundary=\"...\" (1 to 70 characters) to the Content-Type header");
    return NULL;
}

static enum ecsb_status mime_read(struct ud *u, const struct ud_doc *d)
{
    const char *s = d->s;
    size_t len = d->len, body = 0;
    enum ecsb_status st = ECSB_OK;
    char *boundary = doc_boundary(u, d, &body, &st);
    if (!boundary)
        return st;
    struct part p = {0, 0, 0, 0, 0, NULL, NULL};
    bool open = false, closed = false;
    for (size_t i = body; i < len && !closed && st == ECSB_OK;) {
        size_t le = i;
        while (le < len && s[le] != '\n')
            le++;
        int kind = delimiter(s, le, i, boundary);
        if (kind && open) { /* the line break before the delimiter belongs to it */
            p.end = i;
            if (p.end > p.body && s[p.end - 1] == '\n')
                p.end--;
            if (p.end > p.body && s[p.end - 1] == '\r')
                p.end--;
            st = read_part(u, d, &p);
        }
        if (kind) {
            closed = kind == 2;
            open = !closed;
            if (open && st == ECSB_OK)
                st = start_part(u, d, &p, le < len ? le + 1 : le);
        }
        i = le + 1;
    }
    if (st == ECSB_OK && p.index == 0)
        st = ud_invalid_at(u, d->origin, s, body, "no MIME part starts here",
                           "start each part with a line '--BOUNDARY' (the boundary of the Content-Type header)");
    else if (st == ECSB_OK && !closed)
        st = ud_invalid_at(u, d->origin, s, len, "the multipart body is not closed",
                           "end the last part with a line '--BOUNDARY--'");
    free(boundary);
    return st;
}

static bool mime_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    size_t body, at;
    size_t hl = mime_header_block(d->s, d->len, &body);
    if (!hl)
        return false;
    char *ct = mime_header_get(d->s, hl, "Content-Type", &at);
    bool yes = ct && ecsb_starts_with_ci(ct, "multipart/");
    free(ct);
    return yes;
}

const struct ud_form ud_form_mime = {"mime", false, mime_detect, mime_read};
