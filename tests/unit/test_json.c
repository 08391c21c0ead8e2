/* Unit tests for the JSON parser and writer: the JSONTestSuite corpus (y_ must
 * parse, n_ must fail, i_ must not crash), error positions, limits, Unicode,
 * accessors, the writer and parse/emit round trips. */
#include "check.h"

#include <dirent.h>
#include <locale.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"

static enum ecsb_status parse(const char *text, struct ecsb_json **out, struct ecsb_error *err)
{
    return ecsb_json_parse(text, strlen(text), NULL, out, err);
}

/* Parses text, expects failure with code and a message containing want. */
static void expect_error(const char *text, enum ecsb_status code, const char *want)
{
    struct ecsb_json *v = (struct ecsb_json *)&v; /* must be reset to NULL */
    struct ecsb_error err;
    ecsb_error_clear(&err);
    CHECK_INT_EQ(parse(text, &v, &err), code);
    CHECK(v == NULL);
    CHECK_CONTAINS(err.message, want);
}

/* Compact emission of a parsed tree; caller frees. */
static char *emit(const struct ecsb_json *v, int indent)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, indent);
    ecsb_jw_value(&w, v);
    return ecsb_buf_detach(&b);
}

/* ---- JSONTestSuite ---- */

struct suite_counts {
    int files, failed;
};

static void suite_file(const char *dir, const char *name, struct suite_counts *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = NULL;
    size_t len = 0;
    struct ecsb_error err;
    if (ecsb_fs_read(path, &data, &len, &err) != ECSB_OK) {
        CHECK_FAIL_("cannot read %s: %s", path, err.message);
        return;
    }
    struct ecsb_json *v = NULL;
    enum ecsb_status st = ecsb_json_parse(data, len, NULL, &v, &err);
    c->files++;
    if ((name[0] == 'y' && st != ECSB_OK) || (name[0] == 'n' && st == ECSB_OK)) {
        c->failed++;
        CHECK_FAIL_("%s: got %s (%s)", name, ecsb_status_name(st), st ? err.message : "accepted");
    }
    CHECK((st == ECSB_OK) == (v != NULL));
    ecsb_json_free(v);
    free(data);
}

TEST(json_test_suite)
{
    char dir[512];
    check_shared_path(dir, sizeof dir, "testdata/json/test_parsing");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    struct suite_counts c = {0, 0};
    int counts[3] = {0, 0, 0};
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const char *n = e->d_name;
        if ((n[0] != 'y' && n[0] != 'n' && n[0] != 'i') || n[1] != '_') continue;
        counts[n[0] == 'y' ? 0 : n[0] == 'n' ? 1 : 2]++;
        suite_file(dir, n, &c);
    }
    closedir(d);
    printf("JSONTestSuite: %d files (%d y_, %d n_, %d i_), %d wrong\n", c.files, counts[0], counts[1],
           counts[2], c.failed);
    CHECK(counts[0] >= 90 && counts[1] >= 180 && counts[2] >= 30); /* the suite was found whole */
    CHECK_INT_EQ(c.failed, 0);
}

/* ---- parser ---- */

TEST(json_parses_nested_document)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    const char *text = " {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": {}} \r\n";
    CHECK_INT_EQ(parse(text, &v, &err), ECSB_OK);
    CHECK(v && v->type == ECSB_JSON_OBJECT && v->count == 3);
    const struct ecsb_json *a = ecsb_json_get(v, "a");
    CHECK(a && a->type == ECSB_JSON_ARRAY && a->count == 5);
    CHECK(ecsb_json_at(a, 1) && ecsb_json_at(a, 1)->number == -2500.0);
    CHECK_STR_EQ(ecsb_json_at(a, 1) ? ecsb_json_at(a, 1)->str : NULL, "-2.5e3");
    CHECK(ecsb_json_is_true(ecsb_json_at(a, 2)));
    CHECK(!ecsb_json_is_true(ecsb_json_at(a, 3)));
    CHECK(ecsb_json_at(a, 4) && ecsb_json_at(a, 4)->type == ECSB_JSON_NULL);
    CHECK(ecsb_json_at(a, 5) == NULL);
    CHECK_STR_EQ(ecsb_json_get_string(ecsb_json_get(v, "b"), "c"), "d");
    CHECK(ecsb_json_get(v, "e") && ecsb_json_get(v, "e")->count == 0);
    ecsb_json_free(v);
}

