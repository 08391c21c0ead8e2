#!/usr/bin/env python3
"""Fake EC2 instance metadata service (IMDSv2 contract), Python 3 stdlib only.

There is no runnable real IMDS off EC2, so this follows the documented contract:
  PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds (1..21600)
      -> 200 token, echoing the TTL header; 400 when missing or out of range;
      403 when X-Forwarded-For is present (IMDS refuses proxied token requests).
  GET requires a valid, unexpired X-aws-ec2-metadata-token (401 otherwise)
      unless started with --allow-v1 and no token header is sent.
  Unknown paths -> 404; /latest/user-data -> 404 when the instance has none.

Faults are switchable at run time (control endpoints are never faulted):
  POST /_fake/faults  JSON, merged into the fault state:
      latency_ms        delay before every answer
      fail_next_n       answer the next N metadata requests with 500
      drop_next_n       close the next N connections without any answer
      expire_tokens_now true: every token issued so far becomes invalid
      token_ttl_cap     tokens really expire after min(ttl, cap) seconds
                        (the TTL header still echoes what was asked)
  POST /_fake/reset   clear faults and counters
  GET  /_fake/stats   JSON counters: requests, token_puts, status counts, faults
  PUT  /_fake/user-data  replace the user data (empty body + header
                        X-Fake-Delete: 1 removes it)

Usage: fake_imds.py [--port 0] [--config FILE.json] [--user-data-file F]
       [--instance-id i-...] [--region R] [--role NAME --access-key-id K
       --secret-access-key S --token T] [--allow-v1]
Prints the bound port on stdout (one line) once it accepts connections.
"""
import argparse
import datetime
import json
import secrets
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_TTL = 21600


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self, cfg):
        self.lock = threading.Lock()
        self.cfg = cfg
        self.tokens = {}  # token -> expiry (monotonic)
        self.reset()

    def reset(self):
        with self.lock:
            self.faults = {"latency_ms": 0, "fail_next_n": 0, "drop_next_n": 0, "token_ttl_cap": 0}
            self.stats = {"requests": 0, "token_puts": 0, "status": {}, "dropped": 0, "paths": {}}

    def count(self, path, status):
        with self.lock:
            self.stats["status"][str(status)] = self.stats["status"].get(str(status), 0) + 1
            self.stats["paths"][path] = self.stats["paths"].get(path, 0) + 1

    def take(self, key):
        """Consumes one unit of a counted fault; True when it applies to this request."""
        with self.lock:
            if self.faults.get(key, 0) > 0:
                self.faults[key] -= 1
                return True
            return False

    def new_token(self, ttl):
        cap = self.faults.get("token_ttl_cap") or 0
        life = min(ttl, cap) if cap > 0 else ttl
        tok = secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[tok] = time.monotonic() + life
        return tok

    def token_ok(self, tok):
        with self.lock:
            exp = self.tokens.get(tok)
            return exp is not None and time.monotonic() < exp


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle holds
        # the body until the client's delayed ACK (40 ms a request), as real IMDS does not.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server_version = "EC2ws"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    @property
    def st(self):
        return self.server.state

    def reply(self, status, body=b"", ctype="text/plain", extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.st.count(self.path, status)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # ---- control plane -------------------------------------------------
    def control(self):
        body = self.read_body()
        if self.path == "/_fake/faults" and self.command == "POST":
            try:
                upd = json.loads(body or b"{}")
                if not isinstance(upd, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                return self.reply(400, "bad JSON: %s\n" % e)
            with self.st.lock:
                if upd.pop("expire_tokens_now", False):
                    self.st.tokens.clear()
                for k, v in upd.items():
                    self.st.faults[k] = v
            return self.reply(200, json.dumps(self.st.faults), "application/json")
        if self.path == "/_fake/reset" and self.command == "POST":
            self.st.reset()
            return self.reply(200, "{}", "application/json")
        if self.path == "/_fake/stats" and self.command == "GET":
            with self.st.lock:
                out = dict(self.st.stats, faults=dict(self.st.faults))
            return self.reply(200, json.dumps(out), "application/json")
        if self.path == "/_fake/user-data" and self.command == "PUT":
            if self.headers.get("X-Fake-Delete") == "1":
                self.st.cfg["user_data"] = None
            else:
                self.st.cfg["user_data"] = body
            return self.reply(200, "{}", "application/json")
        return self.reply(404, "unknown control path\n")

    # ---- faults --------------------------------------------------------
    def faulted(self):
        with self.st.lock:
            self.st.stats["requests"] += 1
            latency = self.st.faults.get("latency_ms") or 0
        if latency > 0:
            time.sleep(latency / 1000.0)
        if self.st.take("drop_next_n"):
            with self.st.lock:
                self.st.stats["dropped"] += 1
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        if self.st.take("fail_next_n"):
            self.reply(500, "Internal Server Error\n")
            return True
        return False

    # ---- IMDS ----------------------------------------------------------
    def do_PUT(self):
        if self.path.startswith("/_fake/"):
            return self.control()
        self.read_body()
        if self.faulted():
            return
        if self.path != "/latest/api/token":
            return self.reply(405 if self.path.startswith("/latest/") else 404, "")
        if self.headers.get("X-Forwarded-For") is not None:
            return self.reply(403, "Forbidden\n")
        raw = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        try:
            ttl = int(raw)
        except (TypeError, ValueError):
            ttl = 0
        if ttl < 1 or ttl > MAX_TTL:
            return self.reply(400, "Bad Request\n")
        with self.st.lock:
            self.st.stats["token_puts"] += 1
        tok = self.st.new_token(ttl)
        self.reply(200, tok, extra={"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})

    def do_POST(self):
        if self.path.startswith("/_fake/"):
            return self.control()
        self.read_body()
        self.reply(405, "")

    def do_GET(self):
        if self.path.startswith("/_fake/"):
            return self.control()
        if self.faulted():
            return
        tok = self.headers.get("X-aws-ec2-metadata-token")
        if tok is None:
            if not self.server.allow_v1:
                return self.reply(401, "")
        elif not self.st.token_ok(tok):
            return self.reply(401, "")
        found = self.lookup(self.path.split("?", 1)[0])
        if found is None:
            return self.reply(404, "Not Found\n", "text/html")
        body, ctype = found
        self.reply(200, body, ctype)

    def lookup(self, path):
        cfg = self.st.cfg
        if path == "/latest/user-data":
            ud = cfg.get("user_data")
            return None if ud is None else (ud, "application/octet-stream")
        role = cfg.get("role")
        creds_root = "/latest/meta-data/iam/security-credentials/"
        if path.rstrip("/") + "/" == creds_root:
            return (role, "text/plain") if role else None
        if role and path.rstrip("/") == creds_root + role:
            now = time.time()
            doc = {
                "Code": "Success",
                "LastUpdated": iso(now),
                "Type": "AWS-HMAC",
                "AccessKeyId": cfg["access_key_id"],
                "SecretAccessKey": cfg["secret_access_key"],
                "Token": cfg["token"],
                "Expiration": iso(now + int(cfg.get("expiration_seconds", 6 * 3600))),
            }
            return json.dumps(doc, indent=2), "text/plain"
        table = self.table()
        key = path.rstrip("/") if path not in table else path
        if table.get(key) is not None:
            return table[key], "text/plain"
        return None

    def table(self):
        cfg = self.st.cfg
        az = cfg["region"] + "a"
        doc = {
            "accountId": cfg["account_id"],
            "architecture": "x86_64",
            "availabilityZone": az,
            "imageId": cfg["image_id"],
            "instanceId": cfg["instance_id"],
            "instanceType": cfg["instance_type"],
            "pendingTime": iso(cfg["started"]),
            "privateIp": cfg["private_ip"],
            "region": cfg["region"],
            "version": "2017-09-30",
        }
        md = "/latest/meta-data"
        return {
            md: "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/",
            md + "/instance-id": cfg["instance_id"],
            md + "/instance-type": cfg["instance_type"],
            md + "/ami-id": cfg["image_id"],
            md + "/local-ipv4": cfg["private_ip"],
            md + "/hostname": "ip-%s.ec2.internal" % cfg["private_ip"].replace(".", "-"),
            md + "/placement": "availability-zone\nregion",
            md + "/placement/region": cfg["region"],
            md + "/placement/availability-zone": az,
            md + "/iam": "security-credentials/" if cfg.get("role") else None,
            "/latest/dynamic/instance-identity/document": json.dumps(doc, indent=2),
        }


def load_config(args):
    cfg = {
        "port": 0,
        "instance_id": "i-0123456789abcdef0",
        "region": "us-east-1",
        "account_id": "123456789012",
        "image_id": "ami-0f7cc2a4e9cb93130",
        "instance_type": "m5.large",
        "private_ip": "10.0.0.12",
        "role": None,
        "access_key_id": "ASIAFAKEIMDSROLE0001",
        "secret_access_key": "fakeImdsRoleSecretKey0000000000000000000",
        "token": "fakeImdsRoleSessionToken",
        "expiration_seconds": 6 * 3600,
        "user_data": None,
        "allow_v1": False,
    }
    if args.config:
        with open(args.config) as f:
            cfg.update(json.load(f))
        if cfg.get("user_data_file"):
            args.user_data_file = args.user_data_file or cfg["user_data_file"]
        if isinstance(cfg.get("user_data"), str):
            cfg["user_data"] = cfg["user_data"].encode()
    for k in ("port", "instance_id", "region", "role", "access_key_id", "secret_access_key", "token",
              "account_id", "expiration_seconds"):
        v = getattr(args, k)
        if v is not None:
            cfg[k] = v
    if args.allow_v1:
        cfg["allow_v1"] = True
    if args.user_data_file:
        with open(args.user_data_file, "rb") as f:
            cfg["user_data"] = f.read()
    cfg["started"] = time.time()
    return cfg


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--config")
    p.add_argument("--user-data-file")
    p.add_argument("--instance-id")
    p.add_argument("--region")
    p.add_argument("--account-id")
    p.add_argument("--role")
    p.add_argument("--access-key-id")
    p.add_argument("--secret-access-key")
    p.add_argument("--token")
    p.add_argument("--expiration-seconds", type=int)
    p.add_argument("--allow-v1", action="store_true")
    args = p.parse_args()
    cfg = load_config(args)
    srv = ThreadingHTTPServer((args.bind, int(cfg["port"])), Handler)
    srv.daemon_threads = True
    srv.state = State(cfg)
    srv.allow_v1 = bool(cfg["allow_v1"])
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
