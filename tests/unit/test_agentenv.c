/* Unit tests for the agent environment: exact variables, order, JSON values, and
 * that a variable set in environment.* always wins. */
#include "check.h"

#include "ecsb/agent/environment.h"
#include "ecsb/config/config.h"

static void set(struct ecsb_config *c, const char *section, const char *key, const char *value, int line)
{
    struct ecsb_error err = {0};
    if (ecsb_config_set(c, section, key, value, "user data", line, 1, &err) != ECSB_OK)
        CHECK_STR_EQ(err.message, "(no error)");
}

static const char *val(const struct ecsb_agentenv *env, const char *name)
{
    const struct ecsb_agentenv_var *v = ecsb_agentenv_find(env, name);
    return v ? v->value : NULL;
}

TEST(defaults_give_the_minimum)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    ecsb_agentenv_build(&c, NULL, false, &env);
    static const char *const want[][2] = {
        {"ECS_CLUSTER", "default"},
        {"ECS_DATADIR", "C:\\ProgramData\\Amazon\\ECS\\data"},
        {"ECS_LOGFILE", "C:\\ProgramData\\Amazon\\ECS\\log\\ecs-agent.log"},
        {"ECS_ENABLE_TASK_IAM_ROLE", "false"},
        {"ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", "false"},
        {"ECS_ENABLE_TASK_ENI", "false"},
        {"ECS_AWSVPC_BLOCK_IMDS", "false"},
        {"ECS_EXTERNAL", "false"},
    };
    CHECK_INT_EQ(env.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < env.count && i < sizeof want / sizeof want[0]; i++) {
        CHECK_STR_EQ(env.vars[i].name, want[i][0]);
        CHECK_STR_EQ(env.vars[i].value, want[i][1]);
        CHECK_STR_EQ(env.vars[i].source, "default");
        CHECK(!env.vars[i].user_set);
    }
    CHECK_STR_EQ(env.vars[0].setting, "cluster.name");
    CHECK_INT_EQ(env.n_notes, 0);
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(full_config_exact_values_and_order)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    set(&c, "cluster", "name", "prod-windows", 2);
    set(&c, "cluster", "region", "eu-west-1", 3);
    set(&c, "agent", "task_iam_role", "yes", 4);
    set(&c, "agent", "task_eni", "true", 5);
    set(&c, "agent", "awsvpc_additional_local_routes", "10.0.0.0/16, fd00:ec2::/64", 6);
    set(&c, "agent", "logging_drivers", "json-file, awslogs", 7);
    set(&c, "attributes", "team", "payments", 8);
    set(&c, "attributes", "stack", "blue", 9);
    set(&c, "tags", "cost-center", "1234", 10);
    set(&c, "agent", "external", "true", 11);
    set(&c, "environment", "ECS_LOGLEVEL", "debug", 12);
    set(&c, "environment", "ECS_CONTAINER_START_TIMEOUT", "15m", 13);
    ecsb_agentenv_build(&c, "us-east-1", false, &env);
    static const char *const want[][2] = {
        {"ECS_CLUSTER", "prod-windows"},
        {"ECS_DATADIR", "C:\\ProgramData\\Amazon\\ECS\\data"},
        {"ECS_LOGFILE", "C:\\ProgramData\\Amazon\\ECS\\log\\ecs-agent.log"},
        {"ECS_ENABLE_TASK_IAM_ROLE", "true"},
        {"ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", "false"},
        {"ECS_ENABLE_TASK_ENI", "true"},
        {"ECS_AWSVPC_BLOCK_IMDS", "false"},
        {"ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES", "[\"10.0.0.0/16\",\"fd00:ec2::/64\"]"},
        {"ECS_AVAILABLE_LOGGING_DRIVERS", "[\"json-file\",\"awslogs\"]"},
        {"ECS_INSTANCE_ATTRIBUTES", "{\"team\":\"payments\",\"stack\":\"blue\"}"},
        {"ECS_CONTAINER_INSTANCE_TAGS", "{\"cost-center\":\"1234\"}"},
        {"ECS_EXTERNAL", "true"},
        {"AWS_DEFAULT_REGION", "eu-west-1"}, /* configured region beats the IMDS one */
        {"ECS_LOGLEVEL", "debug"},
        {"ECS_CONTAINER_START_TIMEOUT", "15m"},
    };
    CHECK_INT_EQ(env.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < env.count && i < sizeof want / sizeof want[0]; i++) {
        CHECK_STR_EQ(env.vars[i].name, want[i][0]);
        CHECK_STR_EQ(env.vars[i].value, want[i][1]);
    }
    CHECK_STR_EQ(ecsb_agentenv_find(&env, "ECS_CLUSTER")->source, "user data:2");
    CHECK_STR_EQ(ecsb_agentenv_find(&env, "ECS_INSTANCE_ATTRIBUTES")->setting, "attributes.*");
    CHECK_STR_EQ(ecsb_agentenv_find(&env, "ECS_INSTANCE_ATTRIBUTES")->source, "user data:8, user data:9");
    CHECK(ecsb_agentenv_find(&env, "ecs_loglevel")->user_set);
    CHECK(ecsb_agentenv_find(&env, "ECS_IMAGE_PULL_BEHAVIOR") == NULL);
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(region_from_imds_when_not_configured)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    ecsb_agentenv_build(&c, "ap-south-1", false, &env);
    CHECK_STR_EQ(val(&env, "AWS_DEFAULT_REGION"), "ap-south-1");
    CHECK_STR_EQ(ecsb_agentenv_find(&env, "AWS_DEFAULT_REGION")->source, "instance metadata");
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(pull_behavior_follows_preload_unless_configured)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    /* Preloading no longer implies prefer-cached: that would disable all image cleanup. */
    ecsb_agentenv_build(&c, NULL, true, &env);
    CHECK(ecsb_agentenv_find(&env, "ECS_IMAGE_PULL_BEHAVIOR") == NULL);
    CHECK_INT_EQ(env.n_notes, 1);
    CHECK_CONTAINS(env.notes[0], "prefer-cached would disable all image cleanup");
    ecsb_agentenv_free(&env);
    set(&c, "agent", "image_pull_behavior", "always", 4);
    ecsb_agentenv_build(&c, NULL, true, &env);
    CHECK_STR_EQ(val(&env, "ECS_IMAGE_PULL_BEHAVIOR"), "always");
    CHECK_INT_EQ(env.n_notes, 0);
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(user_set_variables_win_and_keep_their_place)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    set(&c, "cluster", "name", "from-key", 2);
    set(&c, "agent", "task_iam_role", "true", 3);
    set(&c, "environment", "ECS_CLUSTER", "from-env", 9);
    set(&c, "environment", "ecs_enable_task_iam_role", "false", 10);
    set(&c, "environment", "ECS_IMAGE_PULL_BEHAVIOR", "once", 11);
    set(&c, "environment", "ECS_DATADIR", "C:\\ProgramData\\Amazon\\ECS\\data", 12);
    ecsb_agentenv_build(&c, NULL, true, &env);
    CHECK_STR_EQ(env.vars[0].name, "ECS_CLUSTER");
    CHECK_STR_EQ(env.vars[0].value, "from-env");
    CHECK_STR_EQ(env.vars[0].setting, "environment.ECS_CLUSTER");
    CHECK_STR_EQ(env.vars[0].source, "user data:9");
    CHECK(env.vars[0].user_set);
    CHECK_STR_EQ(val(&env, "ECS_ENABLE_TASK_IAM_ROLE"), "false");
    CHECK_STR_EQ(val(&env, "ECS_IMAGE_PULL_BEHAVIOR"), "once");
    /* Each variable exactly once. */
    size_t n = 0;
    for (size_t i = 0; i < env.count; i++)
        n += !strcmp(env.vars[i].name, "ECS_CLUSTER") + !strcmp(env.vars[i].name, "ECS_ENABLE_TASK_IAM_ROLE");
    CHECK_INT_EQ(n, 2);
    /* Notes for the values that differ; none for ECS_DATADIR (same value). */
    /* Preloading derives no pull behaviour (docs/images.md), so the user's "once" overrides nothing. */
    CHECK_INT_EQ(env.n_notes, 2);
    CHECK_CONTAINS(env.notes[0], "ECS_CLUSTER: environment.ECS_CLUSTER (user data:9) wins over cluster.name "
                                 "(user data:2)");
    CHECK_CONTAINS(env.notes[1], "ECS_ENABLE_TASK_IAM_ROLE: environment.ECS_ENABLE_TASK_IAM_ROLE");
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(json_values_escape_user_text)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    set(&c, "attributes", "path", "C:\\data", 2);
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_config_set(&c, "tags", "Name", "web \"blue\"", "user data", 3, 1, &err), ECSB_ERR_INVALID);
    set(&c, "tags", "Name", "web blue", 4);
    ecsb_agentenv_build(&c, NULL, false, &env);
    CHECK_STR_EQ(val(&env, "ECS_INSTANCE_ATTRIBUTES"), "{\"path\":\"C:\\\\data\"}");
    CHECK_STR_EQ(val(&env, "ECS_CONTAINER_INSTANCE_TAGS"), "{\"Name\":\"web blue\"}");
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

