/* Legacy PowerShell reader: parameters, spellings, positions, ignored lines, errors. */
#include <string.h>

#include "check.h"
#include "ecsb/userdata/psreader.h"

static enum ecsb_status parse(const char *text, struct ecsb_settings *s, struct ecsb_error *err)
{
    ecsb_settings_init(s, "ud.ps1");
    ecsb_error_clear(err);
    return ecsb_psreader_parse(text, strlen(text), "ud.ps1", s, err);
}

static const char *val(const struct ecsb_settings *s, const char *section, const char *key)
{
    const struct ecsb_setting *it = ecsb_settings_find(s, section, key);
    return it ? it->value : NULL;
}

static int count_warnings_containing(const struct ecsb_settings *s, const char *needle)
{
    int n = 0;
    for (size_t i = 0; i < s->n_warnings; i++)
        n += strstr(s->warnings[i], needle) != NULL;
    return n;
}

TEST(basic_parameters_with_positions)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("Import-Module ECSTools\n"
                       "Initialize-ECSAgent -Cluster 'prod' -EnableTaskIAMRole -LoggingDrivers '[\"json-file\"]'\n",
                       &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 3);
    const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
    CHECK(c != NULL);
    if (c) {
        CHECK_STR_EQ(c->value, "prod");
        CHECK_INT_EQ(c->line, 2);
        CHECK_INT_EQ(c->column, 31); /* first character inside the quotes */
    }
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
    CHECK_STR_EQ(val(&s, "agent", "logging_drivers"), "[\"json-file\"]");
    CHECK_INT_EQ(s.n_ignored, 1); /* Import-Module ECSTools, with its reason */
    CHECK_CONTAINS(s.ignored[0].reason, "ECSTools");
    CHECK_INT_EQ(s.n_warnings, 0);
    ecsb_settings_free(&s);
}

TEST(every_parameter_maps_to_its_key)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("Initialize-ECSAgent -Cluster c -EnableTaskIAMRole -EnableTaskENI -AwsvpcBlockIMDS "
                       "-AwsvpcAdditionalLocalRoutes '[\"10.0.0.0/16\"]' -Version 1.2.3 -ExternalInstance "
                       "-AWSDefaultRegion eu-west-1 -LoggingDrivers '[]'",
                       &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "c");
    CHECK_STR_EQ(val(&s, "cluster", "region"), "eu-west-1");
    CHECK_STR_EQ(val(&s, "agent", "version"), "1.2.3");
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
    CHECK_STR_EQ(val(&s, "agent", "awsvpc_block_imds"), "true");
    CHECK_STR_EQ(val(&s, "agent", "external"), "true");
    CHECK_STR_EQ(val(&s, "agent", "awsvpc_additional_local_routes"), "[\"10.0.0.0/16\"]");
    CHECK_STR_EQ(val(&s, "agent", "logging_drivers"), "[]");
    CHECK_INT_EQ(s.count, 9);
    ecsb_settings_free(&s);
}

TEST(dashes_case_switch_values_and_continuations)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("initialize-ecsagent \xE2\x80\x93" "cluster \"a\" `\n"
                       "  \xE2\x80\x94" "ENABLETASKIAMROLE:$TRUE `\n"
                       "  -EnableTaskENI:$false -AwsvpcBlockIMDS $True -ExternalInstance: $FALSE\n",
                       &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "a");
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "false");
    CHECK_STR_EQ(val(&s, "agent", "awsvpc_block_imds"), "true");
    CHECK_STR_EQ(val(&s, "agent", "external"), "false");
    const struct ecsb_setting *c = ecsb_settings_find(&s, "agent", "task_eni");
    CHECK(c && c->line == 3);
    c = ecsb_settings_find(&s, "cluster", "name");
    CHECK(c && c->line == 1 && c->column == 31); /* the en dash counts as one column */
    CHECK_INT_EQ(s.n_ignored, 0);
    ecsb_settings_free(&s);
}

