/* ini_walk.h (private to lib/): the reader's walk over INI text with positions.
 * ecsb_ini_reader_parse_string, ecsb_ini_locate and ecsb_settings_from_ini all use
 * it, so the three agree on what a line means. */
#ifndef ECSB_INI_WALK_H
#define ECSB_INI_WALK_H

enum ecsb_ini_kind {
    ECSB_INI_PAIR,         /* name = value */
    ECSB_INI_CONTINUATION, /* indented line continuing the previous name */
    ECSB_INI_BAD_SECTION,  /* '[' without ']' */
    ECSB_INI_NO_SEPARATOR, /* neither '=' nor ':' */
};

struct ecsb_ini_event {
    enum ecsb_ini_kind kind;
    const char *section, *name, *value; /* name/value NULL for errors */
    const char *text;  /* errors: the line, trimmed */
    int lineno;        /* inih's line number (counts buffer-sized pieces of long lines) */
    int line, column;  /* physical line; column (UTF-8 chars) of the value or line text */
    int split;         /* this physical line is longer than the reader's buffer */
};

/* Returns nonzero to go on (PAIR/CONTINUATION); ignored for error events. */
typedef int (*ecsb_ini_event_fn)(void *user, const struct ecsb_ini_event *ev);

/* Same return value as ini_parse_string: 0, or inih's number of the first bad line. */
int ecsb_ini_walk(const char *text, ecsb_ini_event_fn fn, void *user);

#endif
