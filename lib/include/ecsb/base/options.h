/* options.h: the one flag parser every subcommand of every program uses (git's
 * parse-options is the model; shared by ecs-bootstrap and ecs-ami-metadata). A command describes its flags in a table; the parser handles `--flag
 * VALUE`, `--flag=VALUE`, -h/--help, unknown flags and missing values the same way
 * everywhere, and prints usage generated from the same table. */
#ifndef ECSB_BASE_OPTIONS_H
#define ECSB_BASE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "ecsb/base/error.h"

enum opt_type {
    OPT_END = 0,
    OPT_FLAG,     /* no value; sets *(bool *)target */
    OPT_STRING,   /* one value; *(const char **)target = the argv string */
    OPT_CALLBACK, /* one value handed to cb (repeatable flags such as --set) */
};

struct option {
    const char *long_name; /* without the dashes: "config" */
    char short_name;       /* 0 for none */
    enum opt_type type;
    void *target;          /* bool *, const char **, or the callback's context */
    const char *argh;      /* the value's name in usage: "FILE" */
    const char *help;
    const char *def;       /* shown as "(default ...)" when not NULL */
    /* OPT_CALLBACK: ECSB_OK, or an error whose message the parser prints. */
    enum ecsb_status (*cb)(void *target, const char *value, struct ecsb_error *err);
};

#define OPT_FLAG_(l, s, t, h) {(l), (s), OPT_FLAG, (t), NULL, (h), NULL, NULL}
#define OPT_STRING_(l, t, a, h, d) {(l), 0, OPT_STRING, (t), (a), (h), (d), NULL}
#define OPT_CALLBACK_(l, t, a, h, fn) {(l), 0, OPT_CALLBACK, (t), (a), (h), NULL, (fn)}
#define OPT_END_() {NULL, 0, OPT_END, NULL, NULL, NULL, NULL, NULL}

/* What a command says about itself in its usage text. */
struct command_usage {
    const char *prog;     /* "ecs-bootstrap": the program, first word of usage and messages */
    const char *name;     /* "run": messages read "ecs-bootstrap run: ..." */
    const char *synopsis; /* "[options]" */
    const char *about;    /* lines after the synopsis, each ending in '\n' */
    const char *footer;   /* lines after the options, or NULL */
};

enum parse_result {
    PARSE_OK,   /* go on; positional arguments are left in argv[0..*n_args) */
    PARSE_HELP, /* usage went to stdout: exit 0 */
    PARSE_ERROR /* a message and the usage went to stderr: exit 2 */
};

/* Parses argv[1..argc) (argv[0] is the command). Arguments that are not flags
 * ("-" included, "--" ends the flags) are moved to the front of argv and counted
 * in *n_args; a command that takes none passes n_args = NULL and gets an error. */
enum parse_result parse_options(const struct command_usage *u, const struct option *opts, int argc, char **argv,
                                int *n_args);
/* The same, with usage for --help on out and messages on err (tests). */
enum parse_result parse_options_to(const struct command_usage *u, const struct option *opts, int argc, char **argv,
                                   int *n_args, FILE *out, FILE *err);

/* The usage text: synopsis, about, one line per option, footer. */
void print_usage(const struct command_usage *u, const struct option *opts, FILE *out);

#endif
