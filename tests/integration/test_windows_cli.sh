#!/usr/bin/env bash
# ecs-bootstrap.exe under Wine, on a prefix shaped as a given Windows Server (build
# number and InstallationType in the registry, as the reference describes): it reads
# the host itself, and plans exactly what the POSIX build plans for that host.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
POSIX=${ECSB_BUILD:-$ROOT/build/posix}/ecs-bootstrap
WIN=$ROOT/build/windows/ecs-bootstrap.exe
export WINEDEBUG=-all AWS_EC2_METADATA_DISABLED=true
T=$(mktemp -d)
export WINEPREFIX=$T/prefix
trap 'wineserver -k 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
[ -f "$WIN" ] || { echo "FAIL $WIN not built (make windows)"; echo "0 passed, 1 failed"; exit 1; }

# A copy of the unit tests' prefix when there is one (faster than a new one).
if [ -d "$ROOT/build/wineprefix" ]; then cp -a "$ROOT/build/wineprefix" "$WINEPREFIX"
else mkdir -p "$WINEPREFIX"; wineboot -i >/dev/null 2>&1; wineserver -w; fi
wine winecfg -v win10 >/dev/null 2>&1

shape() { # shape BUILD INSTALLATION_TYPE
  local key='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
  wine reg add "$key" /v CurrentBuildNumber /d "$1" /f >/dev/null 2>&1
  wine reg add "$key" /v InstallationType /d "$2" /f >/dev/null 2>&1
  wineserver -k; wineserver -w   # RtlGetVersion reads the build when the prefix starts
}
win() { wine "$WIN" "$@" 2>"$T/win.err" | tr -d '\r'; }

for host in "20348|Server Core|WINDOWS_SERVER_2022_CORE" "17763|Server|WINDOWS_SERVER_2019_FULL"; do
  IFS='|' read -r build itype family <<<"$host"
  shape "$build" "$itype"
  got=$(win os-family)
  [ "$got" = "$family" ] && ok "os-family on a $build '$itype' host: $got" || bad "os-family: got '$got', want $family"
  for ud in "$ROOT"/userdata/examples/*.ps1 "$ROOT"/userdata/examples/*.txt; do
    name=$(basename "$ud")
    win plan --userdata "$ud" --json >"$T/win.json"
    "$POSIX" plan --userdata "$ud" --build "$build" --installation-type "$itype" --json >"$T/posix.json" 2>/dev/null
    filter='{os_family, agent_environment, preload_images, actions}'
    if [ -s "$T/win.json" ] && [ "$(jq -S "$filter" "$T/win.json")" = "$(jq -S "$filter" "$T/posix.json")" ]; then
      ok "plan $name on $build: Windows and POSIX builds agree"
    else
      bad "plan $name on $build differs: $(diff <(jq -S "$filter" "$T/win.json" 2>&1) <(jq -S "$filter" "$T/posix.json") | head -n 5 | tr '\n' ' ') $(head -c 200 "$T/win.err")"
    fi
  done
done
# gzip user data through stdin: the bytes must arrive unchanged (text mode would turn
# CR LF into LF and stop at ^Z). The gzip stream is chosen to contain both.
python3 - "$ROOT/userdata/examples/ini.txt" "$T/ud.gz" <<'PY'
import gzip, sys
text = open(sys.argv[1], "rb").read()
for n in range(100000):
    z = gzip.compress(text + b"; pad %d\n" % n, mtime=0)
    if b"\x1a" in z and b"\r\n" in z:
        open(sys.argv[2], "wb").write(z)
        break
PY
got=$(wine "$WIN" plan --userdata - --json <"$T/ud.gz" 2>"$T/win.err" | tr -d '\r' | jq -r .agent_environment.ECS_CLUSTER 2>/dev/null)
[ "$got" = windows-prod ] && ok "plan --userdata - with gzip (CR LF and ^Z inside) on stdin" \
  || bad "plan --userdata - with gzip on stdin: got '$got': $(head -c 300 "$T/win.err")"
got=$(wine "$WIN" migrate-userdata - <"$T/ud.gz" 2>"$T/win.err" | tr -d '\r' | grep -c '^name = windows-prod')
[ "$got" = 1 ] && ok "migrate-userdata - with gzip on stdin" || bad "migrate-userdata - with gzip: $(head -c 300 "$T/win.err")"
win migrate-userdata "$ROOT/userdata/examples/legacy-full.ps1" >"$T/win.ini"
"$POSIX" migrate-userdata "$ROOT/userdata/examples/legacy-full.ps1" >"$T/posix.ini" 2>/dev/null
cmp -s "$T/win.ini" "$T/posix.ini" && ok "migrate-userdata: same INI from both builds" || bad "migrate-userdata differs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
