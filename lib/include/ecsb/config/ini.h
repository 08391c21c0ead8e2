/* ini.h: INI parsing with inih's ini_parse_string contract.
 *
 * ecsb_ini_parse_string is the one the product calls: on POSIX it is the packaged
 * inih (lib/platform/posix/ini_inih.c), on Windows our own reader (lib/platform/windows/ini_native.c),
 * because inih has no Windows build here. ecsb_ini_reader_parse_string is that own
 * reader, portable and always built, so tests/unit/posix/test_ini_diff.c can prove
 * it makes the same handler calls as inih on the same inputs.
 *
 * Contract (inih): the handler gets (user, section, name, value) for each name=value
 * pair and returns nonzero to continue; the parse returns 0 on success, the line
 * number of the first error otherwise (parsing goes on after an error), -2 when out
 * of memory.
 *
 * The dialect (Debian's inih 55 build, found by experiment, mirrored by our reader):
 *  - a "line" is at most ECSB_INI_MAX_LINE - 1 = 199 bytes including its '\n'; the
 *    rest of a longer line is read as further lines (and counted as such);
 *  - a UTF-8 BOM at the very start is skipped; lines are trimmed (so CRLF works);
 *  - ';' or '#' first on a line starts a comment; an inline comment is ';' right
 *    after a whitespace character; '#' is not an inline comment;
 *  - "[section]" (text up to the first ']'; not trimmed, cut to 49 bytes);
 *    names before any section have section "";
 *  - "name = value" or "name : value" (first '=' or ':'); name and value trimmed;
 *  - an indented non-comment line after a name=value line is a continuation: the
 *    handler is called again with the same name (cut to 49 bytes) and that line
 *    (trimmed; unlike name=value lines, a " ;" comment there stays in the value);
 *  - a line with neither separator nor section is an error (no valueless names);
 *    a handler returning 0 is an error for that line; parsing never stops early. */
#ifndef ECSB_INI_H
#define ECSB_INI_H

#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

/* inih's INI_MAX_LINE: the line buffer, including '\n' and the terminating NUL. */
#define ECSB_INI_MAX_LINE 200

typedef int (*ecsb_ini_handler)(void *user, const char *section, const char *name, const char *value);

int ecsb_ini_parse_string(const char *text, ecsb_ini_handler handler, void *user);
int ecsb_ini_reader_parse_string(const char *text, ecsb_ini_handler handler, void *user);

/* Where a key is defined: 1-based line and column of its value's first character
 * for the last definition of section/name in text. Returns 0 if found, -1 if not.
 * Used to point error messages at the right place (inih's handler gets no line).
 * section and name are matched as the handler receives them (name trimmed, section
 * as written), case-insensitively like ecsb_settings_find. Lines are physical lines
 * (a line longer than the reader's buffer still counts once); columns count UTF-8
 * characters, a BOM excluded. Continuation lines are not definitions. */
int ecsb_ini_locate(const char *text, const char *section, const char *name, int *line, int *column);

/* Parses INI text (via ecsb_ini_parse_string) into out, which the caller has
 * initialised (out->origin names the source in messages). Each setting carries the
 * physical line/column of its value. Continuation lines are joined to the value
 * with '\n'. Names before any section get section "" (the caller rejects them).
 * Errors leave out unchanged:
 *  ECSB_ERR_INVALID  "<origin>:<line>: <problem> -- expected 'name = value' or '[section]'"
 *  ECSB_ERR_LIMIT    a line longer than the reader takes (it would be cut silently). */
enum ecsb_status ecsb_settings_from_ini(const char *text, struct ecsb_settings *out, struct ecsb_error *err);

#endif
