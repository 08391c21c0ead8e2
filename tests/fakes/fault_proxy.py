#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of an AWS endpoint (moto), stdlib only.

Forwards every request unchanged (method, path, headers, body) to --upstream
and relays the answer, unless a fault is armed:
  POST /_fault  JSON {"mode": "throttle"|"503"|"500"|"none", "count": N}
      throttle: HTTP 400 {"__type":"ThrottlingException","message":"Rate exceeded"}
      503/500:  that status with a short body
      count:    how many of the next requests get the fault; -1 = until changed
  GET  /_fault/stats  {"requests": n, "injected": n, "forwarded": n}
  POST /_fault/reset  clears the fault and the counters
Prints its port on stdout once it accepts connections (--port 0 picks one).
"""
import argparse
import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype):
        body = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, body):
        srv = self.server
        with srv.lock:
            if self.path == "/_fault" and self.command == "POST":
                cfg = json.loads(body or b"{}")
                srv.mode = cfg.get("mode", "none")
                srv.count = int(cfg.get("count", -1))
            elif self.path == "/_fault/reset":
                srv.mode, srv.count = "none", 0
                srv.stats = {"requests": 0, "injected": 0, "forwarded": 0}
            elif self.path != "/_fault/stats":
                return self.send(404, "{}", "application/json")
            out = dict(srv.stats, mode=srv.mode, count=srv.count)
        self.send(200, json.dumps(out), "application/json")

    def fault(self):
        srv = self.server
        with srv.lock:
            srv.stats["requests"] += 1
            if srv.mode == "none" or srv.count == 0:
                return None
            if srv.count > 0:
                srv.count -= 1
            srv.stats["injected"] += 1
            return srv.mode

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/_fault"):
            return self.control(body)
        mode = self.fault()
        if mode == "throttle":
            return self.send(400, '{"__type":"ThrottlingException","message":"Rate exceeded"}',
                             "application/x-amz-json-1.1")
        if mode in ("503", "500"):
            return self.send(int(mode), "Service Unavailable\n", "text/plain")
        up = urllib.parse.urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        with self.server.lock:
            self.server.stats["forwarded"] += 1
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def main():
    p = argparse.ArgumentParser(description="fault-injecting HTTP proxy")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream", required=True)
    a = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.upstream = a.upstream
    srv.lock = threading.Lock()
    srv.mode, srv.count = "none", 0
    srv.stats = {"requests": 0, "injected": 0, "forwarded": 0}
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
