/* form_ec2launch_v2.c: EC2Launch v2 YAML user data (`version:` then `tasks:`).
 * executeScript inputs of type powershell go to the PowerShell reader (blanked in
 * place: line numbers stay those of the document); type batch is listed as left for
 * cmd to run; other tasks are listed as EC2Launch's own. A line-based reader for the
 * shape EC2Launch documents, not a YAML parser: `content:` is a block scalar
 * (`|`, `|-`, `>`) or a one-line value. */
#include "ud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/strutil.h"

#define MAX_SCRIPTS 32

struct v2 {
    const struct ud_doc *d;
    char task[64];        /* the current task's name */
    int task_line;
    char type[32];        /* the current input's type */
    size_t content[2];    /* the current input's content, or {0, 0} */
    size_t block_indent;  /* in a block scalar: lines indented more than this belong to it */
    bool in_block;
    size_t ps[MAX_SCRIPTS][2]; /* powershell content to read */
    size_t n_ps;
};

static size_t indent_of(const char *s, size_t i, size_t le)
{
    size_t k = i;
    while (k < le && s[k] == ' ')
        k++;
    return k - i;
}

/* The value after "key:" on the line s[i..le), or NULL when the line is not that key. */
static const char *key_value(const char *s, size_t i, size_t le, const char *key, size_t *vlen)
{
    size_t n = strlen(key);
    if (le - i <= n || !ecsb_strncaseeq(s + i, key, n) || s[i + n] != ':')
        return NULL;
    const char *v = s + i + n + 1;
    const char *e = s + le;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *vlen = (size_t)(e - v);
    return v;
}

static void copy_value(char *out, size_t cap, const char *v, size_t n)
{
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
        v++, n -= 2;
    snprintf(out, cap, "%.*s", (int)n, v);
}

static enum ecsb_status end_input(struct ud *u, struct v2 *v)
{
    bool has = v->content[1] > v->content[0];
    if (has && ecsb_strcaseeq(v->task, "executeScript") && ecsb_strcaseeq(v->type, "powershell")) {
        if (v->n_ps == MAX_SCRIPTS)
            return ud_invalid_at(u, v->d->origin, v->d->s, v->content[0], "too many executeScript inputs",
                                 "merge the PowerShell scripts into fewer inputs");
        memcpy(v->ps[v->n_ps++], v->content, sizeof v->content);
    } else if (has && ecsb_strcaseeq(v->task, "executeScript")) {
        bool batch = ecsb_strcaseeq(v->type, "batch");
        char reason[160];
        if (batch)
            snprintf(reason, sizeof reason, "not an ECS setting: left for cmd to run (EC2Launch v2 executeScript, "
                     "type: batch)");
        else
            snprintf(reason, sizeof reason, "not an ECS setting: left for EC2Launch v2 to run (executeScript, "
                     "type: %.40s)", v->type[0] ? v->type : "none");
        ud_list_lines(u, v->d, v->content, reason, batch ? "an executeScript of type batch" : NULL);
    }
    v->type[0] = '\0';
    v->content[0] = v->content[1] = 0;
    v->in_block = false;
    return ECSB_OK;
}

static void start_task(struct ud *u, struct v2 *v, const char *name, size_t n, size_t at)
{
    int col;
    copy_value(v->task, sizeof v->task, name, n);
    ud_position(v->d->s, at, &v->task_line, &col);
    if (!ecsb_strcaseeq(v->task, "executeScript")) {
        char what[96];
        snprintf(what, sizeof what, "task: %s", v->task);
        ecsb_settings_ignore(&u->ps, v->task_line, what, "EC2Launch v2 task: run by EC2Launch; nothing to set");
    }
}

/* One line outside a block scalar: a task, an input, its type or its content. */
static enum ecsb_status structure_line(struct ud *u, struct v2 *v, size_t i, size_t le)
{
    const char *s = v->d->s;
    size_t k = i + indent_of(s, i, le), vlen = 0;
    bool item = k + 1 < le && s[k] == '-' && s[k + 1] == ' ';
    if (item)
        k += 2 + indent_of(s, k + 2, le);
    const char *task = key_value(s, k, le, "task", &vlen), *val;
    enum ecsb_status st = ECSB_OK;
    if (item || task)
        st = end_input(u, v); /* a new list item ends the input before it */
    if (task) {
        val = task;
        start_task(u, v, val, vlen, i);
    } else if ((val = key_value(s, k, le, "type", &vlen)) != NULL) {
        copy_value(v->type, sizeof v->type, val, vlen);
    } else if ((val = key_value(s, k, le, "content", &vlen)) != NULL) {
        if (vlen > 0 && (*val == '|' || *val == '>')) {
            v->in_block = true;
            v->block_indent = k - i;
            v->content[0] = v->content[1] = le < v->d->len ? le + 1 : le;
        } else if (vlen > 0) {
            bool quoted = vlen >= 2 && (*val == '"' || *val == '\'') && val[vlen - 1] == *val;
            v->content[0] = (size_t)(val - s) + quoted;
            v->content[1] = (size_t)(val - s) + vlen - quoted;
        }
    }
    return st;
}

static enum ecsb_status v2_read(struct ud *u, const struct ud_doc *d)
{
    struct v2 v;
    memset(&v, 0, sizeof v);
    v.d = d;
    enum ecsb_status st = ECSB_OK;
    for (size_t i = 0; i < d->len && st == ECSB_OK;) {
        size_t le = i;
        while (le < d->len && d->s[le] != '\n')
            le++;
        size_t ind = indent_of(d->s, i, le);
        bool blank = i + ind >= le || d->s[i + ind] == '\r';
        if (v.in_block && (blank || ind > v.block_indent)) {
            v.content[1] = le; /* still in the block scalar */
        } else if (!blank && d->s[i + ind] != '#') {
            v.in_block = false;
            st = structure_line(u, &v, i, le);
        }
        i = le + 1;
    }
    if (st == ECSB_OK)
        st = end_input(u, &v);
    if (st == ECSB_OK && v.n_ps > 0) {
        char *ps = ud_blank_except(d->s, d->len, (const size_t(*)[2])v.ps, v.n_ps);
        st = ud_read_powershell(u, ps, strlen(ps), d->origin);
        free(ps);
    }
    return st;
}

/* The first line that is not blank or a comment is "version:", and a line is "tasks:". */
static bool v2_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    size_t i = 0;
    while (i < d->len) {
        size_t le = i;
        while (le < d->len && d->s[le] != '\n')
            le++;
        size_t k = i + indent_of(d->s, i, le);
        if (k < le && d->s[k] != '#' && d->s[k] != '\r') {
            size_t n;
            if (k != i || !key_value(d->s, k, le, "version", &n))
                return false;
            break;
        }
        i = le + 1;
    }
    return ud_find_ci(d->s, d->len, "\ntasks:") != NULL;
}

const struct ud_form ud_form_ec2launch_v2 = {"ec2launch-v2", false, v2_detect, v2_read};
