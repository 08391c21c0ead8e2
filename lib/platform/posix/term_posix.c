/* term_posix.c: the terminal seam (ecsb/base/term.h) with isatty and TIOCGWINSZ. */
#include "ecsb/base/term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int ecsb_term_stderr_columns(void)
{
    struct winsize ws;
    return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

bool ecsb_term_stderr_ansi(int *columns)
{
    *columns = 80;
    const char *term = getenv("TERM");
    if (!isatty(STDERR_FILENO) || !term || !*term || !strcmp(term, "dumb")) return false;
    int now = ecsb_term_stderr_columns();
    if (now > 0) *columns = now;
    return true;
}
