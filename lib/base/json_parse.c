/* json_parse.c: strict RFC 8259 parser. Iterative (an explicit frame stack, not
 * recursion), so the depth limit is a policy, not a guard for the C stack. Every
 * node is attached to its parent as soon as it exists, so on error one free of
 * the root releases everything built so far. */
#include "ecsb/base/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

struct frame {
    struct ecsb_json *node;
    size_t cap;    /* slots allocated in node->items (and keys, key_lens) */
    char *key;     /* OBJECT: the key read, its value not yet attached */
    size_t key_len;
};

struct parser {
    const unsigned char *s;
    size_t len, pos;
    size_t max_depth;
    struct frame *stack;
    size_t depth, stack_cap;
    bool after_comma;        /* for a precise "trailing comma" message */
    struct ecsb_json *root;
    struct ecsb_buf scratch; /* string decoding */
    struct ecsb_error *err;
};

enum step { NEED_VALUE, AFTER_VALUE, DONE };

/* Line and column (1-based, counting characters) of byte offset at. */
static void position(const struct parser *p, size_t at, size_t *line, size_t *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < at && i < p->len; i++) {
        if (p->s[i] == '\n') (*line)++, *col = 1;
        else if ((p->s[i] & 0xC0) != 0x80) (*col)++;
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static enum ecsb_status fail_at(struct parser *p, size_t at, enum ecsb_status code, const char *fmt, ...)
{
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t line, col;
    position(p, at, &line, &col);
    return ecsb_error_set(p->err, code, "line %lu, column %lu: %s", (unsigned long)line,
                          (unsigned long)col, what);
}

#define FAIL(p, ...) fail_at((p), (p)->pos, ECSB_ERR_INVALID, __VA_ARGS__)

static int peek(const struct parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : -1;
}

/* The current byte, quoted for a message: 'x', byte 0xNN or end of input. */
static const char *found(const struct parser *p, char *tmp, size_t cap)
{
    int c = peek(p);
    if (c < 0) return "end of input";
    if (c >= 0x20 && c < 0x7F) snprintf(tmp, cap, "'%c'", c);
    else snprintf(tmp, cap, "byte 0x%02X", (unsigned)c);
    return tmp;
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void skip_digits(struct parser *p)
{
    while (is_digit(peek(p))) p->pos++;
}

static struct ecsb_json *new_node(enum ecsb_json_type type)
{
    struct ecsb_json *v = ecsb_xcalloc(1, sizeof *v);
    v->type = type;
    return v;
}

/* ---- numbers ---- */

static enum ecsb_status scan_number(struct parser *p)
{
    if (peek(p) == '-') p->pos++;
    if (!is_digit(peek(p))) return FAIL(p, "expected a digit after '-'");
    if (peek(p) == '0') {
        p->pos++;
        if (is_digit(peek(p))) return FAIL(p, "leading zeros are not allowed in numbers");
    } else {
        skip_digits(p);
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!is_digit(peek(p))) return FAIL(p, "expected a digit after the decimal point");
        skip_digits(p);
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-') p->pos++;
        if (!is_digit(peek(p))) return FAIL(p, "expected a digit in the exponent");
        skip_digits(p);
    }
    return ECSB_OK;
}

static enum ecsb_status parse_number(struct parser *p, struct ecsb_json **out)
{
    size_t start = p->pos;
    enum ecsb_status st = scan_number(p);
    if (st) return st;
    struct ecsb_json *v = new_node(ECSB_JSON_NUMBER);
    v->str_len = p->pos - start;
    v->str = ecsb_xstrndup((const char *)p->s + start, v->str_len);
    v->number = ecsb_json_strtod(v->str, v->str_len);
    *out = v;
    return ECSB_OK;
}

/* ---- strings ---- */

static void put_utf8(struct ecsb_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | (cp >> 6)), n = 2;
    else if (cp < 0x10000) u[0] = (char)(0xE0 | (cp >> 12)), n = 3;
    else u[0] = (char)(0xF0 | (cp >> 18)), n = 4;
    for (size_t i = 1; i < n; i++)
        u[i] = (char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F));
    ecsb_buf_append(b, u, n);
}

