/* Unit tests for the one flag parser (lib/base/options.c) and bootstrap's flag
 * tables the commands share (LOAD_OPTIONS, HOST_OPTIONS). */
#include "check.h"

#include <stdbool.h>

#include "load.h"
#include "ecsb/base/options.h"

static const struct command_usage usage = {"ecs-bootstrap", "demo", "[options] FILE", "  A command for the tests.\n", "footer\n"};

static enum ecsb_status upper_only(void *target, const char *value, struct ecsb_error *err)
{
    if (value[0] < 'A' || value[0] > 'Z')
        return ecsb_error_set(err, ECSB_ERR_INVALID, "'%s' must start with a capital", value);
    *(const char **)target = value;
    return ECSB_OK;
}

struct targets {
    const char *name, *word;
    bool verbose;
};

/* Parses argv (NULL-terminated list) with a small table; err text in errbuf. */
static enum parse_result parse(struct targets *t, char **argv, int *n_args, char *errbuf, size_t cap)
{
    const struct option opts[] = {
        OPT_STRING_("name", &t->name, "NAME", "a name", "nobody"),
        OPT_FLAG_("verbose", 'v', &t->verbose, "say more"),
        OPT_CALLBACK_("word", &t->word, "WORD", "a capitalised word", upper_only),
        OPT_END_(),
    };
    int argc = 0;
    while (argv[argc])
        argc++;
    FILE *out = tmpfile(), *err = tmpfile();
    enum parse_result r = parse_options_to(&usage, opts, argc, argv, n_args, out, err);
    rewind(err);
    size_t n = fread(errbuf, 1, cap - 1, err);
    errbuf[n] = '\0';
    fclose(out);
    fclose(err);
    return r;
}

TEST(values_flags_and_positionals)
{
    struct targets t = {0};
    char e[2048];
    int n = -1;
    char *argv[] = {"demo", "--name", "ann", "-v", "a.txt", "--word=Hello", "-", NULL};
    CHECK_INT_EQ(parse(&t, argv, &n, e, sizeof e), PARSE_OK);
    CHECK_STR_EQ(t.name, "ann");
    CHECK(t.verbose);
    CHECK_STR_EQ(t.word, "Hello");
    CHECK_INT_EQ(n, 2);
    CHECK_STR_EQ(argv[0], "a.txt");
    CHECK_STR_EQ(argv[1], "-"); /* stdin is an argument, not a flag */
    CHECK_STR_EQ(e, "");
}

TEST(name_equals_value_and_double_dash)
{
    struct targets t = {0};
    char e[2048];
    int n = -1;
    char *argv[] = {"demo", "--name=a=b", "--", "--verbose", NULL};
    CHECK_INT_EQ(parse(&t, argv, &n, e, sizeof e), PARSE_OK);
    CHECK_STR_EQ(t.name, "a=b");
    CHECK(!t.verbose);
    CHECK_INT_EQ(n, 1);
    CHECK_STR_EQ(argv[0], "--verbose");
}

