/* Action "credential-proxy": the host side of task IAM roles (credential_proxy.h), when
 * [agent] task_iam_role is on. At every boot, in the order of the agent's reference
 * hostsetup.ps1: find the Up "vEthernet (nat)*" adapter (bounded wait: Docker and HNS
 * create it after the docker service starts), add 169.254.170.2/32 unless there, wait
 * until it is Preferred (a proxy added before that does not work), route the Docker nat
 * subnet (from the Engine API) through the adapter unless it is, allow inbound TCP 51679
 * in the firewall, then the port proxy 169.254.170.2:80 -> 127.0.0.1:51679 unless there,
 * and restart iphlpsvc so it applies it; and 51678-51679 reserved out of the dynamic port
 * range. The reservation and the firewall rule warn rather than fail when they cannot be
 * done. Every step is skipped when already done. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "ecsb/agent/credential_proxy.h"
#include "ecsb/agent/defaults.h"
#include "ecsb/base/clock.h"
#include "ecsb/docker/engine.h"
#include "run.h"

#define ADAPTER_STEP_MS 2000
#define ADDRESS_WAIT_MS 30000
#define POLL_STEP_MS 250 /* the address state and the proxy listener are polled this often */
#define IPHLPSVC_TIMEOUT_MS 30000
#define LISTEN_WAIT_MS 15000

bool plan_action_credential_proxy(struct ecsb_plan *p, struct ecsb_buf *text)
{
    if (!p->config.agent.task_iam_role)
        return false;
    ecsb_buf_printf(text,
                    "set up task IAM role credential proxy (%s:%d -> %s:%d; address and Docker nat subnet route on "
                    "the nat adapter, inbound TCP %d allowed, ports %d-%d reserved)",
                    ECSB_CP_ADDRESS, ECSB_CP_LISTEN_PORT, ECSB_CP_TARGET, ECSB_AGENT_CREDENTIALS_PORT,
                    ECSB_AGENT_CREDENTIALS_PORT, ECSB_CP_PORTS_START, ECSB_CP_PORTS_START + ECSB_CP_PORTS_COUNT - 1);
    return true;
}

static enum ecsb_status fail(struct run_ctx *ctx, const struct ecsb_error *err)
{
    char msg[sizeof err->message + 96];
    snprintf(msg, sizeof msg, "task IAM role credential proxy: %s", err->message);
    return run_fail(ctx, ECSB_EXIT_PREFLIGHT, err->code, msg);
}

/* Reads the host and decides, retrying while no nat adapter is Up, up to wait_ms. */
static enum ecsb_status read_and_decide(struct run_ctx *ctx, long long wait_ms, struct ecsb_cp_host *h,
                                        struct ecsb_cp_decision *d, struct ecsb_error *err)
{
    long long deadline = ecsb_monotonic_ms() + wait_ms;
    for (;;) {
        enum ecsb_status st = ecsb_cp_host_read(h, err);
        if (st == ECSB_OK) {
            h->proxy_listening = ecsb_cp_proxy_listening(); /* only the decision needs it, not the polls */
            st = ecsb_cp_decide(h, ECSB_AGENT_CREDENTIALS_PORT, d, err);
        }
        if (st != ECSB_ERR_NOT_FOUND)
            return st;
        if (ecsb_monotonic_ms() + ADAPTER_STEP_MS > deadline)
            return ecsb_error_prefix(err, "gave up after the %llds of [timeouts] docker: ", wait_ms / 1000);
        ecsb_cp_host_free(h);
        ecsb_log(&ctx->log, ECSB_LOG_INFO, "waiting for the Docker nat adapter: %s", err->message);
        ecsb_sleep_ms(ADAPTER_STEP_MS);
    }
}

static enum ecsb_status wait_preferred(unsigned long ifindex, struct ecsb_error *err)
{
    long long deadline = ecsb_monotonic_ms() + ADDRESS_WAIT_MS;
    for (;;) {
        struct ecsb_cp_host h;
        enum ecsb_status st = ecsb_cp_host_read(&h, err);
        bool ready = false;
        for (size_t i = 0; st == ECSB_OK && i < h.count; i++)
            ready |= h.adapters[i].index == ifindex && h.adapters[i].addr == ECSB_CP_ADDR_PREFERRED;
        ecsb_cp_host_free(&h);
        if (st != ECSB_OK || ready)
            return st;
        if (ecsb_monotonic_ms() >= deadline)
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "%s on interface %lu is not usable (Preferred) after %ds",
                                  ECSB_CP_ADDRESS, ifindex, ADDRESS_WAIT_MS / 1000);
        ecsb_sleep_ms(POLL_STEP_MS);
    }
}

