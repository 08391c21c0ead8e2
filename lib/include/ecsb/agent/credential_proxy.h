/* credential_proxy.h: the host side of task IAM roles on Windows. Containers call
 * http://169.254.170.2/v2/credentials/...; the agent serves 127.0.0.1:51679. The host
 * needs, as the agent's reference hostsetup.ps1 sets it up: 169.254.170.2/32 on the Docker
 * nat vNIC ("vEthernet (nat)", several after sysprep), a route to the Docker nat subnet
 * through that vNIC, inbound TCP 51679 allowed by the firewall, and a port proxy
 * 169.254.170.2:80 -> 127.0.0.1:51679; re-applied at every boot (the address and the
 * proxy do not survive a restart reliably).
 *
 * Two halves: the decision (portable, unit-tested: which adapter, what to add, what is
 * already there) and the host calls (the seam: lib/platform/<plat>/credential_proxy_*.c;
 * Windows: IP Helper API, the PortProxy registry configuration and the firewall's COM
 * API; POSIX: unsupported). */
#ifndef ECSB_CREDENTIAL_PROXY_H
#define ECSB_CREDENTIAL_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/error.h"
#include "ecsb/base/json.h"

#define ECSB_CP_ADDRESS "169.254.170.2"
#define ECSB_CP_LISTEN_PORT 80
#define ECSB_CP_TARGET "127.0.0.1"
#define ECSB_CP_ADAPTER_PREFIX "vEthernet (nat"

enum ecsb_cp_addr_state { ECSB_CP_ADDR_ABSENT, ECSB_CP_ADDR_TENTATIVE, ECSB_CP_ADDR_PREFERRED, ECSB_CP_ADDR_BAD };

struct ecsb_cp_adapter {
    char *name;                   /* the friendly name, "vEthernet (nat) 2" */
    unsigned long index;          /* the interface index */
    bool up;                      /* OperStatus Up */
    enum ecsb_cp_addr_state addr; /* 169.254.170.2 on it, and its DAD state */
};

/* An IPv4 prefix: the address in host byte order, host bits zero. */
struct ecsb_cp_prefix {
    uint32_t addr;
    unsigned length; /* 0..32 */
};
struct ecsb_cp_route {
    struct ecsb_cp_prefix dest;
    unsigned long index; /* the interface it goes through */
};

/* What the host holds now. */
struct ecsb_cp_host {
    struct ecsb_cp_adapter *adapters;
    size_t count;
    struct ecsb_cp_route *routes; /* the IPv4 routing table */
    size_t n_routes;
    char *proxy_target; /* the v4tov4 entry for 169.254.170.2:80 ("127.0.0.1/51679"), NULL when none */
    bool proxy_listening; /* something listens on 169.254.170.2:80 (iphlpsvc serving the proxy); set by
                             the caller from ecsb_cp_proxy_listening(), not by ecsb_cp_host_read */
};
void ecsb_cp_host_free(struct ecsb_cp_host *h);

/* What to do about it. */
struct ecsb_cp_decision {
    size_t adapter;     /* index into host->adapters */
    bool add_address;   /* 169.254.170.2/32 is not on the chosen adapter */
    bool wait_address;  /* it is (or will be) there but not yet Preferred: wait before the proxy */
    bool set_proxy;     /* the port proxy is missing or points elsewhere */
    bool restart_proxy; /* iphlpsvc must (re)read it: just set, or set but not listening, as after a
                           reboot where iphlpsvc started before the address existed (agent #2135) */
    char why[160];      /* the choice, for the log: "vEthernet (nat) 2 (index 17; 1 other ignored: down)" */
};

/* The adapter: an Up adapter whose name starts with "vEthernet (nat"; among several, the
 * one already holding the address (a re-run changes nothing), else the newest (highest
 * index: after sysprep the stale ones are the older). ECSB_ERR_NOT_FOUND when none is Up
 * yet (the caller retries, bounded). */
enum ecsb_status ecsb_cp_decide(const struct ecsb_cp_host *host, unsigned target_port, struct ecsb_cp_decision *d,
                                struct ecsb_error *err);
/* Is 169.254.170.2:80 taken by a listener? A bind test (ecsb_preflight_tcp_port): no
 * connection is made, so nothing reaches the agent. False when the address is not there. */
bool ecsb_cp_proxy_listening(void);
/* "127.0.0.1/51679": the PortProxy registry form of the target. */
void ecsb_cp_proxy_value(unsigned target_port, char *out, size_t size);

/* The Docker nat network's subnet, routed through the chosen adapter (hostsetup.ps1: "enable
 * the default docker IP range to be routable"). On a host where the vNIC is the nat
 * network's own gateway the route is already there and nothing is added. */
