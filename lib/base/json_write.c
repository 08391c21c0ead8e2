/* json_write.c: the JSON writer. Output is always valid JSON for any input bytes. */
#include "ecsb/base/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

/* The escape for byte c, or NULL when it passes through unchanged. */
static const char *escape_for(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default: break;
    }
    if (c >= 0x20) return NULL;
    snprintf(tmp, 8, "\\u%04x", (unsigned)c);
    return tmp;
}

void ecsb_json_quote(struct ecsb_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    if (!s) n = 0;
    ecsb_buf_putc(out, '"');
    size_t start = 0, i = 0;
    while (i < n) {
        char tmp[8];
        const char *esc = escape_for(u[i], tmp);
        size_t k = esc ? 0 : ecsb_json_utf8_len(u + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        ecsb_buf_append(out, u + start, i - start);
        /* An invalid UTF-8 byte becomes U+FFFD so the output stays valid JSON. */
        ecsb_buf_puts(out, esc ? esc : "\\ufffd");
        start = ++i;
    }
    ecsb_buf_append(out, u + start, i - start);
    ecsb_buf_putc(out, '"');
}

void ecsb_jw_init(struct ecsb_json_writer *w, struct ecsb_buf *out, int indent)
{
    w->out = out;
    w->indent = indent > 0 ? indent : 0;
    w->depth = 0;
    w->after_key = false;
}

static char last_byte(const struct ecsb_json_writer *w)
{
    return w->out->len ? w->out->data[w->out->len - 1] : '\0';
}

static void newline_indent(struct ecsb_json_writer *w)
{
    ecsb_buf_putc(w->out, '\n');
    for (long i = 0; i < (long)w->depth * w->indent; i++) ecsb_buf_putc(w->out, ' ');
}

/* Separator before an item. Inside a container, the last byte written is '[' or
 * '{' exactly when the container is still empty: no per-level state needed. */
static void before_item(struct ecsb_json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) return;
    char last = last_byte(w);
    if (last != '[' && last != '{') ecsb_buf_putc(w->out, ',');
    if (w->indent) newline_indent(w);
}

static void begin(struct ecsb_json_writer *w, char open)
{
    before_item(w);
    ecsb_buf_putc(w->out, open);
    w->depth++;
}

static void end(struct ecsb_json_writer *w, char close)
{
    if (w->depth > 0) w->depth--;
    char last = last_byte(w);
    if (w->indent && last != '[' && last != '{') newline_indent(w);
    ecsb_buf_putc(w->out, close);
}

void ecsb_jw_object_begin(struct ecsb_json_writer *w) { begin(w, '{'); }
void ecsb_jw_object_end(struct ecsb_json_writer *w) { end(w, '}'); }
void ecsb_jw_array_begin(struct ecsb_json_writer *w) { begin(w, '['); }
void ecsb_jw_array_end(struct ecsb_json_writer *w) { end(w, ']'); }

void ecsb_jw_key_n(struct ecsb_json_writer *w, const char *key, size_t n)
{
    before_item(w);
    ecsb_json_quote(w->out, key, n);
    ecsb_buf_puts(w->out, w->indent ? ": " : ":");
    w->after_key = true;
}

void ecsb_jw_key(struct ecsb_json_writer *w, const char *key)
{
    ecsb_jw_key_n(w, key, key ? strlen(key) : 0);
}

void ecsb_jw_string_n(struct ecsb_json_writer *w, const char *s, size_t n)
{
    before_item(w);
    ecsb_json_quote(w->out, s, n);
}

void ecsb_jw_string(struct ecsb_json_writer *w, const char *s)
{
    if (!s) {
        ecsb_jw_null(w);
        return;
    }
    ecsb_jw_string_n(w, s, strlen(s));
}

void ecsb_jw_int(struct ecsb_json_writer *w, long long v)
{
    before_item(w);
    ecsb_buf_printf(w->out, "%lld", v);
}

