/* commands.h: one file per subcommand (git style); main.c only dispatches.
 * Exit codes are the contract scripts and the ECSTools shim rely on. */
#ifndef ECSB_COMMANDS_H
#define ECSB_COMMANDS_H

/* The program name usage lines and flag errors begin with. */
#define ECSB_BOOTSTRAP_PROG "ecs-bootstrap"

enum ecsb_exit {
    ECSB_EXIT_OK = 0,        /* done (or nothing to do) */
    ECSB_EXIT_FAILURE = 1,   /* a runtime failure not covered below */
    ECSB_EXIT_USAGE = 2,     /* wrong flags or arguments */
    ECSB_EXIT_BAD_INPUT = 3, /* user data, INI or another input is invalid: fix the input */
    ECSB_EXIT_PREFLIGHT = 4, /* the host or account is not ready: region, credentials, cluster, Docker, ports */
    ECSB_EXIT_AGENT = 5,     /* the agent failed to start or to register in time */
    ECSB_EXIT_AWS = 6,       /* an AWS call failed after retries */
    ECSB_EXIT_ATTRIBUTES = 7, /* registered, but attributes not published yet: a rerun completes it */
};

int cmd_os_family(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_preload(int argc, char **argv);
int cmd_migrate_userdata(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_warm(int argc, char **argv);

#endif
