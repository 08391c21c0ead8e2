/* host_flags.h: the host facts plan and os-family need (build number and
 * installation type), from --build/--installation-type or, without them, from the
 * host itself (Windows only; POSIX has no Windows build to read). */
#ifndef ECSB_HOST_FLAGS_H
#define ECSB_HOST_FLAGS_H

#include <stddef.h>

struct host_facts {
    const char *build_arg; /* --build value, or NULL */
    const char *itype_arg; /* --installation-type value, or NULL */
    unsigned build;
    char installation_type[64];
};

/* Fills build/installation_type. Returns an exit code (commands.h); on failure
 * the message, prefixed with `cmd`, is already on stderr. */
int host_facts_resolve(struct host_facts *h, const char *cmd);

#endif
