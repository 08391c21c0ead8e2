/* Unit tests for the plan: built in-process from settings layers, its actions
 * from bootstrap's action table, checked through its JSON (parsed back with the
 * project's JSON parser). */
#include "check.h"

#include "actions.h"
#include "ecsb/base/json.h"
#include "ecsb/config/plan.h"

struct fixture {
    struct ecsb_settings file, ud, cli;
    struct ecsb_plan plan;
    struct ecsb_json *json;
    struct ecsb_buf text;
};

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    ecsb_settings_init(&f->file, "/etc/ecs-bootstrap.ini");
    ecsb_settings_init(&f->ud, "user data");
    ecsb_settings_init(&f->cli, "command line");
}

static enum ecsb_status build(struct fixture *f, unsigned build_no, const char *itype, struct ecsb_error *err)
{
    const struct ecsb_settings *layers[] = {&f->file, &f->ud, &f->cli};
    struct ecsb_plan_input in = {layers, 3, build_no, itype, NULL};
    enum ecsb_status st = ecsb_plan_build(&in, &f->plan, err);
    if (st != ECSB_OK)
        return st;
    run_actions_plan(run_actions_default(), &f->plan);
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_plan_json(&f->plan, &b, 2);
    struct ecsb_error jerr = {0};
    if (ecsb_json_parse(b.data, b.len, NULL, &f->json, &jerr) != ECSB_OK)
        CHECK_STR_EQ(jerr.message, "(plan JSON parses)");
    ecsb_buf_free(&b);
    ecsb_plan_text(&f->plan, &f->text);
    return ECSB_OK;
}

static void teardown(struct fixture *f)
{
    ecsb_settings_free(&f->file);
    ecsb_settings_free(&f->ud);
    ecsb_settings_free(&f->cli);
    ecsb_plan_free(&f->plan);
    ecsb_json_free(f->json);
    ecsb_buf_free(&f->text);
}

static const char *env_of(const struct fixture *f, const char *name)
{
    return ecsb_json_get_string(ecsb_json_get(f->json, "agent_environment"), name);
}

static const char *nth(const struct fixture *f, const char *key, size_t i)
{
    return ecsb_json_string(ecsb_json_at(ecsb_json_get(f->json, key), i));
}

static size_t count(const struct fixture *f, const char *key)
{
    const struct ecsb_json *v = ecsb_json_get(f->json, key);
    return v ? v->count : 0;
}

static size_t count_matching(const struct fixture *f, const char *key, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < count(f, key); i++)
        n += nth(f, key, i) && strstr(nth(f, key, i), needle) ? 1 : 0;
    return n;
}

