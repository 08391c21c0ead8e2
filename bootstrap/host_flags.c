#include "host_flags.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ecsb/config/host.h"

static int parse_build(const char *s, unsigned *out)
{
    unsigned long v = 0;
    if (!*s || strlen(s) > 9)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    *out = (unsigned)v;
    return 0;
}

int host_facts_resolve(struct host_facts *h, const char *cmd)
{
    if (h->build_arg || h->itype_arg) {
        if (!h->build_arg || !h->itype_arg) {
            fprintf(stderr, "ecs-bootstrap %s: --build and --installation-type go together; pass both, e.g. "
                            "--build 20348 --installation-type \"Server Core\"\n", cmd);
            return ECSB_EXIT_USAGE;
        }
        if (parse_build(h->build_arg, &h->build)) {
            fprintf(stderr, "ecs-bootstrap %s: --build '%s' is not a build number; pass the Windows build, "
                            "e.g. --build 20348 (Windows Server 2022)\n", cmd, h->build_arg);
            return ECSB_EXIT_USAGE;
        }
        snprintf(h->installation_type, sizeof h->installation_type, "%s", h->itype_arg);
        return ECSB_EXIT_OK;
    }
    struct ecsb_os_version v = {0};
    struct ecsb_error err = {0};
    enum ecsb_status st = ecsb_host_os_version(&v, &err);
    if (st == ECSB_ERR_UNSUPPORTED) {
        fprintf(stderr, "ecs-bootstrap %s: this platform has no Windows version to read; pass the host's with "
                        "--build N --installation-type TEXT, e.g. --build 20348 --installation-type \"Server Core\"\n",
                cmd);
        return ECSB_EXIT_USAGE;
    }
    if (st != ECSB_OK) {
        fprintf(stderr, "ecs-bootstrap %s: cannot read the Windows version: %s\n", cmd, err.message);
        return ECSB_EXIT_FAILURE;
    }
    h->build = v.build;
    snprintf(h->installation_type, sizeof h->installation_type, "%s", v.installation_type);
    return ECSB_EXIT_OK;
}
