#!/usr/bin/env bash
# ecs-bootstrap.exe preload under Wine against a named-pipe engine fixture
# (tests/fixtures/npipe_engine.c): the named-pipe HTTP/1.1 transport, chunked and
# incremental streams, errorDetail under HTTP 200, DOCKER_HOST=npipe://.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WIN=$ROOT/build/windows/ecs-bootstrap.exe
export WINEDEBUG=-all
T=$(mktemp -d)
export WINEPREFIX=$T/prefix
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: want '$2', got '$3'"; fi; }
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; wineserver -k 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
[ -f "$WIN" ] || { echo "FAIL $WIN not built (make windows)"; echo "0 passed, 1 failed"; exit 1; }
x86_64-w64-mingw32-gcc -std=c11 -O1 -Wall -Wextra -Werror -o "$T/npipe_engine.exe" "$ROOT/tests/fixtures/npipe_engine.c" ||
  { echo "0 passed, 1 failed"; exit 1; }
if [ -d "$ROOT/build/wineprefix" ]; then cp -a "$ROOT/build/wineprefix" "$WINEPREFIX"
else mkdir -p "$WINEPREFIX"; wineboot -i >/dev/null 2>&1; wineserver -w; fi

# zpath PATH: the Windows spelling of a host path through Wine's Z: drive (`winepath` once
# answered nothing right after a prefix copy).
zpath() { printf 'Z:%s' "${1//\//\\}"; }
wine "$T/npipe_engine.exe" ecsb_test_engine "$(zpath "$T/engine.log")" &
srv=$!
for _ in $(seq 100); do [ -s "$T/engine.log" ] && break; [ -e "$T/engine.log" ] && break; sleep 0.1; done
sleep 1
: >"$T/empty.ini"
CFG=$(zpath "$T/empty.ini")
HOST=(--build 20348 --installation-type "Server Core" --config "$CFG")
export DOCKER_HOST=npipe:////./pipe/ecsb_test_engine
wine "$WIN" preload "${HOST[@]}" --images "127.0.0.1:9/win/core:ltsc2022" --json >"$T/out" 2>"$T/err"
rc=$?
expect "pull over the named pipe" "0 pulled 10.0.20348.1" "$rc $(tr -d '\r' <"$T/out" | jq -r '.images[0].result + " " + .images[0].os_version')"
grep -q 'downloading' "$T/err" && ok || bad "progress from the incremental stream: $(head -c 400 "$T/err")"
wine "$WIN" preload "${HOST[@]}" --images "127.0.0.1:9/win/core:ltsc2022" --json >"$T/out" 2>"$T/err"
expect "second run: present" "0 present" "$? $(tr -d '\r' <"$T/out" | jq -r '.images[0].result')"
wine "$WIN" preload "${HOST[@]}" --images "127.0.0.1:9/win/fail:1" --json >"$T/out" 2>"$T/err"
expect "errorDetail under 200 over the pipe" "3 missing" "$? $(tr -d '\r' <"$T/out" | jq -r '.images[0].result')"
expect "pulls the fixture saw" 2 "$(grep -c '^POST' "$T/engine.log")"
DOCKER_HOST=npipe:////./pipe/nobody_here wine "$WIN" preload "${HOST[@]}" --images a/b:1 --set timeouts.docker=2s \
  >"$T/out" 2>"$T/err"
expect "no pipe: exit" 4 "$?"
grep -q 'nothing listens there' "$T/err" && ok || bad "no pipe: message: $(head -c 300 "$T/err")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
