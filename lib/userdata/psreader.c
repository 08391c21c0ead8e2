/* psreader.c: legacy PowerShell user data -> raw settings (see ecsb/psreader.h).
 *
 * Two passes: a tokenizer turns the text into tokens with positions (strings are
 * decoded, comments and continuations dropped), then statements (tokens between
 * newlines, ';', braces and EC2Launch tags) are matched against the few commands
 * that carry ECS settings. Everything else is listed as ignored, never dropped. */
#include "ecsb/userdata/psreader.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/config/config.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/json.h"
#include "ecsb/base/strutil.h"
#include "ecsb/userdata/userdata.h"

enum tok_kind { T_WORD, T_STRING, T_LPAREN, T_RPAREN, T_COMMA, T_EQUALS, T_SEP, T_LBRACE, T_RBRACE, T_TAG };

struct tok {
    enum tok_kind kind;
    char *text;        /* decoded text (words: as written, backtick escapes applied) */
    int line, col;     /* of the token's first character */
    size_t start, end; /* byte range in the source */
    char *live;        /* double-quoted strings with '$': live[i] = 1 where text[i] is a '$' PowerShell expands */
};

struct lexer {
    const char *s;
    size_t len, pos;
    int line, col;
    const char *origin;
    struct ecsb_error *err;
    struct tok *toks;
    size_t n, cap;
};

/* ---- tokenizer ---------------------------------------------------------- */

static int peek(const struct lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->s[lx->pos + ahead] : -1;
}

/* Moves one byte on, keeping line and (character) column right. */
static void advance(struct lexer *lx)
{
    unsigned char c = (unsigned char)lx->s[lx->pos++];
    if (c == '\n') {
        lx->line++;
        lx->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        lx->col++;
    }
}

static void push(struct lexer *lx, enum tok_kind kind, char *text, int line, int col, size_t start)
{
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 32;
        lx->toks = ecsb_xrealloc(lx->toks, lx->cap * sizeof *lx->toks);
    }
    lx->toks[lx->n++] = (struct tok){kind, text ? text : ecsb_xstrdup(""), line, col, start, lx->pos, NULL};
}

static bool at_ci(const struct lexer *lx, const char *lit)
{
    size_t n = strlen(lit);
    return lx->pos + n <= lx->len && ecsb_strncaseeq(lx->s + lx->pos, lit, n);
}

/* The three dashes PowerShell accepts as '-': en dash, em dash, horizontal bar. */
static size_t dash_len(const char *s, size_t avail)
{
    if (avail >= 1 && s[0] == '-')
        return 1;
    if (avail >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] >= 0x93 && (unsigned char)s[2] <= 0x95))
        return 3;
    return 0;
}

/* Length of a quote character of the kind ('\'' or '"') at pos, or 0. PowerShell takes
 * the typographic quotes as well: U+2018..U+201B single, U+201C..U+201E double. */
static size_t quote_len(const struct lexer *lx, char kind)
{
    int c = peek(lx, 0);
    if (c == kind)
        return 1;
    if (c != 0xE2 || peek(lx, 1) != 0x80)
        return 0;
    int t = peek(lx, 2);
    bool single = t >= 0x98 && t <= 0x9B, dbl = t >= 0x9C && t <= 0x9E;
    return (kind == '\'' ? single : dbl) ? 3 : 0;
}

static void advance_n(struct lexer *lx, size_t n)
{
    while (n-- > 0 && lx->pos < lx->len)
        advance(lx);
}

static enum ecsb_status lex_error(struct lexer *lx, int line, int col, const char *what, const char *fix)
{
    return ecsb_error_set(lx->err, ECSB_ERR_INVALID, "%s:%d:%d: %s; %s", lx->origin, line, col, what, fix);
}

static char backtick_escape(int c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return (char)c;
    }
}

static enum ecsb_status lex_single(struct lexer *lx)
{
    int line = lx->line, col = lx->col;
    size_t start = lx->pos;
    struct ecsb_buf b = ECSB_BUF_INIT;
    advance_n(lx, quote_len(lx, '\''));
    for (;;) {
        if (lx->pos >= lx->len) {
            ecsb_buf_free(&b);
            return lex_error(lx, line, col, "unterminated single-quoted string",
                             "close it with ' (write '' for a literal quote inside)");
        }
        size_t q = quote_len(lx, '\'');
        if (q) { /* a doubled quote is one literal quote */
            advance_n(lx, q);
            size_t q2 = quote_len(lx, '\'');
            if (!q2)
                break;
            ecsb_buf_append(&b, lx->s + lx->pos, q2);
            advance_n(lx, q2);
            continue;
        }
        ecsb_buf_putc(&b, lx->s[lx->pos]);
        advance(lx);
    }
    push(lx, T_STRING, ecsb_buf_detach(&b), line, col, start);
    return ECSB_OK;
}

