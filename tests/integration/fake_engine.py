#!/usr/bin/env python3
"""A tiny Docker Engine API fixture for test_preload.sh: the pull streams a real
engine cannot be made to send on demand.

  fake_engine.py PORTFILE SCRIPT
    /_ping answers API-Version 1.44. POST /v1.44/images/create answers HTTP 200 with a
    chunked JSON progress stream; SCRIPT is a comma-separated list of what the n-th pull
    stream does: "ok" (ends with Status:), "error:<message>" (ends with errorDetail after
    progress), "cut" (stops without a final status), "slow" (like ok, but downloads and
    extracts two 50 MB layers in small steps over about 4 s: for the live display). After an "ok" pull the image
    inspects as present (Os windows, OsVersion 10.0.20348.1); before, 404.
    Every request line is appended to PORTFILE.log, a pull's with its decoded
    X-Registry-Auth header after " AUTH " when it has one.
"""
import base64
import json
import sys
import time
from urllib.parse import parse_qs, unquote, urlparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

portfile, script = sys.argv[1], sys.argv[2].split(",")
state = {"pulls": 0, "present": set()}


def log(line):
    with open(portfile + ".log", "a") as f:
        f.write(line + "\n")


class Engine(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", "1.44")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, obj):
        data = (json.dumps(obj) + "\r\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def slow_layers(self):
        total = 50_000_000
        for step in ("Downloading", "Extracting"):
            for i in range(1, 11):
                for layer in ("s1", "s2"):
                    self.chunk({"status": step, "id": layer,
                                "progressDetail": {"current": total * i // 10, "total": total}})
                time.sleep(0.2)
        for layer in ("s1", "s2"):
            self.chunk({"status": "Pull complete", "id": layer})

    def do_GET(self):
        log("GET " + self.path)
        if self.path == "/_ping":
            self.send_response(200)
            self.send_header("Api-Version", "1.44")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")
        elif self.path.endswith("/json") and "/images/" in self.path:
            name = unquote(self.path.split("/images/", 1)[1][:-5])
            if name in state["present"]:
                self.send_json(200, {"Id": "sha256:1", "Os": "windows", "OsVersion": "10.0.20348.1", "Size": 5})
            else:
                self.send_json(404, {"message": "No such image: " + name})
        else:
            self.send_json(404, {"message": "page not found"})

    def do_POST(self):
        auth = self.headers.get("X-Registry-Auth")
        log("POST " + self.path + (" AUTH " + base64.urlsafe_b64decode(auth).decode() if auth else ""))
        n = state["pulls"]
        state["pulls"] += 1
        what = script[n] if n < len(script) else "ok"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk({"status": "Pulling from x/y", "id": "t"})
        self.chunk({"status": "Downloading", "progressDetail": {"current": 10, "total": 20}, "id": "l1"})
        if what == "slow":
            self.slow_layers()
        if what.startswith("error:"):
            msg = what[6:]
            self.chunk({"errorDetail": {"message": msg}, "error": msg})
        elif what in ("ok", "slow"):
            self.chunk({"status": "Pull complete", "id": "l1"})
            self.chunk({"status": "Status: Downloaded newer image"})
            q = parse_qs(urlparse(self.path).query)
            state["present"].add(q["fromImage"][0] + ":" + q["tag"][0])
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


srv = ThreadingHTTPServer(("127.0.0.1", 0), Engine)
srv.daemon_threads = True
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
