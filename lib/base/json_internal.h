/* json_internal.h: helpers the JSON parser, tree and writer share; not public. */
#ifndef ECSB_JSON_INTERNAL_H
#define ECSB_JSON_INTERNAL_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one. */
size_t ecsb_json_utf8_len(const unsigned char *s, size_t avail);

/* strtod that always reads '.' as the decimal point, whatever LC_NUMERIC says. */
double ecsb_json_strtod(const char *lexeme, size_t n);

/* Rewrites the locale's decimal point in a printf result back to '.'. */
void ecsb_json_fix_decimal_point(char *s);

#endif
