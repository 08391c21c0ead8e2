/* Differential test: our reader (ecsb_ini_reader_parse_string) must make exactly
 * the handler calls inih makes (section, name, value, in order) and return the
 * same value, on every input of: the corpus in tests/ini-corpus/, a few thousand
 * generated INI-ish inputs, and the fuzzer's seeds in tests/fuzz/corpus/fuzz_ini/.
 * The handler refuses (returns 0) the name "stop", so that rule is covered too. */
#include "../check.h"

#include <dirent.h>
#include <ini.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"
#include "ecsb/config/ini.h"

/* One handler call, length-prefixed so any byte in a value is compared. */
static int record(void *user, const char *section, const char *name, const char *value)
{
    struct ecsb_buf *b = user;
    ecsb_buf_printf(b, "[%zu:%s] %zu:%s = ", strlen(section), section, strlen(name), name);
    if (value)
        ecsb_buf_printf(b, "%zu:%s\n", strlen(value), value);
    else
        ecsb_buf_puts(b, "(no value)\n");
    return strcmp(name, "stop") != 0;
}

/* Printable excerpt of a recording for a failure message. */
static void show(const char *label, int rc, const struct ecsb_buf *b)
{
    printf("  %s returned %d, calls:\n    ", label, rc);
    const char *s = ecsb_buf_cstr(b);
    for (size_t i = 0; i < 600 && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            printf("\n    ");
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    printf("\n");
}

static int cases;

/* One input, one counted check. */
static void diff_case(const char *name, const char *text)
{
    check_state_.current = name;
    check_state_.current_failed = 0;
    struct ecsb_buf want = ECSB_BUF_INIT, got = ECSB_BUF_INIT;
    int rc_want = ini_parse_string(text, record, &want);
    int rc_got = ecsb_ini_reader_parse_string(text, record, &got);
    CHECK_INT_EQ(rc_got, rc_want);
    CHECK_STR_EQ(ecsb_buf_cstr(&got), ecsb_buf_cstr(&want));
    if (check_state_.current_failed) {
        show("inih", rc_want, &want);
        show("ours", rc_got, &got);
        check_state_.failed++;
    } else {
        check_state_.passed++;
    }
    cases++;
    ecsb_buf_free(&want);
    ecsb_buf_free(&got);
}

/* Every regular file of dir, in name order; returns how many. */
static int diff_dir(const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort), done = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        char *data = NULL;
        size_t len = 0;
        struct ecsb_error err;
        if (list[i]->d_name[0] != '.' && ecsb_fs_read(path, &data, &len, &err) == ECSB_OK) {
            diff_case(path, data); /* inih reads up to the first NUL; so must we */
            done++;
        }
        free(data);
        free(list[i]);
    }
    free(list);
    return done;
}

/* Deterministic generator (xorshift32) over an INI-ish alphabet, weighted to the
 * dialect's edges: brackets, separators, comment chars, whitespace, CR/LF, BOM,
 * the refused name, and runs of lengths around the 199-byte line buffer. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void generate(uint32_t seed, struct ecsb_buf *out)
{
    static const char *const tokens[] = {
        "[", "]", "=", ":", ";", "#", " ", " ", "\t", "\n", "\n", "\n", "\r\n", "\r", "a", "B", "key",
        "stop", "\xef\xbb\xbf", "\xc3\xa9", "\x01", "\v", " ;", "[s]\n", "k = v\n", "  ", "\n  ", "x",
    };
    static const int runs[] = {1, 40, 48, 49, 50, 150, 195, 196, 197, 198, 199, 200, 201, 260, 400};
    uint32_t s = seed * 2654435761u + 1;
    int n = (int)(next_rand(&s) % 40);
    for (int i = 0; i < n; i++) {
        uint32_t r = next_rand(&s);
        if (r % 16 == 0) {
            int len = runs[(r >> 4) % (sizeof runs / sizeof runs[0])];
            char c = "xs=; "[(r >> 12) % 5];
            for (int j = 0; j < len; j++)
                ecsb_buf_putc(out, c);
        } else {
            ecsb_buf_puts(out, tokens[(r >> 4) % (sizeof tokens / sizeof tokens[0])]);
        }
    }
}

int main(void)
{
    int files = diff_dir("tests/ini-corpus");
    /* The corpus must be there: an empty run would prove nothing. */
    check_state_.current = "corpus_present";
    check_state_.current_failed = 0;
    CHECK(files >= 30);
    if (check_state_.current_failed) check_state_.failed++; else check_state_.passed++;

    diff_dir("tests/fuzz/corpus/fuzz_ini");
    for (uint32_t i = 0; i < 4000; i++) {
        struct ecsb_buf text = ECSB_BUF_INIT;
        char name[64];
        generate(i, &text);
        snprintf(name, sizeof name, "generated case %u", i);
        diff_case(name, ecsb_buf_cstr(&text));
        ecsb_buf_free(&text);
    }
    printf("compared %d inputs (%d corpus files)\n", cases, files);
    return check_summary();
}
