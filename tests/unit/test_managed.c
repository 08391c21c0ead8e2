/* The managed-environment record is written as intent before the host changes, so
 * a run killed between two variable writes converges on the next run instead of
 * taking its own half-written values for the user's (issue 11, finding 4). */
#include "check.h"

#include "ecsb/agent/managed.h"
#include "ecsb/base/fs.h"

#define STATE "build/test_managed.d"

static void fresh(void)
{
    remove(STATE "/" ECSB_MANAGED_FILE);
    remove(STATE "/" ECSB_MANAGED_FILE ".intent");
}

static enum ecsb_status commit_all(struct ecsb_managed *m, struct ecsb_env_var *vars, size_t n)
{
    struct ecsb_error err = {0};
    for (size_t i = 0; i < n; i++)
        vars[i].result = ECSB_ENV_UPDATED;
    return ecsb_managed_commit(m, vars, n, &err);
}

TEST(interrupted_apply_converges)
{
    fresh();
    struct ecsb_error err = {0};
    struct ecsb_managed m;
    /* run 1 completes: cluster old, region r1 */
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    struct ecsb_env_var v1[] = {{"ECS_CLUSTER", "old", false, 0}, {"AWS_DEFAULT_REGION", "r1", false, 0}};
    const char *none[] = {NULL, NULL};
    CHECK_INT_EQ(ecsb_managed_begin(&m, v1, none, 2, &err), ECSB_OK);
    CHECK_INT_EQ(commit_all(&m, v1, 2), ECSB_OK);
    CHECK(!ecsb_fs_exists(STATE "/" ECSB_MANAGED_FILE ".intent"));
    ecsb_managed_free(&m);

    /* run 2 wants cluster new, region r2; killed after writing ECS_CLUSTER only */
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    CHECK(ecsb_managed_owns(&m, "ECS_CLUSTER", "old"));
    struct ecsb_env_var v2[] = {{"ECS_CLUSTER", "new", false, 0}, {"AWS_DEFAULT_REGION", "r2", false, 0}};
    const char *host2[] = {"old", "r1"};
    CHECK_INT_EQ(ecsb_managed_begin(&m, v2, host2, 2, &err), ECSB_OK);
    CHECK(ecsb_fs_exists(STATE "/" ECSB_MANAGED_FILE ".intent"));
    ecsb_managed_free(&m); /* the crash: no commit */

    /* run 3 (cluster changed again): the host holds new (half-written) and r1 -- both ours */
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    CHECK(ecsb_managed_owns(&m, "ECS_CLUSTER", "new"));
    CHECK(ecsb_managed_owns(&m, "AWS_DEFAULT_REGION", "r1"));
    CHECK(!ecsb_managed_owns(&m, "ECS_CLUSTER", "set-by-the-user"));
    CHECK(ecsb_managed_owns(&m, "ECS_CLUSTER", NULL));
    struct ecsb_env_var v3[] = {{"ECS_CLUSTER", "newer", false, 0}, {"AWS_DEFAULT_REGION", "r2", false, 0}};
    const char *host3[] = {"new", "r1"};
    CHECK_INT_EQ(ecsb_managed_begin(&m, v3, host3, 2, &err), ECSB_OK);
    ecsb_managed_free(&m); /* killed again before any write */

    /* run 4: still converges (the rebased record holds what the host holds) */
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    CHECK(ecsb_managed_owns(&m, "ECS_CLUSTER", "new"));
    CHECK(ecsb_managed_owns(&m, "ECS_CLUSTER", "newer"));
    CHECK_INT_EQ(ecsb_managed_begin(&m, v3, host3, 2, &err), ECSB_OK);
    CHECK_INT_EQ(commit_all(&m, v3, 2), ECSB_OK);
    CHECK(!ecsb_fs_exists(STATE "/" ECSB_MANAGED_FILE ".intent"));
    ecsb_managed_free(&m);
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_envfile_get(&m.done, "ECS_CLUSTER"), "newer");
    CHECK(!ecsb_managed_owns(&m, "ECS_CLUSTER", "new")); /* committed: the old value is history */
    ecsb_managed_free(&m);
}

TEST(an_unchanged_apply_writes_no_intent)
{
    fresh();
    struct ecsb_error err = {0};
    struct ecsb_managed m;
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    struct ecsb_env_var v[] = {{"ECS_CLUSTER", "c", false, 0}, {"ECS_USER", "u", true, 0}};
    const char *none[] = {NULL, NULL};
    CHECK_INT_EQ(ecsb_managed_begin(&m, v, none, 2, &err), ECSB_OK);
    v[1].result = ECSB_ENV_USER_SET;
    v[0].result = ECSB_ENV_ADDED;
    CHECK_INT_EQ(ecsb_managed_commit(&m, v, 2, &err), ECSB_OK);
    ecsb_managed_free(&m);
    CHECK_INT_EQ(ecsb_managed_load(&m, STATE, &err), ECSB_OK);
    CHECK(ecsb_envfile_get(&m.done, "ECS_USER") == NULL); /* the user's are never recorded as ours */
    const char *host[] = {"c", "u"};
    CHECK_INT_EQ(ecsb_managed_begin(&m, v, host, 2, &err), ECSB_OK);
    CHECK(!ecsb_fs_exists(STATE "/" ECSB_MANAGED_FILE ".intent"));
    ecsb_managed_free(&m);
}

int main(void)
{
    struct ecsb_error err = {0};
    ecsb_fs_mkdirs(STATE, &err);
    RUN(interrupted_apply_converges);
    RUN(an_unchanged_apply_writes_no_intent);
    return check_summary();
}
