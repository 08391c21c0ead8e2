/* User data in every form: detection, wrappers (nesting), MIME, EC2Launch + INI
 * precedence, the example files, errors with positions, to_ini round trip. */
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"
#include "ecsb/userdata/userdata.h"

static enum ecsb_status parse_n(const char *data, size_t len, struct ecsb_settings *s, struct ecsb_error *err)
{
    ecsb_settings_init(s, "user data");
    ecsb_error_clear(err);
    return ecsb_userdata_parse(data, len, s, err);
}

static enum ecsb_status parse(const char *text, struct ecsb_settings *s, struct ecsb_error *err)
{
    return parse_n(text, strlen(text), s, err);
}

static const char *val(const struct ecsb_settings *s, const char *section, const char *key)
{
    const struct ecsb_setting *it = ecsb_settings_find(s, section, key);
    return it ? it->value : NULL;
}

static void base64(const char *in, size_t n, struct ecsb_buf *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < n) v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)in[i + 2];
        ecsb_buf_putc(out, a[v >> 18 & 63]);
        ecsb_buf_putc(out, a[v >> 12 & 63]);
        ecsb_buf_putc(out, i + 1 < n ? a[v >> 6 & 63] : '=');
        ecsb_buf_putc(out, i + 2 < n ? a[v & 63] : '=');
        if ((i / 3 + 1) % 19 == 0)
            ecsb_buf_putc(out, '\n'); /* 76-column lines, as base64(1) writes */
    }
}

static void gzip(const char *in, size_t n, struct ecsb_buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    unsigned char chunk[4096];
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    int rc;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = deflate(&zs, Z_FINISH);
        ecsb_buf_append(out, chunk, sizeof chunk - zs.avail_out);
    } while (rc == Z_OK);
    deflateEnd(&zs);
}

static char *read_example(const char *name, size_t *len)
{
    char path[256], *data = NULL;
    struct ecsb_error err;
    snprintf(path, sizeof path, "userdata/examples/%s", name);
    if (ecsb_fs_read(path, &data, len, &err) != ECSB_OK)
        return NULL;
    return data;
}

/* userdata/examples/NAME read and parsed (both checked); NULL when it cannot be read. */
static char *parse_example(const char *name, size_t *len, struct ecsb_settings *s, struct ecsb_error *err)
{
    char *doc = read_example(name, len);
    CHECK(doc != NULL);
    if (doc)
        CHECK_INT_EQ(parse_n(doc, *len, s, err), ECSB_OK);
    return doc;
}

static const char *const ini_doc = "[cluster]\nname = from-ini\n[agent]\ntask_eni = true\n";
static const char *const ps_doc = "Import-Module ECSTools\nInitialize-ECSAgent -Cluster from-ps -EnableTaskENI\n";

TEST(plain_forms_are_detected)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse(ini_doc, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "ini");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "from-ini");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse(ps_doc, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "powershell");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "from-ps");
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
    ecsb_settings_free(&s);
    /* "[Environment]::" starts with '[' but is PowerShell, not an INI section */
    CHECK_INT_EQ(parse("[Environment]::SetEnvironmentVariable('A','b','Machine')", &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "powershell");
    CHECK_STR_EQ(val(&s, "environment", "A"), "b");
    ecsb_settings_free(&s);
}

TEST(base64_and_gzip_wrappers_nest)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    size_t len = 0;
    char *mime = read_example("mime.txt", &len);
    CHECK(mime != NULL);
    if (!mime)
        return;
    struct ecsb_buf z = ECSB_BUF_INIT, b = ECSB_BUF_INIT, b2 = ECSB_BUF_INIT;
    gzip(mime, len, &z);
    base64(z.data, z.len, &b);
    CHECK_INT_EQ(parse_n(b.data, b.len, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "base64+gzip+mime");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "windows-prod");
    CHECK_STR_EQ(val(&s, "images", "mode"), "verify");
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
    ecsb_settings_free(&s);
    /* gzip alone, base64 of plain PowerShell */
    CHECK_INT_EQ(parse_n(z.data, z.len, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "gzip+mime");
    ecsb_settings_free(&s);
    base64(ps_doc, strlen(ps_doc), &b2);
    CHECK_INT_EQ(parse_n(b2.data, b2.len, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "base64+powershell");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "from-ps");
    ecsb_settings_free(&s);
    ecsb_buf_free(&z);
    ecsb_buf_free(&b);
    ecsb_buf_free(&b2);
    free(mime);
}

