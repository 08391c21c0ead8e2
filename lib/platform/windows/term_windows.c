/* term_windows.c: the terminal seam (ecsb/base/term.h): a console on stderr with
 * virtual-terminal processing (Windows 10 1607+ / Server 2016+). */
#include "ecsb/base/term.h"

#include <io.h>
#include <stdio.h>
#include <windows.h>

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

int ecsb_term_stderr_columns(void)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    if (h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &info))
        return 0;
    int w = info.srWindow.Right - info.srWindow.Left + 1;
    return w > 0 ? w : 0;
}

bool ecsb_term_stderr_ansi(int *columns)
{
    *columns = 80;
    if (!_isatty(_fileno(stderr))) return false; /* a file or a pipe (also NUL, which _isatty calls a device) */
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode = 0;
    if (h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode)) return false;
    if (!(mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) &&
        !SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING))
        return false; /* an old console would print the sequences as text */
    int now = ecsb_term_stderr_columns();
    if (now > 0) *columns = now;
    return true;
}
