/* Unit tests for the config model: defaults, precedence, sources, every value type,
 * and that every error names the place, the value and the accepted forms. */
#include "check.h"

#include "ecsb/config/config.h"
#include "ecsb/config/config_values.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/ini.h"

/* Applies one "section|key|value" assignment with origin/line; returns status and message. */
static enum ecsb_status set1(struct ecsb_config *c, const char *section, const char *key, const char *value,
                             struct ecsb_error *err)
{
    ecsb_error_clear(err);
    return ecsb_config_set(c, section, key, value, "baked.ini", 7, 12, err);
}

TEST(defaults_and_default_sources)
{
    struct ecsb_config c;
    ecsb_config_init(&c);
    CHECK_STR_EQ(c.cluster.name, "default");
    CHECK(c.cluster.region == NULL);
    CHECK_INT_EQ(c.agent.version_kind, ECSB_AGENT_VERSION_CACHED);
    CHECK(!c.agent.task_iam_role && !c.agent.task_eni && !c.agent.external);
    CHECK_INT_EQ(c.agent.image_pull_behavior, ECSB_PULL_UNSET);
    CHECK_INT_EQ(c.agent.registration_timeout_ns, 15LL * 60 * 1000000000LL);
    CHECK_INT_EQ(c.images.mode, ECSB_IMAGES_PULL);
    CHECK_INT_EQ(c.images.parallel, 2);
    CHECK_STR_EQ(c.paths.datadir, "C:\\ProgramData\\Amazon\\ECS\\data");
    CHECK_STR_EQ(c.paths.logfile, "C:\\ProgramData\\Amazon\\ECS\\log\\ecs-agent.log");
    CHECK_STR_EQ(c.paths.agent_dir, "C:\\Program Files\\Amazon\\ECS");
    CHECK_STR_EQ(ecsb_config_source(&c, "cluster", "name"), "default");
    CHECK_STR_EQ(ecsb_config_source(&c, "TIMEOUTS", "Imds"), "default");
    CHECK(ecsb_config_source(&c, "cluster", "nope") == NULL);
    CHECK_INT_EQ(c.n_warnings, 0);
    ecsb_config_free(&c);
}