/* Marks text[at] as a '$' PowerShell expands (not one escaped with a backtick). */
static void mark_live(struct ecsb_buf *live, size_t at)
{
    while (live->len < at)
        ecsb_buf_putc(live, 0);
    ecsb_buf_putc(live, 1);
}

static enum ecsb_status lex_double(struct lexer *lx)
{
    int line = lx->line, col = lx->col;
    size_t start = lx->pos;
    struct ecsb_buf b = ECSB_BUF_INIT, live = ECSB_BUF_INIT;
    advance_n(lx, quote_len(lx, '"'));
    for (;;) {
        int c = peek(lx, 0);
        size_t q = quote_len(lx, '"');
        if (c < 0) {
            ecsb_buf_free(&b);
            ecsb_buf_free(&live);
            return lex_error(lx, line, col, "unterminated double-quoted string",
                             "close it with \" (write `\" or \"\" for a literal quote inside)");
        }
        if (q) { /* a doubled quote is one literal quote */
            advance_n(lx, q);
            size_t q2 = quote_len(lx, '"');
            if (!q2)
                break;
            ecsb_buf_append(&b, lx->s + lx->pos, q2);
            advance_n(lx, q2);
            continue;
        }
        if (c == '`' && lx->pos + 1 < lx->len) {
            advance(lx);
            c = backtick_escape(peek(lx, 0));
        } else if (c == '$') {
            mark_live(&live, b.len);
        }
        ecsb_buf_putc(&b, (char)c);
        advance(lx);
    }
    while (live.len && live.len < b.len)
        ecsb_buf_putc(&live, 0); /* as long as the text */
    push(lx, T_STRING, ecsb_buf_detach(&b), line, col, start);
    if (live.len)
        lx->toks[lx->n - 1].live = ecsb_buf_detach(&live);
    ecsb_buf_free(&live);
    return ECSB_OK;
}

/* The body of @" ... "@ as PowerShell makes it: backtick escapes apply and '$' expands
 * (as in "..."); quotes inside are literal, doubled or not. */
static void push_expandable_here(struct lexer *lx, size_t body, size_t end, int line, int col, size_t start)
{
    struct ecsb_buf b = ECSB_BUF_INIT, live = ECSB_BUF_INIT;
    for (size_t i = body; i < end; i++) {
        int c = (unsigned char)lx->s[i];
        if (c == '`' && i + 1 < end)
            c = backtick_escape((unsigned char)lx->s[++i]);
        else if (c == '$')
            mark_live(&live, b.len);
        ecsb_buf_putc(&b, (char)c);
    }
    while (live.len && live.len < b.len)
        ecsb_buf_putc(&live, 0);
    push(lx, T_STRING, ecsb_buf_detach(&b), line, col, start);
    if (live.len)
        lx->toks[lx->n - 1].live = ecsb_buf_detach(&live);
    ecsb_buf_free(&live);
}

/* @' ... '@ (literal) and @" ... "@ (expandable): the closing mark must start a line. */
static enum ecsb_status lex_here(struct lexer *lx)
{
    int line = lx->line, col = lx->col;
    size_t start = lx->pos;
    char q = lx->s[lx->pos + 1];
    advance(lx);
    advance(lx);
    while (lx->pos < lx->len && peek(lx, 0) != '\n')
        advance(lx);
    if (lx->pos < lx->len)
        advance(lx);
    size_t body = lx->pos;
    for (;;) {
        if (lx->pos >= lx->len)
            return lex_error(lx, line, col, "unterminated here-string",
                             q == '"' ? "end it with \"@ at the start of a line" : "end it with '@ at the start of a line");
        if (lx->col == 1 && peek(lx, 0) == q && peek(lx, 1) == '@') {
            size_t end = lx->pos;
            if (end > body && lx->s[end - 1] == '\n')
                end--;
            if (end > body && lx->s[end - 1] == '\r')
                end--;
            advance(lx);
            advance(lx);
            if (q == '"')
                push_expandable_here(lx, body, end > body ? end : body, line, col, start);
            else
                push(lx, T_STRING, ecsb_xstrndup(lx->s + body, end > body ? end - body : 0), line, col, start);
            return ECSB_OK;
        }
        advance(lx);
    }
}