TEST(preloaded_images_are_kept_merged_with_the_users_list)
{
    struct ecsb_config c;
    struct ecsb_agentenv env;
    ecsb_config_init(&c);
    char *items[] = {"mcr.microsoft.com/windows/servercore:ltsc2022", "r/app@sha256:abc", "my/app:1"};
    struct ecsb_strlist images = {items, 3};
    ecsb_agentenv_build(&c, NULL, true, &env);
    ecsb_agentenv_keep_images(&env, &c, &images);
    CHECK_STR_EQ(val(&env, "ECS_EXCLUDE_UNTRACKED_IMAGE"), "mcr.microsoft.com/windows/servercore:ltsc2022,my/app:1");
    CHECK_STR_EQ(ecsb_agentenv_find(&env, "ECS_EXCLUDE_UNTRACKED_IMAGE")->setting, "images.preload");
    CHECK_CONTAINS(env.notes[1], "pinned by digest");
    ecsb_agentenv_free(&env);
    /* The user's entries stay first; a duplicate is not repeated. */
    set(&c, "environment", "ECS_EXCLUDE_UNTRACKED_IMAGE", "other:2, my/app:1", 7);
    ecsb_agentenv_build(&c, NULL, true, &env);
    ecsb_agentenv_keep_images(&env, &c, &images);
    CHECK_STR_EQ(val(&env, "ECS_EXCLUDE_UNTRACKED_IMAGE"),
                 "other:2,my/app:1,mcr.microsoft.com/windows/servercore:ltsc2022");
    CHECK_CONTAINS(ecsb_agentenv_find(&env, "ECS_EXCLUDE_UNTRACKED_IMAGE")->setting, "+ images.preload");
    ecsb_agentenv_free(&env);
    ecsb_config_free(&c);
}

int main(void)
{
    RUN(defaults_give_the_minimum);
    RUN(full_config_exact_values_and_order);
    RUN(region_from_imds_when_not_configured);
    RUN(pull_behavior_follows_preload_unless_configured);
    RUN(preloaded_images_are_kept_merged_with_the_users_list);
    RUN(user_set_variables_win_and_keep_their_place);
    RUN(json_values_escape_user_text);
    return check_summary();
}
