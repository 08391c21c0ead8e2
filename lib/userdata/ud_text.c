/* ud_text.c: helpers every user-data form uses: positions, errors, searching,
 * and blanking a document down to one part while keeping its line numbers. */
#include "ud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/strutil.h"
#include "ecsb/userdata/userdata.h"

void ud_position(const char *s, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

enum ecsb_status ud_invalid_at(struct ud *u, const char *origin, const char *s, size_t off, const char *what,
                               const char *fix)
{
    int line, col;
    ud_position(s, off, &line, &col);
    return ecsb_error_set(u->err, ECSB_ERR_INVALID, "%s:%d:%d: %s; %s", origin, line, col, what, fix);
}

/* Case-insensitive search for lit in s[0..len). */
const char *ud_find_ci(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= len; i++)
        if (ecsb_strncaseeq(s + i, lit, n))
            return s + i;
    return NULL;
}

bool ud_has_ec2launch_tags(const char *s, size_t len)
{
    return ud_find_ci(s, len, "<powershell>") || ud_find_ci(s, len, "<script>") ||
           ud_find_ci(s, len, "<" ECSB_USERDATA_TAG ">");
}

static bool in_ranges(size_t i, const size_t (*r)[2], size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (i >= r[k][0] && i < r[k][1])
            return true;
    return false;
}

/* Bytes outside the ranges become one space per character when kept text follows
 * on the same line (columns stay right), otherwise they are dropped (no long blank
 * lines for the INI reader's line limit). */
char *ud_blank_except(const char *s, size_t len, const size_t (*r)[2], size_t n)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    size_t ls = 0;
    while (ls < len) {
        size_t le = ls;
        while (le < len && s[le] != '\n')
            le++;
        size_t last = ls; /* one past the last kept byte on this line */
        for (size_t i = ls; i < le; i++)
            if (in_ranges(i, r, n))
                last = i + 1;
        for (size_t i = ls; i < last; i++) {
            if (in_ranges(i, r, n))
                ecsb_buf_putc(&b, s[i]);
            else if (((unsigned char)s[i] & 0xC0) != 0x80)
                ecsb_buf_putc(&b, ' ');
        }
        if (le < len)
            ecsb_buf_putc(&b, '\n');
        ls = le + 1;
    }
    return ecsb_buf_detach(&b);
}

void ud_add_format(struct ecsb_buf *fmt, const char *name)
{
    if (!fmt)
        return;
    if (fmt->len)
        ecsb_buf_putc(fmt, '+');
    ecsb_buf_puts(fmt, name);
}

void ud_list_lines(struct ud *u, const struct ud_doc *d, const size_t r[2], const char *reason, const char *cmd_block)
{
    for (size_t i = r[0]; i < r[1];) {
        size_t le = i;
        while (le < r[1] && d->s[le] != '\n')
            le++;
        char *line = ecsb_trimmed_dup(d->s + i, le - i);
        int ln, col;
        ud_position(d->s, i, &ln, &col);
        if (*line)
            ecsb_settings_ignore(&u->ps, ln, line, reason);
        if (cmd_block && ud_find_ci(line, strlen(line), "Initialize-ECSAgent")) {
            char msg[700];
            snprintf(msg, sizeof msg, "%.400s:%d: Initialize-ECSAgent inside %s: EC2Launch runs it with cmd.exe, "
                     "not PowerShell, and ecs-bootstrap does not read it; move it into a PowerShell script",
                     d->origin, ln, cmd_block);
            ecsb_settings_warn(&u->ps, msg);
        }
        free(line);
        i = le + 1;
    }
}
