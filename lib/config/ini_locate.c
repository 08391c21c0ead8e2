/* ini_locate.c: where a key's value is written, for error messages. Walks the
 * text with the reader's own rules so it agrees with the handler calls. */
#include "ecsb/config/ini.h"

#include "ecsb/base/strutil.h"
#include "ini_walk.h"

struct locate_ctx {
    const char *section, *name;
    int line, column, found;
};

static int locate_event(void *user, const struct ecsb_ini_event *ev)
{
    struct locate_ctx *ctx = user;
    if (ev->kind == ECSB_INI_PAIR && ecsb_strcaseeq(ev->section, ctx->section) &&
        ecsb_strcaseeq(ev->name, ctx->name)) {
        ctx->line = ev->line;
        ctx->column = ev->column;
        ctx->found = 1;
    }
    return 1;
}

int ecsb_ini_locate(const char *text, const char *section, const char *name, int *line, int *column)
{
    struct locate_ctx ctx = {section ? section : "", name ? name : "", 0, 0, 0};
    if (!text || !name)
        return -1;
    ecsb_ini_walk(text, locate_event, &ctx);
    if (!ctx.found)
        return -1;
    if (line)
        *line = ctx.line;
    if (column)
        *column = ctx.column;
    return 0;
}
