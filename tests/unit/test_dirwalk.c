/* The directory walk and the read-through of the image warm-up (dirwalk.h), on the real
 * file system: natively through opendir, under Wine through FindFirstFileW. */
#include "check.h"

#include <stdbool.h>
#include <stdint.h>

#include "ecsb/base/dirwalk.h"
#include "ecsb/base/fs.h"

#define ROOT "build/test_dirwalk.d"

static const struct {
    const char *path;
    size_t size;
} files[] = {{ROOT "/a.bin", 1000}, {ROOT "/sub/b.bin", 70000}, {ROOT "/sub/deeper/empty", 0}};
#define N_FILES (sizeof files / sizeof *files)

static bool make_tree(void)
{
    static char data[70000];
    struct ecsb_error err = {0};
    for (size_t i = 0; i < N_FILES; i++) {
        remove(files[i].path);
        if (ecsb_fs_mkparent(files[i].path, &err) != ECSB_OK ||
            ecsb_fs_write_atomic(files[i].path, data, files[i].size, &err) != ECSB_OK) {
            printf("cannot make %s: %s\n", files[i].path, err.message);
            return false;
        }
    }
    return true;
}

struct seen {
    size_t calls, stop_after;
    int64_t bytes;
    bool found[N_FILES];
};

/* Paths come back joined with the platform's separator: match the file by its name. */
static bool visit(void *ctx, const char *path, int64_t size)
{
    struct seen *s = ctx;
    s->calls++;
    s->bytes += size;
    for (size_t i = 0; i < N_FILES; i++) {
        const char *name = strrchr(files[i].path, '/') + 1;
        size_t n = strlen(path), m = strlen(name);
        if (n > m && !strcmp(path + n - m, name) && (path[n - m - 1] == '/' || path[n - m - 1] == '\\'))
            s->found[i] = (int64_t)files[i].size == size;
    }
    return s->stop_after == 0 || s->calls < s->stop_after;
}

TEST(walk_visits_every_regular_file_once_with_its_size)
{
    if (!make_tree())
        CHECK(!"the test tree could be made");
    struct seen s = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_dir_walk(ROOT, visit, &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.calls, N_FILES);
    CHECK_INT_EQ(s.bytes, 71000);
    for (size_t i = 0; i < N_FILES; i++)
        CHECK(s.found[i]);
}

TEST(walk_stops_when_asked_and_names_a_missing_root)
{
    struct seen s = {.stop_after = 1};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_dir_walk(ROOT, visit, &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.calls, 1);
    CHECK_INT_EQ(ecsb_dir_walk(ROOT "/no-such-dir", visit, &s, &err), ECSB_ERR_IO);
    CHECK_CONTAINS(err.message, "no-such-dir");
}

static bool never(void *ctx) { (void)ctx; return false; }
static bool at_once(void *ctx) { (void)ctx; return true; }

TEST(read_through_reads_the_whole_file_or_stops)
{
    int64_t bytes = -1;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_file_read_through(ROOT "/sub/b.bin", 4096, never, NULL, &bytes, &err), ECSB_OK);
    CHECK_INT_EQ(bytes, 70000);
    CHECK_INT_EQ(ecsb_file_read_through(ROOT "/sub/b.bin", 4096, at_once, NULL, &bytes, &err), ECSB_OK);
    CHECK(bytes < 70000);
    CHECK(ecsb_file_read_through(ROOT "/missing.bin", 4096, never, NULL, &bytes, &err) != ECSB_OK);
    CHECK_CONTAINS(err.message, "missing.bin");
}

int main(void)
{
    RUN(walk_visits_every_regular_file_once_with_its_size);
    RUN(walk_stops_when_asked_and_names_a_missing_root);
    RUN(read_through_reads_the_whole_file_or_stops);
    return check_summary();
}