/* The four hex digits at offset at, or -1. */
static long hex4(const struct parser *p, size_t at)
{
    if (at > p->len || p->len - at < 4) return -1;
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = p->s[at + i];
        int d = is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* \uXXXX, possibly a surrogate pair. Lone or mismatched surrogates are rejected:
 * UTF-8 cannot carry them, and passing them on would corrupt the text. */
static enum ecsb_status parse_unicode_escape(struct parser *p)
{
    size_t at = p->pos;
    long cp = hex4(p, at + 2);
    if (cp < 0) return fail_at(p, at, ECSB_ERR_INVALID, "\\u must be followed by four hex digits");
    p->pos += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail_at(p, at, ECSB_ERR_INVALID,
                       "lone low surrogate \\u%04lX; it must follow a high surrogate \\uD800-\\uDBFF", cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = (peek(p) == '\\' && p->pos + 1 < p->len && p->s[p->pos + 1] == 'u') ? hex4(p, p->pos + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail_at(p, at, ECSB_ERR_INVALID,
                           "high surrogate \\u%04lX must be followed by a low surrogate \\uDC00-\\uDFFF", cp);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p->pos += 6;
    }
    put_utf8(&p->scratch, (unsigned long)cp);
    return ECSB_OK;
}

static enum ecsb_status parse_escape(struct parser *p)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = p->pos + 1 < p->len ? p->s[p->pos + 1] : -1;
    if (c == 'u') return parse_unicode_escape(p);
    const char *hit = c > 0 ? strchr(from, c) : NULL;
    if (!hit) {
        p->pos++;
        char tmp[16];
        return FAIL(p, "invalid escape: backslash followed by %s; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                    found(p, tmp, sizeof tmp));
    }
    ecsb_buf_putc(&p->scratch, to[hit - from]);
    p->pos += 2;
    return ECSB_OK;
}

/* Copies the run of bytes that need no decoding; returns the byte that stopped it. */
static int copy_plain(struct parser *p)
{
    size_t start = p->pos;
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == '"' || c == '\\' || c < 0x20) break;
        if (c < 0x80) { p->pos++; continue; }
        size_t n = ecsb_json_utf8_len(p->s + p->pos, p->len - p->pos);
        if (!n) break;
        p->pos += n;
    }
    ecsb_buf_append(&p->scratch, p->s + start, p->pos - start);
    return peek(p);
}

/* Decodes the string at p->pos into p->scratch. */
static enum ecsb_status decode_string(struct parser *p)
{
    size_t open = p->pos++;
    ecsb_buf_reset(&p->scratch);
    for (;;) {
        int c = copy_plain(p);
        if (c < 0) return fail_at(p, open, ECSB_ERR_INVALID, "unterminated string: no closing '\"'");
        if (c == '"') { p->pos++; return ECSB_OK; }
        if (c == '\\') {
            enum ecsb_status st = parse_escape(p);
            if (st) return st;
            continue;
        }
        if (c < 0x20)
            return FAIL(p, "control character 0x%02X in a string; write it as an escape such as \\n or \\u%04X",
                        (unsigned)c, (unsigned)c);
        return FAIL(p, "invalid UTF-8 (byte 0x%02X) in a string; the text must be UTF-8", (unsigned)c);
    }
}

static char *take_scratch(struct parser *p, size_t *len)
{
    *len = p->scratch.len;
    return ecsb_xstrndup(ecsb_buf_cstr(&p->scratch), p->scratch.len);
}

static enum ecsb_status parse_string(struct parser *p, struct ecsb_json **out)
{
    enum ecsb_status st = decode_string(p);
    if (st) return st;
    struct ecsb_json *v = new_node(ECSB_JSON_STRING);
    v->str = take_scratch(p, &v->str_len);
    *out = v;
    return ECSB_OK;
}

