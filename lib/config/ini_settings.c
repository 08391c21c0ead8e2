/* ini_settings.c: INI text -> raw settings with positions, and operator-facing
 * messages for the lines the INI dialect (ecsb/ini.h) rejects. */
#include "ecsb/config/ini.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/strutil.h"
#include "ini_walk.h"

/* What the walk saw: positions of every handler call, the first bad line. */
struct walk_result {
    struct ecsb_ini_event *calls; /* section/name/value owned copies */
    size_t n, cap;
    int split_line, split_len;    /* first line too long for the reader, 0 if none */
    int bad_lineno, bad_line;     /* first error line: inih's number and physical */
    enum ecsb_ini_kind bad_kind;
    char *bad_text;
};

static int line_length(const char *text, int line)
{
    for (int i = 1; i < line && text; i++) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    if (!text)
        return 0;
    size_t n = strcspn(text, "\n");
    return (int)(n > 0 && text[n - 1] == '\r' ? n - 1 : n);
}

static int collect_event(void *user, const struct ecsb_ini_event *ev)
{
    struct walk_result *r = user;
    if (ev->split && !r->split_line)
        r->split_line = ev->line;
    if (ev->kind == ECSB_INI_PAIR || ev->kind == ECSB_INI_CONTINUATION) {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->calls = ecsb_xrealloc(r->calls, r->cap * sizeof *r->calls);
        }
        struct ecsb_ini_event *c = &r->calls[r->n++];
        *c = *ev;
        c->section = ecsb_xstrdup(ev->section);
        c->name = ecsb_xstrdup(ev->name);
        c->value = ecsb_xstrdup(ev->value);
    } else if (!r->bad_lineno) {
        r->bad_lineno = ev->lineno;
        r->bad_line = ev->line;
        r->bad_kind = ev->kind;
        r->bad_text = ecsb_xstrdup(ev->text);
    }
    return 1;
}

static void walk_result_free(struct walk_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free((char *)r->calls[i].section);
        free((char *)r->calls[i].name);
        free((char *)r->calls[i].value);
    }
    free(r->calls);
    free(r->bad_text);
}

/* The backend's handler calls, in order. */
static int collect_call(void *user, const char *section, const char *name, const char *value)
{
    ecsb_settings_add(user, section, name, value, 0, 0);
    return 1;
}

#define EXPECTED "expected 'name = value' or '[section]'"

static enum ecsb_status syntax_error(const struct ecsb_settings *out, const struct walk_result *r, int lineno,
                                     struct ecsb_error *err)
{
    if (lineno != r->bad_lineno || !r->bad_text) /* the backends disagree: say what we know */
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s: INI line %d is not valid -- " EXPECTED, out->origin,
                              lineno);
    const char *t = r->bad_text;
    int shown = (int)strlen(t) > 40 ? 37 : 40;
    const char *more = (int)strlen(t) > 40 ? "..." : "";
    /* inih ends a line at ';' after whitespace, so "[a ;b]" or "a ;= b" fail there. */
    const char *comment = strstr(t, " ;") || strstr(t, "\t;") ? " before the ';' comment" : "";
    if (r->bad_kind == ECSB_INI_BAD_SECTION)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s:%d: section header '%.*s%s' has no closing ']'%s -- " EXPECTED,
                              out->origin, r->bad_line, shown, t, more, comment);
    return ecsb_error_set(err, ECSB_ERR_INVALID, "%s:%d: '%.*s%s' has no '=' or ':'%s -- " EXPECTED, out->origin,
                          r->bad_line, shown, t, more, comment);
}

/* Gives each backend call its position (the walk makes the same calls in the same
 * order; should they ever differ, ecsb_ini_locate finds the place) and joins
 * continuation lines to the value before them. */
static void place_calls(struct ecsb_settings *out, const struct ecsb_settings *calls, const struct walk_result *r,
                        const char *text)
{
    for (size_t i = 0; i < calls->count; i++) {
        const struct ecsb_setting *c = &calls->items[i];
        const struct ecsb_ini_event *ev = i < r->n ? &r->calls[i] : NULL;
        if (ev && strcmp(ev->section, c->section) == 0 && strcmp(ev->name, c->key) == 0 &&
            strcmp(ev->value, c->value) == 0) {
            if (ev->kind == ECSB_INI_CONTINUATION && out->count > 0) {
                struct ecsb_setting *last = &out->items[out->count - 1];
                struct ecsb_buf b = ECSB_BUF_INIT;
                ecsb_buf_printf(&b, "%s\n%s", last->value, c->value);
                free(last->value);
                last->value = ecsb_buf_detach(&b);
                continue;
            }
            ecsb_settings_add(out, c->section, c->key, c->value, ev->line, ev->column);
        } else {
            int line = 0, column = 0;
            ecsb_ini_locate(text, c->section, c->key, &line, &column);
            ecsb_settings_add(out, c->section, c->key, c->value, line, column);
        }
    }
}

enum ecsb_status ecsb_settings_from_ini(const char *text, struct ecsb_settings *out, struct ecsb_error *err)
{
    struct walk_result r = {0};
    ecsb_ini_walk(text, collect_event, &r);
    enum ecsb_status st = ECSB_OK;
    if (r.split_line) {
        st = ecsb_error_set(err, ECSB_ERR_LIMIT,
                            "%s:%d: line is %d bytes long; the INI reader takes at most %d and would cut it -- "
                            "shorten it, or continue the value on indented lines",
                            out->origin, r.split_line, line_length(text, r.split_line), ECSB_INI_MAX_LINE - 1);
        walk_result_free(&r);
        return st;
    }
    struct ecsb_settings calls;
    ecsb_settings_init(&calls, out->origin);
    int rc = ecsb_ini_parse_string(text, collect_call, &calls);
    if (rc > 0) {
        st = syntax_error(out, &r, rc, err);
        ecsb_error_escape(err); /* it quotes the line */
    }
    else if (rc < 0)
        st = ecsb_error_set(err, ECSB_ERR_LIMIT, "%s: the INI reader failed (%d) -- out of memory?", out->origin, rc);
    else
        place_calls(out, &calls, &r, text);
    ecsb_settings_free(&calls);
    walk_result_free(&r);
    return st;
}
