/* form_ini.c: our INI document: the first line that is not blank or a comment is
 * "[section]". Also reads the INI blocks and parts the other forms carry. */
#include "ud.h"

#include <string.h>

#include "ecsb/base/strutil.h"
#include "ecsb/config/ini.h"
#include "ecsb/userdata/userdata.h"

enum ecsb_status ud_read_ini(struct ud *u, const char *text, const char *origin)
{
    struct ecsb_settings tmp;
    ecsb_settings_init(&tmp, origin);
    enum ecsb_status st = ecsb_settings_from_ini(text, &tmp, u->err);
    for (size_t i = 0; st == ECSB_OK && i < tmp.count; i++)
        if (!tmp.items[i].section[0])
            st = ecsb_error_set(u->err, ECSB_ERR_INVALID,
                                "%s:%d:%d: '%s' is outside any section; put it under its section, e.g. [cluster] "
                                "or [agent] (docs/userdata.md)",
                                origin, tmp.items[i].line, tmp.items[i].column, tmp.items[i].key);
    if (st == ECSB_OK)
        ecsb_settings_append(&u->ini, &tmp);
    ecsb_settings_free(&tmp);
    return st;
}

static bool isalnum_ascii(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Offset of the first byte that is not blank and not in a comment line. */
static size_t first_content(const char *s, size_t len)
{
    size_t i = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < len) {
        while (i < len && ecsb_is_space((unsigned char)s[i]))
            i++;
        if (i >= len || (s[i] != ';' && s[i] != '#'))
            break;
        while (i < len && s[i] != '\n')
            i++;
    }
    return i;
}

static bool ini_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    const char *s = d->s;
    size_t len = d->len, i = first_content(s, len);
    if (i >= len || s[i] != '[')
        return false;
    size_t j = i + 1;
    while (j < len && s[j] != ']' && s[j] != '\n' && (isalnum_ascii(s[j]) || strchr("_.-", s[j])))
        j++;
    if (j >= len || s[j] != ']' || j == i + 1)
        return false;
    for (j++; j < len && s[j] != '\n'; j++) {
        if (s[j] == ';' || s[j] == '#')
            return true;
        if (!ecsb_is_space((unsigned char)s[j]))
            return false;
    }
    return true;
}

static enum ecsb_status ini_read(struct ud *u, const struct ud_doc *d)
{
    return ud_read_ini(u, d->s, d->origin);
}

const struct ud_form ud_form_ini = {"ini", false, ini_detect, ini_read};
