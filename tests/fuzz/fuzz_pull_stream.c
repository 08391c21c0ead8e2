/* Fuzz target for the pull progress-stream parser: no crash, the result does not
 * depend on how the bytes are split into reads (the first input byte picks the
 * split), counters stay consistent, and an errorDetail always fails the pull. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/docker/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum ecsb_status feed(const char *p, size_t n, size_t step, struct ecsb_pull_stream *s, struct ecsb_error *err)
{
    ecsb_pull_stream_init(s, NULL, NULL);
    for (size_t i = 0; i < n; i += step)
        ecsb_pull_stream_feed(s, p + i, n - i < step ? n - i : step);
    return ecsb_pull_stream_finish(s, "fuzz:1", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    struct ecsb_pull_stream whole, split;
    struct ecsb_error e1 = {0}, e2 = {0};
    enum ecsb_status a = feed(p, n, n ? n : 1, &whole, &e1);
    enum ecsb_status b = feed(p, n, step, &split, &e2);
    if (a != b || strcmp(e1.message, e2.message) != 0) abort();
    if (whole.progress.layers_done > whole.progress.layers || whole.progress.layers_present > whole.progress.layers_done)
        abort();
    if (whole.error && a == ECSB_OK) abort();
    if (whole.progress.layers != split.progress.layers || whole.progress.downloaded != split.progress.downloaded)
        abort();
    ecsb_pull_stream_free(&whole);
    ecsb_pull_stream_free(&split);
    return 0;
}