TEST(double_quote_escapes_and_single_quote_doubling)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("[Environment]::SetEnvironmentVariable(\"A\", \"x`\"y\"\"z`$\", \"Machine\")\n"
                       "[Environment]::SetEnvironmentVariable('B', 'it''s', 'Machine')\n",
                       &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "environment", "A"), "x\"y\"z$");
    CHECK_STR_EQ(val(&s, "environment", "B"), "it's");
    ecsb_settings_free(&s);
}

TEST(set_environment_variable_scopes)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("[Environment]::SetEnvironmentVariable(\"ECS_X\", $TRUE, \"Machine\")\n"
                       "[System.Environment]::SetEnvironmentVariable(\"ECS_Y\", \"2m\", "
                       "[System.EnvironmentVariableTarget]::Machine)\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_U\", \"1\", \"User\")\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_P\", \"1\")\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_N\", $null, \"Machine\")\n"
                       "$env:ECS_E = \"v\"\n",
                       &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 2);
    CHECK_STR_EQ(val(&s, "environment", "ECS_X"), "true");
    CHECK_STR_EQ(val(&s, "environment", "ECS_Y"), "2m");
    const struct ecsb_setting *y = ecsb_settings_find(&s, "environment", "ECS_Y");
    CHECK(y && y->line == 2 && y->column == 56);
    CHECK_INT_EQ(s.n_ignored, 4);
    if (s.n_ignored == 4) {
        CHECK_INT_EQ(s.ignored[0].line, 3);
        CHECK_CONTAINS(s.ignored[0].reason, "Machine");
        CHECK_INT_EQ(s.ignored[1].line, 4);
        CHECK_CONTAINS(s.ignored[2].reason, "removes");
        CHECK_INT_EQ(s.ignored[3].line, 6);
        CHECK_STR_EQ(s.ignored[3].text, "$env:ECS_E = \"v\"");
        CHECK_CONTAINS(s.ignored[3].reason, "process-scope");
    }
    ecsb_settings_free(&s);
}

TEST(unrelated_lines_are_listed_comments_are_not)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("<powershell>\n# a comment\n<# block\n comment #>\n\nWrite-Host 'hi'; Get-Date\n"
                       "$x = @\"\nhere \"string\"\n\"@\nif ($a) {\n  Restart-Service docker\n}\n</powershell>\n"
                       "<persist>true</persist>\n",
                       &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 0);
    CHECK_INT_EQ(s.n_ignored, 6);
    if (s.n_ignored == 6) {
        CHECK_STR_EQ(s.ignored[0].text, "Write-Host 'hi'");
        CHECK_INT_EQ(s.ignored[0].line, 6);
        CHECK_CONTAINS(s.ignored[0].reason, "not an ECS setting");
        CHECK_STR_EQ(s.ignored[1].text, "Get-Date");
        CHECK_INT_EQ(s.ignored[2].line, 7); /* the here-string assignment */
        CHECK_STR_EQ(s.ignored[3].text, "if ($a)");
        CHECK_STR_EQ(s.ignored[4].text, "Restart-Service docker");
        CHECK_STR_EQ(s.ignored[5].text, "<persist>true</persist>");
        CHECK_INT_EQ(s.ignored[5].line, 14);
    }
    ecsb_settings_free(&s);
}

TEST(tags_on_the_same_line_and_variables)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("<powershell>$c = 'from-var'\nInitialize-ECSAgent -Cluster $c</powershell>", &s, &err),
                 ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "from-var");
    CHECK_INT_EQ(s.n_ignored, 1);
    ecsb_settings_free(&s);
}

TEST(unknown_parameters_and_positionals_warn)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("Initialize-ECSAgent -Cluster a -Verbose -Frobnicate 3 stray -Cluster b", &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "b");
    CHECK_INT_EQ(count_warnings_containing(&s, "-Frobnicate is not known"), 1);
    CHECK_INT_EQ(count_warnings_containing(&s, "-Verbose is not known"), 1);
    CHECK_INT_EQ(count_warnings_containing(&s, "'stray' is not a named parameter"), 1);
    CHECK_INT_EQ(count_warnings_containing(&s, "more than once"), 1);
    CHECK_INT_EQ(count_warnings_containing(&s, "ud.ps1:1:32:"), 1); /* -Frobnicate's position */
    ecsb_settings_free(&s);
}

