/* userdata.c: EC2 user data in every form -> raw settings (see ecsb/userdata.h).
 *
 * One table of forms, in detection order: wrappers (gzip, base64) are peeled first,
 * then the text is classified (MIME multipart, EC2Launch tags, our INI, legacy
 * PowerShell). Each form is one file, form_<name>.c (see ud.h); adding a form is
 * that file plus one row below. PowerShell-derived and INI-derived settings are
 * collected apart and combined at the end, so an INI block or part wins key by key
 * wherever it sits. Parts of a document are handed to the readers as a "blanked"
 * copy of the whole document (other bytes removed, newlines kept), so every
 * reported line and column is one of the document. */
#include "ecsb/userdata/userdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/mask.h"
#include "ud.h"

/* Detection order. The first row whose detect says yes reads the document. */
static const struct ud_form *const forms[] = {
    &ud_form_gzip,      /* 1f 8b: inflated, then read again */
    &ud_form_utf16,     /* FF FE / FE FF: refused, save as UTF-8 */
    &ud_form_base64,    /* decoded when it holds user data, then read again */
    &ud_form_mime,      /* Content-Type: multipart/...: parts by media type */
    &ud_form_ec2launch, /* <powershell>, <ecs-bootstrap> and <script> blocks */
    &ud_form_ec2launch_v2, /* EC2Launch v2 YAML: version:, tasks: */
    &ud_form_ini,       /* [section] first */
    &ud_form_powershell, /* anything else */
};

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

static enum ecsb_status too_deep(struct ud *u, const struct ud_doc *d)
{
    return ecsb_error_set(u->err, ECSB_ERR_LIMIT, "%s: wrappers and MIME parts nested deeper than %d; wrap the "
                          "user data at most once in each form", d->origin, ECSB_USERDATA_MAX_DEPTH);
}

const struct ud_form *ud_text_form(struct ud *u, const struct ud_doc *d)
{
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (!forms[i]->wrapper && forms[i]->detect(u, d))
            return forms[i];
    return &ud_form_powershell;
}

/* Text forms read a NUL-terminated copy: the INI reader takes a C string. */
enum ecsb_status ud_read_text(struct ud *u, const struct ud_doc *d)
{
    if (d->depth > ECSB_USERDATA_MAX_DEPTH)
        return too_deep(u, d);
    const char *nul = memchr(d->s, '\0', d->len);
    if (nul)
        return ud_invalid_at(u, d->origin, d->s, (size_t)(nul - d->s), "a NUL byte: this is not text",
                             "send the user data as UTF-8 text (or gzip/base64 of it); save UTF-16 files as UTF-8");
    char *text = ecsb_xstrndup(d->s, d->len);
    struct ud_doc t = {text, d->len, d->origin, d->depth, d->fmt};
    const struct ud_form *form = ud_text_form(u, &t);
    ud_add_format(t.fmt, form->name);
    enum ecsb_status st = form->read(u, &t);
    free(text);
    return st;
}

enum ecsb_status ud_read_doc(struct ud *u, const struct ud_doc *d)
{
    if (d->depth > ECSB_USERDATA_MAX_DEPTH)
        return too_deep(u, d);
    struct ud_doc t = *d;
    if (t.len >= 3 && !memcmp(t.s, "\xEF\xBB\xBF", 3)) { /* UTF-8 BOM: skipped */
        t.s += 3;
        t.len -= 3;
    }
    for (size_t i = 0; i < sizeof forms / sizeof forms[0] && forms[i]->wrapper; i++) {
        if (forms[i]->detect(u, &t)) {
            ud_add_format(t.fmt, forms[i]->name);
            return forms[i]->read(u, &t);
        }
    }
    return ud_read_text(u, &t);
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
    struct ud_doc doc = {data, len, origin, 0, &u.format};
    enum ecsb_status st = ud_read_doc(&u, &doc);
    if (st == ECSB_OK) {
        struct ecsb_settings res;
        ecsb_settings_init(&res, origin);
        combine(&u, &res);
        ecsb_settings_append(out, &res);
        ecsb_settings_free(&res);
        free(out->format);
        out->format = ecsb_xstrdup(u.format.len ? u.format.data : "powershell");
    } else {
        ecsb_error_escape(err); /* messages quote the input */
    }
    ecsb_settings_free(&u.ps);
    ecsb_settings_free(&u.ini);
    ecsb_buf_free(&u.format);
    return st;
}
