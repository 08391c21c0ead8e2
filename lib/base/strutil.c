#include "ecsb/base/strutil.h"

#include <string.h>

#include "ecsb/base/buf.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

bool ecsb_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool ecsb_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

bool ecsb_strcaseeq(const char *a, const char *b)
{
    size_t la = strlen(a);
    return la == strlen(b) && ecsb_strncaseeq(a, b, la);
}

bool ecsb_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ecsb_starts_with_ci(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strlen(s) >= n && ecsb_strncaseeq(s, prefix, n);
}

char *ecsb_trim(char *s)
{
    while (ecsb_is_space((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && ecsb_is_space((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

char *ecsb_trimmed_dup(const char *s, size_t n)
{
    while (n > 0 && ecsb_is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && ecsb_is_space((unsigned char)s[n - 1]))
        n--;
    return ecsb_xstrndup(s, n);
}

bool ecsb_scan_decimal(const char **p, unsigned max, unsigned *out)
{
    const char *s = *p;
    unsigned v = 0;
    size_t n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        v = v * 10 + (unsigned)(s[n] - '0');
        if (v > max)
            return false;
    }
    if (n == 0 || (n > 1 && s[0] == '0'))
        return false;
    *p = s + n;
    *out = v;
    return true;
}

bool ecsb_scan_ipv4(const char **p, uint32_t *out)
{
    const char *s = *p;
    uint32_t addr = 0;
    for (int i = 0; i < 4; i++) {
        unsigned field;
        if ((i > 0 && *s++ != '.') || !ecsb_scan_decimal(&s, 255, &field))
            return false;
        addr = addr << 8 | field;
    }
    *p = s;
    if (out)
        *out = addr;
    return true;
}