/* "172.24.16.0/20" -> prefix. Strict dotted quad and length; host bits must be zero. */
enum ecsb_status ecsb_cp_prefix_parse(const char *cidr, struct ecsb_cp_prefix *out, struct ecsb_error *err);
/* "172.24.16.0/20" (out: at least 19 bytes). */
void ecsb_cp_prefix_format(const struct ecsb_cp_prefix *p, char *out, size_t size);
/* The first IPv4 IPAM.Config[].Subnet of a network as `GET /networks/nat` answers it (IPv6
 * subnets are passed over). A clear error naming the network and the fix otherwise. */
enum ecsb_status ecsb_cp_nat_subnet(const struct ecsb_json *network, struct ecsb_cp_prefix *out,
                                    struct ecsb_error *err);
/* Is there a route to exactly this prefix through that interface? */
bool ecsb_cp_has_route(const struct ecsb_cp_host *host, unsigned long ifindex, const struct ecsb_cp_prefix *dest);

/* The agent's ports (51678 introspection, 51679 credentials) kept out of the dynamic
 * (ephemeral) port range: a persistent TCP port reservation, what `netsh int ipv4 add
 * excludedportrange protocol=tcp startport=51678 numberofports=2 store=persistent` adds.
 * Without it WinNAT/HNS or any outgoing connection can take them (agent #1644, #2105). */
#define ECSB_CP_PORTS_START 51678
#define ECSB_CP_PORTS_COUNT 2

/* The reservation and the firewall rule are kept, added, or (when the host cannot tell)
 * skipped with a warning: neither fails the boot (see the warnings for why). */
enum ecsb_cp_step {
    ECSB_CP_KEEP, /* it is there: nothing to do */
    ECSB_CP_ADD,  /* it is not: add it */
    ECSB_CP_SKIP  /* the host cannot tell (API missing, error): warn, do not fail the boot */
};
/* From a lookup's status (ECSB_OK: present, ECSB_ERR_NOT_FOUND: absent, else unknown). */
enum ecsb_cp_step ecsb_cp_step_from_lookup(enum ecsb_status lookup);
/* The warning logged when the reservation could not be checked or added: the reason and
 * what it means for the host (why a failure here does not fail the boot). */
void ecsb_cp_ports_warning(const struct ecsb_error *why, char *out, size_t size);

/* The inbound firewall rule for the credentials port (hostsetup.ps1's New-NetFirewallRule),
 * added by this name. A rule named as the reference script names it ("Allow Inbound Port
 * 51679") counts too: a host set up by that script does not get a second rule. */
#define ECSB_CP_FIREWALL_RULE "Amazon ECS task IAM role credentials"
#define ECSB_CP_FIREWALL_RULE_REFERENCE "Allow Inbound Port %u"
/* The warning when the rule could not be checked or added. A missing rule does not fail
 * the boot: with the firewall off or managed by policy it is not needed or not ours. */
void ecsb_cp_firewall_warning(const struct ecsb_error *why, unsigned port, char *out, size_t size);

/* ---- the seam ---- */
/* Is the exact range start..start+count-1 reserved? ECSB_OK yes, ECSB_ERR_NOT_FOUND no,
 * ECSB_ERR_UNSUPPORTED where the host has no such API (POSIX; Wine's stub). */
enum ecsb_status ecsb_cp_ports_lookup(unsigned start, unsigned count, struct ecsb_error *err);
/* Adds the persistent reservation. Fails (message says "in use") while a process holds
 * one of the ports: the order is "reserve, then start the agent". */
enum ecsb_status ecsb_cp_ports_reserve(unsigned start, unsigned count, struct ecsb_error *err);
/* Reads the adapters and the port proxy. POSIX: ECSB_ERR_UNSUPPORTED. */
enum ecsb_status ecsb_cp_host_read(struct ecsb_cp_host *h, struct ecsb_error *err);
/* Adds 169.254.170.2/32 to the interface (CreateUnicastIpAddressEntry). */
enum ecsb_status ecsb_cp_host_add_address(unsigned long ifindex, struct ecsb_error *err);
/* Adds the on-link route to dest through the interface (CreateIpForwardEntry2). */
enum ecsb_status ecsb_cp_host_add_route(unsigned long ifindex, const struct ecsb_cp_prefix *dest,
                                        struct ecsb_error *err);
/* Is a rule by either name there (the reference name for this port)? ECSB_OK yes,
 * ECSB_ERR_NOT_FOUND no, ECSB_ERR_UNSUPPORTED where the host cannot tell (POSIX; Wine's stub). */
enum ecsb_status ecsb_cp_firewall_lookup(unsigned port, struct ecsb_error *err);
/* Adds it: inbound, TCP, local port `port`, allow, all profiles, enabled. */
enum ecsb_status ecsb_cp_firewall_add(unsigned port, struct ecsb_error *err);
/* Writes the v4tov4 port proxy 169.254.170.2:80 -> 127.0.0.1:target_port and asks
 * iphlpsvc to apply it. */
enum ecsb_status ecsb_cp_host_set_proxy(unsigned target_port, struct ecsb_error *err);

#endif
