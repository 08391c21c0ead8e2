/* json.c: the JSON tree (free, accessors) and the helpers parser and writer share. */
#include "ecsb/base/json.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

/* Continuation-byte bounds for the second byte follow RFC 3629 table 3-7; they are
 * what rules out overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
static size_t utf8_expect(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80, *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead == 0xE0) { *lo = 0xA0; return 3; }
    if (lead == 0xED) { *hi = 0x9F; return 3; }
    if (lead >= 0xE1 && lead <= 0xEF) return 3;
    if (lead == 0xF0) { *lo = 0x90; return 4; }
    if (lead == 0xF4) { *hi = 0x8F; return 4; }
    if (lead >= 0xF1 && lead <= 0xF3) return 4;
    return 0; /* ASCII is handled by callers; 80-C1 and F5-FF never lead */
}

size_t ecsb_json_utf8_len(const unsigned char *s, size_t avail)
{
    if (avail == 0) return 0;
    if (s[0] < 0x80) return 1;
    unsigned char lo, hi;
    size_t n = utf8_expect(s[0], &lo, &hi);
    if (n == 0 || avail < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

double ecsb_json_strtod(const char *lexeme, size_t n)
{
    /* strtod follows LC_NUMERIC; JSON always uses '.', so swap in the locale's point. */
    const char *dp = localeconv()->decimal_point;
    if (!dp || !*dp || strcmp(dp, ".") == 0 || !memchr(lexeme, '.', n))
        return strtod(lexeme, NULL);
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (lexeme[i] == '.') ecsb_buf_puts(&b, dp);
        else ecsb_buf_putc(&b, lexeme[i]);
    }
    double v = strtod(ecsb_buf_cstr(&b), NULL);
    ecsb_buf_free(&b);
    return v;
}

void ecsb_json_fix_decimal_point(char *s)
{
    const char *dp = localeconv()->decimal_point;
    if (!dp || !*dp || strcmp(dp, ".") == 0) return;
    char *at = strstr(s, dp);
    if (!at) return;
    size_t dl = strlen(dp);
    *at = '.';
    memmove(at + 1, at + dl, strlen(at + dl) + 1); /* only ever shrinks the text */
}

static void free_node_own(struct ecsb_json *v)
{
    if (v->keys)
        for (size_t i = 0; i < v->count; i++) free(v->keys[i]);
    free(v->keys);
    free(v->key_lens);
    free(v->items);
    free(v->str);
    free(v);
}

void ecsb_json_free(struct ecsb_json *v)
{
    /* A work list instead of recursion: any depth (a custom limit, a hand-built
     * tree) is freed without growing the C stack. */
    struct ecsb_json **todo = NULL;
    size_t n = 0, cap = 0;
    struct ecsb_json *x = v;
    while (x) {
        if (cap - n < x->count) {
            cap = (n + x->count) * 2;
            todo = ecsb_xrealloc(todo, cap * sizeof *todo);
        }
        for (size_t i = 0; i < x->count; i++)
            if (x->items && x->items[i]) todo[n++] = x->items[i];
        free_node_own(x);
        x = n ? todo[--n] : NULL;
    }
    free(todo);
}

static size_t key_len(const struct ecsb_json *o, size_t i)
{
    if (!o->keys[i]) return 0;
    return o->key_lens ? o->key_lens[i] : strlen(o->keys[i]);
}

struct ecsb_json *ecsb_json_get(const struct ecsb_json *object, const char *key)
{
    if (!object || object->type != ECSB_JSON_OBJECT || !key || !object->keys) return NULL;
    size_t n = strlen(key);
    /* From the end: with duplicate keys the last one wins, as in most parsers. */
    for (size_t i = object->count; i-- > 0;) {
        if (key_len(object, i) == n && memcmp(object->keys[i], key, n) == 0)
            return object->items[i];
    }
    return NULL;
}

struct ecsb_json *ecsb_json_at(const struct ecsb_json *array, size_t index)
{
    if (!array || array->type != ECSB_JSON_ARRAY || index >= array->count) return NULL;
    return array->items[index];
}

const char *ecsb_json_string(const struct ecsb_json *v)
{
    if (!v || v->type != ECSB_JSON_STRING) return NULL;
    return v->str ? v->str : "";
}

const char *ecsb_json_get_string(const struct ecsb_json *object, const char *key)
{
    return ecsb_json_string(ecsb_json_get(object, key));
}

bool ecsb_json_is_true(const struct ecsb_json *v)
{
    return v && v->type == ECSB_JSON_TRUE;
}

bool ecsb_json_get_number(const struct ecsb_json *object, const char *key, double *out)
{
    const struct ecsb_json *v = ecsb_json_get(object, key);
    if (!v || v->type != ECSB_JSON_NUMBER) return false;
    if (out) *out = v->number;
    return true;
}

bool ecsb_json_get_bool(const struct ecsb_json *object, const char *key, bool *out)
{
    const struct ecsb_json *v = ecsb_json_get(object, key);
    if (!v || (v->type != ECSB_JSON_TRUE && v->type != ECSB_JSON_FALSE)) return false;
    if (out) *out = v->type == ECSB_JSON_TRUE;
    return true;
}

const char *ecsb_json_type_name(enum ecsb_json_type type)
{
    switch (type) {
    case ECSB_JSON_NULL: return "null";
    case ECSB_JSON_FALSE: return "false";
    case ECSB_JSON_TRUE: return "true";
    case ECSB_JSON_NUMBER: return "number";
    case ECSB_JSON_STRING: return "string";
    case ECSB_JSON_ARRAY: return "array";
    case ECSB_JSON_OBJECT: return "object";
    }
    return "unknown";
}
