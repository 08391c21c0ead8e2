/* host_flags.h: the host facts plan and os-family need (build number and
 * installation type), from --build/--installation-type or, without them, from the
 * host itself (Windows only; POSIX has no Windows build to read). */
#ifndef ECSB_HOST_FLAGS_H
#define ECSB_HOST_FLAGS_H

#include <stddef.h>

#include "ecsb/base/options.h"

struct host_facts {
    const char *build_arg; /* --build value, or NULL */
    const char *itype_arg; /* --installation-type value, or NULL */
    unsigned build;
    char installation_type[64];
};

/* The --build/--installation-type rows of an options table (h: struct host_facts *). */
#define HOST_OPTIONS(h)                                                                                   \
    OPT_STRING_("build", &(h)->build_arg, "N", "host Windows build number, e.g. 20348 (required off Windows)", \
                NULL),                                                                                    \
    OPT_STRING_("installation-type", &(h)->itype_arg, "TEXT",                                             \
                "host InstallationType: \"Server\" or \"Server Core\" (with --build)", NULL)

/* Fills build/installation_type. Returns an exit code (commands.h); on failure
 * the message, prefixed with `cmd`, is already on stderr. */
int host_facts_resolve(struct host_facts *h, const char *cmd);

#endif
