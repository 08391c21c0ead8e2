/* Fuzz target for the JSON parser and writer: any input either fails cleanly or
 * parses; a parsed tree, emitted compactly, must parse again and emit the same
 * bytes (the writer's output is valid JSON and the round trip is stable). The
 * pretty form must parse to a tree with the same compact form. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/json.h"

static char *emit(const struct ecsb_json *v, int indent, size_t *len)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, indent);
    ecsb_jw_value(&w, v);
    *len = b.len;
    return ecsb_buf_detach(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_json *v1 = NULL, *v2 = NULL;
    struct ecsb_error err;
    if (ecsb_json_parse((const char *)data, size, NULL, &v1, &err) != ECSB_OK) {
        if (v1) abort(); /* a failed parse must not hand out a tree */
        return 0;
    }
    size_t len1, len2;
    char *out1 = emit(v1, 0, &len1);
    if (ecsb_json_parse(out1, len1, NULL, &v2, &err) != ECSB_OK) {
        fprintf(stderr, "re-parse failed: %s\n", err.message);
        abort();
    }
    char *out2 = emit(v2, 0, &len2);
    if (len1 != len2 || memcmp(out1, out2, len1) != 0) {
        fprintf(stderr, "round-trip mismatch\n");
        abort();
    }
    free(out2);
    ecsb_json_free(v2);
    char *pretty = emit(v1, 2, &len2);
    if (ecsb_json_parse(pretty, len2, NULL, &v2, &err) != ECSB_OK) {
        fprintf(stderr, "pretty re-parse failed: %s\n", err.message);
        abort();
    }
    out2 = emit(v2, 0, &len2);
    if (len1 != len2 || memcmp(out1, out2, len1) != 0) {
        fprintf(stderr, "pretty round-trip mismatch\n");
        abort();
    }
    free(pretty);
    free(out1);
    free(out2);
    ecsb_json_free(v1);
    ecsb_json_free(v2);
    return 0;
}
