/* json.h: strict RFC 8259 JSON. The parser builds a small tree (UTF-8 validated,
 * escapes decoded incl. surrogate pairs, depth and size limits enforced); the
 * writer emits compact or indented JSON into an ecsb_buf with correct escaping. */
#ifndef ECSB_JSON_H
#define ECSB_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

enum ecsb_json_type {
    ECSB_JSON_NULL,
    ECSB_JSON_FALSE,
    ECSB_JSON_TRUE,
    ECSB_JSON_NUMBER,
    ECSB_JSON_STRING,
    ECSB_JSON_ARRAY,
    ECSB_JSON_OBJECT,
};

struct ecsb_json {
    enum ecsb_json_type type;
    char *str;      /* STRING: decoded UTF-8 (may contain NUL); NUMBER: the lexeme */
    size_t str_len;
    double number;  /* NUMBER: strtod of the lexeme (may be inf for huge values) */
    size_t count;   /* ARRAY/OBJECT: number of items */
    struct ecsb_json **items;
    char **keys;    /* OBJECT only: keys[i] names items[i] (decoded, NUL-terminated) */
    size_t *key_lens; /* OBJECT only: byte length of keys[i] (a key may contain "\u0000");
                       * hand-built trees may leave it NULL, then strlen is used */
};

struct ecsb_json_limits {
    size_t max_depth; /* default 128 nested arrays/objects; 0 = default */
    size_t max_bytes; /* default 16 MiB of input; 0 = default */
};

#define ECSB_JSON_DEFAULT_MAX_DEPTH 128
#define ECSB_JSON_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)

/* Parses exactly one JSON text (whitespace around it allowed). On error returns
 * ECSB_ERR_INVALID or ECSB_ERR_LIMIT with "line L, column C: what" in err
 * (columns count characters, not bytes) and *out is NULL; nothing leaks.
 * limits may be NULL (defaults). Choices where RFC 8259 leaves room:
 *  - a lone or mismatched surrogate escape (\uD800 without a following \uDC00..\uDFFF,
 *    or a lone \uDC00..\uDFFF) is rejected: it cannot be represented in UTF-8;
 *  - a UTF-8 byte order mark is rejected (RFC 8259 section 8.1: must not be added);
 *  - duplicate object keys are all kept in order; ecsb_json_get returns the last;
 *  - numbers keep their exact lexeme in str; number is strtod of it, made
 *    independent of LC_NUMERIC (it may be +-inf or 0 for out-of-range values). */
enum ecsb_status ecsb_json_parse(const char *text, size_t len, const struct ecsb_json_limits *limits,
                                 struct ecsb_json **out, struct ecsb_error *err);
void ecsb_json_free(struct ecsb_json *v);

/* Accessors; all accept NULL and return NULL/0/false when the type does not fit. */
struct ecsb_json *ecsb_json_get(const struct ecsb_json *object, const char *key); /* last match */
struct ecsb_json *ecsb_json_at(const struct ecsb_json *array, size_t index);
const char *ecsb_json_get_string(const struct ecsb_json *object, const char *key);
const char *ecsb_json_string(const struct ecsb_json *v);
bool ecsb_json_is_true(const struct ecsb_json *v);
/* true and *out set when object[key] exists and is a number / true or false. */
bool ecsb_json_get_number(const struct ecsb_json *object, const char *key, double *out);
bool ecsb_json_get_bool(const struct ecsb_json *object, const char *key, bool *out);
/* "null", "false", "true", "number", "string", "array", "object": for error messages. */
const char *ecsb_json_type_name(enum ecsb_json_type type);

/* Writer. indent 0 = compact; otherwise spaces per level ("key": value, one item
 * per line, empty containers as {} and []). Nesting depth is unlimited: whether a
 * comma is due is read from the last byte written, so the struct needs no stack.
 * Strings are escaped (", \, control chars); valid UTF-8 passes through and each
 * invalid byte becomes \ufffd, so the output is always valid JSON. */
struct ecsb_json_writer {
    struct ecsb_buf *out;
    int indent;
    int depth;
    bool after_key;
};

void ecsb_jw_init(struct ecsb_json_writer *w, struct ecsb_buf *out, int indent);
void ecsb_jw_object_begin(struct ecsb_json_writer *w);
void ecsb_jw_object_end(struct ecsb_json_writer *w);
void ecsb_jw_array_begin(struct ecsb_json_writer *w);
void ecsb_jw_array_end(struct ecsb_json_writer *w);
void ecsb_jw_key(struct ecsb_json_writer *w, const char *key);
void ecsb_jw_key_n(struct ecsb_json_writer *w, const char *key, size_t n);
void ecsb_jw_string(struct ecsb_json_writer *w, const char *s); /* NULL -> null */
void ecsb_jw_string_n(struct ecsb_json_writer *w, const char *s, size_t n);
void ecsb_jw_int(struct ecsb_json_writer *w, long long v);
/* Shortest %g form that reads back to the same double; integral values below
 * 1e17 without exponent; NaN and infinities (not JSON) as null. */
void ecsb_jw_double(struct ecsb_json_writer *w, double v);
void ecsb_jw_bool(struct ecsb_json_writer *w, bool v);
void ecsb_jw_null(struct ecsb_json_writer *w);
/* Re-emits a tree (numbers from their lexeme, so they do not change; iterative,
 * so any depth is fine). NULL is written as null. */
void ecsb_jw_value(struct ecsb_json_writer *w, const struct ecsb_json *v);

/* Appends s as a JSON string literal, quotes included. */
void ecsb_json_quote(struct ecsb_buf *out, const char *s, size_t n);

#endif
