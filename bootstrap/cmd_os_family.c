/* ecs-bootstrap os-family: prints this host's ecs.os-family attribute, exactly as
 * the agent computes it (agent/config/os_family_windows.go). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ecsb/config/osfamily.h"
#include "host_flags.h"

static const struct command_usage os_family_usage = {
    ECSB_BOOTSTRAP_PROG, "os-family", "[--build N --installation-type TEXT]",
    "  Prints the ecs.os-family value the agent reports, e.g. WINDOWS_SERVER_2022_CORE,\n"
    "  or 'windows' for builds and installation types the agent does not recognise.\n",
    "  Without the flags the host is read (Windows only; elsewhere the flags are required).\n"};

int cmd_os_family(int argc, char **argv)
{
    struct host_facts h = {0};
    const struct option opts[] = {HOST_OPTIONS(&h), OPT_END_()};
    enum parse_result pr = parse_options(&os_family_usage, opts, argc, argv, NULL);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? ECSB_EXIT_OK : ECSB_EXIT_USAGE;
    int rc = host_facts_resolve(&h, "os-family");
    if (rc != ECSB_EXIT_OK)
        return rc;
    puts(ecsb_os_family(h.build, h.installation_type));
    return ECSB_EXIT_OK;
}
