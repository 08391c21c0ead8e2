/* test_credentials_profile.c: the shared credentials and config files in the
 * credential chain (lib/aws/profile.c), with temp files and a fake environment. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ecsb/aws/client.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"

#define DIR_ "build/test_profile.d"
#define CRED DIR_ "/credentials"
#define CONF DIR_ "/config"

static void put(const char *path, const char *text)
{
    struct ecsb_error err = {0};
    ecsb_fs_mkparent(path, &err);
    CHECK_INT_EQ(ecsb_fs_write_atomic(path, text, strlen(text), &err), ECSB_OK);
}

static void clear(void)
{
    remove(CRED);
    remove(CONF);
}

static const char *const files_only[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF, NULL};

TEST(default_profile_from_credentials_file)
{
    clear();
    put(CRED, "# comment\n[other]\naws_access_key_id = AKOTHER\naws_secret_access_key = so\n\n"
              "[default]\r\naws_access_key_id = AKDEF\r\naws_secret_access_key = sdef\r\n"
              "aws_session_token=tdef\r\n");
    check_set_env(files_only);
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c.access_key_id, "AKDEF");
    CHECK_STR_EQ(c.secret_access_key, "sdef");
    CHECK_STR_EQ(c.session_token, "tdef");
    CHECK_STR_EQ(c.source, "profile default");
    ecsb_credentials_free(&c);
}

TEST(named_profile_and_config_syntax)
{
    clear();
    put(CRED, "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = sdef\n");
    put(CONF, "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\n"
              "s3 =\n  aws_access_key_id = NESTED\naws_access_key_id = AKDEV\naws_secret_access_key = sdev\n"
              "[dev]\naws_access_key_id = NOT-A-CONFIG-PROFILE\n");
    static const char *const env[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF,
                                      "AWS_PROFILE", "dev", NULL};
    check_set_env(env);
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c.access_key_id, "AKDEV"); /* [dev] in the config file is not a profile; nested keys are not keys */
    CHECK_STR_EQ(c.secret_access_key, "sdev");
    CHECK(c.session_token == NULL);
    CHECK_STR_EQ(c.source, "profile dev");
    ecsb_credentials_free(&c);
    char *region = ecsb_aws_profile_region(check_getenv);
    CHECK_STR_EQ(region, "us-west-2");
    free(region);
    check_set_env(files_only);
    region = ecsb_aws_profile_region(check_getenv);
    CHECK_STR_EQ(region, "eu-west-1"); /* [default] in the config file */
    free(region);
    static const char *const by_default[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF,
                                             "AWS_DEFAULT_PROFILE", "dev", NULL};
    check_set_env(by_default);
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c.access_key_id, "AKDEV");
    ecsb_credentials_free(&c);
}

TEST(credentials_file_wins_over_config_file)
{
    clear();
    put(CRED, "[p]\naws_access_key_id = AKCRED\naws_secret_access_key = scred\nregion = ap-south-1\n");
    put(CONF, "[profile p]\naws_access_key_id = AKCONF\naws_secret_access_key = sconf\n"
              "aws_session_token = tconf\nregion = ca-central-1\n");
    static const char *const env[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF,
                                      "AWS_PROFILE", "p", NULL};
    check_set_env(env);
    struct ecsb_aws_profile p;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_aws_profile_load(check_getenv, &p, &err), ECSB_OK);
    CHECK_STR_EQ(p.access_key_id, "AKCRED");
    CHECK_STR_EQ(p.secret_access_key, "scred");
    CHECK_STR_EQ(p.session_token, "tconf"); /* key by key: only the config file has one */
    CHECK_STR_EQ(p.region, "ca-central-1"); /* region is a config-file key */
    ecsb_aws_profile_free(&p);
}

TEST(long_session_token_is_read_whole)
{
    clear();
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_printf(&b, "[default]\naws_access_key_id = AK\naws_secret_access_key = s\naws_session_token = ");
    for (int i = 0; i < 900; i++)
        ecsb_buf_printf(&b, "%c", 'A' + i % 26);
    ecsb_buf_printf(&b, "\n");
    char *text = ecsb_buf_detach(&b);
    put(CRED, text);
    check_set_env(files_only);
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_OK);
    CHECK(c.session_token && strlen(c.session_token) == 900);
    CHECK(c.session_token && strncmp(c.session_token, strstr(text, "ABC"), 900) == 0);
    ecsb_credentials_free(&c);
    free(text);
}

TEST(missing_files_are_not_an_error)
{
    clear();
    check_set_env(files_only);
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_NOT_FOUND);
    check_set_env(NULL); /* no HOME, no USERPROFILE: nowhere to look */
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_NOT_FOUND);
    CHECK(ecsb_aws_profile_region(check_getenv) == NULL);
    put(CONF, "[default]\nregion = eu-west-1\n"); /* a default profile without keys: the chain goes on */
    check_set_env(files_only);
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_NOT_FOUND);
}

