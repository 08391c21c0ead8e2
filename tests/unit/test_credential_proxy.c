/* Unit tests for the task IAM role credential proxy: the portable decision (which
 * vEthernet (nat) adapter, what to add, what is already there) and, on each platform,
 * what the host seam answers (Windows/Wine: GetAdaptersAddresses lists adapters; POSIX:
 * unsupported, so the action is skipped with a reason). */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/credential_proxy.h"
#include "ecsb/base/buf.h"

#define PORT 51679

static struct ecsb_cp_adapter ad(const char *name, unsigned long index, bool up, enum ecsb_cp_addr_state addr)
{
    struct ecsb_cp_adapter a = {(char *)name, index, up, addr};
    return a;
}

static struct ecsb_cp_host host_of(struct ecsb_cp_adapter *a, size_t n, const char *proxy)
{
    struct ecsb_cp_host h = {a, n, NULL, 0, (char *)proxy, false};
    return h;
}

TEST(chooses_the_up_nat_adapter_and_ignores_others)
{
    struct ecsb_cp_adapter a[] = {ad("Ethernet", 4, true, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (nat)", 9, false, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (Default Switch)", 12, true, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (nat) 2", 17, true, ECSB_CP_ADDR_ABSENT)};
    struct ecsb_cp_host h = host_of(a, 4, NULL);
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK_INT_EQ(d.adapter, 3);
    CHECK(d.add_address);
    CHECK(d.wait_address);
    CHECK(d.set_proxy);
    CHECK_STR_EQ(d.why, "vEthernet (nat) 2 (index 17; ignored: 0 other Up, 1 down)");
}

TEST(among_several_up_prefers_the_one_holding_the_address_else_the_newest)
{
    struct ecsb_cp_adapter a[] = {ad("vEthernet (nat)", 9, true, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (nat) 3", 21, true, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (nat) 2", 17, true, ECSB_CP_ADDR_ABSENT)};
    struct ecsb_cp_host h = host_of(a, 3, NULL);
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK_INT_EQ(d.adapter, 1); /* newest: highest index */
    CHECK_CONTAINS(d.why, "2 other Up");
    a[0].addr = ECSB_CP_ADDR_PREFERRED; /* a re-run keeps the adapter it chose */
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK_INT_EQ(d.adapter, 0);
    CHECK(!d.add_address);
    CHECK(!d.wait_address);
}

TEST(nothing_to_do_when_address_and_proxy_are_there)
{
    struct ecsb_cp_adapter a[] = {ad("vEthernet (nat)", 9, true, ECSB_CP_ADDR_PREFERRED)};
    struct ecsb_cp_host h = host_of(a, 1, "127.0.0.1/51679");
    h.proxy_listening = true;
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(!d.add_address);
    CHECK(!d.wait_address);
    CHECK(!d.set_proxy);
    CHECK(!d.restart_proxy);
    CHECK_STR_EQ(d.why, "vEthernet (nat) (index 9)");
}

TEST(tentative_address_is_waited_for_not_added_and_a_wrong_proxy_is_replaced)
{
    struct ecsb_cp_adapter a[] = {ad("vEthernet (nat)", 9, true, ECSB_CP_ADDR_TENTATIVE)};
    struct ecsb_cp_host h = host_of(a, 1, "127.0.0.1/51678");
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(!d.add_address);
    CHECK(d.wait_address);
    CHECK(d.set_proxy);
    a[0].addr = ECSB_CP_ADDR_BAD; /* duplicate or deprecated: add it again, then wait */
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(d.add_address);
    CHECK(d.wait_address);
}

TEST(a_proxy_set_but_not_listening_is_restarted_not_rewritten)
{
    /* after a reboot: the registry keeps the proxy, iphlpsvc started before the address existed */
    struct ecsb_cp_adapter a[] = {ad("vEthernet (nat)", 9, true, ECSB_CP_ADDR_ABSENT)};
    struct ecsb_cp_host h = host_of(a, 1, "127.0.0.1/51679");
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(d.add_address);
    CHECK(!d.set_proxy);
    CHECK(d.restart_proxy);
    h.proxy_target = NULL; /* missing: written, and so read again */
    h.proxy_listening = true;
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(d.set_proxy);
    CHECK(d.restart_proxy);
}

TEST(no_up_nat_adapter_is_not_found_with_a_hint)
{
    struct ecsb_cp_adapter a[] = {ad("Ethernet", 4, true, ECSB_CP_ADDR_ABSENT),
                                  ad("vEthernet (nat)", 9, false, ECSB_CP_ADDR_PREFERRED)};
    struct ecsb_cp_host h = host_of(a, 2, NULL);
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.message, "vEthernet (nat");
    CHECK_CONTAINS(err.message, "1 down");
    CHECK_CONTAINS(err.message, "docker service");
    struct ecsb_cp_host empty = host_of(NULL, 0, NULL);
    CHECK_INT_EQ(ecsb_cp_decide(&empty, PORT, &d, &err), ECSB_ERR_NOT_FOUND);
}

TEST(proxy_value_is_the_portproxy_registry_form)
{
    char v[32];
    ecsb_cp_proxy_value(PORT, v, sizeof v);
    CHECK_STR_EQ(v, "127.0.0.1/51679");
}

TEST(ports_reservation_kept_added_or_skipped_from_the_lookup)
{
    CHECK_INT_EQ(ecsb_cp_step_from_lookup(ECSB_OK), ECSB_CP_KEEP);
    CHECK_INT_EQ(ecsb_cp_step_from_lookup(ECSB_ERR_NOT_FOUND), ECSB_CP_ADD);
    CHECK_INT_EQ(ecsb_cp_step_from_lookup(ECSB_ERR_UNSUPPORTED), ECSB_CP_SKIP);
    CHECK_INT_EQ(ecsb_cp_step_from_lookup(ECSB_ERR_PLATFORM), ECSB_CP_SKIP);
    CHECK_INT_EQ(ECSB_CP_PORTS_START, 51678);
    CHECK_INT_EQ(ECSB_CP_PORTS_START + ECSB_CP_PORTS_COUNT - 1, PORT);
}

TEST(ports_warning_names_the_reason_and_the_netsh_fix)
{
    struct ecsb_error why = {ECSB_ERR_PLATFORM, "CreatePersistentTcpPortReservation(51678-51679): a port is in use"};
    char msg[512];
    ecsb_cp_ports_warning(&why, msg, sizeof msg);
    CHECK_CONTAINS(msg, "ports 51678-51679 not reserved");
    CHECK_CONTAINS(msg, "a port is in use");
    CHECK_CONTAINS(msg, "the boot goes on");
    CHECK_CONTAINS(msg, "startport=51678 numberofports=2 store=persistent");
}

TEST(the_ports_seam_answers_on_this_platform)
{
    struct ecsb_error err = {0, ""};
    enum ecsb_status st = ecsb_cp_ports_lookup(ECSB_CP_PORTS_START, ECSB_CP_PORTS_COUNT, &err);
#ifdef _WIN32
    /* Windows: present or not (or an error named); Wine: its iphlpapi stub would abort the
     * process, so the seam must answer "unsupported" without calling it (reaching the next
     * line at all is part of the test). */
    CHECK(st == ECSB_OK || st == ECSB_ERR_NOT_FOUND || st == ECSB_ERR_UNSUPPORTED || st == ECSB_ERR_PLATFORM);
    CHECK(st == ECSB_OK || err.message[0] != '\0');
    if (st == ECSB_ERR_UNSUPPORTED) {
        CHECK_CONTAINS(err.message, "Wine");
        CHECK_INT_EQ(ecsb_cp_ports_reserve(ECSB_CP_PORTS_START, ECSB_CP_PORTS_COUNT, &err), ECSB_ERR_UNSUPPORTED);
    }
#else
    CHECK_INT_EQ(st, ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "POSIX build");
    CHECK_INT_EQ(ecsb_cp_ports_reserve(ECSB_CP_PORTS_START, ECSB_CP_PORTS_COUNT, &err), ECSB_ERR_UNSUPPORTED);
#endif
}

static enum ecsb_status parse(const char *cidr, struct ecsb_cp_prefix *p, struct ecsb_error *err)
{
    memset(p, 0xA5, sizeof *p);
    return ecsb_cp_prefix_parse(cidr, p, err);
}

TEST(prefix_parses_strict_cidr_and_formats_it_back)
{
    struct ecsb_cp_prefix p;
    struct ecsb_error err = {0, ""};
    char text[24];
    static const char *const good[] = {"172.24.16.0/20", "0.0.0.0/0", "255.255.255.255/32", "10.0.0.0/8",
                                       "169.254.170.2/32"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK_INT_EQ(parse(good[i], &p, &err), ECSB_OK);
        ecsb_cp_prefix_format(&p, text, sizeof text);
        CHECK_STR_EQ(text, good[i]);
    }
    CHECK_INT_EQ(parse("172.24.16.0/20", &p, &err), ECSB_OK);
    CHECK(p.addr == 0xAC181000u);
    CHECK_INT_EQ(p.length, 20);
}

TEST(prefix_refuses_what_is_not_an_ipv4_network)
{
    struct ecsb_cp_prefix p;
    struct ecsb_error err = {0, ""};
    static const char *const bad[] = {"",           "172.24.16.0",   "172.24.16/20",   "172.24.16.0/",
                                      "172.24.16.0/33", "256.0.0.0/8", "1.2.3.4.5/32", "010.0.0.0/8",
                                      "10.0.0.0/08", "10.0.0.0/8 ", " 10.0.0.0/8", "+10.0.0.0/8",
                                      "fd00::/64",  "10.0.0.0/-1",  "1000.0.0.0/8", "10.0.0.0/8/8"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err.message[0] = '\0';
        CHECK_INT_EQ(parse(bad[i], &p, &err), ECSB_ERR_INVALID);
        CHECK_CONTAINS(err.message, "not an IPv4 prefix");
    }
    CHECK_INT_EQ(parse("172.24.16.1/20", &p, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "host bits set");
    CHECK_INT_EQ(parse(NULL, &p, &err), ECSB_ERR_INVALID);
}

static enum ecsb_status subnet_of(const char *json, struct ecsb_cp_prefix *p, struct ecsb_error *err)
{
    struct ecsb_json *j = NULL;
    if (ecsb_json_parse(json, strlen(json), NULL, &j, err) != ECSB_OK)
        return ECSB_ERR_IO; /* not expected: the inputs here are valid JSON */
    enum ecsb_status st = ecsb_cp_nat_subnet(j, p, err);
    ecsb_json_free(j);
    return st;
}

TEST(nat_subnet_is_the_first_ipv4_subnet_of_the_network)
{
    struct ecsb_cp_prefix p;
    struct ecsb_error err = {0, ""};
    char text[24];
    /* what `docker network inspect nat` shows on Windows Server */
    CHECK_INT_EQ(subnet_of("{\"Name\":\"nat\",\"Driver\":\"nat\",\"IPAM\":{\"Driver\":\"windows\",\"Options\":null,"
                           "\"Config\":[{\"Subnet\":\"172.24.16.0/20\",\"Gateway\":\"172.24.16.1\"}]}}",
                           &p, &err),
                 ECSB_OK);
    ecsb_cp_prefix_format(&p, text, sizeof text);
    CHECK_STR_EQ(text, "172.24.16.0/20");
    CHECK_INT_EQ(subnet_of("{\"IPAM\":{\"Config\":[{\"Gateway\":\"x\"},{\"Subnet\":\"fd00:1::/64\"},"
                           "{\"Subnet\":\"10.9.0.0/16\"},{\"Subnet\":\"10.8.0.0/16\"}]}}",
                           &p, &err),
                 ECSB_OK);
    ecsb_cp_prefix_format(&p, text, sizeof text);
    CHECK_STR_EQ(text, "10.9.0.0/16");
}

TEST(nat_subnet_missing_or_bad_is_an_error_naming_the_place)
{
    struct ecsb_cp_prefix p;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(subnet_of("{\"IPAM\":{\"Config\":[{\"Subnet\":\"fd00:1::/64\"}]}}", &p, &err), ECSB_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.message, "no IPv4 subnet");
    CHECK_CONTAINS(err.message, "docker network inspect nat");
    CHECK_INT_EQ(subnet_of("{\"IPAM\":{\"Config\":null}}", &p, &err), ECSB_ERR_NOT_FOUND);
    CHECK_INT_EQ(subnet_of("[]", &p, &err), ECSB_ERR_NOT_FOUND);
    CHECK_INT_EQ(subnet_of("{\"IPAM\":{\"Config\":[{\"Subnet\":\"172.24.16.1/20\"}]}}", &p, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "IPAM.Config[0].Subnet");
    CHECK_CONTAINS(err.message, "host bits set");
    CHECK_INT_EQ(subnet_of("{\"IPAM\":{\"Config\":[{\"Subnet\":\"bogus\\u0007\"}]}}", &p, &err), ECSB_ERR_INVALID);
    CHECK(strchr(err.message, '\a') == NULL);
}

TEST(route_is_there_only_for_the_same_prefix_through_the_same_interface)
{
    struct ecsb_cp_route r[] = {{{0xAC181000u, 20}, 9}, {{0, 0}, 4}, {{0x0A000000u, 8}, 17}};
    struct ecsb_cp_host h = {NULL, 0, r, 3, NULL, false};
    struct ecsb_cp_prefix nat = {0xAC181000u, 20}, wider = {0xAC180000u, 16}, ten = {0x0A000000u, 8};
    CHECK(ecsb_cp_has_route(&h, 9, &nat));
    CHECK(!ecsb_cp_has_route(&h, 17, &nat));  /* another interface */
    CHECK(!ecsb_cp_has_route(&h, 9, &wider)); /* another length */
    CHECK(ecsb_cp_has_route(&h, 17, &ten));
    CHECK(!ecsb_cp_has_route(&h, 9, &ten)); /* the default route on 4 does not count */
    struct ecsb_cp_host none = {NULL, 0, NULL, 0, NULL, false};
    CHECK(!ecsb_cp_has_route(&none, 9, &nat));
}

TEST(firewall_warning_names_the_reason_and_the_powershell_fix)
{
    struct ecsb_error why = {ECSB_ERR_PLATFORM, "the Windows Defender Firewall service (mpssvc) is not running"};
    char msg[640];
    ecsb_cp_firewall_warning(&why, PORT, msg, sizeof msg);
    CHECK_CONTAINS(msg, "inbound TCP 51679 not allowed");
    CHECK_CONTAINS(msg, "mpssvc");
    CHECK_CONTAINS(msg, "the boot goes on");
    CHECK_CONTAINS(msg, "New-NetFirewallRule -DisplayName \"" ECSB_CP_FIREWALL_RULE "\"");
    CHECK_CONTAINS(msg, "-LocalPort 51679 -Action Allow");
}

TEST(the_route_and_firewall_seams_answer_on_this_platform)
{
    struct ecsb_error err = {0, ""};
    struct ecsb_cp_prefix p = {0x0AFE0000u, 24};
    enum ecsb_status route = ecsb_cp_host_add_route(1, &p, &err);
    char route_msg[sizeof err.message];
    memcpy(route_msg, err.message, sizeof route_msg);
    enum ecsb_status rule = ecsb_cp_firewall_lookup(PORT, &err);
    /* No test host holds 169.254.170.2 (the bind fails): not listening, and no crash. */
    CHECK(!ecsb_cp_proxy_listening());
#ifdef _WIN32
    /* Wine: CreateIpForwardEntry2 is a stub that aborts the process, so the seam answers
     * "unsupported" without calling it; Wine's INetFwRules::Item answers E_NOTIMPL. On
     * Windows the route call needs elevation and a real interface 1: any named answer. */
    CHECK(route == ECSB_OK || route == ECSB_ERR_UNSUPPORTED || route == ECSB_ERR_PLATFORM);
    CHECK(rule == ECSB_OK || rule == ECSB_ERR_NOT_FOUND || rule == ECSB_ERR_UNSUPPORTED || rule == ECSB_ERR_PLATFORM);
    CHECK(rule == ECSB_OK || err.message[0] != '\0');
    if (route == ECSB_ERR_UNSUPPORTED) { /* Wine */
        CHECK_CONTAINS(route_msg, "Wine");
        CHECK_INT_EQ(rule, ECSB_ERR_UNSUPPORTED);
        CHECK_CONTAINS(err.message, "E_NOTIMPL");
        /* Wine's INetFwRules::Add answers S_OK and keeps nothing: the read-back catches it */
        CHECK_INT_EQ(ecsb_cp_firewall_add(PORT, &err), ECSB_ERR_UNSUPPORTED);
    }
#else
    CHECK_INT_EQ(route, ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(route_msg, "POSIX build");
    CHECK_INT_EQ(rule, ECSB_ERR_UNSUPPORTED);
    CHECK_INT_EQ(ecsb_cp_firewall_add(PORT, &err), ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "POSIX build");
#endif
}

TEST(the_host_seam_answers_on_this_platform)
{
    struct ecsb_cp_host h;
    struct ecsb_error err = {0, ""};
    enum ecsb_status st = ecsb_cp_host_read(&h, &err);
#ifdef _WIN32
    /* Wine and Windows list at least the loopback adapter; Wine has no vEthernet (nat). */
    CHECK_INT_EQ(st, ECSB_OK);
    CHECK(h.count >= 1);
    for (size_t i = 0; i < h.count; i++)
        CHECK(h.adapters[i].name != NULL);
    for (size_t i = 0; i < h.n_routes; i++) /* GetIpForwardTable2: the IPv4 routes, well formed */
        CHECK(h.routes[i].dest.length <= 32 && (h.routes[i].dest.length == 32 ||
                                                (h.routes[i].dest.addr & (0xFFFFFFFFu >> h.routes[i].dest.length)) == 0));
#else
    CHECK_INT_EQ(st, ECSB_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "POSIX build");
    CHECK_INT_EQ(ecsb_cp_host_add_address(1, &err), ECSB_ERR_UNSUPPORTED);
    CHECK_INT_EQ(ecsb_cp_host_set_proxy(PORT, &err), ECSB_ERR_UNSUPPORTED);
#endif
    ecsb_cp_host_free(&h);
}

int main(void)
{
    RUN(chooses_the_up_nat_adapter_and_ignores_others);
    RUN(among_several_up_prefers_the_one_holding_the_address_else_the_newest);
    RUN(nothing_to_do_when_address_and_proxy_are_there);
    RUN(tentative_address_is_waited_for_not_added_and_a_wrong_proxy_is_replaced);
    RUN(a_proxy_set_but_not_listening_is_restarted_not_rewritten);
    RUN(no_up_nat_adapter_is_not_found_with_a_hint);
    RUN(proxy_value_is_the_portproxy_registry_form);
    RUN(ports_reservation_kept_added_or_skipped_from_the_lookup);
    RUN(ports_warning_names_the_reason_and_the_netsh_fix);
    RUN(the_ports_seam_answers_on_this_platform);
    RUN(prefix_parses_strict_cidr_and_formats_it_back);
    RUN(prefix_refuses_what_is_not_an_ipv4_network);
    RUN(nat_subnet_is_the_first_ipv4_subnet_of_the_network);
    RUN(nat_subnet_missing_or_bad_is_an_error_naming_the_place);
    RUN(route_is_there_only_for_the_same_prefix_through_the_same_interface);
    RUN(firewall_warning_names_the_reason_and_the_powershell_fix);
    RUN(the_route_and_firewall_seams_answer_on_this_platform);
    RUN(the_host_seam_answers_on_this_platform);
    return check_summary();
}
