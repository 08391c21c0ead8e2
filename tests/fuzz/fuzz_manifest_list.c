/* Fuzz target for the manifest-list parser and platform matching: no crash for any
 * JSON; a picked entry is a windows/amd64 entry whose os.version has the host build
 * (the two input bytes before the JSON give the build). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/json.h"
#include "ecsb/docker/engine.h"
#include "ecsb/docker/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    unsigned build = (unsigned)data[0] << 8 | data[1];
    if (build % 3 == 0) build = 20348; /* often the build the seeds carry */
    struct ecsb_json *j = NULL;
    struct ecsb_error err = {0};
    if (ecsb_json_parse((const char *)data + 2, size - 2, NULL, &j, &err) != ECSB_OK) return 0;
    struct ecsb_buf offered = ECSB_BUF_INIT;
    long i = ecsb_registry_pick(j, build, "amd64", &offered);
    if (i >= 0) {
        const struct ecsb_json *p = ecsb_json_get(ecsb_json_at(ecsb_json_get(j, "manifests"), (size_t)i), "platform");
        const char *os = ecsb_json_get_string(p, "os"), *v = ecsb_json_get_string(p, "os.version");
        if (!os || strcmp(os, "windows") || !v || ecsb_docker_build_of(v) != build) abort();
        if (!offered.len) abort();
    }
    ecsb_buf_free(&offered);
    ecsb_json_free(j);
    return 0;
}
