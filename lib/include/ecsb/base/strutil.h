/* strutil.h: small string helpers shared by the parsers (ASCII only, locale-free). */
#ifndef ECSB_STRUTIL_H
#define ECSB_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

bool ecsb_strcaseeq(const char *a, const char *b);
bool ecsb_strncaseeq(const char *a, const char *b, size_t n);
bool ecsb_starts_with(const char *s, const char *prefix);
bool ecsb_starts_with_ci(const char *s, const char *prefix);
/* Pointer to the first non-space char; trims trailing spaces in place when `s` is writable. */
char *ecsb_trim(char *s);
/* A copy of s[0..n) with ASCII whitespace removed from both ends. Caller frees. */
char *ecsb_trimmed_dup(const char *s, size_t n);
bool ecsb_is_space(int c);

#endif