TEST(base64_is_decoded_only_into_user_data)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT;
    base64("\x01\x02\x03 binary junk \xff\xfe", 18, &b);
    CHECK_INT_EQ(parse_n(b.data, b.len, &s, &err), ECSB_OK);
    CHECK_STR_EQ(s.format, "powershell");
    CHECK_INT_EQ(s.count, 0);
    CHECK_INT_EQ(s.n_ignored, 1); /* the text itself, listed */
    CHECK_INT_EQ(s.n_warnings, 1);
    if (s.n_warnings)
        CHECK_CONTAINS(s.warnings[0], "does not decode to user data");
    ecsb_settings_free(&s);
    ecsb_buf_free(&b);
    CHECK_INT_EQ(parse("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nQUJD=EFG", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:2:5: this looks like base64");
    CHECK_CONTAINS(err.message, "base64 -w0");
    ecsb_settings_free(&s);
}

TEST(gzip_errors_and_size_bound)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    struct ecsb_buf z = ECSB_BUF_INIT;
    gzip(ini_doc, strlen(ini_doc), &z);
    CHECK_INT_EQ(parse_n(z.data, z.len - 6, &s, &err), ECSB_ERR_INVALID); /* truncated */
    CHECK_CONTAINS(err.message, "user data:1:1: not a valid gzip stream");
    ecsb_settings_free(&s);
    z.data[12] ^= 0x55;
    CHECK_INT_EQ(parse_n(z.data, z.len, &s, &err), ECSB_ERR_INVALID);
    ecsb_settings_free(&s);
    ecsb_buf_free(&z);
    /* a small bomb: 1 MiB of spaces compresses to about 1 KiB */
    size_t big = 1024 * 1024;
    char *spaces = malloc(big);
    memset(spaces, ' ', big);
    gzip(spaces, big, &z);
    CHECK(z.len < ECSB_USERDATA_MAX);
    CHECK_INT_EQ(parse_n(z.data, z.len, &s, &err), ECSB_ERR_LIMIT);
    CHECK_CONTAINS(err.message, "expands beyond");
    ecsb_settings_free(&s);
    ecsb_buf_free(&z);
    free(spaces);
}

TEST(ec2launch_ini_block_wins_key_by_key)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    size_t len;
    char *doc = parse_example("ec2launch.txt", &len, &s, &err);
    if (!doc)
        return;
    CHECK_STR_EQ(s.format, "ec2launch+ini");
    const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
    CHECK(c && !strcmp(c->value, "windows-prod") && c->line == 8 && c->column == 8);
    CHECK_STR_EQ(val(&s, "agent", "version"), "cached");
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true"); /* only in PowerShell: kept */
    CHECK_STR_EQ(val(&s, "agent", "image_pull_behavior"), "prefer-cached");
    CHECK_INT_EQ(s.count, 4); /* the overridden PowerShell values are gone */
    CHECK_INT_EQ(s.n_warnings, 2);
    if (s.n_warnings == 2)
        CHECK_CONTAINS(s.warnings[0], "user data:3: cluster.name from PowerShell ('legacy-cluster') is overridden");
    CHECK_INT_EQ(s.n_ignored, 3); /* Import-Module, Write-Host, <persist> */
    ecsb_settings_free(&s);
    free(doc);
}

TEST(ec2launch_structure_errors)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("<powershell>\n</powershell>\n  <ecs-bootstrap>\n[cluster]\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:3:3: <ecs-bootstrap> is not closed; end the INI block");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("<ecs-bootstrap>\n[cluster]\nname\n</ecs-bootstrap>\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:3");
    CHECK_INT_EQ(s.count, 0);
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("<ecs-bootstrap>\nname = x\n</ecs-bootstrap>\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "outside any section");
    ecsb_settings_free(&s);
}

TEST(mime_parts)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    size_t len;
    char *doc = parse_example("mime.txt", &len, &s, &err);
    if (!doc)
        return;
    CHECK_STR_EQ(s.format, "mime");
    const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
    CHECK(c && !strcmp(c->value, "windows-prod") && c->line == 8);
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
    const struct ecsb_setting *eni = ecsb_settings_find(&s, "agent", "task_eni");
    CHECK(eni && eni->line == 16);
    CHECK_INT_EQ(s.n_ignored, 2); /* Write-Host and the cloud-config part */
    if (s.n_ignored == 2)
        CHECK_CONTAINS(s.ignored[1].text, "text/cloud-config");
    ecsb_settings_free(&s);
    free(doc);
}

