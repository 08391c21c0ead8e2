#!/usr/bin/env python3
"""Proves tests/fakes/fake_imds.py against a real IMDS client (botocore's
IMDSFetcher family) and checks the raw contract: 401 without a token, TTL echo,
TTL bounds, 404 user data, IMDSv1 only with --allow-v1, and run-time faults."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "fakes", "fake_imds.py")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def start(*extra):
    p = subprocess.Popen([sys.executable, FAKE, "--port", "0"] + list(extra),
                         stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline())
    return p, "http://127.0.0.1:%d" % port


def http(base, method, path, headers=None, body=None):
    req = urllib.request.Request(base + path, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def token(base, ttl="60"):
    return http(base, "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})


def botocore_checks(base):
    from botocore.utils import IMDSFetcher, InstanceMetadataFetcher, InstanceMetadataRegionFetcher

    creds = InstanceMetadataFetcher(timeout=2, num_attempts=2, base_url=base).retrieve_iam_role_credentials()
    check("botocore role credentials: access key", creds.get("access_key") == "ASIATESTROLEKEY00001", creds)
    check("botocore role credentials: token", creds.get("token") == "role-session-token-xyz", creds)
    check("botocore role credentials: role name", creds.get("role_name") == "ecsInstanceRole", creds)
    check("botocore role credentials: expiry", bool(creds.get("expiry_time")), creds)

    region = InstanceMetadataRegionFetcher(timeout=2, num_attempts=2, base_url=base).retrieve_region()
    check("botocore region (from AZ)", region == "eu-west-3", region)

    f = IMDSFetcher(timeout=2, num_attempts=2, base_url=base, config={"ec2_metadata_v1_disabled": True})
    tok = f._fetch_metadata_token()
    check("botocore token fetch", bool(tok))
    r = f._get_request("latest/user-data", None, token=tok)
    check("botocore user data", r.content == b"<powershell>Write-Host hi</powershell>\n", r.content)
    r = f._get_request("latest/dynamic/instance-identity/document", None, token=tok)
    doc = json.loads(r.text)
    check("botocore identity document", doc["instanceId"] == "i-0abc123" and doc["region"] == "eu-west-3"
          and doc["accountId"] == "123456789012" and doc["availabilityZone"] == "eu-west-3a"
          and "instanceType" in doc and "imageId" in doc and "privateIp" in doc, doc)


def contract_checks(base):
    st, hdr, _ = http(base, "GET", "/latest/meta-data/instance-id")
    check("401 without token (v1 disabled)", st == 401, st)
    st, hdr, _ = http(base, "GET", "/latest/meta-data/instance-id", {"X-aws-ec2-metadata-token": "bogus"})
    check("401 with an unknown token", st == 401, st)
    st, hdr, tok = token(base, "123")
    check("token PUT 200", st == 200 and len(tok) > 20, st)
    check("TTL header echoed", hdr.get("X-aws-ec2-metadata-token-ttl-seconds") == "123", hdr)
    for bad in ("0", "21601", "abc", None):
        h = {} if bad is None else {"X-aws-ec2-metadata-token-ttl-seconds": bad}
        st, _, _ = http(base, "PUT", "/latest/api/token", h)
        check("token TTL %r rejected with 400" % bad, st == 400, st)
    st, _, _ = http(base, "PUT", "/latest/api/token",
                     {"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "1.2.3.4"})
    check("proxied token PUT refused 403", st == 403, st)
    auth = {"X-aws-ec2-metadata-token": tok.decode()}
    st, _, body = http(base, "GET", "/latest/meta-data/placement/region", auth)
    check("region path", st == 200 and body == b"eu-west-3", body)
    st, _, _ = http(base, "GET", "/latest/meta-data/no-such-thing", auth)
    check("404 for unknown path", st == 404, st)
    st, _, body = http(base, "GET", "/latest/meta-data/iam/security-credentials/", auth)
    check("role name listing", st == 200 and body == b"ecsInstanceRole", body)
    st, _, body = http(base, "GET", "/latest/meta-data/iam/security-credentials/ecsInstanceRole", auth)
    doc = json.loads(body)
    check("credential document fields", all(k in doc for k in (
        "Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration")), doc)

    # Faults switched on at run time.
    http(base, "POST", "/_fake/faults", {"Content-Type": "application/json"}, b'{"fail_next_n": 2}')
    codes = [http(base, "GET", "/latest/meta-data/instance-id", auth)[0] for _ in range(3)]
    check("fail_next_n=2 gives two 500s then 200", codes == [500, 500, 200], codes)
    http(base, "POST", "/_fake/faults", {}, b'{"expire_tokens_now": true}')
    st, _, _ = http(base, "GET", "/latest/meta-data/instance-id", auth)
    check("expire_tokens_now invalidates the token", st == 401, st)
    http(base, "POST", "/_fake/faults", {}, b'{"drop_next_n": 1}')
    try:
        st = http(base, "GET", "/latest/meta-data/instance-id", auth)[0]
    except Exception as e:  # connection closed without an answer
        st = type(e).__name__
    check("drop_next_n closes the connection", st != 200 and not isinstance(st, int), st)
    stats = json.loads(http(base, "GET", "/_fake/stats")[2])
    check("stats count the drop", stats["dropped"] == 1, stats)


def main():
    with tempfile.TemporaryDirectory() as d:
        ud = os.path.join(d, "ud.txt")
        with open(ud, "w") as f:
            f.write("<powershell>Write-Host hi</powershell>\n")
        cfg = os.path.join(d, "cfg.json")
        with open(cfg, "w") as f:
            json.dump({"instance_id": "i-0abc123", "region": "eu-west-3", "role": "ecsInstanceRole",
                       "access_key_id": "ASIATESTROLEKEY00001", "secret_access_key": "roleSecret",
                       "token": "role-session-token-xyz"}, f)
        procs = []
        try:
            p, base = start("--config", cfg, "--user-data-file", ud)
            procs.append(p)
            botocore_checks(base)
            contract_checks(base)

            p, base = start("--region", "us-west-2")
            procs.append(p)
            st, _, tok = token(base)
            st, _, _ = http(base, "GET", "/latest/user-data", {"X-aws-ec2-metadata-token": tok.decode()})
            check("404 user data when none", st == 404, st)
            st, _, _ = http(base, "GET", "/latest/meta-data/iam/security-credentials/",
                             {"X-aws-ec2-metadata-token": tok.decode()})
            check("404 role listing when no role", st == 404, st)

            p, base = start("--allow-v1", "--instance-id", "i-v1")
            procs.append(p)
            st, _, body = http(base, "GET", "/latest/meta-data/instance-id")
            check("IMDSv1 allowed with --allow-v1", st == 200 and body == b"i-v1", (st, body))
        finally:
            for p in procs:
                p.terminate()
                p.wait()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
