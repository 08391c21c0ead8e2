/* ini_reader.c: our own INI reader, written from inih's documentation and from
 * experiments against Debian's libinih 55 (see the dialect in ecsb/ini.h and the
 * corpus in tests/ini-corpus/). tests/unit/posix/test_ini_diff.c and
 * tests/fuzz/fuzz_ini.c hold it to the same handler calls as inih. */
#include "ecsb/config/ini.h"

#include <stddef.h>
#include <string.h>

#include "ecsb/base/strutil.h"
#include "ini_walk.h"

enum {
    PIECE_MAX = ECSB_INI_MAX_LINE - 1, /* bytes of one piece, '\n' included */
    SECTION_CAP = 50,                  /* inih keeps 49 bytes of a section name */
    NAME_CAP = 50,                     /* ...and of the name continuation lines use */
};

struct walker {
    const char *text;
    ecsb_ini_event_fn fn;
    void *user;
    int lineno, line, error;
    const char *line_start;  /* first byte of the current physical line in text */
    const char *piece_start; /* first byte of the current piece in text */
    int piece_col;           /* UTF-8 characters from line_start to piece_start */
    int split;
    char section[SECTION_CAP];
    char prev_name[NAME_CAP];
};

static void copy_cut(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (n > cap - 1)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static char *rstrip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ecsb_is_space((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static char *lskip(char *s)
{
    while (*s && ecsb_is_space((unsigned char)*s))
        s++;
    return s;
}

/* First char of s that is in stop (NULL: none), or ';' right after whitespace
 * (an inline comment), or the terminating NUL. */
static char *scan(char *s, const char *stop)
{
    int after_space = 0;
    for (; *s; s++) {
        if (stop && strchr(stop, *s))
            break;
        if (after_space && *s == ';')
            break;
        after_space = ecsb_is_space((unsigned char)*s);
    }
    return s;
}

/* UTF-8 characters in [from, to): bytes that are not continuation bytes. */
static int chars_between(const char *from, const char *to)
{
    int n = 0;
    for (; from < to; from++)
        n += ((unsigned char)*from & 0xC0) != 0x80;
    return n;
}

/* Column in UTF-8 characters of byte p of the piece copy buf (a BOM on line 1
 * does not count: editors do not show it). */
static int column_of(const struct walker *w, const char *buf, const char *p)
{
    const char *q = w->line_start;
    int bom = w->line == 1 && (unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBB &&
              (unsigned char)q[2] == 0xBF;
    return 1 + w->piece_col + chars_between(w->piece_start, w->piece_start + (p - buf)) - bom;
}

static void report(struct walker *w, enum ecsb_ini_kind kind, const char *name, const char *value,
                   const char *text, int column)
{
    struct ecsb_ini_event ev = {kind, w->section, name, value, text, w->lineno, w->line, column, w->split};
    int ok = w->fn(w->user, &ev);
    if ((kind == ECSB_INI_PAIR || kind == ECSB_INI_CONTINUATION) ? !ok && !w->error : !w->error)
        w->error = w->lineno;
}

static void name_value(struct walker *w, char *buf, char *start)
{
    char *end = scan(start, "=:");
    if (*end != '=' && *end != ':') {
        report(w, ECSB_INI_NO_SEPARATOR, NULL, NULL, start, column_of(w, buf, start));
        return;
    }
    *end = '\0';
    char *name = rstrip(start), *value = end + 1;
    *scan(value, NULL) = '\0';
    value = rstrip(lskip(value));
    copy_cut(w->prev_name, name, sizeof w->prev_name);
    report(w, ECSB_INI_PAIR, name, value, NULL, column_of(w, buf, value));
}

static void one_piece(struct walker *w, char *buf)
{
    char *start = buf;
    if (w->lineno == 1 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        start += 3;
    start = lskip(rstrip(start));
    if (*start == '\0' || *start == ';' || *start == '#')
        return; /* blank or comment */
    if (w->prev_name[0] && start > buf) {
        /* inih 55 keeps a ';' comment in a continuation line as part of the value. */
        report(w, ECSB_INI_CONTINUATION, w->prev_name, start, NULL, column_of(w, buf, start));
    } else if (*start == '[') {
        char *end = scan(start + 1, "]");
        if (*end == ']') {
            *end = '\0';
            copy_cut(w->section, start + 1, sizeof w->section);
            w->prev_name[0] = '\0';
        } else {
            report(w, ECSB_INI_BAD_SECTION, NULL, NULL, start, column_of(w, buf, start));
        }
    } else {
        name_value(w, buf, start);
    }
}

/* The line does not fit one piece, so inih reads its rest as further lines. A
 * trailing '\r' does not count: the piece after it is blank and loses nothing. */
static int line_is_split(const char *line)
{
    size_t n = strcspn(line, "\n");
    if (n > 0 && line[n - 1] == '\r')
        n--;
    return n > PIECE_MAX;
}

int ecsb_ini_walk(const char *text, ecsb_ini_event_fn fn, void *user)
{
    struct walker w = {.text = text, .fn = fn, .user = user, .line = 1, .line_start = text};
    const char *p = text;
    char buf[ECSB_INI_MAX_LINE];
    while (*p) {
        size_t n = 0;
        while (n < PIECE_MAX && p[n]) {
            buf[n] = p[n];
            if (p[n++] == '\n')
                break;
        }
        buf[n] = '\0';
        int ends_line = n > 0 && buf[n - 1] == '\n'; /* before one_piece trims buf */
        if (p == w.line_start)
            w.split = line_is_split(p);
        w.piece_start = p;
        w.lineno++;
        one_piece(&w, buf);
        p += n;
        w.piece_col += chars_between(w.piece_start, p);
        if (ends_line) {
            w.line++;
            w.line_start = p;
            w.piece_col = 0;
        }
    }
    return w.error;
}

struct reader_ctx {
    ecsb_ini_handler handler;
    void *user;
};

static int to_handler(void *user, const struct ecsb_ini_event *ev)
{
    const struct reader_ctx *ctx = user;
    if (ev->kind == ECSB_INI_PAIR || ev->kind == ECSB_INI_CONTINUATION)
        return ctx->handler(ctx->user, ev->section, ev->name, ev->value);
    return 0;
}

int ecsb_ini_reader_parse_string(const char *text, ecsb_ini_handler handler, void *user)
{
    struct reader_ctx ctx = {handler, user};
    return ecsb_ini_walk(text, to_handler, &ctx);
}
