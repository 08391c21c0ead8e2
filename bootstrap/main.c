/* ecs-bootstrap: a thin dispatcher over one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run, "join the cluster: configure and start the agent, publish attributes"},
    {"plan", cmd_plan, "show what run would do to this host, without changing it"},
    {"preload", cmd_preload, "pull the base images this host's build needs, or verify them"},
    {"warm", cmd_warm, "read the preloaded images' layer files once (EBS warm-up)"},
    {"status", cmd_status, "print the report of the last run"},
    {"os-family", cmd_os_family, "print this host's ecs.os-family attribute"},
    {"migrate-userdata", cmd_migrate_userdata, "turn Initialize-ECSAgent user data into our INI"},
};

static void usage(FILE *out)
{
    fputs("usage: ecs-bootstrap <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-18s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'ecs-bootstrap <command> --help' for a command's options.\n\n"
          "exit codes:\n"
          "  0  done, or nothing to do\n"
          "  1  runtime failure\n"
          "  2  usage: wrong flags or arguments\n"
          "  3  bad input: user data, INI file or flag value is invalid (the message names the place)\n"
          "  4  preflight: region, credentials, cluster, Docker or agent ports not ready\n"
          "  5  agent: the agent failed to start or did not register in time\n"
          "  6  AWS: an API call failed after retries\n"
          "  7  registered, but attributes not published yet (named): run again to complete\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return ECSB_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return ECSB_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("ecs-bootstrap %s\n", ECSB_VERSION);
        return ECSB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ecs-bootstrap: '%s' is not a command. See 'ecs-bootstrap --help'.\n", name);
    return ECSB_EXIT_USAGE;
}