TEST(precedence_file_then_userdata_then_command_line)
{
    struct ecsb_config c;
    struct ecsb_error err = {0};
    struct ecsb_settings file, ud, cli;
    ecsb_config_init(&c);
    ecsb_settings_init(&file, "/etc/ecs-bootstrap.ini");
    ecsb_settings_init(&ud, "user data");
    ecsb_settings_init(&cli, "command line");
    ecsb_settings_add(&file, "cluster", "name", "from-file", 2, 8);
    ecsb_settings_add(&file, "agent", "task_eni", "true", 3, 12);
    ecsb_settings_add(&file, "attributes", "team", "payments", 5, 8);
    ecsb_settings_add(&ud, "cluster", "name", "from-userdata", 4, 8);
    ecsb_settings_add(&ud, "attributes", "team", "search", 9, 8);
    CHECK_INT_EQ(ecsb_config_parse_assignment("cluster.name=from-cli", &cli, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_config_apply(&c, &file, &err), ECSB_OK);
    CHECK_STR_EQ(c.cluster.name, "from-file");
    CHECK_INT_EQ(ecsb_config_apply(&c, &ud, &err), ECSB_OK);
    CHECK_STR_EQ(c.cluster.name, "from-userdata");
    CHECK_STR_EQ(ecsb_config_source(&c, "cluster", "name"), "user data:4");
    CHECK_INT_EQ(ecsb_config_apply(&c, &cli, &err), ECSB_OK);
    CHECK_STR_EQ(c.cluster.name, "from-cli");
    CHECK_STR_EQ(ecsb_config_source(&c, "cluster", "name"), "command line");
    CHECK(c.agent.task_eni);
    CHECK_STR_EQ(ecsb_config_source(&c, "agent", "task_eni"), "/etc/ecs-bootstrap.ini:3");
    CHECK_INT_EQ(c.attributes.count, 1);
    CHECK_STR_EQ(c.attributes.items[0].value, "search");
    CHECK_STR_EQ(ecsb_config_source(&c, "attributes", "team"), "user data:9");
    CHECK(c.origin[ecsb_config_key_index("cluster", "name")].is_set);
    CHECK(!c.origin[ecsb_config_key_index("cluster", "region")].is_set);
    ecsb_settings_free(&file);
    ecsb_settings_free(&ud);
    ecsb_settings_free(&cli);
    ecsb_config_free(&c);
}

TEST(booleans_ini_and_go)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", "yes", "YES", "On", "tRuE", NULL};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", "no", "No", "OFF", NULL};
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    for (int i = 0; yes[i]; i++) {
        c.agent.task_iam_role = false;
        CHECK_INT_EQ(set1(&c, "agent", "task_iam_role", yes[i], &err), ECSB_OK);
        CHECK(c.agent.task_iam_role);
    }
    for (int i = 0; no[i]; i++) {
        c.agent.task_iam_role = true;
        CHECK_INT_EQ(set1(&c, "agent", "task_iam_role", no[i], &err), ECSB_OK);
        CHECK(!c.agent.task_iam_role);
    }
    CHECK_INT_EQ(set1(&c, "agent", "task_iam_role", "maybe", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: agent.task_iam_role = 'maybe' is not accepted");
    CHECK_CONTAINS(err.message, "accepted: true/false, yes/no");
    /* Go's ParseBool, used for environment.*, is exactly its 12 spellings. */
    bool b;
    CHECK(ecsb_parse_go_bool("True", &b) && b);
    CHECK(ecsb_parse_go_bool("F", &b) && !b);
    CHECK(!ecsb_parse_go_bool("tRue", &b));
    CHECK(!ecsb_parse_go_bool("yes", &b));
    CHECK(!ecsb_parse_go_bool("", &b));
    ecsb_config_free(&c);
}

TEST(go_durations)
{
    int64_t ns;
    const int64_t S = 1000000000LL;
    CHECK(ecsb_parse_go_duration("15m", &ns) && ns == 15 * 60 * S);
    CHECK(ecsb_parse_go_duration("1h30m", &ns) && ns == 90 * 60 * S);
    CHECK(ecsb_parse_go_duration("1.5h", &ns) && ns == 90 * 60 * S);
    CHECK(ecsb_parse_go_duration("300ms", &ns) && ns == 300000000LL);
    CHECK(ecsb_parse_go_duration("2us", &ns) && ns == 2000);
    CHECK(ecsb_parse_go_duration("2\xC2\xB5s", &ns) && ns == 2000);
    CHECK(ecsb_parse_go_duration(".5s", &ns) && ns == S / 2);
    CHECK(ecsb_parse_go_duration("0", &ns) && ns == 0);
    CHECK(ecsb_parse_go_duration("-1m", &ns) && ns == -60 * S);
    CHECK(ecsb_parse_go_duration("2562047h", &ns));
    CHECK(!ecsb_parse_go_duration("2562048h", &ns)); /* overflows int64 ns */
    CHECK(!ecsb_parse_go_duration("15", &ns));       /* missing unit */
    CHECK(!ecsb_parse_go_duration("15 m", &ns));
    CHECK(!ecsb_parse_go_duration("15min", &ns));
    CHECK(!ecsb_parse_go_duration("", &ns));
    CHECK(!ecsb_parse_go_duration(".s", &ns));
    CHECK(!ecsb_parse_go_duration("1h-5m", &ns));
    char out[32];
    ecsb_format_duration(15 * 60 * S, out, sizeof out);
    CHECK_STR_EQ(out, "15m");
    ecsb_format_duration(90 * 60 * S + 5 * S, out, sizeof out);
    CHECK_STR_EQ(out, "1h30m5s");
    ecsb_format_duration(250000000LL, out, sizeof out);
    CHECK_STR_EQ(out, "250ms");
    ecsb_format_duration(0, out, sizeof out);
    CHECK_STR_EQ(out, "0s");

    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "agent", "registration_timeout", "20m", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.registration_timeout_ns, 20 * 60 * S);
    CHECK_INT_EQ(set1(&c, "timeouts", "docker", "90s", &err), ECSB_OK);
    CHECK_INT_EQ(c.timeouts.docker_ns, 90 * S);
    CHECK_INT_EQ(set1(&c, "timeouts", "imds", "0s", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: timeouts.imds = '0s'");
    CHECK_CONTAINS(err.message, "greater than 0");
    CHECK_INT_EQ(set1(&c, "timeouts", "aws_call", "30", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "accepted: a Go duration");
    ecsb_config_free(&c);
}

TEST(cidrs_ipv4_and_ipv6)
{
    static const char *const good[] = {"10.0.0.0/16", "0.0.0.0/0", "192.168.1.1/32", "fd00:ec2::/64", "::/0",
                                       "::1/128", "2001:db8:0:0:0:0:2:1/64", "::ffff:10.0.0.1/120",
                                       "1:2:3:4:5:6:7::/112", NULL};
    static const char *const bad[] = {"10.0.0.0", "10.0.0.0/33", "10.0.0/16", "10.0.0.256/8", "010.0.0.0/8",
                                      "10.0.0.0/016", "10.0.0.0/", "fd00::ec2::/64", "fd00:/64", "12345::/64",
                                      "1:2:3:4:5:6:7:8:9/64", "fd00::/129", "::/-1", "fe80::1%eth0/64",
                                      " 10.0.0.0/16", "1:2:3:4:5:6:7:8::/64", NULL};
    for (int i = 0; good[i]; i++)
        if (!ecsb_parse_cidr(good[i]))
            CHECK_STR_EQ("rejected", good[i]);
    for (int i = 0; bad[i]; i++)
        if (ecsb_parse_cidr(bad[i]))
            CHECK_STR_EQ("accepted", bad[i]);

    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "agent", "awsvpc_additional_local_routes", "10.0.0.0/16, fd00:ec2::/64", &err),
                 ECSB_OK);
    CHECK_INT_EQ(c.agent.awsvpc_additional_local_routes.count, 2);
    CHECK_STR_EQ(c.agent.awsvpc_additional_local_routes.items[1], "fd00:ec2::/64");
    CHECK_INT_EQ(set1(&c, "agent", "awsvpc_additional_local_routes", "[\"10.1.0.0/16\"]", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.awsvpc_additional_local_routes.count, 1);
    CHECK_INT_EQ(set1(&c, "agent", "awsvpc_additional_local_routes", "10.0.0.0/16, 10.1.0.0", &err),
                 ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12:");
    CHECK_CONTAINS(err.message, "item 2 ('10.1.0.0')");
    CHECK_CONTAINS(err.message, "accepted: comma-separated CIDRs");
    CHECK_INT_EQ(c.agent.awsvpc_additional_local_routes.count, 1); /* failed set keeps the old value */
    ecsb_config_free(&c);
}

TEST(lists_enums_ints_versions)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "json-file, awslogs", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.logging_drivers.count, 2);
    CHECK_STR_EQ(c.agent.logging_drivers.items[1], "awslogs");
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "[\"json-file\",\"awslogs\"]", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.logging_drivers.count, 2);
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "json-file,,awslogs", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "item 2 of the list is empty");
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "[\"json-file\"", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "not a valid JSON array");
    CHECK_INT_EQ(set1(&c, "agent", "image_pull_behavior", "prefer-cached", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.image_pull_behavior, ECSB_PULL_PREFER_CACHED);
    CHECK_INT_EQ(set1(&c, "agent", "image_pull_behavior", "ALWAYS", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.image_pull_behavior, ECSB_PULL_ALWAYS);
    CHECK_INT_EQ(set1(&c, "agent", "image_pull_behavior", "cached", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "accepted: default, always, once, prefer-cached");
    CHECK_INT_EQ(set1(&c, "images", "mode", "verify", &err), ECSB_OK);
    CHECK_INT_EQ(c.images.mode, ECSB_IMAGES_VERIFY);
    CHECK_INT_EQ(set1(&c, "images", "parallel", "8", &err), ECSB_OK);
    CHECK_INT_EQ(c.images.parallel, 8);
    CHECK_INT_EQ(set1(&c, "images", "parallel", "9", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "from 1 to 8");
    CHECK_INT_EQ(set1(&c, "images", "parallel", "0", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "images", "preload", "mcr.microsoft.com/windows/servercore:{ltsc}, x:{ltsc}", &err),
                 ECSB_OK);
    CHECK_INT_EQ(c.images.preload.count, 2);
    CHECK_INT_EQ(set1(&c, "images", "preload", "a:{nano}", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "only {ltsc} and {nanoserver} exist");
    CHECK_INT_EQ(set1(&c, "images", "preload", "n:{nanoserver}", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "agent", "version", "v1.101.0", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.version_kind, ECSB_AGENT_VERSION_PINNED);
    CHECK_STR_EQ(c.agent.version, "1.101.0");
    CHECK_INT_EQ(set1(&c, "agent", "version", "Latest", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.version_kind, ECSB_AGENT_VERSION_LATEST);
    CHECK_INT_EQ(set1(&c, "agent", "version", "1.101", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "accepted: cached, latest, or a release");
    CHECK_INT_EQ(set1(&c, "cluster", "region", "us-gov-west-1", &err), ECSB_OK);
    CHECK_STR_EQ(c.cluster.region, "us-gov-west-1");
    CHECK_INT_EQ(set1(&c, "cluster", "region", "US-EAST-1", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "an AWS region such as us-east-1");
    CHECK_INT_EQ(set1(&c, "cluster", "name", "bad name", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "cluster.name = 'bad name'");
    CHECK_INT_EQ(set1(&c, "cluster", "name", "arn:aws:ecs:us-east-1:123456789012:cluster/prod", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "paths", "datadir", "", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "a non-empty path");
    CHECK_INT_EQ(set1(&c, "paths", "env_file", "/tmp/ecs.env", &err), ECSB_OK);
    CHECK_STR_EQ(c.paths.env_file, "/tmp/ecs.env");
    ecsb_config_free(&c);
}

TEST(unknown_sections_and_keys_name_the_place_and_valid_keys)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "cluster", "nmae", "x", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: unknown key 'nmae' in [cluster] (did you mean 'name'?)");
    CHECK_CONTAINS(err.message, "valid keys: name, region");
    CHECK_INT_EQ(set1(&c, "clustr", "name", "x", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "unknown section [clustr] (did you mean [cluster]?)");
    CHECK_CONTAINS(err.message, "[environment]");
    CHECK_INT_EQ(set1(&c, "agent", "zzzzzzzz", "x", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "valid keys: version, task_iam_role,");
    CHECK(strstr(err.message, "did you mean") == NULL);
    /* Command-line values have no line: the place is "command line". */
    struct ecsb_settings cli;
    ecsb_settings_init(&cli, "command line");
    CHECK_INT_EQ(ecsb_config_parse_assignment("paths.logdir=C:\\x", &cli, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_config_apply(&c, &cli, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "command line: unknown key 'logdir' in [paths] (did you mean 'log_dir'?)");
    CHECK_INT_EQ(ecsb_config_parse_assignment("clustername=x", &cli, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "is not section.key=value");
    CHECK_INT_EQ(ecsb_config_parse_assignment("attributes.stack.tier = blue", &cli, &err), ECSB_OK);
    CHECK_STR_EQ(cli.items[cli.count - 1].key, "stack.tier");
    CHECK_STR_EQ(cli.items[cli.count - 1].value, "blue");
    ecsb_settings_free(&cli);
    CHECK_INT_EQ(set1(&c, "cluster", "name", "a\nb", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "control character");
    ecsb_config_free(&c);
}

TEST(attributes_and_tags_follow_ecs_rules)
{
    struct ecsb_config c;
    struct ecsb_error err;
    char name[130];
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "attributes", "stack/tier.x_y-z\\w", "blue@a:b c", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "attributes", "team@x", "a", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: attributes.team@x");
    CHECK_CONTAINS(err.message, "contains '@'");
    memset(name, 'a', 129);
    name[129] = '\0';
    CHECK_INT_EQ(set1(&c, "attributes", name, "v", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "129 characters long");
    name[128] = '\0';
    CHECK_INT_EQ(set1(&c, "attributes", name, "v", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "attributes", "team", " lead", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "starts or ends with a space");
    CHECK_INT_EQ(set1(&c, "attributes", "team", "", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "attributes", "team", "a#b", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "attributes", "ecs.custom", "x", &err), ECSB_OK);
    CHECK_INT_EQ(c.n_warnings, 1);
    CHECK_CONTAINS(c.warnings[0], "'ecs.' prefix");
    CHECK_INT_EQ(set1(&c, "tags", "cost-center", "1234", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "tags", "empty", "", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "tags", "aws:owner", "x", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "reserved for AWS");
    CHECK_INT_EQ(set1(&c, "tags", "a", "b;c", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "tags.a = 'b;c'");
    CHECK_INT_EQ(c.tags.count, 2);
    ecsb_config_free(&c);
}

TEST(environment_pass_through_validated_where_known)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_CONTAINER_START_TIMEOUT", "15m", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "ecs_loglevel", "debug", &err), ECSB_OK);
    CHECK_STR_EQ(c.environment.items[1].key, "ECS_LOGLEVEL");
    CHECK(ecsb_config_env(&c, "Ecs_LogLevel") != NULL);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_SOMETHING_NEW", "anything at all", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "HTTP_PROXY", "http://proxy:3128", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "PATH", "C:\\x", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: environment.PATH is not a variable the agent reads");
    CHECK_INT_EQ(set1(&c, "environment", "ECS_ENABLE_TASK_ENI", "True", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_RESERVED_PORTS", "[22, 80, 65535]", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_INSTANCE_ATTRIBUTES", "{\"a\":\"b\"}", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_IMAGE_PULL_BEHAVIOR", "prefer-cached", &err), ECSB_OK);
    CHECK_INT_EQ(c.n_warnings, 0); /* valid values draw no warning */
    /* Values the agent refuses to start with (or cannot register with) stay errors. */
    CHECK_INT_EQ(set1(&c, "environment", "ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES", "[\"10.0.0.0/33\"]", &err),
                 ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "is not a CIDR");
    CHECK_INT_EQ(set1(&c, "environment", "ECS_INSTANCE_ATTRIBUTES", "{bad", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "the agent refuses to start on it");
    CHECK_INT_EQ(set1(&c, "environment", "ECS_CONTAINER_INSTANCE_TAGS", "[1]", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_CLUSTER", "a b", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "environment", "AWS_DEFAULT_REGION", "mars-1", &err), ECSB_ERR_INVALID);
    ecsb_config_free(&c);
}

static int warnings_containing(const struct ecsb_config *c, const char *needle)
{
    int n = 0;
    for (size_t i = 0; i < c->n_warnings; i++)
        n += strstr(c->warnings[i], needle) != NULL;
    return n;
}

/* Values the agent tolerates (it warns and uses its default) pass through with a
 * warning naming the place, the value and the accepted forms: one case per kind. */
TEST(environment_values_the_agent_tolerates_pass_through_with_a_warning)
{
    static const struct { const char *name, *value, *forms; } cases[] = {
        {"ECS_ENABLE_TASK_ENI", "yes", "Go ParseBool"},
        {"ECS_ENABLE_CONTAINER_METADATA", "$TRUE", "Go ParseBool"},
        {"ECS_IMAGE_PULL_TIMEOUT", "2 hours", "Go duration"},
        {"ECS_AVAILABLE_LOGGING_DRIVERS", "[\"json-file\",", "JSON array of strings"},
        {"ECS_AVAILABLE_LOGGING_DRIVERS", "{\"a\":\"b\"}", "JSON array of strings"},
        {"ECS_AVAILABLE_LOGGING_DRIVERS", "[\"json-file\",1]", "JSON array of strings"},
        {"ECS_RESERVED_PORTS", "[70000]", "port numbers"},
        {"ECS_IMAGE_PULL_BEHAVIOR", "prefer", "prefer-cached"},
        {"ECS_LOGLEVEL", "verbose", "crit"},
        {"ECS_NUM_IMAGES_DELETE_PER_CYCLE", "five", "whole number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ecsb_config c;
        struct ecsb_error err;
        ecsb_config_init(&c);
        CHECK(ecsb_env_value_tolerated(cases[i].name));
        CHECK_INT_EQ(set1(&c, "environment", cases[i].name, cases[i].value, &err), ECSB_OK);
        CHECK_STR_EQ(ecsb_config_env(&c, cases[i].name)->value, cases[i].value); /* verbatim */
        CHECK_INT_EQ(c.n_warnings, 1);
        CHECK_CONTAINS(c.warnings[0], "baked.ini:7:12:");
        CHECK_CONTAINS(c.warnings[0], cases[i].name);
        CHECK_CONTAINS(c.warnings[0], "passed through as written");
        CHECK_CONTAINS(c.warnings[0], cases[i].forms);
        ecsb_config_free(&c);
    }
    CHECK(!ecsb_env_value_tolerated("ECS_INSTANCE_ATTRIBUTES"));
    CHECK(!ecsb_env_value_tolerated("ECS_CONTAINER_INSTANCE_TAGS"));
    CHECK(!ecsb_env_value_tolerated("ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES"));
    CHECK(!ecsb_env_value_tolerated("ECS_CLUSTER"));
    CHECK(!ecsb_env_value_tolerated("AWS_DEFAULT_REGION"));
    CHECK(!ecsb_env_value_tolerated("ECS_SOMETHING_NEW")); /* unchecked: passed through, no warning */
}

TEST(bracketed_bare_names_are_written_as_json)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_AVAILABLE_LOGGING_DRIVERS", " [json-file,  awslogs ] ", &err), ECSB_OK);
    CHECK_STR_EQ(ecsb_config_env(&c, "ECS_AVAILABLE_LOGGING_DRIVERS")->value, "[\"json-file\",\"awslogs\"]");
    CHECK_INT_EQ(warnings_containing(&c, "written as [\"json-file\",\"awslogs\"]"), 1);
    /* The typed key (-LoggingDrivers, INI) takes the same repair. */
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "[json-file, awslogs]", &err), ECSB_OK);
    CHECK_INT_EQ((long long)c.agent.logging_drivers.count, 2);
    CHECK_STR_EQ(c.agent.logging_drivers.items[1], "awslogs");
    CHECK_INT_EQ(warnings_containing(&c, "agent.logging_drivers = '[json-file, awslogs]' is not valid JSON"), 1);
    /* Our own keys keep their syntax where the intent is not clear. */
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "[json-file, 'awslogs']", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "[json-file,,awslogs]", &err), ECSB_ERR_INVALID);
    /* A repair the agent would still refuse is not made: CIDRs stop the agent. */
    CHECK_INT_EQ(set1(&c, "agent", "awsvpc_additional_local_routes", "[10.0.0.0/16]", &err), ECSB_ERR_INVALID);
    ecsb_config_free(&c);
}

TEST(repair_bare_list_only_when_the_intent_is_clear)
{
    static const struct { const char *in, *out; } cases[] = {
        {"[json-file, awslogs]", "[\"json-file\",\"awslogs\"]"},
        {"[awslogs]", "[\"awslogs\"]"},
        {"[ fluentd,gelf , syslog ]", "[\"fluentd\",\"gelf\",\"syslog\"]"},
        {"[]", NULL},
        {"[a,]", NULL},
        {"[,a]", NULL},
        {"[\"a\", b]", NULL},
        {"[a b]", NULL},
        {"[[a]]", NULL},
        {"a, b", NULL},
        {"[a", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = ecsb_repair_bare_list(cases[i].in);
        if (cases[i].out)
            CHECK_STR_EQ(got, cases[i].out);
        else
            CHECK(got == NULL);
        free(got);
    }
}

TEST(duplicates_and_cross_key_warnings)
{
    struct ecsb_config c;
    struct ecsb_error err;
    struct ecsb_settings ud;
    ecsb_config_init(&c);
    ecsb_settings_init(&ud, "user data");
    ecsb_settings_add(&ud, "cluster", "name", "a", 2, 8);
    ecsb_settings_add(&ud, "cluster", "NAME", "b", 5, 8);
    ecsb_settings_add(&ud, "agent", "task_iam_role_network_host", "true", 6, 1);
    ecsb_settings_add(&ud, "environment", "HTTPS_PROXY", "http://p:1", 7, 1);
    CHECK_INT_EQ(ecsb_config_apply(&c, &ud, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_config_finish(&c, &err), ECSB_OK);
    CHECK_STR_EQ(c.cluster.name, "b");
    CHECK_INT_EQ(c.n_warnings, 3);
    CHECK_CONTAINS(c.warnings[0], "user data:5: cluster.NAME is set again (first on line 2)");
    CHECK_CONTAINS(c.warnings[1], "task_iam_role_network_host is on but agent.task_iam_role is off");
    CHECK_CONTAINS(c.warnings[2], "NO_PROXY");
    ecsb_settings_free(&ud);
    ecsb_config_free(&c);
}

TEST(schema_is_consistent)
{
    CHECK_INT_EQ(ecsb_config_key_count(), ECSB_CONFIG_NKEYS);
    for (size_t i = 0; i < ecsb_config_key_count(); i++) {
        struct ecsb_config_key_info ki, *k = &ki;
        ecsb_config_key(i, &ki);
        CHECK(k && *k->section && *k->key && *k->type && *k->forms);
        CHECK_INT_EQ(ecsb_config_key_index(k->section, k->key), (int)i);
    }
    struct ecsb_config_key_info info;
    CHECK(!ecsb_config_key(ECSB_CONFIG_NKEYS, &info));
    CHECK(ecsb_config_key((size_t)ecsb_config_key_index("cluster", "name"), &info));
    CHECK_STR_EQ(info.agent_var, "ECS_CLUSTER");
}

TEST(ini_file_end_to_end_places)
{
    static const char text[] =
        "[cluster]\n"
        "name = prod ; comment\n"
        "[images]\n"
        "preload = a:{ltsc},\n"
        "  b:1\n"
        "[agent]\n"
        "task_eni = true\n"
        "task_enl = true\n";
    struct ecsb_settings s;
    struct ecsb_config c;
    struct ecsb_error err = {0};
    ecsb_settings_init(&s, "C:\\ProgramData\\ecs-bootstrap.ini");
    CHECK_INT_EQ(ecsb_settings_from_ini(text, &s, &err), ECSB_OK);
    ecsb_config_init(&c);
    CHECK_INT_EQ(ecsb_config_apply(&c, &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "C:\\ProgramData\\ecs-bootstrap.ini:8:12: unknown key 'task_enl' in [agent] "
                                "(did you mean 'task_eni'?)");
    CHECK_STR_EQ(c.cluster.name, "prod");
    CHECK_STR_EQ(ecsb_config_source(&c, "cluster", "name"), "C:\\ProgramData\\ecs-bootstrap.ini:2");
    CHECK_INT_EQ(c.images.preload.count, 2); /* continuation line = next list item */
    CHECK_STR_EQ(c.images.preload.items[1], "b:1");
    ecsb_settings_free(&s);
    ecsb_config_free(&c);

    ecsb_settings_init(&s, "user data");
    CHECK_INT_EQ(ecsb_settings_from_ini("name = x\n[cluster]\nregion = us-east-1\n  more\n", &s, &err), ECSB_OK);
    ecsb_config_init(&c);
    CHECK_INT_EQ(ecsb_config_apply(&c, &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:1:8: 'name' is outside any section");
    ecsb_settings_free(&s);
    ecsb_config_free(&c);
}

TEST(only_lists_span_lines)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "cluster", "region", "us-east-1\nmore", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12: cluster.region contains a control character or a line break");
    CHECK_INT_EQ(set1(&c, "agent", "logging_drivers", "json-file,\nawslogs", &err), ECSB_OK);
    CHECK_INT_EQ(c.agent.logging_drivers.count, 2);
    CHECK_INT_EQ(set1(&c, "environment", "ECS_X", "a\nb", &err), ECSB_ERR_INVALID);
    ecsb_config_free(&c);
}

TEST(docs_list_every_key_with_its_default)
{
    char *doc = NULL;
    size_t len = 0;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_fs_read("docs/configuration.md", &doc, &len, &err), ECSB_OK);
    for (size_t i = 0; doc && i < ecsb_config_key_count(); i++) {
        struct ecsb_config_key_info ki, *k = &ki;
        ecsb_config_key(i, &ki);
        char row[160];
        snprintf(row, sizeof row, "| %s.%s | ", k->section, k->key);
        CHECK_CONTAINS(doc, row);
        if (*k->def) {
            snprintf(row, sizeof row, "`%s`", k->def);
            CHECK_CONTAINS(doc, row);
        }
        if (*k->agent_var)
            CHECK_CONTAINS(doc, k->agent_var);
    }
    free(doc);
}

/* A rejected value is quoted escaped: a byte that is not UTF-8 shows as \xHH. */
TEST(rejected_values_are_quoted_escaped)
{
    struct ecsb_config c;
    struct ecsb_error err;
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "agent", "task_eni", "ye\xFFs", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "'ye\\xFFs' is not accepted");
    CHECK(strchr(err.message, 0xFF) == NULL); /* strchr compares as char */
    CHECK_INT_EQ(set1(&c, "cluster", "name", "a\x1b[0mb", &err), ECSB_ERR_INVALID);
    CHECK(strchr(err.message, '\x1b') == NULL);
    ecsb_config_free(&c);
}

/* The schema is the one list of agent variables: each row with an agent variable
 * is listed once, in the documented environment order, and the map sections too. */
TEST(schema_lists_agent_variables_in_environment_order)
{
    static const char *const want[] = {
        "ECS_CLUSTER", "ECS_DATADIR", "ECS_LOGFILE", "ECS_ENABLE_TASK_IAM_ROLE",
        "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", "ECS_ENABLE_TASK_ENI", "ECS_AWSVPC_BLOCK_IMDS",
        "ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES", "ECS_AVAILABLE_LOGGING_DRIVERS", "ECS_INSTANCE_ATTRIBUTES",
        "ECS_CONTAINER_INSTANCE_TAGS", "ECS_IMAGE_PULL_BEHAVIOR", "ECS_EXTERNAL", "AWS_DEFAULT_REGION",
    };
    size_t n = 0, rows_with_var = 0;
    struct ecsb_config_agent_var v;
    for (; ecsb_config_agent_var(n, &v); n++) {
        CHECK(n < sizeof want / sizeof want[0]);
        if (n < sizeof want / sizeof want[0])
            CHECK_STR_EQ(v.name, want[n]);
        if (v.kind != ECSB_KEY_MAP) {
            struct ecsb_config_key_info k;
            CHECK(ecsb_config_key((size_t)v.schema_index, &k));
            CHECK_STR_EQ(k.agent_var, v.name);
        }
    }
    CHECK_INT_EQ(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < ecsb_config_key_count(); i++) {
        struct ecsb_config_key_info k;
        ecsb_config_key(i, &k);
        rows_with_var += *k.agent_var != 0;
    }
    CHECK_INT_EQ(rows_with_var + 2, n); /* + attributes.* and tags.* */
    CHECK(ecsb_config_agent_var_named("ecs_enable_task_eni", &v));
    CHECK_INT_EQ(v.kind, ECSB_KEY_BOOL);
    CHECK(!ecsb_config_agent_var_named("ECS_LOGLEVEL", &v));
    /* environment.* values of schema variables are checked by the key's type. */
    char why[200];
    const char *forms = NULL;
    CHECK(!ecsb_env_value_valid("ECS_ENABLE_TASK_ENI", "yes", why, sizeof why, &forms));
    CHECK(forms && strstr(forms, "ParseBool"));
    CHECK(!ecsb_env_value_valid("ECS_CONTAINER_INSTANCE_TAGS", "[1]", why, sizeof why, &forms));
    CHECK(ecsb_env_value_valid("ECS_DATADIR", "anything at all", why, sizeof why, &forms));
}

/* Durations have sane maxima: 2562047h parses as a Go duration but is refused. */
TEST(durations_are_capped)
{
    struct ecsb_config c;
    struct ecsb_error err = {0};
    ecsb_config_init(&c);
    CHECK_INT_EQ(set1(&c, "agent", "registration_timeout", "2562047h", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "baked.ini:7:12");
    CHECK_CONTAINS(err.message, "agent.registration_timeout may be at most 24h");
    CHECK_INT_EQ(c.agent.registration_timeout_ns, 15LL * 60 * 1000000000LL);
    CHECK_INT_EQ(set1(&c, "agent", "registration_timeout", "24h", &err), ECSB_OK);
    CHECK_INT_EQ(set1(&c, "agent", "registration_timeout", "24h1s", &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(set1(&c, "timeouts", "imds", "6m", &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "timeouts.imds may be at most 5m");
    for (size_t i = 0; i < ecsb_config_key_count(); i++) {
        struct ecsb_config_key_info k;
        ecsb_config_key(i, &k);
        CHECK(k.kind != ECSB_KEY_DURATION || k.max); /* every duration has a cap */
    }
    ecsb_config_free(&c);
}

/* timeouts.imds before the configuration exists: the highest layer that sets it. */
TEST(layered_duration_takes_the_highest_valid_layer)
{
    struct ecsb_settings baked, cli;
    ecsb_settings_init(&baked, "baked.ini");
    ecsb_settings_init(&cli, "command line");
    const struct ecsb_settings *layers[] = {&baked, &cli};
    CHECK_INT_EQ(ecsb_config_layered_duration(layers, 2, "timeouts", "imds"), 10LL * 1000000000LL);
    ecsb_settings_add(&baked, "timeouts", "imds", "3s", 1, 1);
    CHECK_INT_EQ(ecsb_config_layered_duration(layers, 2, "timeouts", "imds"), 3LL * 1000000000LL);
    ecsb_settings_add(&cli, "Timeouts", "IMDS", "1s", 0, 0);
    CHECK_INT_EQ(ecsb_config_layered_duration(layers, 2, "timeouts", "imds"), 1LL * 1000000000LL);
    ecsb_settings_add(&cli, "timeouts", "imds", "forever", 0, 0); /* bad: the baked value stays */
    CHECK_INT_EQ(ecsb_config_layered_duration(layers, 2, "timeouts", "imds"), 3LL * 1000000000LL);
    CHECK_INT_EQ(ecsb_config_layered_duration(layers, 2, "cluster", "name"), 0);
    ecsb_settings_free(&baked);
    ecsb_settings_free(&cli);
}

int main(void)
{
    RUN(schema_lists_agent_variables_in_environment_order);
    RUN(durations_are_capped);
    RUN(layered_duration_takes_the_highest_valid_layer);
    RUN(defaults_and_default_sources);
    RUN(precedence_file_then_userdata_then_command_line);
    RUN(booleans_ini_and_go);
    RUN(go_durations);
    RUN(cidrs_ipv4_and_ipv6);
    RUN(lists_enums_ints_versions);
    RUN(unknown_sections_and_keys_name_the_place_and_valid_keys);
    RUN(attributes_and_tags_follow_ecs_rules);
    RUN(environment_pass_through_validated_where_known);
    RUN(environment_values_the_agent_tolerates_pass_through_with_a_warning);
    RUN(bracketed_bare_names_are_written_as_json);
    RUN(repair_bare_list_only_when_the_intent_is_clear);
    RUN(duplicates_and_cross_key_warnings);
    RUN(schema_is_consistent);
    RUN(ini_file_end_to_end_places);
    RUN(only_lists_span_lines);
    RUN(docs_list_every_key_with_its_default);
        RUN(rejected_values_are_quoted_escaped);
    return check_summary();
}
