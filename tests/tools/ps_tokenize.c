/* ps_tokenize: runs the project's PowerShell reader (ecsb_psreader) over files.
 *   ps_tokenize FILE...
 * Prints "ok FILE (N statements not acted on)" per file, or the reader's error
 * ("FILE:line:col: what; how to fix") and exits 1. The AMI tests use it to keep the
 * provisioner scripts within what the reader tokenizes. */
#include <stdio.h>
#include <stdlib.h>

#include "ecsb/base/error.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/settings.h"
#include "ecsb/userdata/psreader.h"

static int check_file(const char *path)
{
    struct ecsb_error err = {0};
    char *text = NULL;
    size_t len = 0;
    if (ecsb_fs_read(path, &text, &len, &err) != ECSB_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    struct ecsb_settings s;
    ecsb_settings_init(&s, path);
    int rc = 0;
    if (ecsb_psreader_parse(text, len, path, &s, &err) != ECSB_OK) {
        fprintf(stderr, "%s\n", err.message);
        rc = 1;
    } else {
        printf("ok %s (%zu statements not acted on)\n", path, s.n_ignored);
    }
    ecsb_settings_free(&s);
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ps_tokenize FILE...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= check_file(argv[i]);
    return rc;
}
