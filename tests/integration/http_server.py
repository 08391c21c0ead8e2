#!/usr/bin/env python3
"""Loopback peers for test_http.sh.

  http_server.py DIR   starts, in one process:
    - an echo server on 127.0.0.1 (port in DIR/echo.port): answers every request with
      JSON {method, path, headers, body, client_port}; /sleep/<s> waits first,
      /big/<n> answers n bytes; HTTP/1.1 keep-alive so connection reuse is visible
    - the same echo server on the unix socket DIR/echo.sock
    - a forward proxy (port in DIR/proxy.port) that records each request line in
      DIR/proxy.log and answers it itself with header X-Via-Proxy: 1
"""
import json
import os
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (timeout tests) is expected


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        if self.path.startswith("/sleep/"):
            time.sleep(float(self.path.split("/")[2]))
        if self.path.startswith("/drip/"):  # one byte every 0.5 s: every single receive is quick
            n = int(self.path.split("/")[2])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            for _ in range(n):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.5)
            return
        if self.path == "/redirect":  # a client must not follow this (it would re-send our headers)
            self.send_response(302)
            self.send_header("Location", "/echo-after-redirect")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/big/"):
            out = b"x" * int(self.path.split("/")[2])
        else:
            port = self.client_address[1] if isinstance(self.client_address, tuple) else "unix"
            out = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                              "body": body, "client_port": port}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = None

    def log_message(self, *args):
        pass

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        with open(self.log_path, "a") as f:
            f.write(f"{self.command} {self.path}\n")
        out = f"via-proxy {self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("X-Via-Proxy", "1")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_CONNECT = _answer


class UnixEcho(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def main():
    d = sys.argv[1]
    Proxy.log_path = os.path.join(d, "proxy.log")
    open(Proxy.log_path, "w").close()
    echo = Quiet(("127.0.0.1", 0), Echo)
    echo.daemon_threads = True
    proxy = Quiet(("127.0.0.1", 0), Proxy)
    proxy.daemon_threads = True
    sock = os.path.join(d, "echo.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    unix = UnixEcho(sock, Echo)
    for s in (echo, proxy, unix):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    for name, s in (("echo", echo), ("proxy", proxy)):
        with open(os.path.join(d, name + ".port.tmp"), "w") as f:
            f.write(str(s.server_address[1]))
        os.rename(os.path.join(d, name + ".port.tmp"), os.path.join(d, name + ".port"))
    threading.Event().wait()


if __name__ == "__main__":
    main()
