#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of an AWS endpoint (moto), stdlib only.

Forwards every request unchanged (method, path, headers, body) to --upstream
and relays the answer, unless a fault is armed. Faults are shared by every
listener of the process:
  POST /_fault  JSON, one of
      {"mode": "throttle"|"503"|"500"|"none", "count": N, "action": "PutAttributes"}
          throttle: HTTP 400 {"__type":"ThrottlingException","message":"Rate exceeded"}
          503/500:  that status with a short body
          count:    how many of the next requests get the fault; -1 = until changed
          action:   optional; only requests whose X-Amz-Target ends in ".<action>"
      {"mode": "random", "throttle": 0.3, "error500": 0.05, "seed": 1}
          each request independently: throttled with one probability, HTTP 500
          with the other
      {"mode": "rate", "rate": 20, "burst": 20}
          a token bucket across all listeners (an account-wide API rate, as ECS
          throttles per account): a request finding no token is throttled
  GET  /_fault/stats  {"requests", "injected", "forwarded", "upstream_ms",
                       "labels": {label: {"requests", "throttled", "errors",
                                          "forwarded", "upstream_ms"}}}
      upstream_ms: time spent waiting for the upstream (moto's own time per call)
  POST /_fault/reset  clears the fault and the counters
Prints its port on stdout once it accepts connections (--port 0 picks one).
With --labels a,b,c it also opens one listener per label (counted apart, e.g.
one per caller) and prints "label port" lines after the first line.
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}
THROTTLE_BODY = '{"__type":"ThrottlingException","message":"Rate exceeded"}'


def new_label_stats():
    return {"requests": 0, "throttled": 0, "errors": 0, "forwarded": 0, "upstream_ms": 0.0}


class Faults:
    """The fault state every listener shares."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.cfg = {"mode": "none"}
        self.count = 0
        self.rng = random.Random(1)
        self.tokens, self.last = 0.0, time.monotonic()
        self.stats = {"requests": 0, "injected": 0, "forwarded": 0, "upstream_ms": 0.0}
        self.labels = {}

    def configure(self, cfg):
        self.cfg = cfg
        self.count = int(cfg.get("count", -1))
        if "seed" in cfg:
            self.rng = random.Random(cfg["seed"])
        if cfg.get("mode") == "rate":
            self.tokens, self.last = float(cfg.get("burst", cfg.get("rate", 1))), time.monotonic()

    def label(self, name):
        return self.labels.setdefault(name, new_label_stats())

    def decide(self, label, target):
        """The fault for one request ("throttle", "500", "503") or None."""
        with self.lock:
            self.stats["requests"] += 1
            self.label(label)["requests"] += 1
            fault = self._decide(target)
            if fault:
                self.stats["injected"] += 1
                self.label(label)["throttled" if fault == "throttle" else "errors"] += 1
            return fault

    def _decide(self, target):
        mode = self.cfg.get("mode", "none")
        if mode == "random":
            x = self.rng.random()
            t, e = float(self.cfg.get("throttle", 0)), float(self.cfg.get("error500", 0))
            return "throttle" if x < t else "500" if x < t + e else None
        if mode == "rate":
            now = time.monotonic()
            rate, burst = float(self.cfg.get("rate", 1)), float(self.cfg.get("burst", self.cfg.get("rate", 1)))
            self.tokens = min(burst, self.tokens + (now - self.last) * rate)
            self.last = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return None
            return "throttle"
        if mode == "none" or self.count == 0:
            return None
        action = self.cfg.get("action")
        if action and not (target or "").endswith("." + action):
            return None
        if self.count > 0:
            self.count -= 1
        return mode

    def forwarded(self, label, ms):
        with self.lock:
            self.stats["forwarded"] += 1
            self.stats["upstream_ms"] += ms
            s = self.label(label)
            s["forwarded"] += 1
            s["upstream_ms"] += ms

    def snapshot(self):
        with self.lock:
            return dict(self.stats, mode=self.cfg.get("mode", "none"), count=self.count,
                        labels={k: dict(v) for k, v in self.labels.items()})


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
        faults = self.server.faults
        if self.path == "/_fault" and self.command == "POST":
            with faults.lock:
                faults.configure(json.loads(body or b"{}"))
        elif self.path == "/_fault/reset":
            with faults.lock:
                faults.reset()
        elif self.path != "/_fault/stats":
            return self.send(404, "{}", "application/json")
        self.send(200, json.dumps(faults.snapshot()), "application/json")

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/_fault"):
            return self.control(body)
        faults, label = self.server.faults, self.server.label
        mode = faults.decide(label, self.headers.get("X-Amz-Target"))
        if mode == "throttle":
            return self.send(400, THROTTLE_BODY, "application/x-amz-json-1.1")
        if mode in ("503", "500"):
            return self.send(int(mode), "Service Unavailable\n", "text/plain")
        up = urllib.parse.urlsplit(faults.upstream)
        t0 = time.monotonic()
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        faults.forwarded(label, (time.monotonic() - t0) * 1000.0)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def listen(port, faults, label):
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    srv.request_queue_size = 128
    srv.faults, srv.label = faults, label
    return srv


def main():
    p = argparse.ArgumentParser(description="fault-injecting HTTP proxy")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream", required=True)
    p.add_argument("--labels", default="", help="comma-separated: one more listener per label")
    a = p.parse_args()
    faults = Faults(a.upstream)
    main_srv = listen(a.port, faults, "main")
    extra = [(name, listen(0, faults, name)) for name in a.labels.split(",") if name]
    for _, srv in extra:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    lines = [str(main_srv.server_address[1])] + ["%s %d" % (n, s.server_address[1]) for n, s in extra]
    print("\n".join(lines), flush=True)
    try:
        main_srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
