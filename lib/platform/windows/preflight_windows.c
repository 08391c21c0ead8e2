/* Windows half of preflight.h: a Winsock bind test with SO_EXCLUSIVEADDRUSE, so a
 * socket bound with SO_REUSEADDR by someone else cannot make the port look free. A
 * port inside an excluded range (WinNAT/HNS reservations) fails with WSAEACCES. */
#include "ecsb/agent/preflight.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <string.h>

enum ecsb_status ecsb_preflight_tcp_port(const char *ipv4, unsigned port, enum ecsb_port_state *state,
                                         struct ecsb_error *err)
{
    *state = ECSB_PORT_FREE;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (port == 0 || port > 65535 || inet_pton(AF_INET, ipv4, &sa.sin_addr) != 1)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "port check: \"%s:%u\" is not an IPv4 address and port",
                              ipv4, port);
    WSADATA wsa;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "port check: WSAStartup failed (error %d)", rc);
    enum ecsb_status st = ECSB_OK;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) {
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "port check: socket() failed (error %d)", WSAGetLastError());
    } else {
        BOOL one = TRUE;
        setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
        if (bind(s, (struct sockaddr *)&sa, sizeof sa) == SOCKET_ERROR) {
            int e = WSAGetLastError();
            if (e == WSAEADDRINUSE)
                *state = ECSB_PORT_IN_USE;
            else if (e == WSAEACCES)
                *state = ECSB_PORT_RESERVED;
            else
                st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "port check: bind(%s:%u) failed (error %d)", ipv4, port,
                                    e);
        }
        closesocket(s);
    }
    WSACleanup();
    return st;
}