TEST(unknown_named_profile_is_a_clear_error)
{
    clear();
    put(CRED, "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = sdef\n");
    static const char *const env[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF,
                                      "AWS_PROFILE", "prod", NULL};
    check_set_env(env);
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "profile 'prod' (from AWS_PROFILE)");
    CHECK_CONTAINS(err.message, CRED);
    CHECK_CONTAINS(err.message, CONF);
    put(CRED, "[prod]\naws_access_key_id = AKPROD\n");
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "has no aws_secret_access_key");
    CHECK(!strstr(err.message, "AKPROD"));
    put(CRED, "[prod]\naws_secret_access_key s3cr3t\n");
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, CRED ":2:");
    CHECK(!strstr(err.message, "s3cr3t")); /* the line is not quoted: it may be a secret */
}

TEST(default_files_are_under_the_home_directory)
{
    char *p = ecsb_fs_home_path(NULL, "x");
    free(p);
    static const char *const env[] = {"HOME", DIR_ "/home", "USERPROFILE", DIR_ "/home", NULL};
    check_set_env(env);
    char *cred = ecsb_fs_home_path(check_getenv, ".aws/credentials");
    CHECK(cred && (strcmp(cred, DIR_ "/home/.aws/credentials") == 0 ||
                   strcmp(cred, DIR_ "/home\\.aws\\credentials") == 0));
    put(DIR_ "/home/.aws/credentials", "[default]\naws_access_key_id = AKHOME\naws_secret_access_key = sh\n");
    struct ecsb_credentials c;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_credentials_from_profile(check_getenv, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c.access_key_id, "AKHOME");
    ecsb_credentials_free(&c);
    free(cred);
    remove(DIR_ "/home/.aws/credentials");
}

TEST(chain_prefers_environment_over_files)
{
    clear();
    put(CRED, "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = sfile\n");
    static const char *const env[] = {"AWS_SHARED_CREDENTIALS_FILE", CRED, "AWS_CONFIG_FILE", CONF,
                                      "AWS_ACCESS_KEY_ID", "AKENV", "AWS_SECRET_ACCESS_KEY", "senv",
                                      "AWS_PROFILE", "nowhere", NULL};
    check_set_env(env);
    struct ecsb_cred_chain chain;
    ecsb_cred_chain_init(&chain, NULL, check_getenv);
    const struct ecsb_credentials *c = NULL;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "AKENV"); /* the unknown profile is never looked at */
    ecsb_cred_chain_invalidate(&chain);
    check_set_env(files_only);
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_OK);
    CHECK_STR_EQ(c->access_key_id, "AKFILE");
    CHECK_STR_EQ(c->source, "profile default");
    ecsb_cred_chain_free(&chain);
    clear();
    ecsb_cred_chain_init(&chain, NULL, check_getenv);
    CHECK_INT_EQ(ecsb_cred_chain_get(&chain, &c, &err), ECSB_ERR_AUTH);
    CHECK_CONTAINS(err.message, "~/.aws/credentials");
    ecsb_cred_chain_free(&chain);
}

TEST(retry_settings_from_the_config_profile)
{
    clear();
    put(CONF, "[profile ci]\nretry_mode = legacy\nmax_attempts = 7\n[default]\nretry_mode = turbo\n");
    static const char *const ci[] = {"AWS_CONFIG_FILE", CONF, "AWS_PROFILE", "ci", NULL};
    static const char *const env_wins[] = {"AWS_CONFIG_FILE", CONF, "AWS_PROFILE", "ci",
                                           "AWS_MAX_ATTEMPTS", "2", NULL};
    struct ecsb_aws_retry r;
    char knob[64];
    struct ecsb_error err = {0};
    ecsb_aws_retry_defaults(&r);
    check_set_env(ci);
    CHECK_INT_EQ(ecsb_aws_retry_from_env(&r, check_getenv, knob, sizeof knob, &err), ECSB_OK);
    CHECK_INT_EQ(r.mode, ECSB_RETRY_LEGACY);
    CHECK_INT_EQ(r.max_attempts, 7);
    CHECK_STR_EQ(r.attempts_knob, "config-file max_attempts=7");
    ecsb_aws_retry_defaults(&r);
    check_set_env(env_wins);
    CHECK_INT_EQ(ecsb_aws_retry_from_env(&r, check_getenv, knob, sizeof knob, &err), ECSB_OK);
    CHECK_INT_EQ(r.mode, ECSB_RETRY_LEGACY);
    CHECK_INT_EQ(r.max_attempts, 2);
    CHECK_STR_EQ(r.attempts_knob, "AWS_MAX_ATTEMPTS=2");
    ecsb_aws_retry_defaults(&r);
    static const char *const dflt[] = {"AWS_CONFIG_FILE", CONF, NULL};
    check_set_env(dflt);
    CHECK_INT_EQ(ecsb_aws_retry_from_env(&r, check_getenv, knob, sizeof knob, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "config-file retry_mode=turbo is not valid");
}

int main(void)
{
    struct ecsb_error err = {0};
    ecsb_fs_mkdirs(DIR_, &err);
    RUN(default_profile_from_credentials_file);
    RUN(named_profile_and_config_syntax);
    RUN(credentials_file_wins_over_config_file);
    RUN(long_session_token_is_read_whole);
    RUN(missing_files_are_not_an_error);
    RUN(unknown_named_profile_is_a_clear_error);
    RUN(default_files_are_under_the_home_directory);
    RUN(chain_prefers_environment_over_files);
    RUN(retry_settings_from_the_config_profile);
    clear();
    return check_summary();
}
