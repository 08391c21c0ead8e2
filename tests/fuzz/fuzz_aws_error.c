/* Fuzz target for the AWS error-body parser (JSON and XML) and the classifiers:
 * any body gives NUL-terminated, single-line code and message fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ecsb_aws_error_info e;
    long status = size ? 400 + data[0] % 200 : 400;
    ecsb_aws_parse_error(status, (const char *)data, size, &e);
    if (!memchr(e.code, '\0', sizeof e.code) || !memchr(e.message, '\0', sizeof e.message))
        abort();
    if (strchr(e.code, '\n') || strchr(e.message, '\n') || strchr(e.message, '\r'))
        abort();
    (void)ecsb_aws_error_retryable(&e);
    (void)ecsb_aws_error_status(&e);
    if (!ecsb_aws_error_hint(e.code, e.status))
        abort();
    return 0;
}