/* ---- scalars ---- */

static enum ecsb_status parse_literal(struct parser *p, struct ecsb_json **out)
{
    static const struct { const char *word; enum ecsb_json_type type; } lit[] = {
        {"true", ECSB_JSON_TRUE}, {"false", ECSB_JSON_FALSE}, {"null", ECSB_JSON_NULL}};
    for (size_t i = 0; i < sizeof lit / sizeof lit[0]; i++) {
        size_t n = strlen(lit[i].word);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, lit[i].word, n) == 0) {
            p->pos += n;
            *out = new_node(lit[i].type);
            return ECSB_OK;
        }
    }
    return FAIL(p, "invalid literal; expected true, false or null (lowercase)");
}

static enum ecsb_status bad_value(struct parser *p)
{
    char tmp[16];
    int c = peek(p);
    if (p->after_comma && (c == ']' || c == '}'))
        return FAIL(p, "trailing comma before '%c'; remove the comma", c);
    if (c == '\'') return FAIL(p, "single quotes are not JSON; use double quotes");
    if (c == 0xEF && p->pos == 0)
        return FAIL(p, "UTF-8 byte order mark; save the text as UTF-8 without BOM");
    return FAIL(p, "expected a value (object, array, string, number, true, false or null), found %s",
                found(p, tmp, sizeof tmp));
}

static enum ecsb_status parse_scalar(struct parser *p, struct ecsb_json **out)
{
    int c = peek(p);
    if (c == '"') return parse_string(p, out);
    if (c == '-' || is_digit(c)) return parse_number(p, out);
    if (c == 't' || c == 'f' || c == 'n') return parse_literal(p, out);
    return bad_value(p);
}

/* ---- containers ---- */

static void grow_items(struct frame *f)
{
    struct ecsb_json *o = f->node;
    f->cap = f->cap ? f->cap * 2 : 4;
    o->items = ecsb_xrealloc(o->items, f->cap * sizeof *o->items);
    if (o->type == ECSB_JSON_OBJECT) {
        o->keys = ecsb_xrealloc(o->keys, f->cap * sizeof *o->keys);
        o->key_lens = ecsb_xrealloc(o->key_lens, f->cap * sizeof *o->key_lens);
    }
}

static void attach(struct parser *p, struct ecsb_json *v)
{
    if (p->depth == 0) {
        p->root = v;
        return;
    }
    struct frame *f = &p->stack[p->depth - 1];
    struct ecsb_json *o = f->node;
    if (o->count == f->cap) grow_items(f);
    o->items[o->count] = v;
    if (o->type == ECSB_JSON_OBJECT) {
        o->keys[o->count] = f->key;
        o->key_lens[o->count] = f->key_len;
        f->key = NULL;
    }
    o->count++;
}

static enum ecsb_status parse_key(struct parser *p)
{
    skip_ws(p);
    char tmp[16];
    int c = peek(p);
    if (c != '"') {
        if (p->after_comma && c == '}') return FAIL(p, "trailing comma before '}'; remove the comma");
        return FAIL(p, "expected an object key in double quotes, found %s", found(p, tmp, sizeof tmp));
    }
    enum ecsb_status st = decode_string(p);
    if (st) return st;
    struct frame *f = &p->stack[p->depth - 1];
    f->key = take_scratch(p, &f->key_len);
    skip_ws(p);
    if (peek(p) != ':') return FAIL(p, "expected ':' after the object key, found %s", found(p, tmp, sizeof tmp));
    p->pos++;
    p->after_comma = false;
    return ECSB_OK;
}