static enum ecsb_status lex_block_comment(struct lexer *lx)
{
    int line = lx->line, col = lx->col;
    advance(lx);
    advance(lx);
    while (lx->pos < lx->len) {
        if (peek(lx, 0) == '#' && peek(lx, 1) == '>') {
            advance(lx);
            advance(lx);
            return ECSB_OK;
        }
        advance(lx);
    }
    return lex_error(lx, line, col, "unterminated block comment", "end it with #>");
}

static bool at_tag(const struct lexer *lx)
{
    return at_ci(lx, "<powershell>") || at_ci(lx, "</powershell>") || at_ci(lx, "<persist>");
}

/* EC2Launch tags: <powershell>, </powershell>, <persist>...</persist>. */
static bool lex_tag(struct lexer *lx)
{
    static const char *const tags[] = {"<powershell>", "</powershell>", "<persist>"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        if (!at_ci(lx, tags[i]))
            continue;
        int line = lx->line, col = lx->col;
        size_t start = lx->pos;
        size_t n = strlen(tags[i]);
        if (i == 2) { /* take the whole <persist>value</persist> */
            const char *close = NULL;
            for (size_t p = lx->pos + n; p + 10 <= lx->len && lx->s[p] != '\n'; p++)
                if (ecsb_strncaseeq(lx->s + p, "</persist>", 10)) {
                    close = lx->s + p + 10;
                    break;
                }
            if (close)
                n = (size_t)(close - (lx->s + lx->pos));
        }
        for (size_t k = 0; k < n; k++)
            advance(lx);
        push(lx, T_TAG, ecsb_xstrndup(lx->s + start, n), line, col, start);
        return true;
    }
    return false;
}

static bool word_char(int c)
{
    return c >= 0 && !ecsb_is_space(c) && !strchr("();,{}|=\"'#", c);
}

/* Backtick at end of line (spaces allowed before the newline) continues the line. */
static bool at_continuation(const struct lexer *lx)
{
    if (peek(lx, 0) != '`')
        return false;
    size_t p = lx->pos + 1;
    while (p < lx->len && (lx->s[p] == ' ' || lx->s[p] == '\t' || lx->s[p] == '\r'))
        p++;
    return p >= lx->len || lx->s[p] == '\n';
}

static void lex_word(struct lexer *lx)
{
    int line = lx->line, col = lx->col;
    size_t start = lx->pos;
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (;;) {
        int c = peek(lx, 0);
        if (c == '`' && at_continuation(lx)) {
            break; /* lex_all skips the continuation */
        } else if (c == '`' && lx->pos + 1 < lx->len) {
            advance(lx);
            c = peek(lx, 0);
        } else if (c == '#' && b.len > 0) {
            /* '#' inside a word is part of it (PowerShell: only a token start opens a comment). */
        } else if (c != '`' && (!word_char(c) || (c == '<' && b.len > 0 && at_tag(lx)))) {
            if (lx->pos == start && lx->pos < lx->len)
                advance(lx); /* never a token without progress: drop the stray byte */
            break;
        }
        ecsb_buf_putc(&b, (char)c);
        advance(lx);
    }
    push(lx, T_WORD, ecsb_buf_detach(&b), line, col, start);
}

/* Blanks, line continuations and comments at pos: skipped. True when one was. */
static bool skip_trivia(struct lexer *lx, enum ecsb_status *st)
{
    int c = peek(lx, 0);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0) {
        advance(lx);
    } else if (at_continuation(lx)) {
        while (peek(lx, 0) != '\n' && lx->pos < lx->len)
            advance(lx);
        if (lx->pos < lx->len)
            advance(lx);
    } else if (c == '<' && peek(lx, 1) == '#') {
        *st = lex_block_comment(lx);
    } else if (c == '#') {
        while (lx->pos < lx->len && peek(lx, 0) != '\n')
            advance(lx);
    } else {
        return false;
    }
    return true;
}

static bool lex_punct(struct lexer *lx)
{
    static const struct { char c; enum tok_kind kind; } punct[] = {
        {'(', T_LPAREN}, {')', T_RPAREN}, {',', T_COMMA}, {'=', T_EQUALS},
        {';', T_SEP}, {'\n', T_SEP}, {'{', T_LBRACE}, {'}', T_RBRACE}, {'|', T_SEP},
    };
    int c = peek(lx, 0);
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        if (punct[i].c == c) {
            int line = lx->line, col = lx->col;
            size_t start = lx->pos;
            advance(lx);
            push(lx, punct[i].kind, ecsb_xstrndup(lx->s + start, 1), line, col, start);
            return true;
        }
    }
    return false;
}

