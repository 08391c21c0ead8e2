/* The portable half of credential_proxy.h: given what the host holds, what to do. */
#include "ecsb/agent/credential_proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ecsb_cp_host_free(struct ecsb_cp_host *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        free(h->adapters[i].name);
    free(h->adapters);
    free(h->proxy_target);
    memset(h, 0, sizeof *h);
}

void ecsb_cp_proxy_value(unsigned target_port, char *out, size_t size)
{
    snprintf(out, size, "%s/%u", ECSB_CP_TARGET, target_port);
}

static bool is_nat(const struct ecsb_cp_adapter *a)
{
    return a->name && strncmp(a->name, ECSB_CP_ADAPTER_PREFIX, strlen(ECSB_CP_ADAPTER_PREFIX)) == 0;
}

/* Better of two Up nat adapters: the one holding the address, else the newer. */
static bool better(const struct ecsb_cp_adapter *a, const struct ecsb_cp_adapter *b)
{
    bool ha = a->addr != ECSB_CP_ADDR_ABSENT, hb = b->addr != ECSB_CP_ADDR_ABSENT;
    if (ha != hb)
        return ha;
    return a->index > b->index;
}

enum ecsb_status ecsb_cp_decide(const struct ecsb_cp_host *host, unsigned target_port, struct ecsb_cp_decision *d,
                                struct ecsb_error *err)
{
    memset(d, 0, sizeof *d);
    size_t best = host->count, down = 0, others = 0;
    for (size_t i = 0; i < host->count; i++) {
        const struct ecsb_cp_adapter *a = &host->adapters[i];
        if (!is_nat(a))
            continue;
        if (!a->up) {
            down++;
            continue;
        }
        if (best == host->count || better(a, &host->adapters[best])) {
            if (best != host->count)
                others++;
            best = i;
        } else {
            others++;
        }
    }
    if (best == host->count)
        return ecsb_error_set(err, ECSB_ERR_NOT_FOUND,
                              "no Up network adapter named '%s...)' yet (%zu down): Docker and HNS create it "
                              "when the docker service starts; check 'Get-NetAdapter' and the docker service",
                              ECSB_CP_ADAPTER_PREFIX, down);
    const struct ecsb_cp_adapter *a = &host->adapters[best];
    d->adapter = best;
    d->add_address = a->addr == ECSB_CP_ADDR_ABSENT || a->addr == ECSB_CP_ADDR_BAD;
    d->wait_address = a->addr != ECSB_CP_ADDR_PREFERRED;
    char want[32];
    ecsb_cp_proxy_value(target_port, want, sizeof want);
    d->set_proxy = !host->proxy_target || strcmp(host->proxy_target, want) != 0;
    int n = snprintf(d->why, sizeof d->why, "%s (index %lu", a->name, a->index);
    if (n > 0 && (size_t)n < sizeof d->why && (others || down))
        snprintf(d->why + n, sizeof d->why - (size_t)n, "; ignored: %zu other Up, %zu down)", others, down);
    else if (n > 0 && (size_t)n < sizeof d->why)
        snprintf(d->why + n, sizeof d->why - (size_t)n, ")");
    return ECSB_OK;
}

enum ecsb_cp_ports_step ecsb_cp_ports_decide(enum ecsb_status lookup)
{
    if (lookup == ECSB_OK)
        return ECSB_CP_PORTS_KEEP;
    return lookup == ECSB_ERR_NOT_FOUND ? ECSB_CP_PORTS_ADD : ECSB_CP_PORTS_SKIP;
}

/* A missing reservation is a risk, not a failure: the agent binds its ports explicitly, and
 * preflight already fails when they sit in an excluded range or are held. */
void ecsb_cp_ports_warning(const struct ecsb_error *why, char *out, size_t size)
{
    snprintf(out, size,
             "ports %d-%d not reserved out of the dynamic port range (%s); the boot goes on, but WinNAT/HNS or an "
             "outgoing connection may take them later: reserve them at AMI build with 'netsh int ipv4 add "
             "excludedportrange protocol=tcp startport=%d numberofports=%d store=persistent' while the agent is "
             "stopped",
             ECSB_CP_PORTS_START, ECSB_CP_PORTS_START + ECSB_CP_PORTS_COUNT - 1, why->message, ECSB_CP_PORTS_START,
             ECSB_CP_PORTS_COUNT);
}
