/* env_file.c: the environment-file codec behind env_store.h (format documented there)
 * plus the platform-neutral helpers of the store. Values round-trip exactly: every
 * byte that could end or confuse a line is escaped, and the reader rejects anything a
 * writer could not have produced, so a hand-edited file fails loudly, not subtly. */
#include "ecsb/agent/env_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/fs.h"
#include "ecsb/base/mask.h"

const char *ecsb_env_change_name(enum ecsb_env_change c)
{
    switch (c) {
    case ECSB_ENV_UNCHANGED: return "unchanged";
    case ECSB_ENV_ADDED: return "added";
    case ECSB_ENV_UPDATED: return "updated";
    case ECSB_ENV_USER_SET: return "user-set (left alone)";
    }
    return "?";
}

static bool name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

bool ecsb_env_name_valid(const char *name)
{
    if (!name || !name_start(name[0]))
        return false;
    size_t n = 1;
    while (name[n] && name_char(name[n]))
        n++;
    return n <= 255 && name[n] == '\0';
}

void ecsb_envfile_escape(const char *value, struct ecsb_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        switch (*p) {
        case '\\': ecsb_buf_puts(out, "\\\\"); break;
        case '\n': ecsb_buf_puts(out, "\\n"); break;
        case '\r': ecsb_buf_puts(out, "\\r"); break;
        case '\t': ecsb_buf_puts(out, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                char e[5] = {'\\', 'x', hex[*p >> 4], hex[*p & 15], 0};
                ecsb_buf_puts(out, e);
            } else {
                ecsb_buf_putc(out, (char)*p);
            }
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the value part of one line [p, end). Returns the column of the first bad
 * byte (1-based, relative to the value start) or 0 when fine. */
static size_t unescape(const char *p, const char *end, struct ecsb_buf *out, const char **why)
{
    for (const char *s = p; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\') {
            char e = s + 1 < end ? s[1] : '\0';
            char v;
            if (e == '\\') v = '\\';
            else if (e == 'n') v = '\n';
            else if (e == 'r') v = '\r';
            else if (e == 't') v = '\t';
            else if (e == 'x' && end - s >= 4 && hexval(s[2]) >= 0 && hexval(s[3]) >= 0 &&
                     (hexval(s[2]) << 4 | hexval(s[3])) != 0) {
                ecsb_buf_putc(out, (char)(hexval(s[2]) << 4 | hexval(s[3])));
                s += 3;
                continue;
            } else {
                *why = "unknown or incomplete escape (use \\\\ \\n \\r \\t or \\xHH, HH not 00)";
                return (size_t)(s - p) + 1;
            }
            ecsb_buf_putc(out, v);
            s++;
        } else if (c < 0x20 || c == 0x7f) {
            *why = c == '\r' ? "carriage return (write it as \\r; the file uses LF line ends)"
                             : "raw control character (escape it as \\xHH)";
            return (size_t)(s - p) + 1;
        } else {
            ecsb_buf_putc(out, (char)c);
        }
    }
    return 0;
}

enum ecsb_status ecsb_envfile_parse(const char *text, size_t len, const char *origin, struct ecsb_envfile *out,
                                    struct ecsb_error *err)
{
    struct ecsb_envfile f = ECSB_ENVFILE_INIT;
    struct ecsb_buf val = ECSB_BUF_INIT;
    *out = f;
    const char *end = text + len, *line = text;
    for (unsigned lineno = 1; line < end; lineno++) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *nul = memchr(line, '\0', (size_t)(eol - line));
        const char *p = line;
        const char *why = NULL;
        size_t col = 0;
        if (nul) {
            why = "NUL byte";
            col = (size_t)(nul - line) + 1;
        } else if (p == eol || *p == '#') {
            line = eol + 1;
            continue;
        } else if (!name_start(*p)) {
            why = "expected NAME=VALUE with NAME like ECS_CLUSTER";
            col = 1;
        } else {
            while (p < eol && name_char(*p))
                p++;
            if (p == eol || *p != '=') {
                why = "expected '=' after the variable name";
                col = (size_t)(p - line) + 1;
            } else if (p - line > 255) {
                why = "variable name longer than 255 bytes";
                col = 1;
            } else {
                ecsb_buf_reset(&val);
                size_t bad = unescape(p + 1, eol, &val, &why);
                if (bad)
                    col = (size_t)(p + 1 - line) + bad;
            }
        }
        if (why) {
            ecsb_envfile_free(&f);
            ecsb_buf_free(&val);
            return ecsb_error_set(err, ECSB_ERR_INVALID, "%s:%u:%lu: %s; fix or delete the line", origin, lineno,
                                  (unsigned long)col, why);
        }
        char *name = ecsb_xstrndup(line, (size_t)(p - line));
        ecsb_envfile_set(&f, name, ecsb_buf_cstr(&val));
        free(name);
        line = eol + 1;
    }
    ecsb_buf_free(&val);
    *out = f;
    return ECSB_OK;
}