TEST(missing_value_has_one_message)
{
    struct targets t = {0};
    char e[2048];
    int n = 0;
    char *argv[] = {"demo", "--name", NULL};
    CHECK_INT_EQ(parse(&t, argv, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "ecs-bootstrap demo: option '--name' needs a value (NAME)\n");
    CHECK_CONTAINS(e, "usage: ecs-bootstrap demo [options] FILE");
    char *argv2[] = {"demo", "-v", "--word", NULL};
    CHECK_INT_EQ(parse(&t, argv2, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "option '--word' needs a value (WORD)");
}

TEST(unknown_options_and_bad_values)
{
    struct targets t = {0};
    char e[2048];
    int n = 0;
    char *a1[] = {"demo", "--nmae", "x", NULL};
    CHECK_INT_EQ(parse(&t, a1, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "ecs-bootstrap demo: unknown option '--nmae'");
    char *a2[] = {"demo", "-x", NULL};
    CHECK_INT_EQ(parse(&t, a2, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "unknown option '-x'");
    char *a3[] = {"demo", "--verbose=yes", NULL};
    CHECK_INT_EQ(parse(&t, a3, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "option '--verbose=yes' takes no value");
    char *a4[] = {"demo", "--word", "lower", NULL};
    CHECK_INT_EQ(parse(&t, a4, &n, e, sizeof e), PARSE_ERROR);
    CHECK_CONTAINS(e, "option '--word lower': 'lower' must start with a capital");
    CHECK(t.word == NULL);
    char *a5[] = {"demo", "stray", NULL};
    CHECK_INT_EQ(parse(&t, a5, NULL, e, sizeof e), PARSE_ERROR); /* takes no arguments */
    CHECK_CONTAINS(e, "unexpected argument 'stray'");
}

TEST(help_stops_and_usage_comes_from_the_table)
{
    struct targets t = {0};
    char e[2048];
    char *argv[] = {"demo", "-h", "--bogus", NULL};
    CHECK_INT_EQ(parse(&t, argv, NULL, e, sizeof e), PARSE_HELP);
    const struct option opts[] = {
        OPT_STRING_("name", &t.name, "NAME", "a name", "nobody"),
        OPT_FLAG_("verbose", 'v', &t.verbose, "say more"),
        OPT_END_(),
    };
    FILE *f = tmpfile();
    print_usage(&usage, opts, f);
    rewind(f);
    char text[2048];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    CHECK_CONTAINS(text, "usage: ecs-bootstrap demo [options] FILE\n  A command for the tests.\n");
    CHECK_CONTAINS(text, "  --name NAME                a name (default nobody)\n");
    CHECK_CONTAINS(text, "  -v, --verbose              say more\n");
    CHECK_CONTAINS(text, "  -h, --help                 show this help\n\nfooter\n");
}

/* plan and run share LOAD_OPTIONS: --set lands in the command-line layer. */
TEST(load_options_fill_the_shared_struct)
{
    struct load_options o;
    load_options_init(&o);
    const struct option opts[] = {LOAD_OPTIONS(&o), OPT_END_()};
    char *argv[] = {"plan", "--userdata", "-", "--config=c.ini", "--set", "cluster.name=x", "--build", "20348",
                    "--installation-type", "Server Core"};
    FILE *out = tmpfile(), *err = tmpfile();
    CHECK_INT_EQ(parse_options_to(&usage, opts, 10, argv, NULL, out, err), PARSE_OK);
    CHECK_STR_EQ(o.userdata_file, "-");
    CHECK_STR_EQ(o.config_file, "c.ini");
    CHECK_STR_EQ(o.host.build_arg, "20348");
    CHECK_STR_EQ(o.host.itype_arg, "Server Core");
    CHECK(ecsb_settings_find(&o.cli, "cluster", "name") != NULL);
    char *bad[] = {"plan", "--set", "nodot"};
    CHECK_INT_EQ(parse_options_to(&usage, opts, 3, bad, NULL, out, err), PARSE_ERROR);
    fclose(out);
    fclose(err);
    load_options_free(&o);
}

TEST(messages_and_usage_name_the_program_of_the_table)
{
    static const struct command_usage other = {"ecs-ami-metadata", "get", "[VARIANT...]", NULL, NULL};
    const struct option opts[] = {OPT_END_()};
    char *argv[] = {"get", "--nope", NULL};
    FILE *out = tmpfile(), *err = tmpfile();
    CHECK_INT_EQ(parse_options_to(&other, opts, 2, argv, NULL, out, err), PARSE_ERROR);
    char e[1024];
    rewind(err);
    e[fread(e, 1, sizeof e - 1, err)] = '\0';
    CHECK(strncmp(e, "ecs-ami-metadata get: unknown option '--nope'", 45) == 0);
    CHECK_CONTAINS(e, "usage: ecs-ami-metadata get [VARIANT...]");
    CHECK(strstr(e, "ecs-bootstrap") == NULL);
    fclose(out);
    fclose(err);
}

int main(void)
{
    RUN(messages_and_usage_name_the_program_of_the_table);
    RUN(values_flags_and_positionals);
    RUN(name_equals_value_and_double_dash);
    RUN(missing_value_has_one_message);
    RUN(unknown_options_and_bad_values);
    RUN(help_stops_and_usage_comes_from_the_table);
    RUN(load_options_fill_the_shared_struct);
    return check_summary();
}