TEST(mime_base64_part_and_errors)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    struct ecsb_buf b = ECSB_BUF_INIT, doc = ECSB_BUF_INIT;
    base64(ini_doc, strlen(ini_doc), &b);
    ecsb_buf_printf(&doc, "MIME-Version: 1.0\nContent-Type: multipart/mixed;\n boundary=XYZ\n\npreamble\n--XYZ\n"
                          "Content-Type: text/x-ecs-bootstrap\nContent-Transfer-Encoding: base64\n\n%s\n--XYZ--\n",
                    b.data);
    CHECK_INT_EQ(parse(doc.data, &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "from-ini");
    ecsb_settings_free(&s);
    static const struct { const char *doc, *where, *what; } bad[] = {
        {"Content-Type: multipart/mixed\n\n--a\n\nx\n--a--\n", "user data:1:1:", "no usable boundary"},
        {"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/x-ecs-bootstrap\n\n[c]\n",
         "user data:7:1:", "not closed"},
        {"Content-Type: multipart/mixed; boundary=a\n\nnothing here\n", "user data:3:1:", "no MIME part"},
        {"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/x-ecs-bootstrap\n"
         "Content-Transfer-Encoding: base64\n\nW2N!\n--a--\n", "user data:7:4:", "not valid base64"},
        {"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/x-ecs-bootstrap\n"
         "Content-Transfer-Encoding: quoted-printable\n\nx\n--a--\n", "user data:4:1:", "quoted-printable"},
        {"Content-Type: multipart/mixed; boundary=a\n\n--a\nnot a header line\n--a--\n", "user data:4:1:",
         "headers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(parse(bad[i].doc, &s, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, bad[i].where);
        CHECK_CONTAINS(err.message, bad[i].what);
        ecsb_settings_free(&s);
    }
    ecsb_buf_free(&b);
    ecsb_buf_free(&doc);
}

/* levels multipart documents, one inside the other; the innermost holds an INI part
 * (cluster.name = deep) and a PowerShell part; each level also has a cloud-config part. */
static void nested_mime(struct ecsb_buf *doc, int level, int levels)
{
    ecsb_buf_printf(doc, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", level, level);
    if (level == levels)
        ecsb_buf_puts(doc, "Content-Type: text/x-ecs-bootstrap\n\n[cluster]\nname = deep\n--b");
    else
        nested_mime(doc, level + 1, levels);
    if (level == levels)
        ecsb_buf_printf(doc, "%d\nContent-Type: text/x-powershell\n\nInitialize-ECSAgent -Cluster ps -EnableTaskENI\n--b",
                        level);
    else
        ecsb_buf_printf(doc, "\n--b");
    ecsb_buf_printf(doc, "%d\nContent-Type: text/cloud-config\n\nruncmd: []\n--b%d--\n", level, level);
}

static int line_of(const char *doc, const char *needle)
{
    const char *at = strstr(doc, needle);
    int line = 1;
    for (const char *p = doc; at && p < at; p++)
        line += *p == '\n';
    return at ? line : -1;
}

/* Nested multipart is read recursively (it used to be read as PowerShell, and the
 * instance joined cluster "default"); deeper than the limit is refused by name. */
TEST(mime_nested_parts_are_read_recursively)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    static const int ok_levels[] = {2, 3, ECSB_USERDATA_MAX_DEPTH};
    for (size_t i = 0; i < sizeof ok_levels / sizeof ok_levels[0]; i++) {
        struct ecsb_buf doc = ECSB_BUF_INIT;
        nested_mime(&doc, 1, ok_levels[i]);
        CHECK_INT_EQ(parse(doc.data, &s, &err), ECSB_OK);
        CHECK_STR_EQ(s.format, "mime");
        const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
        CHECK_STR_EQ(c ? c->value : NULL, "deep"); /* the INI part wins over PowerShell */
        CHECK_INT_EQ(c ? c->line : 0, line_of(doc.data, "name = deep"));
        CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
        const struct ecsb_setting *eni = ecsb_settings_find(&s, "agent", "task_eni");
        CHECK_INT_EQ(eni ? eni->line : 0, line_of(doc.data, "Initialize-ECSAgent"));
        CHECK_INT_EQ(s.n_ignored, (size_t)ok_levels[i]); /* one cloud-config part per level */
        CHECK_INT_EQ(s.n_warnings, 1);                  /* -Cluster ps overridden by the INI part */
        ecsb_settings_free(&s);
        ecsb_buf_free(&doc);
    }
    struct ecsb_buf doc = ECSB_BUF_INIT;
    nested_mime(&doc, 1, ECSB_USERDATA_MAX_DEPTH + 1); /* its PowerShell part is one level too deep */
    CHECK_INT_EQ(parse(doc.data, &s, &err), ECSB_ERR_LIMIT);
    CHECK_CONTAINS(err.message, "MIME part 2 (text/x-powershell) is nested deeper than 6 levels");
    CHECK_INT_EQ(s.count, 0);
    ecsb_settings_free(&s);
    ecsb_buf_reset(&doc);
    nested_mime(&doc, 1, ECSB_USERDATA_MAX_DEPTH + 2);
    CHECK_INT_EQ(parse(doc.data, &s, &err), ECSB_ERR_LIMIT);
    char where[128];
    snprintf(where, sizeof where, "user data:%d:1: MIME part 1 (multipart/mixed) is nested deeper than %d",
             line_of(doc.data, "boundary=\"b8\""), ECSB_USERDATA_MAX_DEPTH);
    CHECK_CONTAINS(err.message, where);
    CHECK_INT_EQ(s.count, 0);
    ecsb_settings_free(&s);
    ecsb_buf_free(&doc);
    /* A nested multipart part without a boundary is an error at its header, not PowerShell. */
    CHECK_INT_EQ(parse("Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed\n\n"
                       "--b\n\nx\n--b--\n--a--\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:4:1: the multipart Content-Type has no usable boundary");
    ecsb_settings_free(&s);
}

TEST(example_files_parse_to_expected_settings)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    size_t len;
    char *doc = parse_example("legacy-full.ps1", &len, &s, &err);
    if (!doc)
        return;
    CHECK_STR_EQ(val(&s, "cluster", "name"), "windows-prod");
    CHECK_STR_EQ(val(&s, "cluster", "region"), "us-east-1");
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
    CHECK_STR_EQ(val(&s, "agent", "task_eni"), "true");
    CHECK_STR_EQ(val(&s, "agent", "awsvpc_block_imds"), "false");
    CHECK_STR_EQ(val(&s, "agent", "logging_drivers"), "[\"json-file\",\"awslogs\"]");
    CHECK_STR_EQ(val(&s, "agent", "awsvpc_additional_local_routes"), "[\"10.0.0.0/16\",\"10.1.0.0/16\"]");
    CHECK_STR_EQ(val(&s, "agent", "version"), "1.101.0");
    CHECK_STR_EQ(val(&s, "environment", "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE"), "true");
    CHECK_STR_EQ(val(&s, "environment", "ECS_IMAGE_PULL_BEHAVIOR"), "prefer-cached");
    CHECK(val(&s, "environment", "ECS_CONTAINER_START_TIMEOUT") == NULL); /* User scope */
    CHECK(val(&s, "environment", "ECS_LOGLEVEL") == NULL);                /* $env: */
    CHECK_INT_EQ(s.count, 10);
    CHECK_INT_EQ(s.n_ignored, 6);
    CHECK_INT_EQ(s.n_warnings, 0);
    ecsb_settings_free(&s);
    free(doc);

    doc = read_example("ini.txt", &len);
    CHECK(doc != NULL);
    if (!doc)
        return;
    CHECK_INT_EQ(parse_n(doc, len, &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 12);
    CHECK_STR_EQ(val(&s, "tags", "cost-center"), "1234");
    CHECK_STR_EQ(val(&s, "environment", "ECS_CONTAINER_START_TIMEOUT"), "15m");
    ecsb_settings_free(&s);
    free(doc);

    doc = read_example("legacy-basic.ps1", &len);
    CHECK(doc != NULL);
    if (!doc)
        return;
    CHECK_INT_EQ(parse_n(doc, len, &s, &err), ECSB_OK);
    CHECK_INT_EQ(s.count, 3);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "windows-prod");
    ecsb_settings_free(&s);
    free(doc);
}

TEST(to_ini_round_trips)
{
    struct ecsb_settings s, again;
    struct ecsb_error err;
    size_t len;
    char *doc = parse_example("legacy-full.ps1", &len, &s, &err);
    if (!doc)
        return;
    struct ecsb_buf ini = ECSB_BUF_INIT;
    ecsb_settings_to_ini(&s, &ini);
    CHECK_CONTAINS(ini.data, "[cluster]\n; line 10\nname = windows-prod\n");
    const char *c = strstr(ini.data, "[cluster]"), *a = strstr(ini.data, "[agent]"),
               *e = strstr(ini.data, "[environment]");
    CHECK(c && a && e && c < a && a < e);
    CHECK_INT_EQ(parse(ini.data, &again, &err), ECSB_OK);
    CHECK_STR_EQ(again.format, "ini");
    CHECK_INT_EQ(again.count, s.count);
    for (size_t i = 0; i < s.count; i++)
        CHECK_STR_EQ(val(&again, s.items[i].section, s.items[i].key), s.items[i].value);
    ecsb_settings_free(&again);
    ecsb_settings_free(&s);
    ecsb_buf_free(&ini);
    free(doc);
    /* values INI cannot carry are left out, with the reason */
    ecsb_settings_init(&s, "x");
    ecsb_settings_add(&s, "environment", "A", "two\nlines", 3, 1);
    ecsb_settings_add(&s, "zzz", "k", "v", 4, 1);
    ecsb_settings_add(&s, "zzz", "semi", ";starts with a semicolon", 4, 1);
    ecsb_settings_add(&s, "environment", "", "empty name", 5, 1); /* would read back as a continuation */
    char long_value[260];
    memset(long_value, 'v', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    ecsb_settings_add(&s, "images", "preload", long_value, 6, 1);
    ecsb_settings_to_ini(&s, &ini);
    CHECK_CONTAINS(ini.data, "; a key is left out (A): it contains a line break");
    CHECK(strstr(ini.data, "two") == NULL);
    CHECK_CONTAINS(ini.data, "[zzz]\n; line 4\nk = v\n");
    CHECK_CONTAINS(ini.data, "; a key is left out (?): its name is empty");
    CHECK_CONTAINS(ini.data, "; a key is left out (semi): it contains ' ;'");
    CHECK_CONTAINS(ini.data, "; a key is left out (preload): the line would be longer");
    CHECK(strstr(ini.data, "vvvvvvvvvv") == NULL);
    ecsb_settings_free(&s);
    ecsb_buf_free(&ini);
}

TEST(text_checks_and_limits)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse_n("\xFF\xFEI\0n\0", 6, &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "UTF-16");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse_n("Write-Host\0x", 12, &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:1:11: a NUL byte");
    ecsb_settings_free(&s);
    char *huge = malloc(ECSB_USERDATA_MAX + 2);
    memset(huge, '#', ECSB_USERDATA_MAX + 1);
    CHECK_INT_EQ(parse_n(huge, ECSB_USERDATA_MAX + 1, &s, &err), ECSB_ERR_LIMIT);
    ecsb_settings_free(&s);
    free(huge);
    /* a UTF-8 BOM is skipped */
    CHECK_INT_EQ(parse("\xEF\xBB\xBF[cluster]\nname = b\n", &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "b");
    ecsb_settings_free(&s);
}

TEST(launch_template_snippet_carries_user_data)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    char *text = NULL;
    size_t len = 0;
    struct ecsb_json *lt = NULL;
    CHECK_INT_EQ(ecsb_fs_read("userdata/launch-template/launch-template.json", &text, &len, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_json_parse(text, len, NULL, &lt, &err), ECSB_OK);
    const char *ud = ecsb_json_get_string(ecsb_json_get(lt, "LaunchTemplateData"), "UserData");
    CHECK(ud != NULL);
    if (ud) {
        CHECK_INT_EQ(parse(ud, &s, &err), ECSB_OK);
        CHECK_STR_EQ(s.format, "base64+ec2launch+ini");
        CHECK_STR_EQ(val(&s, "cluster", "name"), "windows-prod");
        CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
        ecsb_settings_free(&s);
    }
    ecsb_json_free(lt);
    free(text);
}

static int ignored_with(const struct ecsb_settings *s, int line, const char *reason)
{
    int n = 0;
    for (size_t i = 0; i < s->n_ignored; i++)
        n += s->ignored[i].line == line && strstr(s->ignored[i].reason, reason) != NULL;
    return n;
}

/* EC2Launch runs <script> with cmd: its lines are listed as left for cmd, never read
 * as PowerShell; <powershell> lines stay PowerShell's. */
TEST(ec2launch_script_blocks_are_cmd)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    CHECK_INT_EQ(parse("<script>\necho hi > C:\\hi.txt\nInitialize-ECSAgent -Cluster wrong\n</script>\n"
                       "<powershell>\nInitialize-ECSAgent -Cluster right\nWrite-Host x\n</powershell>\n", &s, &err),
                 ECSB_OK);
    CHECK_STR_EQ(s.format, "ec2launch");
    CHECK_STR_EQ(val(&s, "cluster", "name"), "right");
    CHECK_INT_EQ(ignored_with(&s, 2, "left for cmd to run"), 1);
    CHECK_INT_EQ(ignored_with(&s, 3, "left for cmd to run"), 1);
    CHECK_INT_EQ(ignored_with(&s, 7, "left for PowerShell to run"), 1);
    CHECK_INT_EQ(s.n_warnings, 1);
    if (s.n_warnings)
        CHECK_CONTAINS(s.warnings[0], "user data:3: Initialize-ECSAgent inside <script>");
    ecsb_settings_free(&s);
    CHECK_INT_EQ(parse("<script>\necho hi\n", &s, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "user data:1:1: <script> is not closed; end the cmd block with </script>");
    ecsb_settings_free(&s);
}

/* EC2Launch v2 YAML: powershell scripts are read, batch scripts are cmd's, other tasks EC2Launch's. */
TEST(ec2launch_v2_yaml_tasks_by_type)
{
    struct ecsb_settings s;
    struct ecsb_error err;
    size_t len;
    char *doc = parse_example("ec2launch-v2.yaml", &len, &s, &err);
    if (!doc)
        return;
    CHECK_STR_EQ(s.format, "ec2launch-v2");
    const struct ecsb_setting *c = ecsb_settings_find(&s, "cluster", "name");
    CHECK_STR_EQ(c ? c->value : NULL, "windows-prod");
    CHECK_INT_EQ(c ? c->line : 0, line_of(doc, "Initialize-ECSAgent"));
    CHECK_STR_EQ(val(&s, "agent", "task_iam_role"), "true");
    CHECK_STR_EQ(val(&s, "environment", "ECS_LOGLEVEL"), "debug");
    CHECK_INT_EQ(ignored_with(&s, line_of(doc, "enableOpenSsh"), "EC2Launch v2 task"), 1);
    CHECK_INT_EQ(ignored_with(&s, line_of(doc, "echo hello"), "left for cmd to run"), 1);
    CHECK_INT_EQ(ignored_with(&s, line_of(doc, "ipconfig"), "left for cmd to run"), 1);
    CHECK_INT_EQ(ignored_with(&s, line_of(doc, "Write-Host"), "left for PowerShell to run"), 1);
    ecsb_settings_free(&s);
    free(doc);
    /* A powershell input whose content comes before its type; an unknown type is listed. */
    CHECK_INT_EQ(parse("version: 1.1\ntasks:\n- task: executeScript\n  inputs:\n  - content: |\n"
                       "      Initialize-ECSAgent -Cluster c1\n    type: powershell\n"
                       "  - type: bash\n    content: ls\n", &s, &err), ECSB_OK);
    CHECK_STR_EQ(val(&s, "cluster", "name"), "c1");
    CHECK_INT_EQ(ignored_with(&s, 9, "type: bash"), 1);
    ecsb_settings_free(&s);
}

int main(void)
{
    RUN(launch_template_snippet_carries_user_data);
    RUN(plain_forms_are_detected);
    RUN(base64_and_gzip_wrappers_nest);
    RUN(base64_is_decoded_only_into_user_data);
    RUN(gzip_errors_and_size_bound);
    RUN(ec2launch_ini_block_wins_key_by_key);
    RUN(ec2launch_structure_errors);
    RUN(mime_parts);
    RUN(mime_base64_part_and_errors);
    RUN(mime_nested_parts_are_read_recursively);
    RUN(example_files_parse_to_expected_settings);
    RUN(to_ini_round_trips);
    RUN(text_checks_and_limits);
        RUN(ec2launch_script_blocks_are_cmd);
    RUN(ec2launch_v2_yaml_tasks_by_type);
    return check_summary();
}
