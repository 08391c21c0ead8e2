/* The masker: secrets by value and by name, at every sink that uses it (log,
 * report, plan, user-data warnings). */
#include "check.h"

#include "ecsb/base/fs.h"
#include "ecsb/base/log.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/report.h"
#include "ecsb/config/settings.h"
#include "ecsb/userdata/userdata.h"

static void check_masked(const struct ecsb_masker *m, const char *in, const char *want)
{
    char *out = ecsb_masker_apply(m, in);
    CHECK_STR_EQ(out, want);
    free(out);
}

TEST(secret_names)
{
    CHECK(ecsb_secret_name("AWS_SECRET_ACCESS_KEY"));
    CHECK(ecsb_secret_name("AWS_SESSION_TOKEN"));
    CHECK(ecsb_secret_name("AWS_ACCESS_KEY_ID"));
    CHECK(ecsb_secret_name("ECS_ENGINE_AUTH_DATA"));
    CHECK(ecsb_secret_name("db_password"));
    CHECK(ecsb_secret_name("My_Secret_Thing"));
    CHECK(ecsb_secret_name("X-aws-ec2-metadata-token"));
    CHECK(!ecsb_secret_name("ECS_CLUSTER"));
    CHECK(!ecsb_secret_name("ECS_ENGINE_AUTH_TYPE"));
    CHECK(!ecsb_secret_name(NULL));
}

TEST(values_are_masked_everywhere_longest_first)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, "abc"); /* too short: ignored */
    ecsb_masker_add(&m, "s3cr3t");
    ecsb_masker_add(&m, "s3cr3t-longer");
    ecsb_masker_add(&m, "s3cr3t"); /* duplicate */
    CHECK_INT_EQ(m.count, 2);
    check_masked(&m, "a s3cr3t-longer b s3cr3ts3cr3t abc", "a <redacted> b <redacted><redacted> abc");
    ecsb_masker_free(&m);
}

TEST(json_escaped_form_is_masked_too)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, "{\"user\":\"pw\\1\"}");
    check_masked(&m, "x {\\\"user\\\":\\\"pw\\\\1\\\"} y", "x <redacted> y");
    ecsb_masker_free(&m);
}

TEST(secrets_made_of_stars_or_the_mask_terminate)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, "*****");
    ecsb_masker_add(&m, "dacted>");
    check_masked(&m, "a ***** b ********** c", "a <redacted> b <redacted><redacted> c");
    ecsb_masker_free(&m);
}

TEST(values_of_secret_names_are_masked_without_registration)
{
    check_masked(NULL, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY PATH=/usr/bin",
                 "AWS_SECRET_ACCESS_KEY=<redacted> PATH=/usr/bin");
    check_masked(NULL, "env: ECS_ENGINE_AUTH_DATA={\"https://index.docker.io/v1/\":{\"password\":\"p w\"}} next",
                 "env: ECS_ENGINE_AUTH_DATA=<redacted> next");
    check_masked(NULL, "{\"password\": \"hunter22\", \"user\": \"bob\"}", "{\"password\": \"<redacted>\", \"user\": \"bob\"}");
    check_masked(NULL, "environment.DB_PASSWORD = 'x y'", "environment.DB_PASSWORD = '<redacted>'");
    check_masked(NULL, "a \\\"AWS_SESSION_TOKEN\\\":\\\"tok\\\" b", "a \\\"AWS_SESSION_TOKEN\\\":\\\"<redacted>\\\" b");
    /* prose about tokens is left alone: only NAME=value and "name": value forms */
    check_masked(NULL, "could not get an IMDS token: connection refused", "could not get an IMDS token: connection refused");
    check_masked(NULL, "ECS_CLUSTER=prod AWS_SESSION_TOKEN=<redacted>", "ECS_CLUSTER=prod AWS_SESSION_TOKEN=<redacted>");
    /* an already-masked value (or an unclosed quote starting with one) hides nothing after it */
    check_masked(NULL, "A_TOKEN='<redacted> B_PASSWORD=hunter22", "A_TOKEN='<redacted> B_PASSWORD=<redacted>");
}