/* Shortest %g precision that reads back to v; integral values below 1e17 print
 * as plain integers (no "1e+16"), since config values like ports and sizes read
 * better that way. Avoids libm: the build does not link it. */
static void format_double(double v, char *tmp, size_t cap)
{
    if (v > -1e17 && v < 1e17 && (double)(long long)v == v) {
        snprintf(tmp, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, cap, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    ecsb_json_fix_decimal_point(tmp);
}

void ecsb_jw_double(struct ecsb_json_writer *w, double v)
{
    before_item(w);
    if (v - v != 0.0) { /* NaN or infinity: JSON has no spelling for them */
        ecsb_buf_puts(w->out, "null");
        return;
    }
    char tmp[64];
    format_double(v, tmp, sizeof tmp);
    ecsb_buf_puts(w->out, tmp);
}

void ecsb_jw_bool(struct ecsb_json_writer *w, bool v)
{
    before_item(w);
    ecsb_buf_puts(w->out, v ? "true" : "false");
}

void ecsb_jw_null(struct ecsb_json_writer *w)
{
    before_item(w);
    ecsb_buf_puts(w->out, "null");
}

static void write_scalar(struct ecsb_json_writer *w, const struct ecsb_json *v)
{
    switch (v ? v->type : ECSB_JSON_NULL) {
    case ECSB_JSON_FALSE: ecsb_jw_bool(w, false); break;
    case ECSB_JSON_TRUE: ecsb_jw_bool(w, true); break;
    case ECSB_JSON_STRING: ecsb_jw_string_n(w, v->str, v->str ? v->str_len : 0); break;
    case ECSB_JSON_NUMBER:
        if (!v->str || !v->str_len) {
            ecsb_jw_double(w, v->number); /* a hand-built node without a lexeme */
            break;
        }
        before_item(w);
        ecsb_buf_append(w->out, v->str, v->str_len);
        break;
    default: ecsb_jw_null(w); break;
    }
}

static bool is_container(const struct ecsb_json *v)
{
    return v && (v->type == ECSB_JSON_ARRAY || v->type == ECSB_JSON_OBJECT);
}

static void open_node(struct ecsb_json_writer *w, const struct ecsb_json *v)
{
    if (v->type == ECSB_JSON_OBJECT) ecsb_jw_object_begin(w);
    else ecsb_jw_array_begin(w);
}

static void write_key(struct ecsb_json_writer *w, const struct ecsb_json *o, size_t i)
{
    const char *k = o->keys ? o->keys[i] : NULL;
    size_t n = !k ? 0 : o->key_lens ? o->key_lens[i] : strlen(k);
    ecsb_jw_key_n(w, k, n);
}

struct emit_frame {
    const struct ecsb_json *node;
    size_t next;
};

/* Iterative walk with an explicit stack, so deep trees cannot overflow the C stack. */
void ecsb_jw_value(struct ecsb_json_writer *w, const struct ecsb_json *v)
{
    if (!is_container(v)) {
        write_scalar(w, v);
        return;
    }
    struct emit_frame *stack = NULL;
    size_t n = 0, cap = 0;
    const struct ecsb_json *child = v;
    for (;;) {
        if (child) { /* open a container */
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                stack = ecsb_xrealloc(stack, cap * sizeof *stack);
            }
            stack[n++] = (struct emit_frame){child, 0};
            open_node(w, child);
            child = NULL;
        }
        struct emit_frame *top = &stack[n - 1];
        if (top->next >= top->node->count || !top->node->items) {
            if (top->node->type == ECSB_JSON_OBJECT) ecsb_jw_object_end(w);
            else ecsb_jw_array_end(w);
            if (--n == 0) break;
            continue;
        }
        size_t i = top->next++;
        if (top->node->type == ECSB_JSON_OBJECT) write_key(w, top->node, i);
        if (is_container(top->node->items[i])) child = top->node->items[i];
        else write_scalar(w, top->node->items[i]);
    }
    free(stack);
}
