/* Files and directories ecs-bootstrap writes are private (POSIX 0600/0700, Windows a
 * protected DACL for SYSTEM and Administrators only, as stored on disk), temp files
 * left by a killed run are removed, and the log is private even when it existed. */
#include "check.h"

#include "ecsb/base/fs.h"

#define DIR_ "build/test_fs.d"

static bool is_posix(void)
{
    return ecsb_fs_private_access(false)[0] == '0';
}

/* POSIX: the exact mode. Windows: the exact DACL; Wine does not store the DACL
 * given at creation and reports its own default (SYSTEM and the user), so there
 * the check is what Wine can show: no entry for Everyone, Users, Authenticated
 * Users or Interactive. */
static void check_private(const char *path, bool dir)
{
    char got[512] = "";
    CHECK(ecsb_fs_access_of(path, got, sizeof got));
    if (is_posix() || !strcmp(got, ecsb_fs_private_access(dir)))
        CHECK_STR_EQ(got, ecsb_fs_private_access(dir));
    else {
        CHECK(strstr(got, ";SY)") != NULL);
        CHECK(!strstr(got, ";WD)") && !strstr(got, ";BU)") && !strstr(got, ";AU)") && !strstr(got, ";IU)"));
        CHECK(!strstr(got, ";S-1-1-0)") && !strstr(got, ";S-1-5-32-545)"));
    }
}

TEST(private_access_is_owner_or_system_only)
{
    const char *f = ecsb_fs_private_access(false), *d = ecsb_fs_private_access(true);
    /* POSIX: no group/other bits; Windows: protected DACL, exactly SYSTEM and Administrators */
    if (is_posix()) {
        CHECK_STR_EQ(f, "0600");
        CHECK_STR_EQ(d, "0700");
    } else {
        CHECK_STR_EQ(f, "D:P(A;;FA;;;SY)(A;;FA;;;BA)");
        CHECK_STR_EQ(d, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)");
    }
}

TEST(security_descriptor_is_built_as_specified)
{
    for (int dir = 0; dir < 2; dir++) {
        char built[512] = "";
        CHECK(ecsb_fs_private_built(dir, built, sizeof built));
        CHECK_STR_EQ(built, ecsb_fs_private_access(dir));
    }
}

TEST(written_files_and_created_dirs_are_private)
{
    struct ecsb_error err = {0};
    remove(DIR_ "/sub/status.json");
    remove(DIR_ "/sub");
    remove(DIR_);
    CHECK_INT_EQ(ecsb_fs_mkdirs(DIR_ "/sub", &err), ECSB_OK);
    check_private(DIR_ "/sub", true);
    CHECK_INT_EQ(ecsb_fs_write_atomic(DIR_ "/sub/status.json", "{}", 2, &err), ECSB_OK);
    check_private(DIR_ "/sub/status.json", false);
    /* replacing keeps it private */
    CHECK_INT_EQ(ecsb_fs_write_atomic(DIR_ "/sub/status.json", "{\"a\":1}", 7, &err), ECSB_OK);
    check_private(DIR_ "/sub/status.json", false);
    char *data = NULL;
    CHECK_INT_EQ(ecsb_fs_read(DIR_ "/sub/status.json", &data, NULL, &err), ECSB_OK);
    CHECK_STR_EQ(data, "{\"a\":1}");
    free(data);
}

TEST(leftover_temp_files_are_removed_on_the_next_write)
{
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_fs_mkdirs(DIR_, &err), ECSB_OK);
    const char *left = DIR_ "/env.tmp.4242";
    FILE *f = fopen(left, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("ECS_ENGINE_AUTH_DATA=old", f);
        fclose(f);
    }
    CHECK(ecsb_fs_exists(left));
    CHECK_INT_EQ(ecsb_fs_write_atomic(DIR_ "/env", "x", 1, &err), ECSB_OK);
    CHECK(!ecsb_fs_exists(left));
    remove(DIR_ "/env");
}

TEST(log_file_is_private_even_when_it_existed)
{
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_fs_mkdirs(DIR_, &err), ECSB_OK);
    const char *path = DIR_ "/ecs-bootstrap.log";
    remove(path);
    FILE *f = fopen(path, "wb"); /* as an older version left it: umask / inherited ACL */
    if (f) {
        fputs("old line\n", f);
        fclose(f);
    }
    f = ecsb_fs_open_private_append(path, &err);
    CHECK(f != NULL);
    if (f) {
        fputs("new line\n", f);
        fclose(f);
    }
    check_private(path, false);
    char *data = NULL;
    CHECK_INT_EQ(ecsb_fs_read(path, &data, NULL, &err), ECSB_OK);
    CHECK_STR_EQ(data, "old line\nnew line\n");
    free(data);
    remove(path);
    f = ecsb_fs_open_private_append(path, &err); /* created fresh */
    if (f)
        fclose(f);
    check_private(path, false);
    remove(path);
}

TEST(parent_directory_is_created)
{
    struct ecsb_error err = {0};
    remove(DIR_ "/p1/p2/file");
    remove(DIR_ "/p1/p2");
    remove(DIR_ "/p1");
    CHECK_INT_EQ(ecsb_fs_mkparent(DIR_ "/p1/p2/file", &err), ECSB_OK);
    CHECK(ecsb_fs_exists(DIR_ "/p1/p2"));
    CHECK(!ecsb_fs_exists(DIR_ "/p1/p2/file"));
    CHECK_INT_EQ(ecsb_fs_mkparent("file-in-cwd", &err), ECSB_OK);
}

int main(void)
{
    RUN(parent_directory_is_created);
    RUN(private_access_is_owner_or_system_only);
    RUN(security_descriptor_is_built_as_specified);
    RUN(written_files_and_created_dirs_are_private);
    RUN(leftover_temp_files_are_removed_on_the_next_write);
    RUN(log_file_is_private_even_when_it_existed);
    return check_summary();
}
