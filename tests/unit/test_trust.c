/* Trust model: user data (the launcher's) may not set [paths], [trust] or the
 * variables that steer ecs-bootstrap or the AWS SDK, unless the baked INI (the AMI
 * owner's) allows them by name (issue 11, finding 6). */
#include "check.h"

#include "ecsb/config/config.h"
#include "ecsb/config/ini.h"
#include "ecsb/config/trust.h"
#include "ecsb/userdata/userdata.h"

/* Applies the baked INI text, then the user data text; returns the user data status. */
static enum ecsb_status apply(const char *baked, const char *userdata, struct ecsb_error *err)
{
    struct ecsb_config c;
    ecsb_config_init(&c);
    struct ecsb_settings b, u;
    ecsb_settings_init(&b, "/etc/ecs-bootstrap.ini");
    ecsb_settings_init(&u, "user data");
    enum ecsb_status st = ecsb_settings_from_ini(baked, &b, err);
    if (st == ECSB_OK)
        st = ecsb_config_apply(&c, &b, err);
    if (st == ECSB_OK) {
        st = ecsb_userdata_parse(userdata, strlen(userdata), &u, err);
        if (st == ECSB_OK)
            st = ecsb_config_apply(&c, &u, err);
    }
    ecsb_settings_free(&b);
    ecsb_settings_free(&u);
    ecsb_config_free(&c);
    return st;
}

TEST(paths_from_userdata_are_refused_with_the_fix)
{
    struct ecsb_error err = {0};
    CHECK_INT_EQ(apply("", "[cluster]\nname = c\n[paths]\nstatus_file = /etc/cron.d/x\n", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:4:");
    CHECK_CONTAINS(err.message, "paths.status_file may not come from user data");
    CHECK_CONTAINS(err.message, "[trust] allow_from_userdata = paths.status_file");
    /* the same key from the baked INI is the owner's */
    CHECK_INT_EQ(apply("[paths]\nstatus_file = /var/lib/s.json\n", "[cluster]\nname = c\n", &err), ECSB_OK);
}

TEST(steering_variables_from_userdata_are_refused_in_every_form)
{
    struct ecsb_error err = {0};
    static const char *const names[] = {"AWS_ENDPOINT_URL", "aws_endpoint_url_ecs", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                        "HTTPS_PROXY", "NO_PROXY", "AWS_CA_BUNDLE", "ECS_BOOTSTRAP_INTROSPECTION_URL",
                                        "AWS_SHARED_CREDENTIALS_FILE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char ud[256];
        snprintf(ud, sizeof ud, "[environment]\n%s = http://10.0.0.1:3128\n", names[i]);
        CHECK_INT_EQ(apply("", ud, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, "may not come from user data");
    }
    const char *ps = "<powershell>\n"
                     "[Environment]::SetEnvironmentVariable(\"HTTP_PROXY\", \"http://p:3128\", \"Machine\")\n"
                     "Initialize-ECSAgent -Cluster 'c'\n</powershell>\n";
    CHECK_INT_EQ(apply("", ps, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "environment.HTTP_PROXY may not come from user data");
    /* ordinary agent variables stay the launcher's to set */
    CHECK_INT_EQ(apply("", "[environment]\nECS_LOGLEVEL = debug\nAWS_DEFAULT_REGION = us-east-1\n", &err), ECSB_OK);
}

TEST(the_baked_ini_allows_by_name_only)
{
    struct ecsb_error err = {0};
    const char *baked = "[trust]\nallow_from_userdata = paths.status_file, environment.HTTP_PROXY\n";
    CHECK_INT_EQ(apply(baked, "[paths]\nstatus_file = /tmp/s.json\n[environment]\nhttp_proxy = http://p:1\n", &err),
                 ECSB_OK);
    CHECK_INT_EQ(apply(baked, "[paths]\nenv_file = /etc/passwd\n", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "paths.env_file may not come from user data");
    CHECK_INT_EQ(apply(baked, "[environment]\nHTTPS_PROXY = http://p:1\n", &err), ECSB_ERR_INVALID);
}

TEST(trust_itself_is_never_from_userdata_and_items_are_checked)
{
    struct ecsb_error err = {0};
    CHECK_INT_EQ(apply("", "[trust]\nallow_from_userdata = paths.env_file\n", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "[trust] may not come from user data");
    CHECK_INT_EQ(apply("[trust]\nallow_from_userdata = trust.allow_from_userdata\n", "", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(apply("[trust]\nallow_from_userdata = environment.ECS_LOGLEVEL\n", "", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "trust.allow_from_userdata");
    CHECK(!ecsb_trust_item_valid("cluster.name"));
    CHECK(ecsb_trust_item_valid("environment.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"));
}

int main(void)
{
    RUN(paths_from_userdata_are_refused_with_the_fix);
    RUN(steering_variables_from_userdata_are_refused_in_every_form);
    RUN(the_baked_ini_allows_by_name_only);
    RUN(trust_itself_is_never_from_userdata_and_items_are_checked);
    return check_summary();
}