/* Keeps the agent's ports out of the dynamic range (credential_proxy.h). Runs before the
 * agent starts (the action precedes "service"): a range cannot be reserved while a
 * process holds a port. Never fails the boot: a warning names the reason and the fix. */
static bool reserve_ports(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    struct ecsb_error err = {0};
    enum ecsb_cp_step step =
        ecsb_cp_step_from_lookup(ecsb_cp_ports_lookup(ECSB_CP_PORTS_START, ECSB_CP_PORTS_COUNT, &err));
    bool added = step == ECSB_CP_ADD && ecsb_cp_ports_reserve(ECSB_CP_PORTS_START, ECSB_CP_PORTS_COUNT, &err) == ECSB_OK;
    if (step == ECSB_CP_SKIP || (step == ECSB_CP_ADD && !added)) {
        char msg[sizeof err.message + 320];
        ecsb_cp_ports_warning(&err, msg, sizeof msg);
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "%s", msg);
    }
    ecsb_buf_printf(detail, "ports %d-%d %s", ECSB_CP_PORTS_START, ECSB_CP_PORTS_START + ECSB_CP_PORTS_COUNT - 1,
                    step == ECSB_CP_KEEP ? "reserved" : added ? "reservation added" : "NOT reserved");
    return added;
}

/* The inbound rule for the credentials port; like the reservation, a warning when it
 * cannot be checked or added (credential_proxy.h says why). */
static bool allow_inbound(struct run_ctx *ctx, struct ecsb_buf *detail)
{
    struct ecsb_error err = {0};
    enum ecsb_cp_step step = ecsb_cp_step_from_lookup(ecsb_cp_firewall_lookup(ECSB_AGENT_CREDENTIALS_PORT, &err));
    bool added = step == ECSB_CP_ADD && ecsb_cp_firewall_add(ECSB_AGENT_CREDENTIALS_PORT, &err) == ECSB_OK;
    if (step == ECSB_CP_SKIP || (step == ECSB_CP_ADD && !added)) {
        char msg[sizeof err.message + 320];
        ecsb_cp_firewall_warning(&err, ECSB_AGENT_CREDENTIALS_PORT, msg, sizeof msg);
        ecsb_log(&ctx->log, ECSB_LOG_WARN, "%s", msg);
    }
    ecsb_buf_printf(detail, ", firewall rule %s",
                    step == ECSB_CP_KEEP ? "present" : added ? "added" : "NOT checked");
    return added;
}

/* The Docker nat network's IPv4 subnet, from the engine (`docker network inspect nat`). */
static enum ecsb_status nat_subnet(struct run_ctx *ctx, struct ecsb_cp_prefix *subnet, struct ecsb_error *err)
{
    struct ecsb_docker d;
    enum ecsb_status st =
        ecsb_docker_open(&d, NULL, ecsb_docker_call_timeout_ms(ctx->plan.config.timeouts.docker_ns), err);
    if (st != ECSB_OK)
        return st;
    struct ecsb_json *network = NULL;
    st = ecsb_docker_network_inspect(&d, "nat", &network, err);
    if (st == ECSB_OK)
        st = ecsb_cp_nat_subnet(network, subnet, err);
    else if (st == ECSB_ERR_NOT_FOUND)
        ecsb_error_prefix(err, "Docker has no 'nat' network, which task IAM roles need (Docker creates it at start "
                          "unless daemon.json sets \"bridge\": \"none\"): ");
    ecsb_json_free(network);
    ecsb_docker_close(&d);
    return st;
}

/* Routes the nat subnet through the adapter unless the host already does (it does when the
 * adapter is the nat network's own gateway). *added says whether this run added it. */
