#!/usr/bin/env bash
# HTTP backends against loopback peers (tests/integration/http_server.py): the POSIX
# http_probe (libcurl) natively and, when built, http_probe.exe (WinHTTP) under Wine.
# Checks status/echo, headers, body, timeout, body cap, connection reuse, unix
# socket, and that proxies are used except for no-proxy and link-local AWS requests.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
build=${ECSB_BUILD:-$root/build/posix}
winbuild=$root/build/windows
work=$(mktemp -d)
pass=0 fail=0
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 tests/integration/http_server.py "$work" & server_pid=$!
for _ in $(seq 50); do [ -f "$work/proxy.port" ] && [ -f "$work/echo.port" ] && break; sleep 0.1; done
ep=$(cat "$work/echo.port") pp=$(cat "$work/proxy.port")
base=http://127.0.0.1:$ep

ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; printf '%s\n' "${2:-}" | head -n 15 | sed 's/^/     /'; }
expect() { # name, output, grep -E pattern that must match
  if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else bad "$1 (wanted /$3/)" "$2"; fi
}
proxy_lines() { wc -l < "$work/proxy.log"; }

# Runs the probe of one platform with the proxy variables cleared unless given.
# PROBE_ENV holds NAME=value words: splitting it is the point.
# shellcheck disable=SC2086
probe() { # plat, args...
  local plat=$1; shift
  if [ "$plat" = posix ]; then
    env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY -u no_proxy -u NO_PROXY -u all_proxy \
      ${PROBE_ENV:-} "$build/tools/http_probe" "$@" 2>&1
  else
    env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY -u no_proxy -u NO_PROXY -u all_proxy \
      ${PROBE_ENV:-} WINEDEBUG=-all WINEPREFIX="$root/build/wineprefix" \
      wine "$winbuild/tools/http_probe.exe" "$@" 2>&1 | tr -d '\r'
  fi
}

run_suite() {
  local p=$1 out t0 t1 n0
  out=$(probe "$p" -H 'X-Test: one two' GET "$base/echo?q=1")
  expect "$p: GET echoes method, path and header" "$out" '"method": "GET", "path": "/echo\?q=1".*"X-Test": "one two"'
  expect "$p: status and response header" "$out" '^status 200$'
  expect "$p: response headers captured" "$out" '^header X-Echo: yes$'
  out=$(probe "$p" POST "$base/post" 'hello {"json"} body')
  expect "$p: POST body arrives intact" "$out" '"body": "hello \{\\"json\\"\} body"'
  out=$(probe "$p" PUT "$base/put" 'x=1')
  expect "$p: PUT method" "$out" '"method": "PUT".*"body": "x=1"'

  out=$(probe "$p" --twice GET "$base/conn")
  local ports
  ports=$(printf '%s\n' "$out" | grep -oE '"client_port": [0-9]+' | sort -u | wc -l)
  local count
  count=$(printf '%s\n' "$out" | grep -c '^status 200$')
  if [ "$count" -eq 2 ] && [ "$ports" -eq 1 ]; then ok "$p: two requests share one connection"
  else bad "$p: connection reuse ($count responses, $ports client ports)" "$out"; fi

  t0=$(date +%s)
  out=$(probe "$p" --timeout 1000 GET "$base/sleep/30")
  t1=$(date +%s)
  expect "$p: slow server gives the timeout error" "$out" '^error (timeout|ECSB_ERR_TIMEOUT)'
  # Functional bound only: the 1 s deadline must end the request long before the 30 s
  # reply (the margin absorbs Wine start-up on a loaded machine).
  if [ $((t1 - t0)) -lt 20 ]; then ok "$p: timeout ends the request early"; else bad "$p: timeout took $((t1 - t0)) s"; fi

  t0=$(date +%s)
  out=$(probe "$p" --timeout 2000 GET "$base/drip/60")
  t1=$(date +%s)
  expect "$p: a server dripping one byte per 0.5 s hits the whole-request deadline" "$out" \
    '^error (timeout|ECSB_ERR_TIMEOUT)'
  # The drip lasts 30 s; the 2 s deadline must end it long before (margin for Wine).
  if [ $((t1 - t0)) -lt 20 ]; then ok "$p: the deadline covers the body read"; else bad "$p: drip took $((t1 - t0)) s"; fi

  out=$(probe "$p" -H 'X-aws-ec2-metadata-token: secret' GET "$base/redirect")
  expect "$p: a redirect is returned, not followed" "$out" '^status 302$'
  if printf '%s\n' "$out" | grep -q '"path": "/echo-after-redirect"'; then bad "$p: the redirect was followed" "$out"
  else ok "$p: the redirect target never saw the request"; fi

  out=$(probe "$p" --max-body 1000 GET "$base/big/5000")
  expect "$p: body over the cap is refused" "$out" '^error .*larger than 1000 bytes'
  out=$(probe "$p" --max-body 5000 GET "$base/big/5000")
  expect "$p: body at the cap is accepted" "$out" '^body-length 5000$'

  out=$(probe "$p" --connect-timeout 1000 GET "http://127.0.0.1:1/")
  expect "$p: refused connection is a transport error" "$out" '^error (http|ECSB_ERR_HTTP)'

  n0=$(proxy_lines)
  out=$(PROBE_ENV="http_proxy=http://127.0.0.1:$pp HTTP_PROXY=http://127.0.0.1:$pp" probe "$p" GET "$base/through")
  expect "$p: proxy from the environment is used" "$out" "^body via-proxy GET (http://127.0.0.1:$ep)?/through"
  if [ "$(proxy_lines)" -gt "$n0" ]; then ok "$p: proxy saw the request"; else bad "$p: proxy log unchanged"; fi

  n0=$(proxy_lines)
  out=$(PROBE_ENV="http_proxy=http://127.0.0.1:$pp HTTP_PROXY=http://127.0.0.1:$pp" probe "$p" --no-proxy GET "$base/direct")
  expect "$p: no_proxy request goes direct" "$out" '"path": "/direct"'
  if [ "$(proxy_lines)" -eq "$n0" ]; then ok "$p: proxy did not see the no_proxy request"; else bad "$p: proxy saw a no_proxy request"; fi

  n0=$(proxy_lines)
  out=$(PROBE_ENV="http_proxy=http://127.0.0.1:$pp HTTP_PROXY=http://127.0.0.1:$pp" probe "$p" --timeout 1500 --connect-timeout 1000 GET "http://169.254.169.254/latest/meta-data/")
  if [ "$(proxy_lines)" -eq "$n0" ]; then ok "$p: IMDS address never goes through the proxy"; else bad "$p: proxy saw an IMDS request" "$out"; fi
}

run_suite posix
out=$(probe posix --unix-socket "$work/echo.sock" GET "http://localhost/v1.41/info")
expect "posix: unix socket request" "$out" '"path": "/v1.41/info".*"client_port": "unix"'

if [ -x "$winbuild/tools/http_probe.exe" ] && command -v wine >/dev/null; then
  run_suite windows
  out=$(probe windows --unix-socket "$work/echo.sock" GET "http://localhost/v1.41/info")
  expect "windows: unix socket is unsupported" "$out" '^error (unsupported|ECSB_ERR_UNSUPPORTED)'
else
  bad "windows: $winbuild/tools/http_probe.exe not built (run make windows)"
fi

echo "$pass passed, $fail failed"
