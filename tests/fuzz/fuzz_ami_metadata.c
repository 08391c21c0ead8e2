/* Fuzz target for the AMI metadata value parser (lib/ami): any parameter value
 * either fails cleanly (no fields handed out) or parses; a parsed value, written
 * as the 8-key form, must parse again to the same fields and write the same bytes.
 * The same input is also read as a Packer manifest, which must fail cleanly or
 * give regions with image ids. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/ami/metadata.h"

static void roundtrip(const struct ecsb_ami_meta *m)
{
    struct ecsb_buf b1 = ECSB_BUF_INIT, b2 = ECSB_BUF_INIT;
    ecsb_ami_meta_write(m, &b1);
    struct ecsb_ami_meta again;
    struct ecsb_error err;
    if (ecsb_ami_meta_parse(b1.data, b1.len, &again, &err) != ECSB_OK)
        abort(); /* the writer's output must be a value */
    for (int f = 0; f < ECSB_AMI_NFIELDS; f++)
        if (!ecsb_ami_meta_field_equal(m, &again, (enum ecsb_ami_field)f))
            abort();
    if (again.has_schema_version != m->has_schema_version || again.schema_version != m->schema_version)
        abort();
    ecsb_ami_meta_write(&again, &b2);
    if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len))
        abort();
    ecsb_ami_meta_free(&again);
    ecsb_buf_free(&b1);
    ecsb_buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_ami_meta m;
    struct ecsb_error err;
    if (ecsb_ami_meta_parse((const char *)data, size, &m, &err) == ECSB_OK)
        roundtrip(&m);
    else
        for (int f = 0; f < ECSB_AMI_NFIELDS; f++)
            if (m.field[f])
                abort();
    ecsb_ami_meta_free(&m);
    struct ecsb_ami_build b;
    if (ecsb_ami_build_from_manifest((const char *)data, size, &b, &err) == ECSB_OK) {
        if (b.n == 0)
            abort();
        for (size_t i = 0; i < b.n; i++)
            if (!b.region[i][0] || !b.image_id[i][0])
                abort();
        ecsb_ami_build_free(&b);
    }
    return 0;
}