static enum ecsb_status route_subnet(struct run_ctx *ctx, const struct ecsb_cp_host *h, unsigned long ifindex,
                                     bool *added, struct ecsb_buf *detail, struct ecsb_error *err)
{
    struct ecsb_cp_prefix subnet;
    enum ecsb_status st = nat_subnet(ctx, &subnet, err);
    if (st != ECSB_OK)
        return st;
    *added = !ecsb_cp_has_route(h, ifindex, &subnet);
    if (*added && (st = ecsb_cp_host_add_route(ifindex, &subnet, err)) != ECSB_OK)
        return st;
    char prefix[24];
    ecsb_cp_prefix_format(&subnet, prefix, sizeof prefix);
    ecsb_buf_printf(detail, ", route to %s %s", prefix, *added ? "added" : "present");
    return ECSB_OK;
}

/* iphlpsvc reads the PortProxy configuration when it starts; then, bounded, the proxy must
 * listen on 169.254.170.2:80, or the run fails saying so (instead of tasks failing later). */
static enum ecsb_status restart_iphlpsvc(struct run_ctx *ctx, struct ecsb_error *err)
{
    bool changed;
    enum ecsb_status st = ecsb_service_stop(ctx->services, "iphlpsvc", IPHLPSVC_TIMEOUT_MS, &changed, err);
    if (st == ECSB_OK)
        st = ecsb_service_start(ctx->services, "iphlpsvc", IPHLPSVC_TIMEOUT_MS, &changed, err);
    long long deadline = ecsb_monotonic_ms() + LISTEN_WAIT_MS;
    while (st == ECSB_OK && !ecsb_cp_proxy_listening()) {
        if (ecsb_monotonic_ms() >= deadline)
            return ecsb_error_set(err, ECSB_ERR_TIMEOUT, "the port proxy %s:%d is not listening %ds after iphlpsvc "
                                  "restarted: check 'netsh interface portproxy show v4tov4' and the iphlpsvc service",
                                  ECSB_CP_ADDRESS, ECSB_CP_LISTEN_PORT, LISTEN_WAIT_MS / 1000);
        ecsb_sleep_ms(POLL_STEP_MS);
    }
    return st;
}

enum ecsb_status run_action_credential_proxy(struct run_ctx *ctx, enum ecsb_phase_result *result,
                                             struct ecsb_buf *detail)
{
    struct ecsb_cp_host h;
    struct ecsb_cp_decision d;
    struct ecsb_error err = {0};
    long long wait_ms = ctx->plan.config.timeouts.docker_ns / 1000000;
    enum ecsb_status st = read_and_decide(ctx, wait_ms, &h, &d, &err);
    if (st == ECSB_ERR_UNSUPPORTED) {
        ecsb_cp_host_free(&h);
        *result = ECSB_PHASE_SKIPPED;
        ecsb_buf_puts(detail, err.message);
        return ECSB_OK;
    }
    bool ports_added = reserve_ports(ctx, detail); /* even when no adapter came up */
    if (st != ECSB_OK) {
        ecsb_cp_host_free(&h);
        return fail(ctx, &err);
    }
    unsigned long ifindex = h.adapters[d.adapter].index;
    ecsb_buf_printf(detail, "; adapter %s, %s %s/32", d.why, d.add_address ? "added" : "has", ECSB_CP_ADDRESS);
    bool route_added = false;
    if (d.add_address)
        st = ecsb_cp_host_add_address(ifindex, &err);
    if (st == ECSB_OK && d.wait_address)
        st = wait_preferred(ifindex, &err);
    if (st == ECSB_OK)
        st = route_subnet(ctx, &h, ifindex, &route_added, detail, &err);
    ecsb_cp_host_free(&h);
    if (st != ECSB_OK)
        return fail(ctx, &err);
    bool rule_added = allow_inbound(ctx, detail);
    if (d.set_proxy && (st = ecsb_cp_host_set_proxy(ECSB_AGENT_CREDENTIALS_PORT, &err)) != ECSB_OK)
        return fail(ctx, &err);
    if (d.restart_proxy && (st = restart_iphlpsvc(ctx, &err)) != ECSB_OK)
        return fail(ctx, &err);
    ecsb_buf_printf(detail, ", port proxy %s",
                    d.set_proxy ? "set" : d.restart_proxy ? "present, restarted (it was not listening)" : "present");
    bool changed = ports_added || d.add_address || route_added || rule_added || d.restart_proxy;
    *result = changed ? ECSB_PHASE_CHANGED : ECSB_PHASE_UNCHANGED;
    return ECSB_OK;
}