TEST(json_scalars_at_top_level)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("\"x\"", &v, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_string(v), "x");
    ecsb_json_free(v);
    CHECK_INT_EQ(parse(" 0 ", &v, &err), ECSB_OK);
    CHECK(v && v->type == ECSB_JSON_NUMBER && v->number == 0.0);
    ecsb_json_free(v);
    CHECK_INT_EQ(parse("1E400", &v, &err), ECSB_OK); /* out of range: kept, value is inf */
    CHECK_STR_EQ(v ? v->str : NULL, "1E400");
    ecsb_json_free(v);
}

TEST(json_error_positions)
{
    expect_error("{\"a\": 1,\n  \"b\" 2}", ECSB_ERR_INVALID, "line 2, column 7: expected ':'");
    expect_error("[1, 2,]", ECSB_ERR_INVALID, "line 1, column 7: trailing comma before ']'");
    expect_error("{\"a\":1,}", ECSB_ERR_INVALID, "line 1, column 8: trailing comma before '}'");
    expect_error("[1 2]", ECSB_ERR_INVALID, "line 1, column 4: expected ',' or ']'");
    expect_error("\n\n  01", ECSB_ERR_INVALID, "line 3, column 4: leading zeros");
    expect_error("[\"\xc3\xa9\xc3\xa9\", tru]", ECSB_ERR_INVALID, "line 1, column 8: invalid literal");
    expect_error("{} {}", ECSB_ERR_INVALID, "line 1, column 4: unexpected '{' after the JSON value");
    expect_error("", ECSB_ERR_INVALID, "line 1, column 1: expected a value");
    expect_error("\"abc", ECSB_ERR_INVALID, "line 1, column 1: unterminated string");
    expect_error("\"a\tb\"", ECSB_ERR_INVALID, "line 1, column 3: control character 0x09");
    expect_error("\"\\x\"", ECSB_ERR_INVALID, "line 1, column 3: invalid escape");
    expect_error("['a']", ECSB_ERR_INVALID, "single quotes");
    expect_error("\xef\xbb\xbf{}", ECSB_ERR_INVALID, "byte order mark");
    expect_error("1.", ECSB_ERR_INVALID, "after the decimal point");
    expect_error("1e+", ECSB_ERR_INVALID, "in the exponent");
    expect_error("-", ECSB_ERR_INVALID, "after '-'");
    expect_error("[1]\f", ECSB_ERR_INVALID, "byte 0x0C");
}

TEST(json_rejects_bad_utf8)
{
    expect_error("\"\xc0\xaf\"", ECSB_ERR_INVALID, "invalid UTF-8 (byte 0xC0)");       /* overlong */
    expect_error("\"\xe0\x80\xaf\"", ECSB_ERR_INVALID, "invalid UTF-8");              /* overlong */
    expect_error("\"\xed\xa0\x80\"", ECSB_ERR_INVALID, "invalid UTF-8");              /* U+D800 */
    expect_error("\"\xf4\x90\x80\x80\"", ECSB_ERR_INVALID, "invalid UTF-8");          /* > U+10FFFF */
    expect_error("\"\xe2\x82\"", ECSB_ERR_INVALID, "invalid UTF-8");                  /* truncated */
    expect_error("\"\x80\"", ECSB_ERR_INVALID, "line 1, column 2: invalid UTF-8");    /* stray */
    expect_error("\"\xf0\x9f\x98", ECSB_ERR_INVALID, "invalid UTF-8");                /* cut at end */
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("\"\xf4\x8f\xbf\xbf \xef\xbf\xbf \xc2\x80\"", &v, &err), ECSB_OK);
    ecsb_json_free(v);
}

