/* credential_proxy.h: the host side of task IAM roles on Windows. Containers call
 * http://169.254.170.2/v2/credentials/...; the agent serves 127.0.0.1:51679. The host
 * needs 169.254.170.2/32 on the Docker nat vNIC ("vEthernet (nat)", several after
 * sysprep) and a port proxy 169.254.170.2:80 -> 127.0.0.1:51679, re-applied at every
 * boot (neither survives a restart reliably).
 *
 * Two halves: the decision (portable, unit-tested: which adapter, what to add, what is
 * already there) and the host calls (the seam: lib/platform/<plat>/credential_proxy_*.c;
 * Windows: IP Helper API and the PortProxy registry configuration; POSIX: unsupported). */
#ifndef ECSB_CREDENTIAL_PROXY_H
#define ECSB_CREDENTIAL_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/error.h"

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

/* What the host holds now. */
struct ecsb_cp_host {
    struct ecsb_cp_adapter *adapters;
    size_t count;
    char *proxy_target; /* the v4tov4 entry for 169.254.170.2:80 ("127.0.0.1/51679"), NULL when none */
};
void ecsb_cp_host_free(struct ecsb_cp_host *h);

/* What to do about it. */
struct ecsb_cp_decision {
    size_t adapter;     /* index into host->adapters */
    bool add_address;   /* 169.254.170.2/32 is not on the chosen adapter */
    bool wait_address;  /* it is (or will be) there but not yet Preferred: wait before the proxy */
    bool set_proxy;     /* the port proxy is missing or points elsewhere */
    char why[160];      /* the choice, for the log: "vEthernet (nat) 2 (index 17; 1 other ignored: down)" */
};

/* The adapter: an Up adapter whose name starts with "vEthernet (nat"; among several, the
 * one already holding the address (a re-run changes nothing), else the newest (highest
 * index: after sysprep the stale ones are the older). ECSB_ERR_NOT_FOUND when none is Up
 * yet (the caller retries, bounded). */
enum ecsb_status ecsb_cp_decide(const struct ecsb_cp_host *host, unsigned target_port, struct ecsb_cp_decision *d,
                                struct ecsb_error *err);
/* "127.0.0.1/51679": the PortProxy registry form of the target. */
void ecsb_cp_proxy_value(unsigned target_port, char *out, size_t size);

/* ---- the seam ---- */
/* Reads the adapters and the port proxy. POSIX: ECSB_ERR_UNSUPPORTED. */
enum ecsb_status ecsb_cp_host_read(struct ecsb_cp_host *h, struct ecsb_error *err);
/* Adds 169.254.170.2/32 to the interface (CreateUnicastIpAddressEntry). */
enum ecsb_status ecsb_cp_host_add_address(unsigned long ifindex, struct ecsb_error *err);
/* Writes the v4tov4 port proxy 169.254.170.2:80 -> 127.0.0.1:target_port and asks
 * iphlpsvc to apply it. */
enum ecsb_status ecsb_cp_host_set_proxy(unsigned target_port, struct ecsb_error *err);

#endif
