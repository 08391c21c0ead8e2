/* Windows half of credential_proxy.h: the IP Helper API for the adapters, the address,
 * the routes and the port reservation; the PortProxy registry configuration (what
 * `netsh interface portproxy` writes; there is no API) for the proxy. iphlpsvc reads that
 * configuration when it starts: the action restarts it after a change (through the
 * service seam). The firewall rule is in firewall_windows.c. */
#include "ecsb/agent/credential_proxy.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "win_util.h"

static const wchar_t PROXY_KEY[] = L"SYSTEM\\CurrentControlSet\\Services\\PortProxy\\v4tov4\\tcp";

static enum ecsb_cp_addr_state addr_state(const IP_ADAPTER_ADDRESSES *a, ULONG want)
{
    for (const IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u; u = u->Next) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)u->Address.lpSockaddr;
        if (!sin || sin->sin_family != AF_INET || sin->sin_addr.s_addr != want)
            continue;
        return u->DadState == IpDadStatePreferred ? ECSB_CP_ADDR_PREFERRED
               : u->DadState == IpDadStateTentative ? ECSB_CP_ADDR_TENTATIVE : ECSB_CP_ADDR_BAD;
    }
    return ECSB_CP_ADDR_ABSENT;
}

static enum ecsb_status read_adapters(struct ecsb_cp_host *h, struct ecsb_error *err)
{
    ULONG size = 16384, rc = ERROR_BUFFER_OVERFLOW;
    IP_ADAPTER_ADDRESSES *list = NULL;
    for (int tries = 0; rc == ERROR_BUFFER_OVERFLOW && tries < 4; tries++) {
        free(list);
        list = ecsb_xmalloc(size);
        rc = GetAdaptersAddresses(AF_INET, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                                  NULL, list, &size);
    }
    if (rc != NO_ERROR && rc != ERROR_NO_DATA) {
        free(list);
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "GetAdaptersAddresses failed (error %lu)", rc);
    }
    struct in_addr want;
    inet_pton(AF_INET, ECSB_CP_ADDRESS, &want);
    size_t n = 0;
    for (IP_ADAPTER_ADDRESSES *a = rc == NO_ERROR ? list : NULL; a; a = a->Next)
        n++;
    h->adapters = ecsb_xcalloc(n ? n : 1, sizeof *h->adapters);
    for (IP_ADAPTER_ADDRESSES *a = rc == NO_ERROR ? list : NULL; a; a = a->Next) {
        struct ecsb_cp_adapter *o = &h->adapters[h->count++];
        o->name = ecsb_wide_to_utf8(a->FriendlyName ? a->FriendlyName : L"");
        o->index = a->IfIndex;
        o->up = a->OperStatus == IfOperStatusUp;
        o->addr = addr_state(a, want.s_addr);
    }
    free(list);
    return ECSB_OK;
}

static enum ecsb_status read_routes(struct ecsb_cp_host *h, struct ecsb_error *err)
{
    MIB_IPFORWARD_TABLE2 *table = NULL;
    DWORD rc = GetIpForwardTable2(AF_INET, &table);
    if (rc != NO_ERROR)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "GetIpForwardTable2 failed (error %lu)", rc);
    h->routes = ecsb_xcalloc(table->NumEntries ? table->NumEntries : 1, sizeof *h->routes);
    for (ULONG i = 0; i < table->NumEntries; i++) {
        const MIB_IPFORWARD_ROW2 *row = &table->Table[i];
        if (row->DestinationPrefix.Prefix.si_family != AF_INET)
            continue;
        struct ecsb_cp_route *r = &h->routes[h->n_routes++];
        r->dest.addr = ntohl(row->DestinationPrefix.Prefix.Ipv4.sin_addr.s_addr);
        r->dest.length = row->DestinationPrefix.PrefixLength;
        r->index = row->InterfaceIndex;
    }
    FreeMibTable(table);
    return ECSB_OK;
}

enum ecsb_status ecsb_cp_host_read(struct ecsb_cp_host *h, struct ecsb_error *err)
{
    memset(h, 0, sizeof *h);
    enum ecsb_status st = read_adapters(h, err);
    if (st == ECSB_OK)
        st = read_routes(h, err);
    if (st != ECSB_OK)
        return st;
    wchar_t name[64], value[128];
    swprintf(name, 64, L"%hs/%d", ECSB_CP_ADDRESS, ECSB_CP_LISTEN_PORT);
    DWORD size = sizeof value;
    LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, PROXY_KEY, name, RRF_RT_REG_SZ, NULL, value, &size);
    if (rc == ERROR_SUCCESS)
        h->proxy_target = ecsb_wide_to_utf8(value);
    else if (rc != ERROR_FILE_NOT_FOUND)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%ls\\%ls: RegGetValueW failed (error %ld)", PROXY_KEY,
                              name, (long)rc);
    return ECSB_OK;
}

enum ecsb_status ecsb_cp_host_add_address(unsigned long ifindex, struct ecsb_error *err)
{
    MIB_UNICASTIPADDRESS_ROW row;
    InitializeUnicastIpAddressEntry(&row);
    row.Address.Ipv4.sin_family = AF_INET;
    inet_pton(AF_INET, ECSB_CP_ADDRESS, &row.Address.Ipv4.sin_addr);
    row.InterfaceIndex = (NET_IFINDEX)ifindex;
    row.OnLinkPrefixLength = 32;
    row.DadState = IpDadStatePreferred;
    DWORD rc = CreateUnicastIpAddressEntry(&row);
    if (rc == NO_ERROR || rc == ERROR_OBJECT_ALREADY_EXISTS)
        return ECSB_OK;
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "adding %s/32 to interface %lu: CreateUnicastIpAddressEntry failed "
                          "(error %lu); run elevated", ECSB_CP_ADDRESS, ifindex, rc);
}