TEST(errors_name_the_place_and_the_fix)
{
    static const struct { const char *text, *where, *what; } cases[] = {
        {"Write-Host 'ok'\nInitialize-ECSAgent -Cluster 'prod\n", "ud.ps1:2:30:", "unterminated single-quoted"},
        {"x\n  \"abc", "ud.ps1:2:3:", "unterminated double-quoted"},
        {"<# never closed", "ud.ps1:1:1:", "block comment"},
        {"$a = @'\nno end", "ud.ps1:1:6:", "here-string"},
        {"Initialize-ECSAgent -AwsvpcAdditionalLocalRoutes '[1]'", "ud.ps1:1:50:", "array of strings"},
        /* The agent refuses to start on bad local routes: no leniency there. */
        {"Initialize-ECSAgent -AwsvpcAdditionalLocalRoutes '[10.0.0.0/16]'", "ud.ps1:1:50:", "not valid JSON"},
        {"Initialize-ECSAgent -Cluster", "ud.ps1:1:21:", "needs a value"},
        {"Initialize-ECSAgent -Cluster $undefined", "ud.ps1:1:30:", "$undefined"},
        {"Initialize-ECSAgent -EnableTaskIAMRole:maybe", "ud.ps1:1:21:", "switch"},
        {"[Environment]::SetEnvironmentVariable(\"A\", \"b\", \"Machine\"", "ud.ps1:1:1:", "not closed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ecsb_settings s;
        struct ecsb_error err;
        CHECK_INT_EQ(parse(cases[i].text, &s, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, cases[i].where);
        CHECK_CONTAINS(err.message, cases[i].what);
        CHECK_CONTAINS(err.message, "; "); /* what; how to fix */
        CHECK_INT_EQ(s.count + s.n_ignored + s.n_warnings, 0); /* nothing half-written */
        ecsb_settings_free(&s);
    }
}

TEST(inside_a_block_warns)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("if ($true) { Initialize-ECSAgent -Cluster x }", &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "x");
    CHECK_INT_EQ(count_warnings_containing(&s, "unconditionally"), 1);
    ecsb_settings_free(&s);
}

/* Found by fuzzing: a backtick before a lone CR made a token without progress. */
TEST(stray_bytes_always_make_progress)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    static const char text[] = "`\rx\n`\nWrite-Host a\0b\n`";
    ecsb_settings_init(&s, "ud.ps1");
    CHECK_INT_EQ(ecsb_psreader_parse(text, sizeof text - 1, "ud.ps1", &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 0);
    CHECK(s.n_ignored >= 2);
    ecsb_settings_free(&s);
}

/* Errors and warnings quoting the script escape what a terminal would act on. */
TEST(messages_escape_control_and_non_utf8_bytes)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("Initialize-ECSAgent -EnableTaskENI:\"\x1b[2J\xFF\"\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "not '\\x1B[2J\\xFF'");
    CHECK(strchr(err.message, 0xFF) == NULL); /* strchr compares as char */
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("Initialize-ECSAgent -EnableTaskENI:\"on`noff\x1b\"\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "not 'on\\noff\\x1B'");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("Initialize-ECSAgent -Cluster c \"\xE2\x80\xAEpositional\"\n", &s, &err), ECSB_OK);
    CHECK_INT_EQ(count_warnings_containing(&s, "argument '\\u{202E}positional'"), 1);
    ecsb_settings_free(&s);
    /* Listed lines too: a statement continued over two lines, a terminal escape in it. */
    CHECK_INT_EQ(parse("Write-Host `\n  '\x1b]0;owned\x07'\n", &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.n_ignored, 1);
    if (s.n_ignored)
        CHECK_STR_EQ(s.ignored[0].text, "Write-Host `\\n  '\\x1B]0;owned\\x07'");
    ecsb_settings_free(&s);
}

/* Inside double quotes PowerShell expands variables: $TRUE is True, a variable
 * assigned a literal earlier is its value; what only the running script knows is an
 * error naming it. Backtick-escaped '$' and single quotes keep '$' as written. */
TEST(double_quoted_variables_expand_as_powershell_does)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("[Environment]::SetEnvironmentVariable(\"ECS_ENABLE_CONTAINER_METADATA\", \"$TRUE\", \"Machine\")\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_DISABLE_PRIVILEGED\", \"$false\", \"Machine\")\n"
                       "$clusterName = 'prod'\n$env = \"dev\"\n$script:suffix = \"$env-1\"\n"
                       "Initialize-ECSAgent -Cluster \"$clusterName-${env}_$suffix\"\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_LOGLEVEL\", \"`$TRUE $ 5 $\", \"Machine\")\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_A\", '$TRUE', \"Machine\")\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_$($clusterName)\", \"x\", 'Process')\n",
                       &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "environment", "ECS_ENABLE_CONTAINER_METADATA"), "True");
    CHECK_STR_EQ(val(&s, "environment", "ECS_DISABLE_PRIVILEGED"), "False");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "prod-dev_dev-1");
    CHECK_STR_EQ(val(&s, "environment", "ECS_LOGLEVEL"), "$TRUE $ 5 $");
    CHECK_STR_EQ(val(&s, "environment", "ECS_A"), "$TRUE");
    CHECK_INT_EQ(count_warnings_containing(&s, "'$'"), 0);
    ecsb_settings_free(&s);
    static const struct { const char *ps, *want; } bad[] = {
        {"Initialize-ECSAgent -Cluster \"$env:COMPUTERNAME\"\n", "ud.ps1:1:30: the double-quoted string uses "
                                                                  "$env:COMPUTERNAME, which is only known when the script runs"},
        {"Initialize-ECSAgent -Cluster \"c-$(Get-Date)\"\n", "uses a subexpression $(...)"},
        {"Initialize-ECSAgent -Cluster \"$nobody\"\n", "uses $nobody, which is not assigned a literal value"},
        {"[Environment]::SetEnvironmentVariable('ECS_ENGINE_AUTH_DATA', \"{`\"p`\":`\"s3cr$t`\"}\", 'Machine')\n",
         "uses $t, which is not assigned"},
        {"$a = \"x-$(hostname)\"\nInitialize-ECSAgent -Cluster $a\n", "ud.ps1:2:30: $a is not assigned a literal"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(parse(bad[i].ps, &s, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, bad[i].want);
        CHECK(strstr(err.message, "s3cr") == NULL); /* the string itself is never quoted */
        ecsb_settings_free(&s);
    }
}

/* Typographic quotes copied from documents are quotes to PowerShell, and to us. */
TEST(curly_quotes_are_quotes)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("Add-MpPreference -ExclusionPath \xE2\x80\x9C" "C:\\ProgramData\\docker\"\n"
                       "Initialize-ECSAgent -Cluster \xE2\x80\x98prod\xE2\x80\x99 -LoggingDrivers "
                       "\xE2\x80\x9A[\"json-file\"]\xE2\x80\x9B\n"
                       "[Environment]::SetEnvironmentVariable(\xE2\x80\x9E" "ECS_X\xE2\x80\x9D, \xE2\x80\x9C$TRUE\xE2\x80\x9D, "
                       "'Machine')\n"
                       "[Environment]::SetEnvironmentVariable('ECS_Y', \xE2\x80\x98it\xE2\x80\x99\xE2\x80\x99s\xE2\x80\x99, "
                       "'Machine')\n",
                       &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "prod");
    const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
    CHECK_INT_EQ(c ? c->line : 0, 2);
    CHECK_STR_EQ(val(&s, "agent", "logging_drivers"), "[\"json-file\"]");
    CHECK_STR_EQ(val(&s, "environment", "ECS_X"), "True");
    CHECK_STR_EQ(val(&s, "environment", "ECS_Y"), "it\xE2\x80\x99s");
    CHECK_INT_EQ(s.n_ignored, 1); /* Add-MpPreference, read as one statement */
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("Initialize-ECSAgent -Cluster \xE2\x80\x9Cprod\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "ud.ps1:1:30: unterminated double-quoted string");
    ecsb_settings_free(&s);
}

/* -LoggingDrivers went verbatim into ECS_AVAILABLE_LOGGING_DRIVERS, and the agent
 * starts on a bad value: a bracketed list of bare names goes on to the key (the
 * config writes the JSON it means), anything else to the variable itself. */
TEST(logging_drivers_the_agent_tolerates_are_not_refused)
{
    static const struct { const char *text, *section, *key, *value; } cases[] = {
        {"Initialize-ECSAgent -Cluster a -LoggingDrivers '[json-file, awslogs]'", "agent", "logging_drivers",
         "[json-file, awslogs]"},
        {"Initialize-ECSAgent -Cluster a -LoggingDrivers \"[awslogs]\"", "agent", "logging_drivers", "[awslogs]"},
        {"Initialize-ECSAgent -Cluster a -LoggingDrivers '[\"json-file\",]'", "environment",
         "ECS_AVAILABLE_LOGGING_DRIVERS", "[\"json-file\",]"},
        {"Initialize-ECSAgent -Cluster a -LoggingDrivers '{\"a\":1}'", "environment", "ECS_AVAILABLE_LOGGING_DRIVERS",
         "{\"a\":1}"},
        {"Initialize-ECSAgent -Cluster a -LoggingDrivers '[\"json-file\",\"awslogs\"]'", "agent", "logging_drivers",
         "[\"json-file\",\"awslogs\"]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ecsb_settings s;
        struct ecsb_error err;
        CHECK_INT_EQ(parse(cases[i].text, &s, &err), ECSB_OK);
        CHECK_STR_EQ(val(&s, cases[i].section, cases[i].key), cases[i].value);
        CHECK_INT_EQ(s.count, 2);
        CHECK_STR_EQ(val(&s, "cluster", "name"), "a");
        ecsb_settings_free(&s);
    }
}

/* @"..."@ expands like "..." (backticks, variables); @'...'@ keeps its text. */
TEST(here_strings_expand_like_their_quotes)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("$c = 'prod'\n"
                       "$m = @\"\n$c-`$x \"q\"\n\"@\n"
                       "$l = @'\n$c-x\n'@\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_A\", $m, [System.EnvironmentVariableTarget]::Machine)\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_B\", $l, 'Machine')\n"
                       "[Environment]::SetEnvironmentVariable(\"ECS_ENABLE_CONTAINER_METADATA\", @\"\n$TRUE\n\"@, "
                       "[EnvironmentVariableTarget]::Machine)\n",
                       &s, &err),
                 ECSB_OK);
    CHECK_STR_EQ(val(&s, "environment", "ECS_A"), "prod-$x \"q\"");
    CHECK_STR_EQ(val(&s, "environment", "ECS_B"), "$c-x");
    CHECK_STR_EQ(val(&s, "environment", "ECS_ENABLE_CONTAINER_METADATA"), "True");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("$m = @\"\n$env:COMPUTERNAME\n\"@\nInitialize-ECSAgent -Cluster $m\n", &s, &err),
                 ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "ud.ps1:4:30: $m is not assigned a literal value"); /* only the script knows it */
    ecsb_settings_free(&s);
}

int main(void)
{
    RUN(stray_bytes_always_make_progress);
    RUN(basic_parameters_with_positions);
    RUN(every_parameter_maps_to_its_key);
    RUN(dashes_case_switch_values_and_continuations);
    RUN(double_quote_escapes_and_single_quote_doubling);
    RUN(set_environment_variable_scopes);
    RUN(unrelated_lines_are_listed_comments_are_not);
    RUN(tags_on_the_same_line_and_variables);
    RUN(unknown_parameters_and_positionals_warn);
    RUN(errors_name_the_place_and_the_fix);
    RUN(inside_a_block_warns);
        RUN(messages_escape_control_and_non_utf8_bytes);
        RUN(double_quoted_variables_expand_as_powershell_does);
    RUN(curly_quotes_are_quotes);
    RUN(logging_drivers_the_agent_tolerates_are_not_refused);
    RUN(here_strings_expand_like_their_quotes);
    return check_summary();
}
