/* The agent's environment on the POSIX process backend is clean: PATH, HOME, the
 * agent's own variables, and what the development pass-through lists -- never the
 * bootstrapper's AWS keys. */
#include "check.h"

#include "ecsb/agent/env_store.h"

static const char *get(char **v, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; v && v[i]; i++)
        if (!strncmp(v[i], name, n) && v[i][n] == '=')
            return v[i] + n + 1;
    return NULL;
}

static size_t count(char **v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

TEST(parent_secrets_never_reach_the_agent)
{
    char *parent[] = {"PATH=/bin", "HOME=/root", "AWS_SECRET_ACCESS_KEY=CANARY-sk", "AWS_SESSION_TOKEN=CANARY-tok",
                      "AWS_ACCESS_KEY_ID=AKIDCANARY", "AWS_ENDPOINT_URL=http://moto", "FAKE_AGENT_BUILD=20348",
                      "LD_PRELOAD=/tmp/evil.so", NULL};
    struct ecsb_envfile agent = ECSB_ENVFILE_INIT;
    ecsb_envfile_set(&agent, "ECS_CLUSTER", "prod");
    ecsb_envfile_set(&agent, "ECS_ENGINE_AUTH_DATA", "{}"); /* the agent's own secret: passed */
    ecsb_envfile_set(&agent, "PATH", "/agent/bin");
    char **v = ecsb_agent_clean_environ(&agent, parent, NULL);
    CHECK_STR_EQ(get(v, "PATH"), "/agent/bin"); /* the agent's own value wins */
    CHECK_STR_EQ(get(v, "HOME"), "/root");
    CHECK_STR_EQ(get(v, "ECS_CLUSTER"), "prod");
    CHECK_STR_EQ(get(v, "ECS_ENGINE_AUTH_DATA"), "{}");
    CHECK(!get(v, "AWS_SECRET_ACCESS_KEY") && !get(v, "AWS_SESSION_TOKEN") && !get(v, "AWS_ACCESS_KEY_ID"));
    CHECK(!get(v, "AWS_ENDPOINT_URL") && !get(v, "LD_PRELOAD") && !get(v, "FAKE_AGENT_BUILD"));
    CHECK_INT_EQ(count(v), 4);
    ecsb_environ_free(v);

    /* the pass-through (test hook) lists names and prefixes, but never secret-named ones */
    v = ecsb_agent_clean_environ(&agent, parent, "AWS_ENDPOINT_URL, FAKE_AGENT_* AWS_*");
    CHECK_STR_EQ(get(v, "AWS_ENDPOINT_URL"), "http://moto");
    CHECK_STR_EQ(get(v, "FAKE_AGENT_BUILD"), "20348");
    CHECK(!get(v, "AWS_SECRET_ACCESS_KEY") && !get(v, "AWS_SESSION_TOKEN") && !get(v, "AWS_ACCESS_KEY_ID"));
    CHECK(!get(v, "LD_PRELOAD"));
    ecsb_environ_free(v);
    ecsb_envfile_free(&agent);
}

TEST(defaults_when_the_parent_has_no_path_or_home)
{
    char *parent[] = {NULL};
    char **v = ecsb_agent_clean_environ(NULL, parent, "");
    CHECK(get(v, "PATH") && strstr(get(v, "PATH"), "/usr/bin"));
    CHECK_STR_EQ(get(v, "HOME"), "/");
    CHECK_INT_EQ(count(v), 2);
    ecsb_environ_free(v);
}

int main(void)
{
    RUN(parent_secrets_never_reach_the_agent);
    RUN(defaults_when_the_parent_has_no_path_or_home);
    return check_summary();
}