TEST(full_plan_json)
{
    struct fixture f;
    struct ecsb_error err = {0};
    setup(&f);
    ecsb_settings_add(&f.file, "cluster", "name", "baked", 2, 8);
    ecsb_settings_add(&f.file, "images", "preload",
                      "mcr.microsoft.com/windows/servercore:{ltsc}, mcr.microsoft.com/windows/nanoserver:ltsc2022", 9,
                      11);
    ecsb_settings_add(&f.ud, "cluster", "name", "prod", 3, 1);
    ecsb_settings_add(&f.ud, "agent", "task_iam_role", "true", 4, 1);
    ecsb_settings_add(&f.ud, "attributes", "team", "payments", 5, 1);
    ecsb_settings_add(&f.ud, "environment", "ECS_LOGLEVEL", "debug", 6, 1);
    ecsb_settings_ignore(&f.ud, 7, "Write-Host hello", "unrelated PowerShell line");
    ecsb_settings_ignore(&f.ud, 8, "$pw = 'MyPassword1'", "unrelated PowerShell line");
    CHECK_INT_EQ(ecsb_config_parse_assignment("agent.registration_timeout=20m", &f.cli, &err), ECSB_OK);
    CHECK_INT_EQ(build(&f, 20348, "Server Core", &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_get_string(f.json, "os_family"), "WINDOWS_SERVER_2022_CORE");
    CHECK_STR_EQ(env_of(&f, "ECS_CLUSTER"), "prod");
    CHECK_STR_EQ(env_of(&f, "ECS_ENABLE_TASK_IAM_ROLE"), "true");
    CHECK_STR_EQ(env_of(&f, "ECS_INSTANCE_ATTRIBUTES"), "{\"team\":\"payments\"}");
    CHECK(env_of(&f, "ECS_IMAGE_PULL_BEHAVIOR") == NULL); /* cleanup stays on; the images are excluded */
    CHECK_STR_EQ(env_of(&f, "ECS_EXCLUDE_UNTRACKED_IMAGE"),
                 "mcr.microsoft.com/windows/servercore:ltsc2022,mcr.microsoft.com/windows/nanoserver:ltsc2022");
    CHECK_STR_EQ(env_of(&f, "ECS_LOGLEVEL"), "debug");
    CHECK_INT_EQ(count(&f, "preload_images"), 2);
    CHECK_STR_EQ(nth(&f, "preload_images", 0), "mcr.microsoft.com/windows/servercore:ltsc2022");
    CHECK_STR_EQ(nth(&f, "preload_images", 1), "mcr.microsoft.com/windows/nanoserver:ltsc2022");
    CHECK_INT_EQ(count(&f, "actions"), 9);
    char want[64];
    snprintf(want, sizeof want, "write agent environment (%zu variables)", f.plan.env.count);
    CHECK_CONTAINS(nth(&f, "actions", 0), "read the configuration");
    CHECK_CONTAINS(nth(&f, "actions", 1), "cluster prod ACTIVE");
    CHECK_STR_EQ(nth(&f, "actions", 2), want);
    CHECK_CONTAINS(nth(&f, "actions", 3), "credential proxy");
    CHECK_STR_EQ(nth(&f, "actions", 4), "preload 2 images (2 in parallel)");
    CHECK_CONTAINS(nth(&f, "actions", 5), "install/update AmazonECS service");
    CHECK_CONTAINS(nth(&f, "actions", 5), "start AmazonECS");
    CHECK_STR_EQ(nth(&f, "actions", 6), "wait for registration (up to 20m)");
    CHECK_STR_EQ(nth(&f, "actions", 7), "publish attributes ecs.os-family=WINDOWS_SERVER_2022_CORE, team=payments");
    CHECK_STR_EQ(nth(&f, "actions", 8), "warm up 2 preloaded images (read their layer files once, up to 10 min)");
    /* Every action of the table is done by this version: nothing is promised that run skips. */
    const struct ecsb_json *detail = ecsb_json_get(f.json, "action_detail");
    CHECK_INT_EQ(count(&f, "action_detail"), 9);
    CHECK_STR_EQ(ecsb_json_get_string(ecsb_json_at(detail, 3), "name"), "credential-proxy");
    CHECK(ecsb_json_get(ecsb_json_at(detail, 3), "not_yet_done")->type == ECSB_JSON_FALSE);
    CHECK(ecsb_json_get(ecsb_json_at(detail, 4), "not_yet_done")->type == ECSB_JSON_FALSE);
    CHECK(ecsb_json_get(ecsb_json_at(detail, 5), "not_yet_done")->type == ECSB_JSON_FALSE);
    CHECK_INT_EQ(count_matching(&f, "warnings", "not yet done by ecs-bootstrap"), 0);
    CHECK_CONTAINS(f.text.data, "4. set up task IAM role credential proxy");
    CHECK(strstr(f.text.data, "[not yet done by this version]") == NULL);
    const struct ecsb_json *sources = ecsb_json_get(f.json, "sources");
    CHECK_STR_EQ(ecsb_json_get_string(sources, "cluster.name"), "user data:3");
    CHECK_STR_EQ(ecsb_json_get_string(sources, "images.preload"), "/etc/ecs-bootstrap.ini:9");
    CHECK_STR_EQ(ecsb_json_get_string(sources, "agent.registration_timeout"), "command line");
    CHECK_STR_EQ(ecsb_json_get_string(sources, "agent.task_eni"), "default");
    CHECK_STR_EQ(ecsb_json_get_string(sources, "environment.ECS_LOGLEVEL"), "user data:6");
    CHECK_INT_EQ(count(&f, "ignored"), 2);
    const struct ecsb_json *ig = ecsb_json_at(ecsb_json_get(f.json, "ignored"), 0);
    CHECK_INT_EQ(ecsb_json_get(ig, "line")->number, 7);
    CHECK_STR_EQ(ecsb_json_get_string(ig, "reason"), "unrelated PowerShell line");
    CHECK_STR_EQ(ecsb_json_get_string(ig, "origin"), "user data");
    ig = ecsb_json_at(ecsb_json_get(f.json, "ignored"), 1);
    CHECK(strstr(ecsb_json_get_string(ig, "text"), "MyPassword1") == NULL);
    CHECK_CONTAINS(f.text.data, "3. write agent environment");
    CHECK_CONTAINS(f.text.data, "ECS_CLUSTER=prod\n      from cluster.name (user data:3)");
    CHECK_CONTAINS(f.text.data, "user data:7: Write-Host hello");
    teardown(&f);
}

TEST(minimal_plan_and_unsupported_host)
{
    struct fixture f;
    struct ecsb_error err = {0};
    setup(&f);
    ecsb_settings_add(&f.ud, "images", "preload", "mcr.microsoft.com/windows/servercore:{ltsc}, busybox:1", 2, 1);
    CHECK_INT_EQ(build(&f, 18363, "Server Core", &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_get_string(f.json, "os_family"), "windows");
    CHECK_INT_EQ(count(&f, "preload_images"), 1);
    CHECK_STR_EQ(nth(&f, "preload_images", 0), "busybox:1");
    CHECK_INT_EQ(count(&f, "warnings"), 2); /* preloading is done by run: no "not yet done" */
    CHECK_CONTAINS(nth(&f, "warnings", 0), "ecs.os-family will be 'windows'");
    CHECK_CONTAINS(nth(&f, "warnings", 1), "1 image(s) using {ltsc}");
    CHECK_STR_EQ(env_of(&f, "ECS_EXCLUDE_UNTRACKED_IMAGE"), "busybox:1");
    CHECK_INT_EQ(count(&f, "actions"), 8); /* no proxy; warm-up after registration */
    CHECK_CONTAINS(nth(&f, "actions", 7), "warm up 1 preloaded image");
    CHECK_STR_EQ(nth(&f, "actions", 3), "preload 1 image (2 in parallel)");
    CHECK_STR_EQ(nth(&f, "actions", 5), "wait for registration (up to 15m)");
    CHECK_STR_EQ(nth(&f, "actions", 6), "publish attributes ecs.os-family=windows");
    teardown(&f);
}

TEST(images_off_and_user_wins_note)
{
    struct fixture f;
    struct ecsb_error err = {0};
    setup(&f);
    ecsb_settings_add(&f.file, "images", "preload", "a:{ltsc}", 2, 1);
    ecsb_settings_add(&f.ud, "images", "mode", "off", 2, 1);
    ecsb_settings_add(&f.ud, "cluster", "name", "typed", 3, 1);
    ecsb_settings_add(&f.ud, "environment", "ECS_CLUSTER", "explicit", 4, 1);
    ecsb_settings_add(&f.ud, "environment", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI", 5, 1);
    CHECK_INT_EQ(build(&f, 17763, "Server", &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_json_get_string(f.json, "os_family"), "WINDOWS_SERVER_2019_FULL");
    CHECK_INT_EQ(count(&f, "preload_images"), 0);
    CHECK(env_of(&f, "ECS_IMAGE_PULL_BEHAVIOR") == NULL);
    CHECK_STR_EQ(env_of(&f, "ECS_CLUSTER"), "explicit");
    CHECK_STR_EQ(env_of(&f, "AWS_SECRET_ACCESS_KEY"), "<redacted>");
    CHECK(strstr(f.text.data, "wJalrXUtnFEMI") == NULL);
    CHECK_INT_EQ(count(&f, "notes"), 1);
    CHECK_CONTAINS(nth(&f, "notes", 0), "environment.ECS_CLUSTER (user data:4) wins over cluster.name");
    CHECK_CONTAINS(nth(&f, "warnings", 0), "images.mode = off");
    /* The plan itself keeps the real value for run. */
    CHECK_STR_EQ(ecsb_agentenv_find(&f.plan.env, "AWS_SECRET_ACCESS_KEY")->value, "wJalrXUtnFEMI");
    teardown(&f);
}

TEST(bad_input_fails_with_place_and_leaves_nothing)
{
    struct fixture f;
    struct ecsb_error err = {0};
    setup(&f);
    ecsb_settings_add(&f.ud, "agent", "task_enI", "maybe", 12, 12);
    CHECK_INT_EQ(build(&f, 20348, "Server", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(err.code, ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:12:12: agent.task_eni = 'maybe' is not accepted");
    CHECK(f.plan.n_actions == 0 && f.plan.env.count == 0 && f.plan.os_family == NULL);
    teardown(&f);
}

TEST(placeholders_expand_per_build)
{
    struct ecsb_strlist in = {NULL, 0}, out;
    char *imgs[] = {"mcr.microsoft.com/windows/servercore:{ltsc}", "mcr.microsoft.com/windows/nanoserver:{nanoserver}",
                    "x/{ltsc}-{nanoserver}"};
    in.items = imgs;
    in.count = 3;
    CHECK_INT_EQ(ecsb_plan_expand_images(&in, 17763, &out), 0);
    CHECK_INT_EQ(out.count, 3);
    CHECK_STR_EQ(out.items[0], "mcr.microsoft.com/windows/servercore:ltsc2019");
    CHECK_STR_EQ(out.items[1], "mcr.microsoft.com/windows/nanoserver:1809");
    CHECK_STR_EQ(out.items[2], "x/ltsc2019-1809");
    ecsb_strv_free(out.items, out.count);
    CHECK_INT_EQ(ecsb_plan_expand_images(&in, 14393, &out), 2); /* no nanoserver on 2016 */
    CHECK_INT_EQ(out.count, 1);
    CHECK_STR_EQ(out.items[0], "mcr.microsoft.com/windows/servercore:ltsc2016");
    ecsb_strv_free(out.items, out.count);
    CHECK_INT_EQ(ecsb_plan_expand_images(&in, 26100, &out), 0);
    CHECK_STR_EQ(out.items[1], "mcr.microsoft.com/windows/nanoserver:ltsc2025");
    ecsb_strv_free(out.items, out.count);

    struct fixture f;
    struct ecsb_error err = {0};
    setup(&f);
    ecsb_settings_add(&f.file, "images", "preload", "mcr.microsoft.com/windows/nanoserver:{ltsc}", 2, 1);
    CHECK_INT_EQ(build(&f, 17763, "Server Core", &err), ECSB_OK);
    CHECK_INT_EQ(count(&f, "warnings"), 1);
    CHECK_CONTAINS(nth(&f, "warnings", 0), "write {nanoserver}");
    teardown(&f);
}

int main(void)
{
    RUN(full_plan_json);
    RUN(minimal_plan_and_unsupported_host);
    RUN(images_off_and_user_wins_note);
    RUN(bad_input_fails_with_place_and_leaves_nothing);
    RUN(placeholders_expand_per_build);
    return check_summary();
}
