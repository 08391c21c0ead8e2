/* strutil.h: small string helpers shared by the parsers (ASCII only, locale-free). */
#ifndef ECSB_STRUTIL_H
#define ECSB_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool ecsb_strcaseeq(const char *a, const char *b);
bool ecsb_strncaseeq(const char *a, const char *b, size_t n);
bool ecsb_starts_with(const char *s, const char *prefix);
bool ecsb_starts_with_ci(const char *s, const char *prefix);
/* Pointer to the first non-space char; trims trailing spaces in place when `s` is writable. */
char *ecsb_trim(char *s);
/* A copy of s[0..n) with ASCII whitespace removed from both ends. Caller frees. */
char *ecsb_trimmed_dup(const char *s, size_t n);
bool ecsb_is_space(int c);

/* Scanners: on success advance *p past what they read; on failure leave it.
 * A decimal without sign or leading zeros, at most max. */
bool ecsb_scan_decimal(const char **p, unsigned max, unsigned *out);
/* A dotted-quad IPv4 address as Go's net.ParseIP reads it (four such decimals of at most
 * 255; so "010.0.0.1" is refused rather than read as octal by one tool and decimal by
 * another). out: the address in host byte order; may be NULL. */
bool ecsb_scan_ipv4(const char **p, uint32_t *out);

#endif
