#!/usr/bin/env python3
"""Many fake IMDS servers in one process (one per simulated host, each on its own
port with its own EC2 instance and user data), so a fleet of 50 costs one Python
process, not 50. Reuses tests/fakes/fake_imds.py unchanged.

  imds_fleet.py --hosts hosts.json
hosts.json: [{"instance_id": ..., "user_data_file": ..., "region": ..., "role": ...,
              "access_key_id": ..., "secret_access_key": ..., "token": ...}, ...]
(keys in a file, never in argv). Prints one port per host, in order, then serves.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fakes"))
import fake_imds  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--hosts", required=True)
    a = p.parse_args()
    with open(a.hosts) as f:
        hosts = json.load(f)
    servers = []
    for h in hosts:
        args = argparse.Namespace(config=None, user_data_file=h.pop("user_data_file", None), allow_v1=False,
                                  port=None, instance_id=None, region=None, role=None, access_key_id=None,
                                  secret_access_key=None, token=None, account_id=None, expiration_seconds=None)
        cfg = fake_imds.load_config(args)
        cfg.update(h)
        cfg["started"] = time.time()
        srv = ThreadingHTTPServer(("127.0.0.1", 0), fake_imds.Handler)
        srv.daemon_threads = True
        srv.state = fake_imds.State(cfg)
        srv.allow_v1 = False
        servers.append(srv)
    print("\n".join(str(s.server_address[1]) for s in servers), flush=True)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
