/* ud.h: private to lib/userdata. The document being read, the table of forms and
 * the helpers the forms share.
 *
 * Every form is one file (form_*.c) that defines one `struct ud_form` and one row
 * in the table in userdata.c, in detection order. Wrappers (gzip, base64) are
 * peeled and what they hold is read again from the top; text forms (MIME, EC2Launch,
 * INI, PowerShell) hand their parts to the readers. PowerShell-derived and
 * INI-derived settings are collected apart (u->ps, u->ini) and combined at the end. */
#ifndef ECSB_USERDATA_UD_H
#define ECSB_USERDATA_UD_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

struct ud {
    struct ecsb_error *err;
    struct ecsb_settings ps;  /* from PowerShell: lower precedence */
    struct ecsb_settings ini; /* from INI documents, blocks and parts: wins key by key */
    struct ecsb_buf format;   /* wrappers and forms of the whole document */
};

/* One document (or part) to read. Positions in messages are byte offsets in s. */
struct ud_doc {
    const char *s; /* NUL-terminated at s[len] only where a form says so */
    size_t len;
    const char *origin; /* "user data", "user data [base64]", ... */
    int depth;          /* wrappers and parts above this one */
    struct ecsb_buf *fmt; /* where the form's name goes; NULL below the top-level document */
};

struct ud_form {
    const char *name; /* in settings->format ("gzip", "mime", ...) */
    bool wrapper;     /* true: tried only where wrappers may be (not inside a MIME part) */
    /* Whether d is in this form; may warn (u->ps) about a near miss. */
    bool (*detect)(struct ud *u, const struct ud_doc *d);
    enum ecsb_status (*read)(struct ud *u, const struct ud_doc *d);
};

extern const struct ud_form ud_form_gzip, ud_form_utf16, ud_form_base64;
extern const struct ud_form ud_form_mime, ud_form_ec2launch, ud_form_ec2launch_v2, ud_form_ini, ud_form_powershell;

/* userdata.c: the dispatch. ud_read_doc peels wrappers then reads the text;
 * ud_read_text reads a text (no wrappers). Both refuse nesting deeper than
 * ECSB_USERDATA_MAX_DEPTH. ud_text_form is the text form d would be read as. */
enum ecsb_status ud_read_doc(struct ud *u, const struct ud_doc *d);
enum ecsb_status ud_read_text(struct ud *u, const struct ud_doc *d);
const struct ud_form *ud_text_form(struct ud *u, const struct ud_doc *d);

/* ud_text.c: shared helpers. */
void ud_position(const char *s, size_t off, int *line, int *col); /* 1-based; columns count characters */
enum ecsb_status ud_invalid_at(struct ud *u, const char *origin, const char *s, size_t off, const char *what,
                               const char *fix);
const char *ud_find_ci(const char *s, size_t len, const char *lit);
/* A NUL-terminated copy of s keeping only the bytes in the ranges and every newline
 * (see ud_text.c), so a reader given a part reports positions of the whole document. */
char *ud_blank_except(const char *s, size_t len, const size_t (*r)[2], size_t n);
void ud_add_format(struct ecsb_buf *fmt, const char *name);
/* Lists each non-blank line of d->s[r[0]..r[1]) as set nothing, with the reason. For a
 * block cmd runs (cmd_block names it, e.g. "<script>"), an Initialize-ECSAgent in it
 * is also a warning: it would never run. */
void ud_list_lines(struct ud *u, const struct ud_doc *d, const size_t r[2], const char *reason, const char *cmd_block);
bool ud_has_ec2launch_tags(const char *s, size_t len);

/* Readers and decoders the forms share (each in its form's file). */
enum ecsb_status ud_read_ini(struct ud *u, const char *text, const char *origin);
enum ecsb_status ud_read_powershell(struct ud *u, const char *text, size_t len, const char *origin);
bool ud_is_gzip(const char *s, size_t len);
enum ecsb_status ud_gunzip(struct ud *u, const char *origin, const char *in, size_t len, char **out,
                           size_t *out_len);

#endif
