/* regions.c: every partition's regions in one table. A new region is one row. */
#include <string.h>

#include "ecsb/aws/regions.h"

static const struct ecsb_aws_region regions[] = {
    {"aws", "us-east-1", false},      {"aws", "us-east-2", false},      {"aws", "us-west-1", false},
    {"aws", "us-west-2", false},      {"aws", "ca-central-1", false},   {"aws", "sa-east-1", false},
    {"aws", "eu-west-1", false},      {"aws", "eu-west-2", false},      {"aws", "eu-west-3", false},
    {"aws", "eu-central-1", false},   {"aws", "eu-north-1", false},     {"aws", "ap-south-1", false},
    {"aws", "ap-northeast-1", false}, {"aws", "ap-northeast-2", false}, {"aws", "ap-northeast-3", false},
    {"aws", "ap-southeast-1", false}, {"aws", "ap-southeast-2", false},
    {"aws", "af-south-1", true},      {"aws", "ap-east-1", true},       {"aws", "ap-south-2", true},
    {"aws", "ap-southeast-3", true},  {"aws", "ap-southeast-4", true},  {"aws", "ap-southeast-5", true},
    {"aws", "ap-southeast-7", true},  {"aws", "ca-west-1", true},       {"aws", "eu-central-2", true},
    {"aws", "eu-south-1", true},      {"aws", "eu-south-2", true},      {"aws", "il-central-1", true},
    {"aws", "me-central-1", true},    {"aws", "me-south-1", true},      {"aws", "mx-central-1", true},
    {"aws-cn", "cn-north-1", false},  {"aws-cn", "cn-northwest-1", false},
    {"aws-us-gov", "us-gov-west-1", false}, {"aws-us-gov", "us-gov-east-1", false},
};

size_t ecsb_aws_partition_regions(const char *partition, bool with_opt_in, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        if (strcmp(regions[i].partition, partition) || (regions[i].opt_in && !with_opt_in))
            continue;
        if (n < cap)
            out[n] = regions[i].name;
        n++;
    }
    return n;
}

const struct ecsb_aws_region *ecsb_aws_region_find(const char *name)
{
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (!strcmp(regions[i].name, name))
            return &regions[i];
    return NULL;
}
