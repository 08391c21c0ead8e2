#include "ecsb/config/settings.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/mask.h"
#include "ecsb/base/strutil.h"

void ecsb_settings_init(struct ecsb_settings *s, const char *origin)
{
    memset(s, 0, sizeof *s);
    s->origin = ecsb_xstrdup(origin ? origin : "");
}

void ecsb_settings_add(struct ecsb_settings *s, const char *section, const char *key, const char *value,
                       int line, int column)
{
    ECSB_GROW(s->items, s->count, s->cap);
    struct ecsb_setting *it = &s->items[s->count++];
    it->section = ecsb_xstrdup(section);
    it->key = ecsb_xstrdup(key);
    it->value = ecsb_xstrdup(value);
    it->line = line;
    it->column = column;
    ecsb_settings_note_secret(s, key, value);
}

void ecsb_settings_note_secret(struct ecsb_settings *s, const char *key, const char *value)
{
    if (!ecsb_secret_name(key) || !value || !*value)
        return;
    for (size_t i = 0; i < s->n_secrets; i++)
        if (!strcmp(s->secrets[i], value))
            return;
    ECSB_GROW(s->secrets, s->n_secrets, s->cap_secrets);
    s->secrets[s->n_secrets++] = ecsb_xstrdup(value);
}

void ecsb_settings_register_secrets(const struct ecsb_settings *s, struct ecsb_masker *m)
{
    for (size_t i = 0; i < s->n_secrets; i++)
        ecsb_masker_add(m, s->secrets[i]);
}

void ecsb_settings_ignore(struct ecsb_settings *s, int line, const char *text, const char *reason)
{
    ECSB_GROW(s->ignored, s->n_ignored, s->cap_ignored);
    struct ecsb_ignored_line *it = &s->ignored[s->n_ignored++];
    it->line = line;
    struct ecsb_buf b = ECSB_BUF_INIT; /* the line is quoted in listings: one printable line */
    ecsb_buf_put_escaped(&b, text, strlen(text));
    it->text = ecsb_buf_detach(&b);
    it->reason = ecsb_xstrdup(reason);
}

void ecsb_settings_warn(struct ecsb_settings *s, const char *message)
{
    ECSB_GROW(s->warnings, s->n_warnings, s->cap_warnings);
    struct ecsb_buf b = ECSB_BUF_INIT; /* warnings quote input: one printable line each */
    ecsb_buf_put_escaped(&b, message, strlen(message));
    s->warnings[s->n_warnings++] = ecsb_buf_detach(&b);
}

const struct ecsb_setting *ecsb_settings_find(const struct ecsb_settings *s, const char *section, const char *key)
{
    for (size_t i = s->count; i-- > 0;) {
        const struct ecsb_setting *it = &s->items[i];
        if (ecsb_strcaseeq(it->section, section) && ecsb_strcaseeq(it->key, key))
            return it;
    }
    return NULL;
}

void ecsb_settings_free(struct ecsb_settings *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].section);
        free(s->items[i].key);
        free(s->items[i].value);
    }
    for (size_t i = 0; i < s->n_ignored; i++) {
        free(s->ignored[i].text);
        free(s->ignored[i].reason);
    }
    for (size_t i = 0; i < s->n_warnings; i++)
        free(s->warnings[i]);
    for (size_t i = 0; i < s->n_secrets; i++)
        free(s->secrets[i]);
    free(s->secrets);
    free(s->items);
    free(s->ignored);
    free(s->warnings);
    free(s->origin);
    free(s->format);
    memset(s, 0, sizeof *s);
}
