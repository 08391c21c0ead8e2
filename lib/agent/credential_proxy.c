/* The portable half of credential_proxy.h: given what the host holds, what to do. */
#include "ecsb/agent/credential_proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/preflight.h"
#include "ecsb/base/strutil.h"

void ecsb_cp_host_free(struct ecsb_cp_host *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        free(h->adapters[i].name);
    free(h->adapters);
    free(h->routes);
    free(h->proxy_target);
    memset(h, 0, sizeof *h);
}

/* Portable: built on the preflight seam's bind test. */
bool ecsb_cp_proxy_listening(void)
{
    enum ecsb_port_state state;
    struct ecsb_error err = {0};
    return ecsb_preflight_tcp_port(ECSB_CP_ADDRESS, ECSB_CP_LISTEN_PORT, &state, &err) == ECSB_OK &&
           state == ECSB_PORT_IN_USE;
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
    d->restart_proxy = d->set_proxy || !host->proxy_listening;
    int n = snprintf(d->why, sizeof d->why, "%s (index %lu", a->name, a->index);
    if (n > 0 && (size_t)n < sizeof d->why && (others || down))
        snprintf(d->why + n, sizeof d->why - (size_t)n, "; ignored: %zu other Up, %zu down)", others, down);
    else if (n > 0 && (size_t)n < sizeof d->why)
        snprintf(d->why + n, sizeof d->why - (size_t)n, ")");
    return ECSB_OK;
}

static uint32_t prefix_mask(unsigned length)
{
    return length == 0 ? 0 : 0xFFFFFFFFu << (32 - length);
}

enum ecsb_status ecsb_cp_prefix_parse(const char *cidr, struct ecsb_cp_prefix *out, struct ecsb_error *err)
{
    const char *s = cidr ? cidr : "";
    uint32_t addr = 0;
    unsigned length = 0;
    bool ok = ecsb_scan_ipv4(&s, &addr) && *s++ == '/' && ecsb_scan_decimal(&s, 32, &length) && *s == '\0';
    if (!ok || (addr & ~prefix_mask(length))) {
        ecsb_error_set(err, ECSB_ERR_INVALID, "'%.64s' %s", cidr ? cidr : "",
                       !ok ? "is not an IPv4 prefix (want A.B.C.D/N, N at most 32)"
                           : "has host bits set (want the network address)");
        ecsb_error_escape(err); /* it quotes the engine's answer */
        return ECSB_ERR_INVALID;
    }
    out->addr = addr;
    out->length = length;
    return ECSB_OK;
}

void ecsb_cp_prefix_format(const struct ecsb_cp_prefix *p, char *out, size_t size)
{
    snprintf(out, size, "%u.%u.%u.%u/%u", (unsigned)(p->addr >> 24), (unsigned)(p->addr >> 16 & 0xFF),
             (unsigned)(p->addr >> 8 & 0xFF), (unsigned)(p->addr & 0xFF), p->length);
}

enum ecsb_status ecsb_cp_nat_subnet(const struct ecsb_json *network, struct ecsb_cp_prefix *out,
                                    struct ecsb_error *err)
{
    const struct ecsb_json *configs = ecsb_json_get(ecsb_json_get(network, "IPAM"), "Config");
    size_t n = configs && configs->type == ECSB_JSON_ARRAY ? configs->count : 0;
    for (size_t i = 0; i < n; i++) {
        const char *subnet = ecsb_json_get_string(configs->items[i], "Subnet");
        if (!subnet || strchr(subnet, ':')) /* none, or IPv6 */
            continue;
        struct ecsb_error why = {0};
        if (ecsb_cp_prefix_parse(subnet, out, &why) != ECSB_OK)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "Docker network 'nat': IPAM.Config[%zu].Subnet: %s", i,
                                  why.message);
        return ECSB_OK;
    }
    return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "Docker network 'nat' has no IPv4 subnet in IPAM.Config (%zu "
                          "entries); check 'docker network inspect nat' and the \"bridge\"/\"fixed-cidr\" settings "
                          "of daemon.json", n);
}

bool ecsb_cp_has_route(const struct ecsb_cp_host *host, unsigned long ifindex, const struct ecsb_cp_prefix *dest)
{
    for (size_t i = 0; i < host->n_routes; i++) {
        const struct ecsb_cp_route *r = &host->routes[i];
        if (r->index == ifindex && r->dest.addr == dest->addr && r->dest.length == dest->length)
            return true;
    }
    return false;
}

enum ecsb_cp_step ecsb_cp_step_from_lookup(enum ecsb_status lookup)
{
    if (lookup == ECSB_OK)
        return ECSB_CP_KEEP;
    return lookup == ECSB_ERR_NOT_FOUND ? ECSB_CP_ADD : ECSB_CP_SKIP;
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

/* The agent listens on 127.0.0.1 only and the proxy reaches it over loopback; the rule is
 * what the reference host setup adds for the hosts whose policy filters that path. */
void ecsb_cp_firewall_warning(const struct ecsb_error *why, unsigned port, char *out, size_t size)
{
    snprintf(out, size,
             "inbound TCP %u not allowed in Windows Firewall (%s); the boot goes on, but where the firewall filters "
             "it, containers cannot get task role credentials: add the rule with 'New-NetFirewallRule -DisplayName "
             "\"%s\" -Direction Inbound -Protocol TCP -LocalPort %u -Action Allow'",
             port, why->message, ECSB_CP_FIREWALL_RULE, port);
}
