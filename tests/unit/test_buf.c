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

int main(void)
{
    RUN(buf_grows_and_stays_terminated);
    RUN(strutil_trims_and_compares);
    RUN(settings_last_value_wins_case_insensitively);
    RUN(atomic_write_replaces_whole_file);
    return check_summary();
}
