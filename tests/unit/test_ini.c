/* Behaviour of the INI layer on both platforms: ecsb_ini_parse_string (inih on
 * POSIX, our reader on Windows) and our reader directly, against hand-written
 * expectations of the dialect; ecsb_ini_locate; ecsb_settings_from_ini. */
#include "check.h"

#include "ecsb/base/buf.h"
#include "ecsb/config/ini.h"
#include "ecsb/config/settings.h"

typedef int (*parse_fn)(const char *, ecsb_ini_handler, void *);

/* Calls as "section|name|value" lines; the name "stop" is refused. */
static int record(void *user, const char *section, const char *name, const char *value)
{
    ecsb_buf_printf(user, "%s|%s|%s\n", section, name, value ? value : "(null)");
    return strcmp(name, "stop") != 0;
}

static void expect(parse_fn parse, const char *text, int want_rc, const char *want_calls)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    int rc = parse(text, record, &b);
    CHECK_INT_EQ(rc, want_rc);
    CHECK_STR_EQ(ecsb_buf_cstr(&b), want_calls);
    ecsb_buf_free(&b);
}

static char *repeat(char c, int n, const char *prefix, const char *suffix)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_puts(&b, prefix);
    for (int i = 0; i < n; i++)
        ecsb_buf_putc(&b, c);
    ecsb_buf_puts(&b, suffix);
    return ecsb_buf_detach(&b);
}

static void dialect(parse_fn parse)
{
    expect(parse, "", 0, "");
    expect(parse, "[cluster]\nname = prod\n[agent]\nA:b=c\n", 0, "cluster|name|prod\nagent|A|b=c\n");
    expect(parse, "top=1\n[ s ]x\nk=\n", 0, "|top|1\n s |k|\n");
    expect(parse, "\xef\xbb\xbf[s]\r\na = 1 \r\n", 0, "s|a|1\n");
    expect(parse, "a=1\n\xef\xbb\xbf" "b=2\n", 0, "|a|1\n|\xef\xbb\xbf" "b|2\n");
    /* ';' after whitespace starts a comment, '#' only at the start of a line */
    expect(parse, "; c\n# c\na=b ;c\nb=x;y\nc=d #e\n[t] ;c\nd=\t;x\n", 0, "|a|b\n|b|x;y\n|c|d #e\nt|d|\n");
    /* continuation: indented line after a pair, also after blank/comment lines,
     * keeping a ';' comment; a section ends it */
    expect(parse, "a=1\n  two ;x\n\n; c\n\tthree\n[s]\n  four=4\n", 0,
           "|a|1\n|a|two ;x\n|a|three\ns|four|4\n");
    /* errors: first bad line is returned, parsing goes on */
    expect(parse, "a=1\nnovalue\n[broken\nb=2\n", 2, "|a|1\n|b|2\n");
    expect(parse, "[x ;y]\nk=v\n", 1, "|k|v\n");
    expect(parse, "ok=1\nstop=2\nafter=3\nstop=4\n", 2, "|ok|1\n|stop|2\n|after|3\n|stop|4\n");
    /* names and sections cut to 49 bytes where inih keeps them in fixed buffers */
    char *sec = repeat('s', 60, "[", "]\nk=v\n");
    char *want = repeat('s', 49, "", "|k|v\n");
    expect(parse, sec, 0, want);
    free(sec);
    free(want);
    /* a line longer than 199 bytes is read as several lines */
    char *longline = repeat('x', 198, "k=", "\nn=1\n");
    char *cut = repeat('x', 197, "|k|", "\n|n|1\n");
    expect(parse, longline, 2, cut);
    free(longline);
    free(cut);
}

TEST(backend_follows_the_dialect) { dialect(ecsb_ini_parse_string); }
TEST(own_reader_follows_the_dialect) { dialect(ecsb_ini_reader_parse_string); }

TEST(locate_finds_last_definition)
{
    const char *text = "[cluster]\nname = a\n[Agent]\n  LogLevel =  debug\n[CLUSTER]\nname=b\n";
    int line = 0, col = 0;
    CHECK_INT_EQ(ecsb_ini_locate(text, "cluster", "name", &line, &col), 0);
    CHECK_INT_EQ(line, 6);
    CHECK_INT_EQ(col, 6);
    CHECK_INT_EQ(ecsb_ini_locate(text, "agent", "LOGLEVEL", &line, &col), 0);
    CHECK_INT_EQ(line, 4);
    CHECK_INT_EQ(col, 15);
    CHECK_INT_EQ(ecsb_ini_locate(text, "agent", "name", &line, &col), -1);
    CHECK_INT_EQ(ecsb_ini_locate(text, "", "name", &line, &col), -1);
}

