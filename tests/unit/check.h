/* check.h: the unit-test harness. One executable per test file; each TEST is a
 * function, RUN counts it as passed only if none of its checks failed. The last
 * line printed is "N passed, M failed", which tests/run-unit.sh sums. */
#ifndef ECSB_CHECK_H
#define ECSB_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_state {
    int passed, failed, current_failed;
    const char *current;
    const char *const *env; /* check_getenv's table */
};
static struct check_state check_state_;

#define CHECK_FAIL_(...)                                                          \
    do {                                                                          \
        check_state_.current_failed++;                                            \
        printf("FAIL %s (%s:%d): ", check_state_.current, __FILE__, __LINE__);    \
        printf(__VA_ARGS__);                                                      \
        printf("\n");                                                             \
    } while (0)

#define CHECK(cond)                                                               \
    do { if (!(cond)) CHECK_FAIL_("%s", #cond); } while (0)

#define CHECK_INT_EQ(a, b)                                                        \
    do {                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                       \
        if (a_ != b_) CHECK_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);      \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                        \
    do {                                                                          \
        const char *a_ = (a), *b_ = (b);                                          \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                    \
            CHECK_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", \
                        b_ ? b_ : "(null)");                                      \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                               \
    do {                                                                          \
        const char *h_ = (hay), *n_ = (needle);                                   \
        if (!h_ || !strstr(h_, n_))                                               \
            CHECK_FAIL_("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);\
    } while (0)

#define TEST(name) static void name(void)

#define RUN(name)                                                                 \
    do {                                                                          \
        check_state_.current = #name;                                             \
        check_state_.current_failed = 0;                                          \
        name();                                                                   \
        if (check_state_.current_failed) check_state_.failed++;                   \
        else check_state_.passed++;                                               \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_state_.passed, check_state_.failed);
    fflush(stdout);
    return check_state_.failed ? 1 : 0;
}

/* A fake environment for code that takes a getenv function: check_getenv answers from the
 * NULL-ended name, value, name, value... table last given to check_set_env (none: NULL). */
static inline void check_set_env(const char *const *pairs) { check_state_.env = pairs; }
static inline const char *check_getenv(const char *name)
{
    for (const char *const *p = check_state_.env; p && *p; p += 2)
        if (strcmp(p[0], name) == 0)
            return p[1];
    return NULL;
}

/* Path of a file in ../shared/testdata (ECSB_SHARED overrides the ../shared root). */
static inline const char *check_shared_path(char *out, size_t cap, const char *rel)
{
    const char *root = getenv("ECSB_SHARED");
    snprintf(out, cap, "%s/%s", root && *root ? root : "../shared", rel);
    return out;
}

#endif
