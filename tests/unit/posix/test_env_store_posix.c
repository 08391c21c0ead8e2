/* POSIX env store: the env file (which may hold ECS_ENGINE_AUTH_DATA) is created
 * with its parent directory, and is private (0600). */
#include "../check.h"

#include <sys/stat.h>

#include "ecsb/agent/env_store.h"
#include "ecsb/base/fs.h"

TEST(env_file_parent_is_created_and_file_is_private)
{
    const char *dir = "build/test_env_store.d", *path = "build/test_env_store.d/new/sub/ecs.env";
    remove(path);
    remove("build/test_env_store.d/new/sub");
    remove("build/test_env_store.d/new");
    remove(dir);
    struct ecsb_agent_env_target t = {0};
    t.env_file = path;
    struct ecsb_env_var vars[] = {{"ECS_ENGINE_AUTH_DATA", "{\"r\":{}}", false, 0}};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_agent_env_apply(&t, vars, 1, NULL, &err), ECSB_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(stat("build/test_env_store.d/new/sub", &st) == 0 && (st.st_mode & 0777) == 0700);
}

int main(void)
{
    RUN(env_file_parent_is_created_and_file_is_private);
    return check_summary();
}