/* One token at pos (no blanks or comments there). */
static enum ecsb_status lex_token(struct lexer *lx)
{
    int c = peek(lx, 0);
    if (c == '<' && lex_tag(lx))
        return ECSB_OK;
    if (c == '@' && (peek(lx, 1) == '"' || peek(lx, 1) == '\''))
        return lex_here(lx);
    if (quote_len(lx, '\''))
        return lex_single(lx);
    if (quote_len(lx, '"'))
        return lex_double(lx);
    if (!lex_punct(lx))
        lex_word(lx);
    return ECSB_OK;
}

static enum ecsb_status lex_all(struct lexer *lx)
{
    enum ecsb_status st = ECSB_OK;
    while (st == ECSB_OK && lx->pos < lx->len)
        if (!skip_trivia(lx, &st))
            st = lex_token(lx);
    return st;
}

static void free_toks(struct tok *toks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(toks[i].text);
        free(toks[i].live);
    }
    free(toks);
}

/* ---- statements --------------------------------------------------------- */

struct var {
    char *name; /* without '$', as written */
    char *value;
};

struct reader {
    const char *src;
    const char *origin;
    struct ecsb_settings *out;
    struct ecsb_error *err;
    struct var *vars;
    size_t n_vars;
    int brace_depth;
    char **owned; /* expanded strings, freed with the reader */
    size_t n_owned;
};

