/* ecs-ami-metadata generate: the 8-key value for an AMI we built. */
#include <string.h>

#include "ami.h"

static const struct command_usage generate_usage = {
    AMI_PROG, "generate", "--manifest packer-manifest.json [--region R] [--agent-version V] [--runtime-version V]",
    "  Prints the metadata value (compact JSON, keys sorted, as AWS writes it) for the AMI the\n"
    "  manifest lists in region R (default: its first region). Missing fields come from the build's\n"
    "  custom_data (image_name, os, source_image_name, ...) or the flags.\n", NULL};

int cmd_generate(int argc, char **argv)
{
    struct ami_value_flags v = {0};
    const char *region = NULL;
    const struct option opts[] = {AMI_VALUE_OPTS(&v),
                                  OPT_STRING_("region", &region, "REGION", "which region's AMI", "the first"),
                                  OPT_END_()};
    enum parse_result pr = parse_options(&generate_usage, opts, argc, argv, NULL);
    if (pr != PARSE_OK)
        return pr == PARSE_HELP ? AMI_EXIT_OK : AMI_EXIT_USAGE;
    struct ecsb_ami_build b;
    int rc = ami_value_load("generate", &v, &b);
    if (rc != AMI_EXIT_OK)
        return rc;
    size_t i = 0;
    while (region && i < b.n && strcmp(b.region[i], region))
        i++;
    if (region && b.n && i == b.n) {
        fprintf(stderr, AMI_PROG " generate: the manifest has no AMI in %s\n", region);
        rc = AMI_EXIT_MISSING;
    } else {
        struct ecsb_ami_meta m;
        ami_value_for(&b, i, &m);
        struct ecsb_buf out = ECSB_BUF_INIT;
        ecsb_ami_meta_write(&m, &out);
        printf("%s\n", out.data);
        ecsb_buf_free(&out);
        ecsb_ami_meta_free(&m);
    }
    ecsb_ami_build_free(&b);
    return rc;
}
