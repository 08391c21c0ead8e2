/* ecs-bootstrap os-family: prints this host's ecs.os-family attribute, exactly as
 * the agent computes it (agent/config/os_family_windows.go). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ecsb/config/osfamily.h"
#include "host_flags.h"

static void os_family_usage(FILE *out)
{
    fputs("usage: ecs-bootstrap os-family [--build N --installation-type TEXT]\n"
          "  Prints the ecs.os-family value the agent reports, e.g. WINDOWS_SERVER_2022_CORE,\n"
          "  or 'windows' for builds and installation types the agent does not recognise.\n"
          "  --build N                  Windows build number (RtlGetVersion), e.g. 20348\n"
          "  --installation-type TEXT   InstallationType from the registry: \"Server\" or \"Server Core\"\n"
          "  Without the flags the host is read (Windows only; elsewhere the flags are required).\n",
          out);
}

int cmd_os_family(int argc, char **argv)
{
    struct host_facts h = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            os_family_usage(stdout);
            return ECSB_EXIT_OK;
        } else if (!strcmp(a, "--build") && i + 1 < argc) {
            h.build_arg = argv[++i];
        } else if (!strcmp(a, "--installation-type") && i + 1 < argc) {
            h.itype_arg = argv[++i];
        } else {
            fprintf(stderr, "ecs-bootstrap os-family: unknown option or missing value '%s'\n", a);
            os_family_usage(stderr);
            return ECSB_EXIT_USAGE;
        }
    }
    int rc = host_facts_resolve(&h, "os-family");
    if (rc != ECSB_EXIT_OK)
        return rc;
    puts(ecsb_os_family(h.build, h.installation_type));
    return ECSB_EXIT_OK;
}