static time_t fixed_clock(time_t *t)
{
    if (t)
        *t = 1706702400;
    return 1706702400;
}

TEST(log_lines_are_masked_by_the_shared_masker)
{
    const char *path = "build/test_mask_log.out";
    remove(path);
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    struct ecsb_log log;
    ecsb_log_init(&log, NULL);
    log.now = fixed_clock;
    log.masker = &m;
    CHECK(ecsb_log_open_file(&log, path) == 0);
    ecsb_masker_add(&m, "CANARY-value-1");
    ecsb_log(&log, ECSB_LOG_WARN, "seen CANARY-value-1 and AWS_SESSION_TOKEN=CANARY-2");
    ecsb_log_close(&log);
    char *data = NULL;
    struct ecsb_error err;
    ecsb_fs_read(path, &data, NULL, &err);
    CHECK(data && !strstr(data, "CANARY"));
    CHECK_CONTAINS(data, "seen <redacted> and AWS_SESSION_TOKEN=<redacted>");
    free(data);
    remove(path);
    ecsb_masker_free(&m);
}

TEST(status_report_masks_errors_and_details)
{
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, "role-secret-\"quoted\"");
    struct ecsb_report r = {0};
    r.masker = &m;
    ecsb_report_add_phase(&r, "register", ECSB_PHASE_FAILED, 1.0, "detail role-secret-\"quoted\"");
    ecsb_report_add_error(&r, "agent stopped\n--- last lines ---\nAWS_SECRET_ACCESS_KEY=unregistered\n"
                              "saw role-secret-\"quoted\" here");
    struct ecsb_buf json = ECSB_BUF_INIT;
    ecsb_report_to_json(&r, &json);
    CHECK(!strstr(json.data, "role-secret"));
    CHECK(!strstr(json.data, "unregistered"));
    CHECK_CONTAINS(json.data, "AWS_SECRET_ACCESS_KEY=<redacted>");
    ecsb_buf_free(&json);
    ecsb_report_free(&r);
    ecsb_masker_free(&m);
}

TEST(override_warning_quotes_secrets_masked_and_registers_both)
{
    const char *doc = "<powershell>\n"
                      "[Environment]::SetEnvironmentVariable(\"ECS_ENGINE_AUTH_DATA\", 'PS-CANARY-auth', "
                      "\"Machine\")\n"
                      "Initialize-ECSAgent -Cluster 'c1'\n"
                      "</powershell>\n"
                      "<ecs-bootstrap>\n[environment]\nECS_ENGINE_AUTH_DATA = INI-CANARY-auth\n</ecs-bootstrap>\n";
    struct ecsb_settings s;
    ecsb_settings_init(&s, "user data");
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_userdata_parse(doc, strlen(doc), &s, &err), ECSB_OK);
    bool warned = false;
    for (size_t i = 0; i < s.n_warnings; i++) {
        CHECK(!strstr(s.warnings[i], "CANARY"));
        warned = warned || strstr(s.warnings[i], "is overridden") != NULL;
    }
    CHECK(warned);
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_settings_register_secrets(&s, &m);
    check_masked(&m, "PS-CANARY-auth INI-CANARY-auth", "<redacted> <redacted>");
    ecsb_masker_free(&m);
    ecsb_settings_free(&s);
}

int main(void)
{
    RUN(secret_names);
    RUN(values_are_masked_everywhere_longest_first);
    RUN(json_escaped_form_is_masked_too);
    RUN(secrets_made_of_stars_or_the_mask_terminate);
    RUN(values_of_secret_names_are_masked_without_registration);
    RUN(log_lines_are_masked_by_the_shared_masker);
    RUN(status_report_masks_errors_and_details);
    RUN(override_warning_quotes_secrets_masked_and_registers_both);
    return check_summary();
}
