#include "ecsb/base/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ecsb_fault_point(const char *point, unsigned n)
{
    const char *spec = getenv("ECS_BOOTSTRAP_FAULT");
    size_t len = strlen(point);
    if (!spec || strncmp(spec, point, len) != 0 || spec[len] != ':')
        return;
    char *end = NULL;
    unsigned long want = strtoul(spec + len + 1, &end, 10);
    if (end == spec + len + 1 || *end || want != n)
        return;
    fprintf(stderr, "ecs-bootstrap: ECS_BOOTSTRAP_FAULT=%s: ending the process here (test hook)\n", spec);
    fflush(stderr);
    _Exit(ECSB_FAULT_EXIT);
}
