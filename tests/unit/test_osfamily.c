/* Unit tests for ecs.os-family (agent parity) and the base-image tag table. */
#include "check.h"

#include "ecsb/config/osfamily.h"

TEST(every_known_build_full_and_core)
{
    static const struct { unsigned build; const char *full, *core; } rows[] = {
        {14393, "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2016_CORE"},
        {17763, "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE"},
        {19041, "WINDOWS_SERVER_2004_FULL", "WINDOWS_SERVER_2004_CORE"},
        {19042, "WINDOWS_SERVER_20H2_FULL", "WINDOWS_SERVER_20H2_CORE"},
        {20348, "WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2022_CORE"},
        {26100, "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_2025_CORE"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        CHECK_STR_EQ(ecsb_os_family(rows[i].build, "Server"), rows[i].full);
        CHECK_STR_EQ(ecsb_os_family(rows[i].build, "Server Core"), rows[i].core);
    }
}

TEST(installation_type_compared_like_the_agent)
{
    CHECK_STR_EQ(ecsb_os_family(20348, "server core"), "WINDOWS_SERVER_2022_CORE");
    CHECK_STR_EQ(ecsb_os_family(20348, " SERVER "), "WINDOWS_SERVER_2022_FULL");
    CHECK_STR_EQ(ecsb_os_family(20348, "ServerCore"), "windows");
}

TEST(unsupported_falls_back_to_windows)
{
    CHECK_STR_EQ(ecsb_os_family(20348, "Nano Server"), "windows");
    CHECK_STR_EQ(ecsb_os_family(20348, "Client"), "windows");
    CHECK_STR_EQ(ecsb_os_family(20348, ""), "windows");
    CHECK_STR_EQ(ecsb_os_family(20348, NULL), "windows");
    CHECK_STR_EQ(ecsb_os_family(18363, "Server Core"), "windows"); /* 1909 */
    CHECK_STR_EQ(ecsb_os_family(0, "Server"), "windows");
    CHECK_STR_EQ(ecsb_os_family(20349, "Server"), "windows");
    CHECK_STR_EQ(ecsb_os_family(22000, "Server"), "windows");
}

TEST(image_tags_per_build)
{
    CHECK_STR_EQ(ecsb_servercore_tag(14393), "ltsc2016");
    CHECK(ecsb_nanoserver_tag(14393) == NULL);
    CHECK_STR_EQ(ecsb_servercore_tag(17763), "ltsc2019");
    CHECK_STR_EQ(ecsb_nanoserver_tag(17763), "1809");
    CHECK_STR_EQ(ecsb_servercore_tag(19041), "2004");
    CHECK_STR_EQ(ecsb_nanoserver_tag(19041), "2004");
    CHECK_STR_EQ(ecsb_servercore_tag(19042), "20H2");
    CHECK_STR_EQ(ecsb_nanoserver_tag(19042), "20H2");
    CHECK_STR_EQ(ecsb_servercore_tag(20348), "ltsc2022");
    CHECK_STR_EQ(ecsb_nanoserver_tag(20348), "ltsc2022");
    CHECK_STR_EQ(ecsb_servercore_tag(26100), "ltsc2025");
    CHECK_STR_EQ(ecsb_nanoserver_tag(26100), "ltsc2025");
    CHECK(ecsb_servercore_tag(18363) == NULL);
    CHECK(ecsb_nanoserver_tag(18363) == NULL);
}

TEST(release_rows)
{
    CHECK_STR_EQ(ecsb_windows_release(19042)->release, "20H2");
    CHECK_INT_EQ(ecsb_windows_release(26100)->build, 26100);
    CHECK(ecsb_windows_release(1) == NULL);
}

int main(void)
{
    RUN(every_known_build_full_and_core);
    RUN(installation_type_compared_like_the_agent);
    RUN(unsupported_falls_back_to_windows);
    RUN(image_tags_per_build);
    RUN(release_rows);
    return check_summary();
}
