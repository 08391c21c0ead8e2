/* The introspection server: blocking sockets (POSIX) or Winsock, one connection
 * at a time, which is all the tests and the bootstrapper's poller need. The head
 * is bounded (FA_MAX_HEAD) and a silent client times out, so garbage cannot wedge it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET sock_t;
#define BAD_SOCK INVALID_SOCKET
#define close_sock closesocket
#define SHUT_WR SD_SEND
static int last_sock_error(void) { return WSAGetLastError(); }
#else
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
typedef int sock_t;
#define BAD_SOCK (-1)
#define close_sock close
static int last_sock_error(void) { return errno; }
#endif

#define FA_MAX_HEAD 8192
#define FA_CLIENT_TIMEOUT_MS 2000

struct fa_server {
    sock_t fd;
};

static void set_timeouts(sock_t fd, long ms)
{
#if defined(_WIN32)
    DWORD tv = (DWORD)ms;
#else
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
#endif
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&tv, sizeof tv);
}

enum ecsb_status fa_server_listen(struct fa_server **out, const char *host, int port, struct ecsb_error *err)
{
#if defined(_WIN32)
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa))
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "WSAStartup failed");
#endif
    sock_t fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (fd == BAD_SOCK)
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "socket: error %d", last_sock_error());
    int one = 1;
#if defined(_WIN32)
    /* SO_REUSEADDR on Windows would let another process steal the port. */
    setsockopt(fd, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
#else
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* restarts must not wait out TIME_WAIT */
#endif
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        close_sock(fd);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "introspection address %s is not an IPv4 address", host);
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 16)) {
        int e = last_sock_error();
        close_sock(fd);
        return ecsb_error_set(err, ECSB_ERR_PLATFORM,
                              "cannot listen on %s:%d (error %d): is another agent running, or is the port "
                              "in an excluded range?",
                              host, port, e);
    }
    *out = ecsb_xcalloc(1, sizeof **out);
    (*out)->fd = fd;
    return ECSB_OK;
}

/* Reads until the blank line that ends the head, the size bound, EOF or timeout. */
static size_t read_head(sock_t c, char *buf, size_t cap, bool *complete)
{
    size_t len = 0;
    *complete = false;
    while (len < cap) {
        int n = recv(c, buf + len, (int)(cap - len), 0);
        if (n <= 0)
            break;
        size_t from = len >= 3 ? len - 3 : 0;
        len += (size_t)n;
        for (size_t i = from; i + 1 < len; i++) {
            if (buf[i] == '\n' && (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n'))) {
                *complete = true;
                return i + 1;
            }
        }
    }
    return len;
}

static void send_all(sock_t c, const char *data, size_t len)
{
    while (len > 0) {
#if defined(MSG_NOSIGNAL)
        int n = send(c, data, (int)len, MSG_NOSIGNAL);
#else
        int n = send(c, data, (int)len, 0);
#endif
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

static void serve_one(sock_t c, const struct fa_metadata *md)
{
    char *head = ecsb_xmalloc(FA_MAX_HEAD);
    bool complete;
    set_timeouts(c, FA_CLIENT_TIMEOUT_MS);
    size_t len = read_head(c, head, FA_MAX_HEAD, &complete);
    if (len > 0) {
        struct ecsb_buf resp = ECSB_BUF_INIT;
        fa_http_respond(head, len, !complete && len == FA_MAX_HEAD, md, &resp);
        send_all(c, resp.data, resp.len);
        ecsb_buf_free(&resp);
        /* Drain briefly before closing, so unread input does not turn into a reset
         * that destroys the response on its way to the client. */
        shutdown(c, SHUT_WR);
        set_timeouts(c, 100);
        for (int i = 0; i < 16 && recv(c, head, FA_MAX_HEAD, 0) > 0; i++)
            ;
    }
    free(head);
    close_sock(c);
}

void fa_server_poll(struct fa_server *s, long timeout_ms, const struct fa_metadata *md)
{
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s->fd, &rd);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (select((int)s->fd + 1, &rd, NULL, NULL, &tv) <= 0)
        return;
    sock_t c = accept(s->fd, NULL, NULL);
    if (c == BAD_SOCK)
        return;
    serve_one(c, md);
}

void fa_server_close(struct fa_server *s)
{
    if (!s)
        return;
    close_sock(s->fd);
    free(s);
#if defined(_WIN32)
    WSACleanup();
#endif
}
