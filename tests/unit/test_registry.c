/* Unit tests for the check before download: image references and picking the
 * manifest-list entry for the host build the way the engine does (same build,
 * any revision; newer AND older builds refused). */
#include "check.h"

#include <stdlib.h>

#include "ecsb/base/json.h"
#include "ecsb/docker/registry.h"

static const char index_json[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
    "{\"digest\":\"sha256:linux\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
    "{\"digest\":\"sha256:new\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.26100.1\"}},"
    "{\"digest\":\"sha256:a\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.20348.100\"}},"
    "{\"digest\":\"sha256:b\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.20348.2762\"}},"
    "{\"digest\":\"sha256:arm\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"windows\",\"os.version\":\"10.0.20348.9999\"}},"
    "{\"digest\":\"sha256:old\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.5000\"}}]}";

static struct ecsb_json *parse(const char *s)
{
    struct ecsb_json *j = NULL;
    struct ecsb_error err = {0};
    ecsb_json_parse(s, strlen(s), NULL, &j, &err);
    return j;
}

TEST(host_build_picked_newest_revision)
{
    struct ecsb_json *j = parse(index_json);
    struct ecsb_buf offered = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_registry_pick(j, 20348, "amd64", &offered), 3);
    CHECK_STR_EQ(offered.data, "10.0.26100.1, 10.0.20348.100, 10.0.20348.2762, 10.0.17763.5000");
    ecsb_buf_free(&offered);
    ecsb_json_free(j);
}

TEST(newer_and_older_builds_refused)
{
    struct ecsb_json *j = parse(index_json);
    struct ecsb_buf offered = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_registry_pick(j, 14393, "amd64", &offered), -1); /* only newer on offer */
    CHECK_CONTAINS(offered.data, "10.0.17763.5000");
    ecsb_buf_reset(&offered);
    CHECK_INT_EQ(ecsb_registry_pick(j, 30000, "amd64", &offered), -1); /* only older on offer */
    CHECK_INT_EQ(ecsb_registry_pick(j, 17763, "amd64", &offered), 5);
    CHECK_INT_EQ(ecsb_registry_pick(j, 20348, "arm64", &offered), 4);
    ecsb_buf_free(&offered);
    ecsb_json_free(j);
}

TEST(no_windows_entry_offers_nothing)
{
    struct ecsb_json *j = parse("{\"manifests\":[{\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},7,null]}");
    struct ecsb_buf offered = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_registry_pick(j, 20348, "amd64", &offered), -1);
    CHECK_INT_EQ(offered.len, 0);
    CHECK_INT_EQ(ecsb_registry_pick(NULL, 20348, "amd64", &offered), -1);
    struct ecsb_json *k = parse("{\"manifests\":{\"not\":\"an array\"}}");
    CHECK_INT_EQ(ecsb_registry_pick(k, 20348, "amd64", &offered), -1);
    ecsb_buf_free(&offered);
    ecsb_json_free(j);
    ecsb_json_free(k);
}

/* A registry's os.version is untrusted text: one ending in a comma once made the
 * list of offered builds be read past its end (found by fuzz_manifest_list). */
TEST(offered_versions_with_commas_stay_in_bounds)
{
    static const char odd[] =
        "{\"manifests\":["
        "{\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.1,\"}},"
        "{\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.2,\"}},"
        "{\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.1,\"}}]}";
    struct ecsb_json *j = parse(odd);
    CHECK(j != NULL);
    struct ecsb_buf offered = ECSB_BUF_INIT;
    CHECK_INT_EQ(ecsb_registry_pick(j, 20348, "amd64", &offered), -1);
    CHECK_STR_EQ(offered.data, "10.0.1,, 10.0.2,");
    ecsb_buf_free(&offered);
    ecsb_json_free(j);
}

TEST(image_reference_parts)
{
    struct ecsb_image_ref r;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_image_ref_parse("mcr.microsoft.com/windows/servercore:ltsc2022", &r, &err), ECSB_OK);
    CHECK_STR_EQ(r.registry, "mcr.microsoft.com");
    CHECK_STR_EQ(r.repository, "windows/servercore");
    CHECK_STR_EQ(r.reference, "ltsc2022");
    CHECK(!r.plain_http);
    ecsb_image_ref_free(&r);
    CHECK_INT_EQ(ecsb_image_ref_parse("busybox:1", &r, &err), ECSB_OK);
    CHECK_STR_EQ(r.registry, "registry-1.docker.io");
    CHECK_STR_EQ(r.repository, "library/busybox");
    ecsb_image_ref_free(&r);
    CHECK_INT_EQ(ecsb_image_ref_parse("me/app@sha256:abc", &r, &err), ECSB_OK);
    CHECK_STR_EQ(r.repository, "me/app");
    CHECK_STR_EQ(r.reference, "sha256:abc");
    ecsb_image_ref_free(&r);
    CHECK_INT_EQ(ecsb_image_ref_parse("127.0.0.1:5000/a/b:1", &r, &err), ECSB_OK);
    CHECK_STR_EQ(r.registry, "127.0.0.1:5000");
    CHECK(r.plain_http);
    ecsb_image_ref_free(&r);
    CHECK_INT_EQ(ecsb_image_ref_parse("localhost/x:1", &r, &err), ECSB_OK);
    CHECK_STR_EQ(r.registry, "localhost");
    ecsb_image_ref_free(&r);
    CHECK_INT_EQ(ecsb_image_ref_parse("a/b", &r, &err), ECSB_ERR_INVALID);
}

int main(void)
{
    RUN(host_build_picked_newest_revision);
    RUN(newer_and_older_builds_refused);
    RUN(no_windows_entry_offers_nothing);
    RUN(offered_versions_with_commas_stay_in_bounds);
    RUN(image_reference_parts);
    return check_summary();
}
