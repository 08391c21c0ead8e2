/* POSIX half of preflight.h: a bind test. SO_REUSEADDR is set so a connection in
 * TIME_WAIT does not count as busy (the agent's listener would bind despite it); a
 * live listener still makes bind fail with EADDRINUSE. */
#include "ecsb/agent/preflight.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "port check: socket(): %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            *state = ECSB_PORT_IN_USE;
        else if (e == EACCES)
            *state = ECSB_PORT_RESERVED;
        else
            return ecsb_error_set(err, ECSB_ERR_PLATFORM, "port check: bind(%s:%u): %s", ipv4, port, strerror(e));
        return ECSB_OK;
    }
    close(fd);
    return ECSB_OK;
}
