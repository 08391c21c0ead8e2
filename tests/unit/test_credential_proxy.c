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
    struct ecsb_cp_host h = {a, n, (char *)proxy};
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
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0, ""};
    CHECK_INT_EQ(ecsb_cp_decide(&h, PORT, &d, &err), ECSB_OK);
    CHECK(!d.add_address);
    CHECK(!d.wait_address);
    CHECK(!d.set_proxy);
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
    CHECK_INT_EQ(ecsb_cp_ports_decide(ECSB_OK), ECSB_CP_PORTS_KEEP);
    CHECK_INT_EQ(ecsb_cp_ports_decide(ECSB_ERR_NOT_FOUND), ECSB_CP_PORTS_ADD);
    CHECK_INT_EQ(ecsb_cp_ports_decide(ECSB_ERR_UNSUPPORTED), ECSB_CP_PORTS_SKIP);
    CHECK_INT_EQ(ecsb_cp_ports_decide(ECSB_ERR_PLATFORM), ECSB_CP_PORTS_SKIP);
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
    RUN(no_up_nat_adapter_is_not_found_with_a_hint);
    RUN(proxy_value_is_the_portproxy_registry_form);
    RUN(ports_reservation_kept_added_or_skipped_from_the_lookup);
    RUN(ports_warning_names_the_reason_and_the_netsh_fix);
    RUN(the_ports_seam_answers_on_this_platform);
    RUN(the_host_seam_answers_on_this_platform);
    return check_summary();
}
