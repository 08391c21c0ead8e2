/* userdata_ini.c: raw settings rendered as our INI document (migrate-userdata). */
#include <stdbool.h>
#include <string.h>

#include "ecsb/config/ini.h"
#include "ecsb/base/strutil.h"
#include "ecsb/userdata/userdata.h"

static const char *const section_order[] = {"cluster", "agent", "attributes", "tags", "images", "environment"};

static bool first_of_key(const struct ecsb_settings *s, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (ecsb_strcaseeq(s->items[k].section, s->items[i].section) &&
            ecsb_strcaseeq(s->items[k].key, s->items[i].key))
            return false;
    return true;
}

/* Why a value cannot be written as "key = value" in our INI dialect, or NULL. */
static const char *unwritable(const char *v)
{
    size_t n = strlen(v);
    if (strpbrk(v, "\r\n"))
        return "it contains a line break";
    if (n && (ecsb_is_space((unsigned char)v[0]) || ecsb_is_space((unsigned char)v[n - 1])))
        return "it starts or ends with blanks, which INI trims";
    for (size_t i = 0; i < n; i++) /* "key = ;x": the ';' follows the blank after '=' */
        if (v[i] == ';' && (i == 0 || ecsb_is_space((unsigned char)v[i - 1])))
            return "it contains ' ;' or starts with ';', which INI reads as a comment";
    return NULL;
}

/* Why a key cannot be written as the name of "key = value", or NULL. */
static const char *unwritable_key(const char *k)
{
    size_t n = strlen(k);
    if (!n)
        return "its name is empty";
    if (strpbrk(k, "=:\r\n") || strchr(";#[", k[0]))
        return "its name contains '=', ':' or a line break, or starts with ';', '#' or '['";
    if (ecsb_is_space((unsigned char)k[0]) || ecsb_is_space((unsigned char)k[n - 1]))
        return "its name starts or ends with blanks";
    return NULL;
}

static void render_section(const struct ecsb_settings *s, const char *section, struct ecsb_buf *out)
{
    bool header = false;
    for (size_t i = 0; i < s->count; i++) {
        if (!ecsb_strcaseeq(s->items[i].section, section) || !first_of_key(s, i))
            continue;
        const struct ecsb_setting *it = ecsb_settings_find(s, section, s->items[i].key);
        if (!header) {
            ecsb_buf_printf(out, "%s[%s]\n", out->len ? "\n" : "", section);
            header = true;
        }
        const char *why = unwritable_key(it->key);
        if (!why)
            why = unwritable(it->value);
        if (!why && strlen(it->key) + strlen(it->value) + 4 > ECSB_INI_MAX_LINE - 1)
            why = "the line would be longer than the INI reader's 199-byte limit";
        if (it->line > 0)
            ecsb_buf_printf(out, "; line %d\n", it->line);
        if (why)
            ecsb_buf_printf(out, "; a key is left out (%s): %s; set it by hand\n", unwritable_key(it->key) ? "?" : it->key,
                            why);
        else
            ecsb_buf_printf(out, "%s = %s\n", it->key, it->value);
    }
}

static bool is_ordered(const char *section)
{
    for (size_t i = 0; i < sizeof section_order / sizeof section_order[0]; i++)
        if (ecsb_strcaseeq(section, section_order[i]))
            return true;
    return false;
}

void ecsb_settings_to_ini(const struct ecsb_settings *s, struct ecsb_buf *out)
{
    ecsb_buf_printf(out, "; ecs-bootstrap settings from %s (%s)\n", s->origin ? s->origin : "?",
                    s->format ? s->format : "?");
    for (size_t i = 0; i < sizeof section_order / sizeof section_order[0]; i++)
        render_section(s, section_order[i], out);
    for (size_t i = 0; i < s->count; i++) {
        const char *sec = s->items[i].section;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = ecsb_strcaseeq(s->items[k].section, sec);
        if (seen || is_ordered(sec))
            continue;
        if (!*sec)
            ecsb_buf_puts(out, "\n; keys outside any section are left out\n");
        else
            render_section(s, sec, out);
    }
}
