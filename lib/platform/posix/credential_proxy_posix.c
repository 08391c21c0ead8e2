/* POSIX half of credential_proxy.h: there is no Docker nat vNIC, route, firewall rule nor
 * port proxy to set up (the POSIX build is for development and tests), so the action
 * reports "skipped". */
#include "ecsb/agent/credential_proxy.h"

#include <string.h>

enum ecsb_status ecsb_cp_host_read(struct ecsb_cp_host *h, struct ecsb_error *err)
{
    memset(h, 0, sizeof *h);
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED,
                          "no Windows host networking here (vEthernet (nat), port proxy): POSIX build");
}

enum ecsb_status ecsb_cp_host_add_address(unsigned long ifindex, struct ecsb_error *err)
{
    (void)ifindex;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "adding %s: POSIX build", ECSB_CP_ADDRESS);
}

enum ecsb_status ecsb_cp_host_set_proxy(unsigned target_port, struct ecsb_error *err)
{
    (void)target_port;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "port proxy: POSIX build");
}

enum ecsb_status ecsb_cp_ports_lookup(unsigned start, unsigned count, struct ecsb_error *err)
{
    (void)start;
    (void)count;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "persistent TCP port reservations: POSIX build");
}

enum ecsb_status ecsb_cp_ports_reserve(unsigned start, unsigned count, struct ecsb_error *err)
{
    return ecsb_cp_ports_lookup(start, count, err);
}

enum ecsb_status ecsb_cp_host_add_route(unsigned long ifindex, const struct ecsb_cp_prefix *dest,
                                        struct ecsb_error *err)
{
    (void)ifindex;
    (void)dest;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "route to the Docker nat subnet: POSIX build");
}

enum ecsb_status ecsb_cp_firewall_lookup(unsigned port, struct ecsb_error *err)
{
    (void)port;
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "Windows Firewall rule: POSIX build");
}

enum ecsb_status ecsb_cp_firewall_add(unsigned port, struct ecsb_error *err)
{
    return ecsb_cp_firewall_lookup(port, err);
}
