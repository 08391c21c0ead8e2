#include "ecsb/base/mask.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/strutil.h"

bool ecsb_secret_name(const char *name)
{
    static const char *const words[] = {"SECRET", "TOKEN", "PASSWORD", "PASSWD", "AUTH_DATA", "CREDENTIAL",
                                        "ACCESS_KEY"};
    if (!name)
        return false;
    size_t n = strlen(name);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        for (size_t i = 0; i + wl <= n; i++)
            if (ecsb_strncaseeq(name + i, words[w], wl))
                return true;
    }
    return false;
}

void ecsb_masker_init(struct ecsb_masker *m)
{
    memset(m, 0, sizeof *m);
}

static bool known(const struct ecsb_masker *m, const char *value)
{
    for (size_t i = 0; i < m->count; i++)
        if (!strcmp(m->values[i], value))
            return true;
    return false;
}

/* Inserts keeping the list longest first. */
static void insert(struct ecsb_masker *m, char *value)
{
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->values = ecsb_xrealloc(m->values, m->cap * sizeof *m->values);
    }
    size_t at = m->count, len = strlen(value);
    while (at > 0 && strlen(m->values[at - 1]) < len) {
        m->values[at] = m->values[at - 1];
        at--;
    }
    m->values[at] = value;
    m->count++;
}

/* The form a value takes inside a JSON string (the status file, plan --json). */
static char *json_form(const char *v)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            ecsb_buf_printf(&b, "\\%c", *p);
        else if (*p == '\n')
            ecsb_buf_puts(&b, "\\n");
        else if (*p == '\r')
            ecsb_buf_puts(&b, "\\r");
        else if (*p == '\t')
            ecsb_buf_puts(&b, "\\t");
        else if (*p < 0x20)
            ecsb_buf_printf(&b, "\\u%04x", *p);
        else
            ecsb_buf_putc(&b, (char)*p);
    }
    return ecsb_buf_detach(&b);
}

void ecsb_masker_add(struct ecsb_masker *m, const char *value)
{
    if (!m || !value || strlen(value) < ECSB_MASK_MIN_LEN || !strcmp(value, ECSB_MASK_TEXT))
        return;
    if (!known(m, value))
        insert(m, ecsb_xstrdup(value));
    char *j = json_form(value);
    if (strcmp(j, value) && !known(m, j))
        insert(m, j);
    else
        free(j);
}

void ecsb_masker_add_named(struct ecsb_masker *m, const char *name, const char *value)
{
    if (ecsb_secret_name(name))
        ecsb_masker_add(m, value);
}

/* Replaces every occurrence of value in *s; the search resumes after each
 * replacement, so a secret made of '*' or of the mask text itself terminates. */
static void mask_value(char **s, const char *value)
{
    size_t vl = strlen(value);
    if (!strstr(*s, value))
        return;
    struct ecsb_buf b = ECSB_BUF_INIT;
    const char *p = *s, *hit;
    while ((hit = strstr(p, value)) != NULL) {
        ecsb_buf_append(&b, p, (size_t)(hit - p));
        ecsb_buf_puts(&b, ECSB_MASK_TEXT);
        p = hit + vl;
    }
    ecsb_buf_puts(&b, p);
    free(*s);
    *s = ecsb_buf_detach(&b);
}

static bool ident_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* End of a value starting at v: a quoted value to its closing quote (the quote
 * may be JSON-escaped), a bracketed one to its matching bracket, else to the next
 * blank, quote, backslash or separator. Never past the end of the line. */
static size_t value_len(const char *v, size_t *skip_open)
{
    *skip_open = 0;
    if (v[0] == '\\' && v[1] == '"') {
        const char *end = strstr(v + 2, "\\\"");
        const char *nl = strpbrk(v + 2, "\r\n");
        *skip_open = 2;
        return (end && (!nl || end < nl) ? (size_t)(end - v) : strcspn(v, "\r\n")) - 2;
    }
    if (v[0] == '"' || v[0] == '\'') {
        size_t n = 1;
        while (v[n] && v[n] != v[0] && v[n] != '\r' && v[n] != '\n')
            n++;
        *skip_open = 1;
        return n - 1;
    }
    if (v[0] == '{' || v[0] == '[') {
        int depth = 0;
        size_t n = 0;
        for (; v[n] && v[n] != '\r' && v[n] != '\n'; n++) {
            depth += (v[n] == '{' || v[n] == '[') - (v[n] == '}' || v[n] == ']');
            if (depth == 0)
                return n + 1;
        }
        return n;
    }
    return strcspn(v, " \t\r\n\"'\\,;&)");
}

/* Masks NAME=value and "name": "value" where NAME is secret-named. */
static void mask_by_name(char **s)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    const char *t = *s;
    size_t i = 0, copied = 0;
    bool changed = false;
    while (t[i]) {
        if (!ident_char(t[i]) || (i > 0 && ident_char(t[i - 1]))) {
            i++;
            continue;
        }
        size_t j = i;
        while (ident_char(t[j]))
            j++;
        char *name = ecsb_xstrndup(t + i, j - i);
        bool secret = ecsb_secret_name(name);
        free(name);
        size_t k = j;
        bool quoted = i > 0 && t[i - 1] == '"' && t[j] == '"';
        if (quoted)
            k = j + 1;
        else if (i > 1 && t[i - 1] == '"' && t[i - 2] == '\\' && t[j] == '\\' && t[j + 1] == '"')
            quoted = true, k = j + 2; /* a JSON-escaped key inside a JSON string */
        while (t[k] == ' ' || t[k] == '\t')
            k++;
        if (!secret || !(t[k] == '=' || (quoted && t[k] == ':'))) {
            i = j;
            continue;
        }
        k++;
        while (t[k] == ' ' || t[k] == '\t')
            k++;
        size_t open = 0, n = value_len(t + k, &open);
        size_t v = k + open, ml = strlen(ECSB_MASK_TEXT);
        if (n == 0) {
            i = v;
            continue;
        }
        if (n >= ml && !strncmp(t + v, ECSB_MASK_TEXT, ml)) { /* already masked: look on after the mask */
            i = v + ml;
            continue;
        }
        ecsb_buf_append(&b, t + copied, v - copied);
        ecsb_buf_puts(&b, ECSB_MASK_TEXT);
        copied = i = v + n;
        changed = true;
    }
    if (!changed) {
        ecsb_buf_free(&b);
        return;
    }
    ecsb_buf_puts(&b, t + copied);
    free(*s);
    *s = ecsb_buf_detach(&b);
}

void ecsb_masker_apply_str(const struct ecsb_masker *m, char **s)
{
    if (!s || !*s)
        return;
    for (size_t i = 0; m && i < m->count; i++)
        mask_value(s, m->values[i]);
    mask_by_name(s);
}

char *ecsb_masker_apply(const struct ecsb_masker *m, const char *text)
{
    char *s = ecsb_xstrdup(text ? text : "");
    ecsb_masker_apply_str(m, &s);
    return s;
}

void ecsb_masker_apply_buf(const struct ecsb_masker *m, struct ecsb_buf *b)
{
    char *s = ecsb_masker_apply(m, ecsb_buf_cstr(b));
    ecsb_buf_reset(b);
    ecsb_buf_puts(b, s);
    free(s);
}

void ecsb_masker_free(struct ecsb_masker *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++)
        free(m->values[i]);
    free(m->values);
    memset(m, 0, sizeof *m);
}