TEST(json_surrogate_pairs)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("\"\\uD834\\uDD1e \\u00e9\\u20AC\"", &v, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_string(v), "\xf0\x9d\x84\x9e \xc3\xa9\xe2\x82\xac");
    ecsb_json_free(v);
    expect_error("\"\\uD834\"", ECSB_ERR_INVALID, "column 2: high surrogate \\uD834 must be followed");
    expect_error("\"\\uD834\\u0041\"", ECSB_ERR_INVALID, "high surrogate");
    expect_error("\"\\uD834\\uD834\"", ECSB_ERR_INVALID, "high surrogate");
    expect_error("\"\\uDD1E\\uD834\"", ECSB_ERR_INVALID, "lone low surrogate \\uDD1E");
    expect_error("\"\\u12G4\"", ECSB_ERR_INVALID, "four hex digits");
}

TEST(json_nul_in_strings_and_keys)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("{\"k\\u0000x\": \"a\\u0000b\", \"k\": 1}", &v, &err), ECSB_OK);
    const struct ecsb_json *s = v ? v->items[0] : NULL;
    CHECK(s && s->str_len == 3 && memcmp(s->str, "a\0b", 4) == 0);
    CHECK(v && v->key_lens[0] == 3 && memcmp(v->keys[0], "k\0x", 4) == 0);
    double d = 0;
    CHECK(ecsb_json_get_number(v, "k", &d) && d == 1.0); /* "k" does not match "k\0x" */
    char *out = emit(v, 0);
    CHECK_STR_EQ(out, "{\"k\\u0000x\":\"a\\u0000b\",\"k\":1}");
    free(out);
    ecsb_json_free(v);
}

TEST(json_limits)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    struct ecsb_json_limits lim = {3, 0};
    CHECK_INT_EQ(ecsb_json_parse("[[[1]]]", 7, &lim, &v, &err), ECSB_OK);
    ecsb_json_free(v);
    CHECK_INT_EQ(ecsb_json_parse("[[{\"a\":[]}]]", 12, &lim, &v, &err), ECSB_ERR_LIMIT);
    CHECK(v == NULL);
    CHECK_CONTAINS(err.message, "line 1, column 8: nesting deeper than 3");
    lim = (struct ecsb_json_limits){0, 4};
    CHECK_INT_EQ(ecsb_json_parse("[1] ", 4, &lim, &v, &err), ECSB_OK);
    ecsb_json_free(v);
    CHECK_INT_EQ(ecsb_json_parse("[12]  ", 6, &lim, &v, &err), ECSB_ERR_LIMIT);
    CHECK_CONTAINS(err.message, "over the 4-byte limit");
    /* Default depth: 128 nested arrays parse, 129 do not. */
    char deep[2 * 129 + 1];
    for (int n = 128; n <= 129; n++) {
        memset(deep, '[', (size_t)n);
        memset(deep + n, ']', (size_t)n);
        enum ecsb_status st = ecsb_json_parse(deep, 2 * (size_t)n, NULL, &v, &err);
        CHECK_INT_EQ(st, n == 128 ? ECSB_OK : ECSB_ERR_LIMIT);
        ecsb_json_free(v);
    }
}

TEST(json_deep_tree_free_and_emit)
{
    /* 100000 levels with a raised limit: the iterative parser, writer and free
     * must neither recurse nor leak. */
    size_t n = 100000;
    char *text = ecsb_xmalloc(2 * n);
    memset(text, '[', n);
    memset(text + n, ']', n);
    struct ecsb_json_limits lim = {n, 0};
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_json_parse(text, 2 * n, &lim, &v, &err), ECSB_OK);
    char *out = emit(v, 0);
    CHECK(strlen(out) == 2 * n && memcmp(out, text, 2 * n) == 0);
    free(out);
    ecsb_json_free(v);
    /* An error deep inside frees the partial tree. */
    text[2 * n - 1] = ',';
    CHECK_INT_EQ(ecsb_json_parse(text, 2 * n, &lim, &v, &err), ECSB_ERR_INVALID);
    free(text);
}

