/* ini.h: INI parsing with inih's ini_parse_string contract.
 *
 * ecsb_ini_parse_string is the one the product calls: on POSIX it is the packaged
 * inih (lib/unix/ini_inih.c), on Windows our own reader (lib/windows/ini_native.c),
 * because inih has no Windows build here. ecsb_ini_reader_parse_string is that own
 * reader, portable and always built, so tests/unit/posix/test_ini_diff.c can prove
 * it makes the same handler calls as inih on the same inputs.
 *
 * Contract (inih): the handler gets (user, section, name, value) for each name=value
 * pair and returns nonzero to continue; the parse returns 0 on success, the line
 * number of the first error otherwise (parsing goes on after an error), -2 when out
 * of memory. */
#ifndef ECSB_INI_H
#define ECSB_INI_H

typedef int (*ecsb_ini_handler)(void *user, const char *section, const char *name, const char *value);

int ecsb_ini_parse_string(const char *text, ecsb_ini_handler handler, void *user);
int ecsb_ini_reader_parse_string(const char *text, ecsb_ini_handler handler, void *user);

/* Where a key is defined: 1-based line and column of its value's first character
 * for the last definition of section/name in text. Returns 0 if found, -1 if not.
 * Used to point error messages at the right place (inih's handler gets no line). */
int ecsb_ini_locate(const char *text, const char *section, const char *name, int *line, int *column);

#endif
