/* regions.h: the regions of each AWS partition (aws, aws-cn, aws-us-gov), built in
 * as one table (lib/aws/regions.c), for tools that ask every region at once. */
#ifndef ECSB_AWS_REGIONS_H
#define ECSB_AWS_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

struct ecsb_aws_region {
    const char *partition; /* "aws", "aws-cn", "aws-us-gov" */
    const char *name;      /* "us-east-1" */
    bool opt_in;           /* disabled until the account opts in */
};

/* Up to cap regions of partition into out (opt-in ones only when with_opt_in);
 * returns how many there are (may exceed cap). Order: the table's. */
size_t ecsb_aws_partition_regions(const char *partition, bool with_opt_in, const char **out, size_t cap);
/* The table entry for a region name, or NULL when it is not listed. */
const struct ecsb_aws_region *ecsb_aws_region_find(const char *name);

#endif