TEST(json_accessors)
{
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("{\"a\":1,\"b\":\"x\",\"a\":2.5,\"t\":true,\"f\":false,\"n\":null}", &v, &err), ECSB_OK);
    double d = 0;
    bool b = false;
    CHECK(ecsb_json_get_number(v, "a", &d) && d == 2.5); /* duplicate: last wins */
    CHECK_INT_EQ(v ? v->count : 0, 6);                  /* ...but both kept */
    CHECK(!ecsb_json_get_number(v, "b", &d));
    CHECK(ecsb_json_get_bool(v, "t", &b) && b);
    CHECK(ecsb_json_get_bool(v, "f", &b) && !b);
    CHECK(!ecsb_json_get_bool(v, "n", &b));
    CHECK(ecsb_json_get_string(v, "a") == NULL);
    CHECK(ecsb_json_get(v, "missing") == NULL);
    CHECK(ecsb_json_get(NULL, "a") == NULL);
    CHECK(ecsb_json_at(v, 0) == NULL); /* not an array */
    CHECK(ecsb_json_string(NULL) == NULL);
    CHECK(!ecsb_json_is_true(NULL));
    CHECK_STR_EQ(ecsb_json_type_name(ECSB_JSON_OBJECT), "object");
    ecsb_json_free(v);
    ecsb_json_free(NULL);
}

/* ---- writer ---- */

static void write_sample(struct ecsb_json_writer *w)
{
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "name");
    ecsb_jw_string(w, "ecs");
    ecsb_jw_key(w, "list");
    ecsb_jw_array_begin(w);
    ecsb_jw_int(w, 1);
    ecsb_jw_bool(w, true);
    ecsb_jw_null(w);
    ecsb_jw_object_begin(w);
    ecsb_jw_object_end(w);
    ecsb_jw_array_begin(w);
    ecsb_jw_array_end(w);
    ecsb_jw_array_end(w);
    ecsb_jw_key(w, "o");
    ecsb_jw_object_begin(w);
    ecsb_jw_key(w, "x");
    ecsb_jw_double(w, 0.5);
    ecsb_jw_object_end(w);
    ecsb_jw_object_end(w);
}

TEST(json_writer_compact_and_pretty)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, 0);
    write_sample(&w);
    CHECK_STR_EQ(b.data, "{\"name\":\"ecs\",\"list\":[1,true,null,{},[]],\"o\":{\"x\":0.5}}");
    CHECK_INT_EQ(w.depth, 0);
    ecsb_buf_reset(&b);
    ecsb_jw_init(&w, &b, 2);
    write_sample(&w);
    CHECK_STR_EQ(b.data, "{\n  \"name\": \"ecs\",\n  \"list\": [\n    1,\n    true,\n    null,\n    {},\n"
                         "    []\n  ],\n  \"o\": {\n    \"x\": 0.5\n  }\n}");
    ecsb_buf_free(&b);
}

TEST(json_writer_escaping)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_json_quote(&b, "q\"b\\s/\n\t\r\b\f\x01\x1f\x7f \xc3\xa9\xf0\x9f\x98\x80", 21);
    CHECK_STR_EQ(b.data, "\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f\x7f \xc3\xa9\xf0\x9f\x98\x80\"");
    ecsb_buf_reset(&b);
    ecsb_json_quote(&b, "a\0b\xff\xc3", 5); /* NUL kept, invalid bytes replaced */
    CHECK_STR_EQ(b.data, "\"a\\u0000b\\ufffd\\ufffd\"");
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_json_parse(b.data, b.len, NULL, &v, &err), ECSB_OK);
    ecsb_json_free(v);
    ecsb_buf_reset(&b);
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, 0);
    ecsb_jw_array_begin(&w);
    ecsb_jw_string(&w, NULL);
    ecsb_jw_string_n(&w, "x\"y", 3);
    ecsb_jw_array_end(&w);
    CHECK_STR_EQ(b.data, "[null,\"x\\\"y\"]");
    ecsb_buf_free(&b);
}

static void check_double(double d, const char *want)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, 0);
    ecsb_jw_double(&w, d);
    CHECK_STR_EQ(b.data, want);
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_json_parse(b.data, b.len, NULL, &v, &err), ECSB_OK);
    if (strcmp(want, "null") != 0) CHECK(v && v->number == d); /* round-trips */
    ecsb_json_free(v);
    ecsb_buf_free(&b);
}