/* Wine exports some IP Helper functions as stubs that abort the process when called
 * ("Call to unimplemented function IPHLPAPI.DLL.CreateIpForwardEntry2, aborting"), and
 * GetProcAddress finds the stub: so ask whether this is Wine (ntdll exports
 * wine_get_version there only) and answer "unsupported" without calling them. */
static bool under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static enum ecsb_status wine_stub(const char *call, struct ecsb_error *err)
{
    return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "Wine does not implement %s (a stub there)", call);
}

enum ecsb_status ecsb_cp_host_add_route(unsigned long ifindex, const struct ecsb_cp_prefix *dest,
                                        struct ecsb_error *err)
{
    if (under_wine())
        return wine_stub("CreateIpForwardEntry2", err);
    MIB_IPFORWARD_ROW2 row;
    InitializeIpForwardEntry(&row); /* infinite lifetimes, protocol "network management" */
    row.InterfaceIndex = (NET_IFINDEX)ifindex;
    row.DestinationPrefix.Prefix.Ipv4.sin_family = AF_INET;
    row.DestinationPrefix.Prefix.Ipv4.sin_addr.s_addr = htonl(dest->addr);
    row.DestinationPrefix.PrefixLength = (UINT8)dest->length;
    row.NextHop.Ipv4.sin_family = AF_INET; /* 0.0.0.0: on-link */
    DWORD rc = CreateIpForwardEntry2(&row);
    if (rc == NO_ERROR || rc == ERROR_OBJECT_ALREADY_EXISTS)
        return ECSB_OK;
    char prefix[24];
    ecsb_cp_prefix_format(dest, prefix, sizeof prefix);
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "adding the route to %s through interface %lu: "
                          "CreateIpForwardEntry2 failed (error %lu)%s", prefix, ifindex, rc,
                          rc == ERROR_ACCESS_DENIED ? "; run elevated" : "");
}

enum ecsb_status ecsb_cp_host_set_proxy(unsigned target_port, struct ecsb_error *err)
{
    HKEY key;
    LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, PROXY_KEY, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_SET_VALUE, NULL,
                                 &key, NULL);
    if (rc != ERROR_SUCCESS)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%ls: cannot open (error %ld); run elevated", PROXY_KEY,
                              (long)rc);
    char target[32];
    ecsb_cp_proxy_value(target_port, target, sizeof target);
    wchar_t name[64];
    swprintf(name, 64, L"%hs/%d", ECSB_CP_ADDRESS, ECSB_CP_LISTEN_PORT);
    wchar_t *wval = ecsb_utf8_to_wide(target);
    rc = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)wval, (DWORD)((wcslen(wval) + 1) * sizeof *wval));
    free(wval);
    RegCloseKey(key);
    if (rc != ERROR_SUCCESS)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "HKLM\\%ls\\%ls: RegSetValueExW failed (error %ld)", PROXY_KEY,
                              name, (long)rc);
    return ECSB_OK;
}

/* Persistent TCP port reservations (iphlpapi, Vista+): the API behind `netsh int ipv4
 * add excludedportrange ... store=persistent`, chosen over running netsh and parsing its
 * localized `show excludedportrange` output. Lookup finds the exact range only, which is
 * the one this adds. */
static enum ecsb_status ports_error(const char *call, unsigned start, unsigned count, ULONG rc,
                                    struct ecsb_error *err)
{
    unsigned last = start + count - 1;
    if (rc == ERROR_CALL_NOT_IMPLEMENTED || rc == ERROR_NOT_SUPPORTED)
        return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "%s(%u-%u) is not implemented here (error %lu)", call,
                              start, last, rc);
    if (rc == ERROR_SHARING_VIOLATION)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s(%u-%u): a port is in use (error %lu); a range cannot "
                              "be reserved while a process holds it", call, start, last, rc);
    if (rc == ERROR_ACCESS_DENIED)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s(%u-%u): access denied; run elevated", call, start,
                              last);
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s(%u-%u) failed (error %lu)", call, start, last, rc);
}

enum ecsb_status ecsb_cp_ports_lookup(unsigned start, unsigned count, struct ecsb_error *err)
{
    if (under_wine())
        return wine_stub("LookupPersistentTcpPortReservation", err);
    ULONG64 token = 0;
    ULONG rc = LookupPersistentTcpPortReservation((USHORT)start, (USHORT)count, &token);
    if (rc == NO_ERROR)
        return ECSB_OK;
    if (rc == ERROR_NOT_FOUND || rc == ERROR_FILE_NOT_FOUND)
        return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "no reservation for %u-%u", start, start + count - 1);
    return ports_error("LookupPersistentTcpPortReservation", start, count, rc, err);
}

enum ecsb_status ecsb_cp_ports_reserve(unsigned start, unsigned count, struct ecsb_error *err)
{
    if (under_wine())
        return wine_stub("CreatePersistentTcpPortReservation", err);
    ULONG64 token = 0;
    ULONG rc = CreatePersistentTcpPortReservation((USHORT)start, (USHORT)count, &token);
    if (rc == NO_ERROR || rc == ERROR_ALREADY_EXISTS || rc == ERROR_OBJECT_ALREADY_EXISTS)
        return ECSB_OK;
    return ports_error("CreatePersistentTcpPortReservation", start, count, rc, err);
}
