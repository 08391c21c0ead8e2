#include "win_util.h"

#include <windows.h>

#include "ecsb/base/buf.h"

wchar_t *ecsb_utf8_to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0)
        n = 1;
    wchar_t *w = ecsb_xmalloc((size_t)n * sizeof *w);
    if (MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0)
        w[0] = L'\0';
    return w;
}

char *ecsb_wide_to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        n = 1;
    char *s = ecsb_xmalloc((size_t)n);
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0)
        s[0] = '\0';
    return s;
}
