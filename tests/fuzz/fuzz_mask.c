/* Fuzzes the masker: the first line is a secret to register, the rest the text to
 * mask. No crash, no leak, it terminates (secrets made of '*' or of the mask text
 * once looped forever), and a registered secret never survives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ecsb_xstrndup((const char *)data, size);
    char *nl = strchr(s, '\n');
    const char *text = nl ? nl + 1 : "";
    if (nl)
        *nl = '\0';
    struct ecsb_masker m;
    ecsb_masker_init(&m);
    ecsb_masker_add(&m, s);
    char *out = ecsb_masker_apply(&m, text);
    /* Replacing with the mask text may form the secret again only when the secret
     * shares characters with it; otherwise it must be gone. */
    if (strlen(s) >= ECSB_MASK_MIN_LEN && !strpbrk(s, ECSB_MASK_TEXT) && strstr(out, s))
        abort();
    char *again = ecsb_masker_apply(NULL, out); /* by-name masking is idempotent */
    if (strcmp(again, out) != 0)
        abort();
    free(again);
    free(out);
    ecsb_masker_free(&m);
    free(s);
    return 0;
}