TEST(locate_counts_physical_lines_and_characters)
{
    int line = 0, col = 0;
    CHECK_INT_EQ(ecsb_ini_locate("\xef\xbb\xbf" "a=1\r\n", "", "a", &line, &col), 0);
    CHECK_INT_EQ(line, 1);
    CHECK_INT_EQ(col, 3);
    CHECK_INT_EQ(ecsb_ini_locate("[s]\r\n\xc3\xa9t\xc3\xa9 = v\r\n", "s", "\xc3\xa9t\xc3\xa9", &line, &col), 0);
    CHECK_INT_EQ(line, 2);
    CHECK_INT_EQ(col, 7);
    /* a 199-byte line is two lines to inih, one to the reader of the message */
    char *text = repeat('x', 197, "k=", "\nafter = 2\n");
    CHECK_INT_EQ(ecsb_ini_locate(text, "", "after", &line, &col), 0);
    CHECK_INT_EQ(line, 2);
    CHECK_INT_EQ(col, 9);
    free(text);
    /* empty value: the column where it would start */
    CHECK_INT_EQ(ecsb_ini_locate("k =\n", "", "k", &line, &col), 0);
    CHECK_INT_EQ(col, 4);
}

TEST(settings_carry_values_and_positions)
{
    struct ecsb_settings s;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "user data");
    const char *text = "early = 1\n[cluster]\nname = prod ; the cluster\n"
                       "[images]\npreload = a\n   b\n\n  c\n[cluster]\nNAME: other\n";
    CHECK_INT_EQ(ecsb_settings_from_ini(text, &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 4);
    if (s.count == 4) {
        CHECK_STR_EQ(s.items[0].section, "");
        CHECK_STR_EQ(s.items[0].key, "early");
        CHECK_STR_EQ(s.items[1].value, "prod");
        CHECK_INT_EQ(s.items[1].line, 3);
        CHECK_INT_EQ(s.items[1].column, 8);
        CHECK_STR_EQ(s.items[2].value, "a\nb\nc");
        CHECK_INT_EQ(s.items[2].line, 5);
        CHECK_INT_EQ(s.items[2].column, 11);
        CHECK_INT_EQ(s.items[3].line, 10);
        CHECK_INT_EQ(s.items[3].column, 7);
    }
    const struct ecsb_setting *it = ecsb_settings_find(&s, "Cluster", "name");
    CHECK_STR_EQ(it ? it->value : NULL, "other");
    ecsb_settings_free(&s);
}

static enum ecsb_status from_ini(const char *text, struct ecsb_error *err, size_t *count)
{
    struct ecsb_settings s;
    ecsb_settings_init(&s, "/etc/ecs-bootstrap.ini");
    ecsb_settings_add(&s, "keep", "me", "1", 0, 0);
    enum ecsb_status st = ecsb_settings_from_ini(text, &s, err);
    *count = s.count;
    ecsb_settings_free(&s);
    return st;
}

TEST(settings_errors_name_line_and_fix)
{
    struct ecsb_error err = {0};
    size_t count = 0;
    CHECK_INT_EQ(from_ini("[cluster]\nname = a\nregion us-east-1\n[agent\n", &err, &count), ECSB_ERR_INVALID);
    CHECK_INT_EQ(count, 1); /* nothing added on error */
    CHECK_CONTAINS(err.message, "/etc/ecs-bootstrap.ini:3: 'region us-east-1' has no '=' or ':'");
    CHECK_CONTAINS(err.message, "-- expected 'name = value' or '[section]'");

    CHECK_INT_EQ(from_ini("a=1\n  [agent ; x]\n", &err, &count), ECSB_OK); /* a continuation */
    CHECK_INT_EQ(from_ini("[agent ; x]\n", &err, &count), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, ":1: section header '[agent ; x]' has no closing ']' before the ';' comment");

    /* inih counts the blank rest of a 199-byte line; the message names the real line */
    char *text = repeat('x', 197, "k=", "\nthis line is wrong and rather long for a message\n");
    CHECK_INT_EQ(from_ini(text, &err, &count), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, ".ini:2: 'this line is wrong and rather long fo...' has no");
    free(text);
}

TEST(settings_refuse_lines_the_reader_would_cut)
{
    struct ecsb_error err = {0};
    size_t count = 0;
    char *text = repeat('x', 198, "[agent]\nk=", "\n");
    CHECK_INT_EQ(from_ini(text, &err, &count), ECSB_ERR_LIMIT);
    CHECK_INT_EQ(count, 1);
    CHECK_CONTAINS(err.message, "/etc/ecs-bootstrap.ini:2: line is 200 bytes long");
    CHECK_CONTAINS(err.message, "at most 199");
    free(text);
    text = repeat('x', 197, "[agent]\nk=", "\r\n"); /* 199 bytes before CRLF: fits */
    CHECK_INT_EQ(from_ini(text, &err, &count), ECSB_OK);
    CHECK_INT_EQ(count, 2);
    free(text);
}

/* An INI syntax error quotes the line escaped. */
TEST(settings_errors_quote_the_line_escaped)
{
    struct ecsb_settings s;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "baked.ini");
    CHECK_INT_EQ(ecsb_settings_from_ini("[cluster]\nna\x1bme\xC3\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:2: 'na\\x1Bme\\xC3' has no '=' or ':'");
    ecsb_settings_free(&s);
}

int main(void)
{
    RUN(backend_follows_the_dialect);
    RUN(own_reader_follows_the_dialect);
    RUN(locate_finds_last_definition);
    RUN(locate_counts_physical_lines_and_characters);
    RUN(settings_carry_values_and_positions);
    RUN(settings_errors_name_line_and_fix);
    RUN(settings_refuse_lines_the_reader_would_cut);
        RUN(settings_errors_quote_the_line_escaped);
    return check_summary();
}