static enum ecsb_status open_container(struct parser *p, enum step *next)
{
    bool obj = peek(p) == '{';
    if (p->depth >= p->max_depth)
        return fail_at(p, p->pos, ECSB_ERR_LIMIT, "nesting deeper than %lu arrays/objects",
                       (unsigned long)p->max_depth);
    struct ecsb_json *v = new_node(obj ? ECSB_JSON_OBJECT : ECSB_JSON_ARRAY);
    attach(p, v);
    if (p->depth == p->stack_cap) {
        p->stack_cap = p->stack_cap ? p->stack_cap * 2 : 16;
        p->stack = ecsb_xrealloc(p->stack, p->stack_cap * sizeof *p->stack);
    }
    p->stack[p->depth++] = (struct frame){v, 0, NULL, 0};
    p->pos++;
    p->after_comma = false;
    skip_ws(p);
    if (peek(p) == (obj ? '}' : ']')) {
        p->pos++;
        p->depth--;
        *next = AFTER_VALUE;
        return ECSB_OK;
    }
    *next = NEED_VALUE;
    return obj ? parse_key(p) : ECSB_OK;
}

static enum ecsb_status step_value(struct parser *p, enum step *next)
{
    skip_ws(p);
    if (peek(p) == '[' || peek(p) == '{') return open_container(p, next);
    struct ecsb_json *v = NULL;
    enum ecsb_status st = parse_scalar(p, &v);
    if (st) return st;
    attach(p, v);
    *next = AFTER_VALUE;
    return ECSB_OK;
}

static enum ecsb_status step_after(struct parser *p, enum step *next)
{
    if (p->depth == 0) {
        *next = DONE;
        return ECSB_OK;
    }
    skip_ws(p);
    bool obj = p->stack[p->depth - 1].node->type == ECSB_JSON_OBJECT;
    int close = obj ? '}' : ']';
    if (peek(p) == ',') {
        p->pos++;
        p->after_comma = true;
        *next = NEED_VALUE;
        return obj ? parse_key(p) : ECSB_OK;
    }
    if (peek(p) == close) {
        p->pos++;
        p->depth--;
        return ECSB_OK;
    }
    char tmp[16];
    return FAIL(p, "expected ',' or '%c' after %s, found %s", close,
                obj ? "an object member" : "an array element", found(p, tmp, sizeof tmp));
}

static enum ecsb_status parse_document(struct parser *p)
{
    enum step next = NEED_VALUE;
    while (next != DONE) {
        enum ecsb_status st = next == NEED_VALUE ? step_value(p, &next) : step_after(p, &next);
        if (st) return st;
    }
    skip_ws(p);
    if (p->pos < p->len) {
        char tmp[16];
        return FAIL(p, "unexpected %s after the JSON value; a document holds exactly one value",
                    found(p, tmp, sizeof tmp));
    }
    return ECSB_OK;
}

static void parser_cleanup(struct parser *p)
{
    for (size_t i = 0; i < p->depth; i++) free(p->stack[i].key);
    free(p->stack);
    ecsb_buf_free(&p->scratch);
}

enum ecsb_status ecsb_json_parse(const char *text, size_t len, const struct ecsb_json_limits *limits,
                                 struct ecsb_json **out, struct ecsb_error *err)
{
    struct parser p = {.s = (const unsigned char *)text, .len = len, .err = err};
    size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : ECSB_JSON_DEFAULT_MAX_BYTES;
    p.max_depth = limits && limits->max_depth ? limits->max_depth : ECSB_JSON_DEFAULT_MAX_DEPTH;
    *out = NULL;
    if (!text && len) return ecsb_error_set(err, ECSB_ERR_INVALID, "line 1, column 1: no input text");
    if (len > max_bytes)
        return ecsb_error_set(err, ECSB_ERR_LIMIT, "line 1, column 1: input is %lu bytes, over the %lu-byte limit",
                              (unsigned long)len, (unsigned long)max_bytes);
    enum ecsb_status st = parse_document(&p);
    parser_cleanup(&p);
    if (st) {
        ecsb_json_free(p.root);
        return st;
    }
    *out = p.root;
    return ECSB_OK;
}
