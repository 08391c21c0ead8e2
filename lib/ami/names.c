/* names.c: variant names (short and full), AMI name -> variant, parameter roots. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ecsb/ami/metadata.h"
#include "ecsb/base/strutil.h"

/* AWS publishes 2016 as Full only (reference: ami-metadata.md). */
static const char *const variants[] = {
    "Windows_Server-2016-English-Full-ECS_Optimized", "Windows_Server-2019-English-Full-ECS_Optimized",
    "Windows_Server-2019-English-Core-ECS_Optimized", "Windows_Server-2022-English-Full-ECS_Optimized",
    "Windows_Server-2022-English-Core-ECS_Optimized", "Windows_Server-2025-English-Full-ECS_Optimized",
    "Windows_Server-2025-English-Core-ECS_Optimized",
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

const char *const *ecsb_ami_known_variants(size_t *n)
{
    *n = NVARIANTS;
    return variants;
}

/* "2022-core" for variants[i]. */
static void short_of(size_t i, char *buf, size_t cap)
{
    const char *year = variants[i] + strlen("Windows_Server-");
    const char *kind = strstr(year, "English-") + strlen("English-");
    snprintf(buf, cap, "%.4s-%s", year, ecsb_strncaseeq(kind, "Core", 4) ? "core" : "full");
}

const char *ecsb_ami_variant_short(const char *full, char *buf, size_t cap)
{
    for (size_t i = 0; i < NVARIANTS; i++)
        if (!strcmp(full, variants[i])) {
            short_of(i, buf, cap);
            return buf;
        }
    return full;
}

static bool leaf_name_ok(const char *s)
{
    if (!*s || strlen(s) > 256)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
            return false;
    return true;
}

enum ecsb_status ecsb_ami_variant_name(const char *in, struct ecsb_buf *out, struct ecsb_error *err)
{
    ecsb_buf_reset(out);
    char sh[32];
    for (size_t i = 0; i < NVARIANTS; i++) {
        short_of(i, sh, sizeof sh);
        if (ecsb_strcaseeq(in, sh)) {
            ecsb_buf_puts(out, variants[i]);
            return ECSB_OK;
        }
    }
    if (leaf_name_ok(in) && strlen(in) > 9) {
        ecsb_buf_puts(out, in);
        return ECSB_OK;
    }
    return ecsb_error_set(err, ECSB_ERR_INVALID,
                          "variant '%.80s' is neither a short form (2016-full, 2019-full, 2019-core, 2022-full, "
                          "2022-core, 2025-full, 2025-core) nor a parameter name like "
                          "Windows_Server-2022-English-Core-ECS_Optimized", in);
}

void ecsb_ami_variant_from_image_name(const char *image_name, struct ecsb_buf *out)
{
    ecsb_buf_reset(out);
    const char *dash = strrchr(image_name, '-');
    size_t keep = strlen(image_name);
    if (dash && dash[1] && dash[1 + strspn(dash + 1, "0123456789.")] == '\0')
        keep = (size_t)(dash - image_name);
    ecsb_buf_append(out, image_name, keep);
}

enum ecsb_status ecsb_ami_root(const char *in, bool for_writing, struct ecsb_buf *out, struct ecsb_error *err)
{
    ecsb_buf_reset(out);
    size_t n = strlen(in);
    while (n > 1 && in[n - 1] == '/')
        n--;
    if (in[0] != '/' || n < 2 || n > 900 || strstr(in, "//"))
        return ecsb_error_set(err, ECSB_ERR_INVALID, "root '%.80s' is not a parameter path -- use a path like "
                              "/my-company/ami-windows-latest", in);
    if (for_writing && (ecsb_strncaseeq(in + 1, "aws", 3) || ecsb_strncaseeq(in + 1, "ssm", 3)))
        return ecsb_error_set(err, ECSB_ERR_INVALID, "root '%.80s' is reserved: SSM keeps names beginning with "
                              "'aws' or 'ssm' for AWS -- publish under your own prefix, e.g. "
                              "/my-company/ami-windows-latest", in);
    ecsb_buf_append(out, in, n);
    return ECSB_OK;
}
