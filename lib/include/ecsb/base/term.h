/* term.h: is stderr a terminal we may draw on (lib/platform/posix/term_posix.c,
 * lib/platform/windows/term_windows.c)? */
#ifndef ECSB_BASE_TERM_H
#define ECSB_BASE_TERM_H

#include <stdbool.h>

/* True when stderr is an interactive terminal that understands ANSI cursor
 * sequences (on Windows the console's virtual-terminal processing is switched on
 * here; a console that refuses it, TERM=dumb, a file or a pipe give false).
 * *columns gets the terminal's width (80 when it cannot be asked). */
bool ecsb_term_stderr_ansi(int *columns);
/* The width of the terminal on stderr now (it may have been resized); 0 when stderr is not
 * a terminal or the width cannot be asked. */
int ecsb_term_stderr_columns(void);

#endif