enum ecsb_status ecsb_envfile_load(const char *path, struct ecsb_envfile *out, struct ecsb_error *err)
{
    struct ecsb_envfile empty = ECSB_ENVFILE_INIT;
    *out = empty;
    if (!ecsb_fs_exists(path))
        return ECSB_OK;
    char *data = NULL;
    size_t len = 0;
    enum ecsb_status st = ecsb_fs_read(path, &data, &len, err);
    if (st != ECSB_OK)
        return st;
    st = ecsb_envfile_parse(data, len, path, out, err);
    free(data);
    return st;
}

void ecsb_envfile_render(const struct ecsb_envfile *f, const char *header, struct ecsb_buf *out)
{
    if (header)
        ecsb_buf_printf(out, "# %s\n", header);
    for (size_t i = 0; i < f->count; i++) {
        ecsb_buf_printf(out, "%s=", f->items[i].name);
        ecsb_envfile_escape(f->items[i].value, out);
        ecsb_buf_putc(out, '\n');
    }
}

static struct ecsb_envfile_entry *find(const struct ecsb_envfile *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return &f->items[i];
    return NULL;
}

const char *ecsb_envfile_get(const struct ecsb_envfile *f, const char *name)
{
    struct ecsb_envfile_entry *e = find(f, name);
    return e ? e->value : NULL;
}

enum ecsb_env_change ecsb_envfile_set(struct ecsb_envfile *f, const char *name, const char *value)
{
    struct ecsb_envfile_entry *e = find(f, name);
    if (e) {
        if (strcmp(e->value, value) == 0)
            return ECSB_ENV_UNCHANGED;
        free(e->value);
        e->value = ecsb_xstrdup(value);
        return ECSB_ENV_UPDATED;
    }
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->items = ecsb_xrealloc(f->items, f->cap * sizeof *f->items);
    }
    f->items[f->count].name = ecsb_xstrdup(name);
    f->items[f->count].value = ecsb_xstrdup(value);
    f->count++;
    return ECSB_ENV_ADDED;
}

bool ecsb_envfile_remove(struct ecsb_envfile *f, const char *name)
{
    struct ecsb_envfile_entry *e = find(f, name);
    if (!e)
        return false;
    free(e->name);
    free(e->value);
    size_t i = (size_t)(e - f->items);
    memmove(e, e + 1, (f->count - i - 1) * sizeof *e);
    f->count--;
    return true;
}

void ecsb_envfile_free(struct ecsb_envfile *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].name);
        free(f->items[i].value);
    }
    free(f->items);
    f->items = NULL;
    f->count = f->cap = 0;
}

/* name (of a NAME=VALUE entry, length n) is listed in passenv. */
static bool passenv_lists(const char *passenv, const char *name, size_t n)
{
    const char *p = passenv ? passenv : "";
    while (*p) {
        size_t len = strcspn(p, " ,\t");
        bool prefix = len > 0 && p[len - 1] == '*';
        size_t cmp = prefix ? len - 1 : len;
        if (len > 0 && (prefix ? n >= cmp : n == cmp) && !strncmp(p, name, cmp))
            return true;
        p += len;
        p += strspn(p, " ,\t");
    }
    return false;
}

static void env_put(struct ecsb_envfile *f, const char *entry)
{
    const char *eq = strchr(entry, '=');
    if (!eq || eq == entry)
        return;
    char *name = ecsb_xstrndup(entry, (size_t)(eq - entry));
    ecsb_envfile_set(f, name, eq + 1);
    free(name);
}

static const char *parent_get(char *const *parent, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; parent && parent[i]; i++)
        if (!strncmp(parent[i], name, n) && parent[i][n] == '=')
            return parent[i] + n + 1;
    return NULL;
}

char **ecsb_agent_clean_environ(const struct ecsb_envfile *agent_env, char *const *parent, const char *passenv)
{
    struct ecsb_envfile f = ECSB_ENVFILE_INIT;
    const char *path = parent_get(parent, "PATH"), *home = parent_get(parent, "HOME");
    ecsb_envfile_set(&f, "PATH", path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    ecsb_envfile_set(&f, "HOME", home ? home : "/");
    for (size_t i = 0; parent && parent[i]; i++) {
        const char *eq = strchr(parent[i], '=');
        if (!eq || !passenv_lists(passenv, parent[i], (size_t)(eq - parent[i])))
            continue;
        char *name = ecsb_xstrndup(parent[i], (size_t)(eq - parent[i]));
        if (!ecsb_secret_name(name)) /* never the bootstrapper's keys, whatever the list says */
            env_put(&f, parent[i]);
        free(name);
    }
    for (size_t i = 0; agent_env && i < agent_env->count; i++)
        ecsb_envfile_set(&f, agent_env->items[i].name, agent_env->items[i].value);
    char **v = ecsb_xcalloc(f.count + 1, sizeof *v);
    for (size_t i = 0; i < f.count; i++) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_buf_printf(&b, "%s=%s", f.items[i].name, f.items[i].value);
        v[i] = ecsb_buf_detach(&b);
    }
    ecsb_envfile_free(&f);
    return v;
}

void ecsb_environ_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}