TEST(json_writer_numbers)
{
    check_double(0.1, "0.1");
    check_double(1.0 / 3.0, "0.3333333333333333");
    check_double(3.0, "3");
    check_double(-0.0, "-0");
    check_double(1e16, "10000000000000000");
    check_double(1e300, "1e+300");
    check_double(5e-324, "5e-324");
    check_double(123.456, "123.456");
    double zero = 0.0;
    check_double(zero / zero, "null");
    check_double(1.0 / zero, "null");
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, 0);
    ecsb_jw_array_begin(&w);
    ecsb_jw_int(&w, -9223372036854775807LL - 1);
    ecsb_jw_int(&w, 42);
    ecsb_jw_array_end(&w);
    CHECK_STR_EQ(b.data, "[-9223372036854775808,42]");
    ecsb_buf_free(&b);
}

/* A locale with a decimal comma must change neither parsing nor writing. Only
 * checked where such a locale is installed (usually under Wine, often not natively). */
TEST(json_numbers_ignore_locale)
{
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "German_Germany.1252", "German"};
    const char *got = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got || strcmp(localeconv()->decimal_point, ",") != 0) {
        printf("note: no decimal-comma locale installed; locale check skipped\n");
        setlocale(LC_NUMERIC, "C");
        return;
    }
    struct ecsb_json *v = NULL;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("[1.5, 2.25e1]", &v, &err), ECSB_OK);
    CHECK(ecsb_json_at(v, 0) && ecsb_json_at(v, 0)->number == 1.5);
    CHECK(ecsb_json_at(v, 1) && ecsb_json_at(v, 1)->number == 22.5);
    ecsb_json_free(v);
    check_double(0.25, "0.25");
    check_double(1.5e-7, "1.5e-07");
    setlocale(LC_NUMERIC, "C");
}

/* parse -> emit -> parse -> emit gives identical bytes (compact and pretty). */
static void check_round_trip(const char *text, const char *want_compact)
{
    for (int indent = 0; indent <= 4; indent += 4) {
        struct ecsb_json *v1 = NULL, *v2 = NULL;
        struct ecsb_error err;
        CHECK_INT_EQ(parse(text, &v1, &err), ECSB_OK);
        char *out1 = emit(v1, indent);
        CHECK_INT_EQ(ecsb_json_parse(out1, strlen(out1), NULL, &v2, &err), ECSB_OK);
        char *out2 = emit(v2, indent);
        CHECK_STR_EQ(out2, out1);
        if (indent == 0) CHECK_STR_EQ(out1, want_compact);
        free(out1);
        free(out2);
        ecsb_json_free(v1);
        ecsb_json_free(v2);
    }
}

TEST(json_round_trips)
{
    check_round_trip(" [ 1.50 , -0 , 1E+2 , \"\\u00e9\\/\" ] ", "[1.50,-0,1E+2,\"\xc3\xa9/\"]");
    check_round_trip("{\"a\" : {\"b\" : [ [ ], { } ]}, \"a\": null}", "{\"a\":{\"b\":[[],{}]},\"a\":null}");
    check_round_trip("\"\\ud83d\\ude00\\u001F\"", "\"\xf0\x9f\x98\x80\\u001f\"");
    check_round_trip("{\"\":\"\",\"\\\"\":[true,false]}", "{\"\":\"\",\"\\\"\":[true,false]}");
}

int main(void)
{
    RUN(json_test_suite);
    RUN(json_parses_nested_document);
    RUN(json_scalars_at_top_level);
    RUN(json_error_positions);
    RUN(json_rejects_bad_utf8);
    RUN(json_surrogate_pairs);
    RUN(json_nul_in_strings_and_keys);
    RUN(json_limits);
    RUN(json_deep_tree_free_and_emit);
    RUN(json_accessors);
    RUN(json_writer_compact_and_pretty);
    RUN(json_writer_escaping);
    RUN(json_writer_numbers);
    RUN(json_numbers_ignore_locale);
    RUN(json_round_trips);
    return check_summary();
}
