/* Unit tests for the buffer, string, settings and atomic-file helpers. */
#include "check.h"

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/settings.h"
#include "ecsb/base/strutil.h"

TEST(buf_grows_and_stays_terminated)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    CHECK_STR_EQ(ecsb_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        ecsb_buf_printf(&b, "%d,", i % 10);
    CHECK_INT_EQ(b.len, 2000);
    CHECK_INT_EQ(b.data[b.len], 0);
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    char *owned = ecsb_buf_detach(&b);
    CHECK(b.data == NULL && b.len == 0);
    free(owned);
}

TEST(strutil_trims_and_compares)
{
    char s[] = "  \tkey = value \r\n";
    CHECK_STR_EQ(ecsb_trim(s), "key = value");
    CHECK(ecsb_strcaseeq("ECS_Cluster", "ecs_cluster"));
    CHECK(!ecsb_strcaseeq("ECS_CLUSTER", "ECS_CLUSTERS"));
    CHECK(ecsb_starts_with_ci("-CLUSTER", "-cluster"));
    char *t = ecsb_trimmed_dup("  ab  ", 6);
    CHECK_STR_EQ(t, "ab");
    free(t);
}

TEST(settings_last_value_wins_case_insensitively)
{
    struct ecsb_settings s;
    ecsb_settings_init(&s, "test");
    ecsb_settings_add(&s, "cluster", "name", "a", 1, 8);
    ecsb_settings_add(&s, "Cluster", "NAME", "b", 2, 8);
    ecsb_settings_ignore(&s, 3, "Write-Host hi", "not an ECS setting");
    const struct ecsb_setting *it = ecsb_settings_find(&s, "cluster", "name");
    CHECK(it != NULL);
    CHECK_STR_EQ(it ? it->value : NULL, "b");
    CHECK_INT_EQ(it ? it->line : 0, 2);
    CHECK(ecsb_settings_find(&s, "agent", "name") == NULL);
    CHECK_INT_EQ(s.n_ignored, 1);
    ecsb_settings_free(&s);
}

TEST(atomic_write_replaces_whole_file)
{
    const char *path = "build/test_buf_atomic.txt";
    struct ecsb_error err;
    CHECK_INT_EQ(ecsb_fs_mkdirs("build", &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_fs_write_atomic(path, "first version", 13, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_fs_write_atomic(path, "second", 6, &err), ECSB_OK);
    char *data = NULL;
    size_t len = 0;
    CHECK_INT_EQ(ecsb_fs_read(path, &data, &len, &err), ECSB_OK);
    CHECK_STR_EQ(data, "second");
    CHECK_INT_EQ(len, 6);
    free(data);
    remove(path);
    CHECK_INT_EQ(ecsb_fs_read(path, &data, &len, &err), ECSB_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.message, "test_buf_atomic.txt");
}

/* A stream longer than the limit is refused after limit + 1 bytes, never read to its end. */
TEST(stream_read_stops_one_byte_past_the_limit)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 5000; i++)
        fputs("0123456789", f);
    struct ecsb_error err = {0};
    char *data = NULL;
    size_t len = 0;
    rewind(f);
    CHECK_INT_EQ(ecsb_read_stream_limited(f, "stdin", 1000, &data, &len, &err), ECSB_ERR_LIMIT);
    CHECK_INT_EQ(ftell(f), 1001);
    CHECK(data == NULL);
    CHECK_CONTAINS(err.message, "stdin: larger than 1000 bytes");
    rewind(f);
    CHECK_INT_EQ(ecsb_read_stream_limited(f, "stdin", 50000, &data, &len, &err), ECSB_OK);
    CHECK_INT_EQ(len, 50000);
    CHECK_INT_EQ(data ? data[len] : 1, 0);
    free(data);
    fclose(f);
}

/* A regular file is refused by its size: not one byte is read. */
TEST(file_read_refuses_by_size_first)
{
    const char *path = "build/test_buf_large.txt";
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_fs_mkdirs("build", &err), ECSB_OK);
    char big[4096];
    memset(big, 'x', sizeof big);
    CHECK_INT_EQ(ecsb_fs_write_atomic(path, big, sizeof big, &err), ECSB_OK);
    char *data = NULL;
    size_t len = 0;
    CHECK_INT_EQ(ecsb_fs_read_limited(path, 4095, &data, &len, &err), ECSB_ERR_LIMIT);
    CHECK_CONTAINS(err.message, "test_buf_large.txt: larger than 4095 bytes");
    CHECK_INT_EQ(ecsb_fs_read_limited(path, 4096, &data, &len, &err), ECSB_OK);
    CHECK_INT_EQ(len, 4096);
    free(data);
    FILE *f = fopen(path, "rb");
    unsigned long long size = 0;
    CHECK(f && ecsb_fs_stream_size(f, &size));
    CHECK_INT_EQ(size, 4096);
    if (f)
        fclose(f);
    remove(path);
}

/* Messages that quote input stay one printable line: control bytes, bytes that are not
 * UTF-8 and invisible characters are escaped; valid UTF-8 and backslashes are kept. */
TEST(escaped_quotes_keep_text_and_show_the_rest)
{
    static const struct { const char *in; size_t n; const char *want; } cases[] = {
        {"plain C:\\ProgramData", 0, "plain C:\\ProgramData"},
        {"line\nbreak\r\ttab", 0, "line\\nbreak\\r\\ttab"},
        {"\x1b[31mred\x7f", 0, "\\x1B[31mred\\x7F"},
        {"nul\0x", 5, "nul\\x00x"},
        {"caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x90\xB3", 0, "caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x90\xB3"},
        {"bad \xFF\xC3(", 0, "bad \\xFF\\xC3("},
        {"overlong \xC0\xAF surrogate \xED\xA0\x80", 0, "overlong \\xC0\\xAF surrogate \\xED\\xA0\\x80"},
        {"cut \xE2\x80", 0, "cut \\xE2\\x80"},
        {"rtl \xE2\x80\xAE" "evil \xC2\x85 \xEF\xBB\xBF", 0, "rtl \\u{202E}evil \\u{0085} \\u{FEFF}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        ecsb_buf_put_escaped(&b, cases[i].in, cases[i].n ? cases[i].n : strlen(cases[i].in));
        CHECK_STR_EQ(ecsb_buf_cstr(&b), cases[i].want);
        ecsb_buf_free(&b);
    }
    struct ecsb_error err = {0};
    ecsb_error_set(&err, ECSB_ERR_INVALID, "x:1:1: '%s' is wrong", "a\x1b\nb");
    ecsb_error_escape(&err);
    CHECK_STR_EQ(err.message, "x:1:1: 'a\\x1B\\nb' is wrong");
    ecsb_error_escape(&err); /* idempotent */
    CHECK_STR_EQ(err.message, "x:1:1: 'a\\x1B\\nb' is wrong");
    char big[2000];
    memset(big, '\x01', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ecsb_error_set(&err, ECSB_ERR_INVALID, "%s", big);
    ecsb_error_escape(&err);
    CHECK_INT_EQ(strlen(err.message), sizeof err.message - 1);
    CHECK(strncmp(err.message, "\\x01\\x01", 8) == 0);
}

int main(void)
{
    RUN(buf_grows_and_stays_terminated);
    RUN(strutil_trims_and_compares);
    RUN(settings_last_value_wins_case_insensitively);
    RUN(atomic_write_replaces_whole_file);
    RUN(stream_read_stops_one_byte_past_the_limit);
    RUN(file_read_refuses_by_size_first);
        RUN(escaped_quotes_keep_text_and_show_the_rest);
    return check_summary();
}
