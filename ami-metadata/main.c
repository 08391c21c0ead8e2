/* ecs-ami-metadata: a thin dispatcher over one file per subcommand (git style). */
#include <stdio.h>
#include <string.h>

#include "ami.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"list", cmd_list, "the ECS-optimized variants published under a root"},
    {"get", cmd_get, "image id, agent and runtime of variants, in one or all regions"},
    {"history", cmd_history, "previous releases of one variant (for rollback)"},
    {"diff", cmd_diff, "what changed between two releases of one variant"},
    {"generate", cmd_generate, "the 8-key metadata value for an AMI we built (Packer manifest)"},
    {"publish", cmd_publish, "write the value and its sub-parameters under our own root"},
};

static void usage(FILE *out)
{
    fputs("usage: " AMI_PROG " <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun '" AMI_PROG " <command> --help' for a command's options.\n\n"
          "exit codes:\n"
          "  0  everything asked for was found (or written)\n"
          "  1  local failure\n"
          "  2  usage: wrong flags or arguments\n"
          "  3  bad input: a flag value, manifest or value file; a reserved root\n"
          "  4  some parameter is missing in some region (the rest was printed)\n"
          "  6  an AWS call failed after retries\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return AMI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return AMI_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf(AMI_PROG " %s\n", ECSB_VERSION);
        return AMI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, AMI_PROG ": '%s' is not a command. See '" AMI_PROG " --help'.\n", name);
    return AMI_EXIT_USAGE;
}
