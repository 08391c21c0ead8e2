/* win_util.h: UTF-8 <-> UTF-16 conversion for the Windows seams (Windows only). */
#ifndef ECSB_WIN_UTIL_H
#define ECSB_WIN_UTIL_H

#include <wchar.h>

/* Both return malloc'd strings (caller frees); never NULL (abort on OOM). */
wchar_t *ecsb_utf8_to_wide(const char *s);
char *ecsb_wide_to_utf8(const wchar_t *w);

#endif
