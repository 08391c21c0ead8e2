/* options.c: the table-driven flag parser of ecsb/base/options.h. */
#include "ecsb/base/options.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/mask.h"

/* One parse: the table, the streams, the command's name for messages. */
struct parser {
    const struct command_usage *u;
    const struct option *opts;
    FILE *out, *err;
};

static const struct option *find_long(const struct option *opts, const char *name, size_t len)
{
    for (const struct option *o = opts; o->type != OPT_END; o++)
        if (strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
            return o;
    return NULL;
}

static const struct option *find_short(const struct option *opts, char c)
{
    for (const struct option *o = opts; o->type != OPT_END; o++)
        if (c && o->short_name == c)
            return o;
    return NULL;
}

void print_usage(const struct command_usage *u, const struct option *opts, FILE *out)
{
    fprintf(out, "usage: %s %s %s\n%s\n", u->prog, u->name, u->synopsis, u->about ? u->about : "");
    for (const struct option *o = opts; o->type != OPT_END; o++) {
        struct ecsb_buf flag = ECSB_BUF_INIT;
        if (o->short_name)
            ecsb_buf_printf(&flag, "-%c, ", o->short_name);
        ecsb_buf_printf(&flag, "--%s%s%s", o->long_name, o->argh ? " " : "", o->argh ? o->argh : "");
        fprintf(out, "  %-26s %s", ecsb_buf_cstr(&flag), o->help);
        if (o->def)
            fprintf(out, " (default %s)", o->def);
        fputc('\n', out);
        ecsb_buf_free(&flag);
    }
    fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
    if (u->footer)
        fprintf(out, "\n%s", u->footer);
}

/* A usage error: one line naming the command, then the usage. */
static enum parse_result fail(const struct parser *p, const char *fmt, const char *what)
{
    fprintf(p->err, "%s %s: ", p->u->prog, p->u->name);
    fprintf(p->err, fmt, what);
    fputc('\n', p->err);
    print_usage(p->u, p->opts, p->err);
    return PARSE_ERROR;
}

/* Stores one option's value. */
static enum parse_result take(const struct parser *p, const struct option *o, const char *value)
{
    if (o->type == OPT_STRING) {
        *(const char **)o->target = value;
        return PARSE_OK;
    }
    struct ecsb_error e = {0};
    if (o->cb(o->target, value, &e) == ECSB_OK)
        return PARSE_OK;
    /* The value may carry a secret (--set environment.X_TOKEN=...): masked by name. */
    struct ecsb_buf line = ECSB_BUF_INIT;
    ecsb_buf_printf(&line, "%s %s: option '--%s %s': %s", p->u->prog, p->u->name, o->long_name,
                    value, e.message);
    char *masked = ecsb_masker_apply(NULL, ecsb_buf_cstr(&line));
    fprintf(p->err, "%s\n", masked);
    free(masked);
    ecsb_buf_free(&line);
    return PARSE_ERROR;
}

/* One flag at argv[*i]; advances *i past a separate value. */
static enum parse_result one_flag(const struct parser *p, int argc, char **argv, int *i)
{
    const char *arg = argv[*i], *eq = NULL;
    const struct option *o;
    if (arg[1] == '-') {
        eq = strchr(arg + 2, '=');
        o = find_long(p->opts, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
    } else {
        o = arg[2] ? NULL : find_short(p->opts, arg[1]);
    }
    if (!o)
        return fail(p, "unknown option '%s'", arg);
    if (o->type == OPT_FLAG) {
        if (eq)
            return fail(p, "option '%s' takes no value", arg);
        *(bool *)o->target = true;
        return PARSE_OK;
    }
    if (eq)
        return take(p, o, eq + 1);
    if (*i + 1 >= argc) {
        fprintf(p->err, "%s %s: option '--%s' needs a value (%s)\n", p->u->prog, p->u->name, o->long_name, o->argh);
        print_usage(p->u, p->opts, p->err);
        return PARSE_ERROR;
    }
    return take(p, o, argv[++*i]);
}

static bool is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

enum parse_result parse_options_to(const struct command_usage *u, const struct option *opts, int argc, char **argv,
                                   int *n_args, FILE *out, FILE *err)
{
    const struct parser p = {u, opts, out, err};
    int kept = 0;
    bool flags_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool flag = !flags_done && arg[0] == '-' && arg[1] != '\0';
        if (flag && !strcmp(arg, "--")) {
            flags_done = true;
            continue;
        }
        if (flag && is_help(arg)) {
            print_usage(u, opts, out);
            return PARSE_HELP;
        }
        if (!flag) {
            if (!n_args)
                return fail(&p, "unexpected argument '%s'", arg);
            argv[kept++] = argv[i]; /* never past i: nothing unread is overwritten */
            continue;
        }
        enum parse_result r = one_flag(&p, argc, argv, &i);
        if (r != PARSE_OK)
            return r;
    }
    if (n_args)
        *n_args = kept;
    return PARSE_OK;
}

enum parse_result parse_options(const struct command_usage *u, const struct option *opts, int argc, char **argv,
                                int *n_args)
{
    return parse_options_to(u, opts, argc, argv, n_args, stdout, stderr);
}
