/* PLACEHOLDER: replaced by the module that implements this command. */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("ecs-bootstrap: this command is not built yet\n", stderr);
    return ECSB_EXIT_FAILURE;
}