static enum ecsb_status fail_at(struct reader *r, const struct tok *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static enum ecsb_status fail_at(struct reader *r, const struct tok *t, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ecsb_error_set(r->err, ECSB_ERR_INVALID, "%s:%d:%d: %s", r->origin, t->line, t->col, msg);
}

static void warn_at(struct reader *r, const struct tok *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void warn_at(struct reader *r, const struct tok *t, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "%s:%d:%d: %s", r->origin, t->line, t->col, msg);
    ecsb_settings_warn(r->out, b.data);
    ecsb_buf_free(&b);
}

/* The statement's source text, trimmed. */
static char *stmt_text(const struct reader *r, const struct tok *a, const struct tok *z)
{
    return ecsb_trimmed_dup(r->src + a->start, z->end - a->start);
}

static void ignore(struct reader *r, const struct tok *a, const struct tok *z, const char *reason)
{
    char *text = stmt_text(r, a, z);
    ecsb_settings_ignore(r->out, a->line, text, reason);
    free(text);
}

static bool is_param(const struct tok *t)
{
    if (t->kind != T_WORD)
        return false;
    size_t n = dash_len(t->text, strlen(t->text));
    int c = n ? (unsigned char)t->text[n] : 0;
    return n && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
}

static bool is_var(const struct tok *t)
{
    return t->kind == T_WORD && t->text[0] == '$' && t->text[1];
}

/* A variable name without its scope ("script:x" -> "x"); "env:" is kept (not ours to know). */
static const char *unscoped(const char *name)
{
    static const char *const scopes[] = {"script:", "global:", "local:", "private:", "using:"};
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
        if (ecsb_starts_with_ci(name, scopes[i]))
            return name + strlen(scopes[i]);
    return name;
}

static const struct var *find_var(const struct reader *r, const char *name)
{
    for (size_t i = r->n_vars; i-- > 0;)
        if (ecsb_strcaseeq(unscoped(r->vars[i].name), unscoped(name)))
            return &r->vars[i];
    return NULL;
}

static bool name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* End of the variable name after the '$' at s[i] ($name, $scope:name, ${name}); the
 * name is s[*from..*to). Returns i + 1 when no name follows (a literal '$'). */
static size_t var_ref(const char *s, size_t i, size_t *from, size_t *to)
{
    size_t j = i + 1;
    if (s[j] == '{') {
        const char *close = strchr(s + j, '}');
        if (!close)
            return i + 1;
        *from = j + 1, *to = (size_t)(close - s);
        return *to + 1;
    }
    while (name_char((unsigned char)s[j]))
        j++;
    if (s[j] == ':' && j > i + 1 && name_char((unsigned char)s[j + 1])) { /* $env:X, $script:x */
        for (j++; name_char((unsigned char)s[j]);)
            j++;
    }
    *from = i + 1, *to = j;
    return j;
}

/* The value PowerShell puts in a string for variable `name`, or NULL when it cannot be known here. */
static const char *var_text(const struct reader *r, const char *name)
{
    if (ecsb_strcaseeq(unscoped(name), "true"))
        return "True";
    if (ecsb_strcaseeq(unscoped(name), "false"))
        return "False";
    if (ecsb_strcaseeq(unscoped(name), "null"))
        return "";
    const struct var *v = ecsb_starts_with_ci(name, "env:") ? NULL : find_var(r, name);
    return v ? v->value : NULL;
}

/* A double-quoted string with its variables expanded as PowerShell expands them:
 * "$TRUE" -> True, "prefix-$name" with $name assigned a literal earlier. What only the
 * running script knows ($env:X, $(...), a variable not assigned a literal) is an error
 * that names it. */
static const char *expand(struct reader *r, const struct tok *t, enum ecsb_status *st)
{
    const char *s = t->text;
    size_t n = strlen(s);
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (size_t i = 0; i < n;) {
        size_t from = 0, to = 0, end = t->live[i] ? var_ref(s, i, &from, &to) : i + 1;
        if (end == i + 1 && !(t->live[i] && s[i + 1] == '(')) {
            ecsb_buf_putc(&b, s[i++]);
            continue;
        }
        char *name = s[i + 1] == '(' ? NULL : ecsb_xstrndup(s + from, to - from);
        const char *v = name ? var_text(r, name) : NULL;
        if (!v) {
            /* Names the variable, never the string: it may hold a secret. */
            *st = name ? fail_at(r, t, "the double-quoted string uses $%s, which %s; write the value itself, or "
                                       "use single quotes to keep '$' as written", name,
                                 ecsb_starts_with_ci(name, "env:") ? "is only known when the script runs"
                                                                   : "is not assigned a literal value earlier in "
                                                                     "the user data")
                       : fail_at(r, t, "the double-quoted string uses a subexpression $(...), which is only known "
                                       "when the script runs; write the value itself");
            free(name);
            ecsb_buf_free(&b);
            return NULL;
        }
        ecsb_buf_puts(&b, v);
        free(name);
        i = end;
    }
    r->owned = ecsb_xrealloc(r->owned, (r->n_owned + 1) * sizeof *r->owned);
    r->owned[r->n_owned] = ecsb_buf_detach(&b);
    return r->owned[r->n_owned++];
}

/* A value token's text: strings and words as written, $true/$false as true/false,
 * $variables resolved from earlier literal assignments. NULL + err if unresolvable. */
static const char *value_of(struct reader *r, const struct tok *t, enum ecsb_status *st)
{
    *st = ECSB_OK;
    if (t->kind == T_STRING)
        return t->live ? expand(r, t, st) : t->text;
    if (t->kind != T_WORD) {
        *st = fail_at(r, t, "expected a value, found '%s'; write the value after the parameter", t->text);
        return NULL;
    }
    if (ecsb_strcaseeq(t->text, "$true"))
        return "true";
    if (ecsb_strcaseeq(t->text, "$false"))
        return "false";
    if (is_var(t)) {
        const struct var *v = find_var(r, t->text + 1);
        if (v)
            return v->value;
        *st = fail_at(r, t, "%s is not assigned a literal value earlier in the user data; "
                            "write the value itself instead of the variable", t->text);
        return NULL;
    }
    return t->text;
}

static int value_col(const struct tok *t)
{
    return t->kind == T_STRING ? t->col + 1 : t->col;
}

/* ---- Initialize-ECSAgent ------------------------------------------------ */

enum param_kind { P_VALUE, P_SWITCH, P_JSON_ARRAY };

struct param {
    const char *name;
    enum param_kind kind;
    const char *section, *key;
};

/* The parameters come from the schema's ps_param column: a bool key is a switch,
 * a list key takes a JSON array, any other key a value. */
static bool find_param(const char *name, size_t n, struct param *out)
{
    struct ecsb_config_key_info k;
    for (size_t i = 0; ecsb_config_key(i, &k); i++) {
        if (!k.ps_param || strlen(k.ps_param) != n || !ecsb_strncaseeq(k.ps_param, name, n))
            continue;
        enum param_kind kind = k.kind == ECSB_KEY_BOOL                                  ? P_SWITCH
                             : (k.kind == ECSB_KEY_LIST || k.kind == ECSB_KEY_CIDRS) ? P_JSON_ARRAY
                                                                                     : P_VALUE;
        *out = (struct param){k.ps_param, kind, k.section, k.key};
        return true;
    }
    return false;
}

static int parse_switch_value(const char *v)
{
    if (ecsb_strcaseeq(v, "$true") || ecsb_strcaseeq(v, "true") || !strcmp(v, "1"))
        return 1;
    if (ecsb_strcaseeq(v, "$false") || ecsb_strcaseeq(v, "false") || !strcmp(v, "0"))
        return 0;
    return -1;
}

static enum ecsb_status check_json_array(struct reader *r, const struct param *p, const struct tok *t,
                                         const char *value)
{
    struct ecsb_json *j = NULL;
    struct ecsb_error jerr;
    enum ecsb_status st = ecsb_json_parse(value, strlen(value), NULL, &j, &jerr);
    const char *example = strcmp(p->key, "logging_drivers") == 0 ? "'[\"json-file\",\"awslogs\"]'"
                                                                  : "'[\"10.0.0.0/16\"]'";
    if (st != ECSB_OK)
        return fail_at(r, t, "-%s is not valid JSON (%s); write a JSON array of strings in single quotes, "
                             "e.g. -%s %s", p->name, jerr.message, p->name, example);
    bool ok = j->type == ECSB_JSON_ARRAY;
    for (size_t i = 0; ok && i < j->count; i++)
        ok = j->items[i]->type == ECSB_JSON_STRING;
    ecsb_json_free(j);
    if (!ok)
        return fail_at(r, t, "-%s must be a JSON array of strings; write e.g. -%s %s", p->name, p->name, example);
    return ECSB_OK;
}

/* A value the agent would start with anyway (-LoggingDrivers '[json-file, awslogs]')
 * goes on to the config, which repairs it or passes it through with a warning
 * (docs/configuration.md); only values that stop the agent are refused here. */
static const char *tolerant_var(const struct param *p)
{
    struct ecsb_config_key_info k;
    int index = ecsb_config_key_index(p->section, p->key);
    bool ok = index >= 0 && ecsb_config_key((size_t)index, &k) && k.agent_var[0] &&
              ecsb_env_value_tolerated(k.agent_var);
    return ok ? k.agent_var : NULL;
}

/* Initialize-ECSAgent wrote the parameter's text into the agent variable as it was:
 * what cannot be repaired goes there verbatim (environment.*), as it did. */
static void add_tolerated(struct reader *r, const struct param *p, const char *var, const char *value, int line,
                          int col)
{
    char *fixed = ecsb_repair_bare_list(value);
    if (fixed)
        ecsb_settings_add(r->out, p->section, p->key, value, line, col);
    else
        ecsb_settings_add(r->out, "environment", var, value, line, col);
    free(fixed);
}

/* One parameter at toks[*i]; advances *i past it and its value. */
static enum ecsb_status init_param(struct reader *r, const struct tok *toks, size_t n, size_t *i)
{
    const struct tok *pt = &toks[*i];
    const char *name = pt->text + dash_len(pt->text, strlen(pt->text));
    const char *colon = strchr(name, ':');
    size_t name_len = colon ? (size_t)(colon - name) : strlen(name);
    struct param param;
    const struct param *p = find_param(name, name_len, &param) ? &param : NULL;
    (*i)++;
    /* The value: attached (-X:v), after "-X:" as the next token, or the next token. */
    const struct tok *vt = NULL;
    const char *attached = colon && colon[1] ? colon + 1 : NULL;
    if (!attached && *i < n && !is_param(&toks[*i])) {
        bool takes = !p || p->kind != P_SWITCH || colon || parse_switch_value(toks[*i].text) >= 0;
        if (takes && toks[*i].kind != T_LPAREN && toks[*i].kind != T_RPAREN && toks[*i].kind != T_COMMA)
            vt = &toks[(*i)++];
    }
    if (!p) {
        warn_at(r, pt, "Initialize-ECSAgent parameter -%.*s is not known to ecs-bootstrap and is ignored; "
                       "see docs/migration.md for the supported parameters", (int)name_len, name);
        return ECSB_OK;
    }
    enum ecsb_status st = ECSB_OK;
    const char *value = attached;
    int line = pt->line, col = pt->col;
    if (!value && vt) {
        value = value_of(r, vt, &st);
        if (st != ECSB_OK)
            return st;
        line = vt->line;
        col = value_col(vt);
    }
    if (p->kind == P_SWITCH) {
        int b = value ? parse_switch_value(value) : 1;
        if (b < 0)
            return fail_at(r, pt, "-%s is a switch and takes $true or $false, not '%s'; write -%s or -%s:$false",
                           p->name, value, p->name, p->name);
        if (ecsb_settings_find(r->out, p->section, p->key))
            warn_at(r, pt, "-%s is given more than once; the last one is used", p->name);
        ecsb_settings_add(r->out, p->section, p->key, b ? "true" : "false", line, col);
        return ECSB_OK;
    }
    if (!value)
        return fail_at(r, pt, "-%s needs a value; write e.g. -%s 'value'", p->name, p->name);
    const char *var = p->kind == P_JSON_ARRAY ? tolerant_var(p) : NULL;
    char why[300];
    const char *forms;
    bool tolerated = var && !ecsb_env_value_valid(var, value, why, sizeof why, &forms);
    if (p->kind == P_JSON_ARRAY && !tolerated && (st = check_json_array(r, p, vt ? vt : pt, value)) != ECSB_OK)
        return st;
    if (ecsb_settings_find(r->out, p->section, p->key))
        warn_at(r, pt, "-%s is given more than once; the last one is used", p->name);
    if (tolerated)
        add_tolerated(r, p, var, value, line, col);
    else
        ecsb_settings_add(r->out, p->section, p->key, value, line, col);
    return ECSB_OK;
}

static enum ecsb_status initialize_agent(struct reader *r, const struct tok *toks, size_t n)
{
    if (r->brace_depth > 0)
        warn_at(r, &toks[0], "Initialize-ECSAgent inside a { } block: ecs-bootstrap applies its parameters "
                             "unconditionally");
    size_t i = 1;
    while (i < n) {
        if (is_param(&toks[i])) {
            enum ecsb_status st = init_param(r, toks, n, &i);
            if (st != ECSB_OK)
                return st;
        } else {
            warn_at(r, &toks[i], "Initialize-ECSAgent argument '%s' is not a named parameter and is ignored; "
                                 "name it, e.g. -Cluster '%s'", toks[i].text, toks[i].text);
            i++;
        }
    }
    return ECSB_OK;
}

/* ---- [Environment]::SetEnvironmentVariable ------------------------------ */

static bool is_set_env(const struct tok *t)
{
    return t->kind == T_WORD && (ecsb_strcaseeq(t->text, "[Environment]::SetEnvironmentVariable") ||
                                 ecsb_strcaseeq(t->text, "[System.Environment]::SetEnvironmentVariable"));
}

static bool is_machine_target(const char *v)
{
    static const char *const forms[] = {"Machine", "[System.EnvironmentVariableTarget]::Machine",
                                        "[EnvironmentVariableTarget]::Machine"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (ecsb_strcaseeq(v, forms[i]))
            return true;
    return false;
}

static enum ecsb_status set_env(struct reader *r, const struct tok *toks, size_t n)
{
    const struct tok *args[3] = {NULL, NULL, NULL};
    size_t na = 0, i = 1;
    if (i >= n || toks[i].kind != T_LPAREN)
        return fail_at(r, &toks[0], "SetEnvironmentVariable needs its arguments in parentheses; write "
                                    "[Environment]::SetEnvironmentVariable(\"NAME\", \"value\", \"Machine\")");
    for (i++; i < n && toks[i].kind != T_RPAREN; i++) {
        if (toks[i].kind == T_COMMA)
            continue;
        if (na == 3 || (toks[i].kind != T_WORD && toks[i].kind != T_STRING))
            return fail_at(r, &toks[i], "unexpected '%s' in SetEnvironmentVariable; write "
                                        "[Environment]::SetEnvironmentVariable(\"NAME\", \"value\", \"Machine\")",
                           toks[i].text);
        args[na++] = &toks[i];
    }
    if (i >= n)
        return fail_at(r, &toks[0], "SetEnvironmentVariable( is not closed; add the missing ')'");
    if (na < 2)
        return fail_at(r, &toks[0], "SetEnvironmentVariable needs a name and a value; write "
                                    "[Environment]::SetEnvironmentVariable(\"NAME\", \"value\", \"Machine\")");
    const struct tok *last = &toks[i];
    enum ecsb_status st;
    const char *target = na == 3 ? args[2]->text : "Process";
    if (!is_machine_target(target)) {
        ignore(r, &toks[0], last, "not Machine scope: the AmazonECS service (LocalSystem) does not see User or "
                                  "Process variables; use \"Machine\" or the [environment] section");
        return ECSB_OK;
    }
    const char *name = value_of(r, args[0], &st);
    if (!name)
        return st;
    if (!*name || strchr(name, '=') || strpbrk(name, " \t\r\n"))
        return fail_at(r, args[0], "'%s' is not a valid environment variable name; use letters, digits and '_'",
                       name);
    if (args[1]->kind == T_WORD && ecsb_strcaseeq(args[1]->text, "$null")) {
        ignore(r, &toks[0], last, "removes the variable: nothing to set");
        return ECSB_OK;
    }
    const char *value = value_of(r, args[1], &st);
    if (!value)
        return st;
    if (r->brace_depth > 0)
        warn_at(r, &toks[0], "SetEnvironmentVariable inside a { } block: ecs-bootstrap applies it unconditionally");
    ecsb_settings_add(r->out, "environment", name, value, args[1]->line, value_col(args[1]));
    return ECSB_OK;
}

/* ---- dispatch ----------------------------------------------------------- */

static void assignment(struct reader *r, const struct tok *toks, size_t n)
{
    const char *name = toks[0].text + 1;
    if (ecsb_starts_with_ci(name, "env:")) {
        ignore(r, &toks[0], &toks[n - 1],
               "process-scope variable ($env:): it does not reach the AmazonECS service; use "
               "[Environment]::SetEnvironmentVariable(\"NAME\", \"value\", \"Machine\") or the [environment] "
               "section");
        return;
    }
    enum ecsb_status st = ECSB_OK;
    const char *value = n == 3 && toks[2].kind == T_STRING ? value_of(r, &toks[2], &st) : NULL;
    if (n == 3 && toks[2].kind == T_WORD && toks[2].text[0] != '$')
        value = toks[2].text;
    if (st != ECSB_OK)
        ecsb_error_clear(r->err); /* not a literal: the variable stays unknown, uses of it say so */
    if (value) {
        r->vars = ecsb_xrealloc(r->vars, (r->n_vars + 1) * sizeof *r->vars);
        r->vars[r->n_vars].name = ecsb_xstrdup(name);
        r->vars[r->n_vars].value = ecsb_xstrdup(value);
        r->n_vars++;
        ignore(r, &toks[0], &toks[n - 1], "script variable: not an ECS setting; its value is used where "
                                          "Initialize-ECSAgent or SetEnvironmentVariable refers to it");
        return;
    }
    ignore(r, &toks[0], &toks[n - 1], "not an ECS setting: left for PowerShell to run");
}

static enum ecsb_status statement(struct reader *r, const struct tok *toks, size_t n)
{
    const struct tok *t = &toks[0];
    if (t->kind == T_WORD && ecsb_strcaseeq(t->text, "Initialize-ECSAgent"))
        return initialize_agent(r, toks, n);
    if (is_set_env(t))
        return set_env(r, toks, n);
    if (t->kind == T_WORD && ecsb_strcaseeq(t->text, "Import-Module") && n == 2 &&
        ecsb_strcaseeq(toks[1].text, "ECSTools")) {
        ignore(r, &toks[0], &toks[n - 1], "recognised: ecs-bootstrap replaces the ECSTools module; nothing to set");
        return ECSB_OK;
    }
    if (is_var(t) && n >= 2 && toks[1].kind == T_EQUALS) {
        assignment(r, toks, n);
        return ECSB_OK;
    }
    ignore(r, &toks[0], &toks[n - 1], "not an ECS setting: left for PowerShell to run");
    return ECSB_OK;
}

static enum ecsb_status run_statements(struct reader *r, const struct tok *toks, size_t n)
{
    size_t begin = 0;
    for (size_t i = 0; i <= n; i++) {
        bool boundary = i == n || toks[i].kind == T_SEP || toks[i].kind == T_LBRACE ||
                        toks[i].kind == T_RBRACE || toks[i].kind == T_TAG;
        if (!boundary)
            continue;
        if (i > begin) {
            enum ecsb_status st = statement(r, toks + begin, i - begin);
            if (st != ECSB_OK)
                return st;
        }
        if (i < n && toks[i].kind == T_LBRACE)
            r->brace_depth++;
        if (i < n && toks[i].kind == T_RBRACE && r->brace_depth > 0)
            r->brace_depth--;
        if (i < n && toks[i].kind == T_TAG && ecsb_starts_with_ci(toks[i].text, "<persist>"))
            ecsb_settings_ignore(r->out, toks[i].line, toks[i].text,
                                 "EC2Launch tag: ecs-bootstrap runs at every boot on its own; nothing to set");
        begin = i + 1;
    }
    return ECSB_OK;
}

enum ecsb_status ecsb_psreader_parse(const char *text, size_t len, const char *origin,
                                     struct ecsb_settings *out, struct ecsb_error *err)
{
    struct lexer lx = {text, len, 0, 1, 1, origin ? origin : "user data", err, NULL, 0, 0};
    struct ecsb_settings tmp;
    ecsb_settings_init(&tmp, out->origin);
    enum ecsb_status st = lex_all(&lx);
    struct reader r = {text, lx.origin, &tmp, err, NULL, 0, 0, NULL, 0};
    if (st == ECSB_OK)
        st = run_statements(&r, lx.toks, lx.n);
    if (st == ECSB_OK)
        ecsb_settings_append(out, &tmp);
    else
        ecsb_error_escape(err); /* messages quote the script */
    for (size_t i = 0; i < r.n_vars; i++) {
        free(r.vars[i].name);
        free(r.vars[i].value);
    }
    free(r.vars);
    for (size_t i = 0; i < r.n_owned; i++)
        free(r.owned[i]);
    free(r.owned);
    free_toks(lx.toks, lx.n);
    ecsb_settings_free(&tmp);
    return st;
}
