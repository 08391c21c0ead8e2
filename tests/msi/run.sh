#!/usr/bin/env bash
# The MSI (what `make test-msi` calls, after `make msi`):  tests/msi/run.sh MSI_FILE
# 1. the tables, read with msiinfo: the four files, the boot-trigger service, its control
#    rows, the Event Log source;
# 2. `wine msiexec /i MSI /qn` in a fresh prefix: files, service key, registry values;
# 3. `wine msiexec /x MSI /qn`: all of it gone, a log file the run left is kept.
# Prints "msi: N passed, M failed" last.
set -u
MSI=$(cd "$(dirname "${1:-build/windows/ecs-bootstrap.msi}")" && pwd)/$(basename "${1:-build/windows/ecs-bootstrap.msi}")
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$3], got [$2]"; fi; }
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else bad "$n"; fi; }
finish() { echo "msi: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
[ -f "$MSI" ] || { bad "$MSI is built (make msi)"; finish; exit 1; }

# ---- 1. the tables ----
table() { msiinfo export "$MSI" "$1" | tr -d '\r' | tail -n +4; }
check_eq "tables: the files" "$(table File | cut -f3 | sort | tr '\n' ' ')" \
  "ECSTools.psd1 ECSTools.psm1 ecs-bootstrap.exe ecs-bootstrap.ini "
check_eq "tables: the boot trigger is an automatic own-process service running 'run --service' as LocalSystem" \
  "$(table ServiceInstall | awk -F'\t' '{print $2, $4, $5, $9, $11}')" "EcsBootstrap 16 2 LocalSystem run --service"
check_eq "tables: the service is stopped on install/uninstall and deleted on uninstall (events 0x02|0x20|0x80)" \
  "$(table ServiceControl | cut -f2,3 | tr '\t' ' ')" "EcsBootstrap 162"
check "tables: the Event Log source ecs-bootstrap with a message file" \
  sh -c "msiinfo export '$MSI' Registry | grep -q 'EventLog\\\\Application\\\\ecs-bootstrap.*EventMessageFile'"
check_eq "tables: the installed directories" \
  "$(table Directory | cut -f3 | sed 's/.*|//' | grep -E '^(ECS|ECSTools|Modules|WindowsPowerShell|Amazon)$' | sort -u | tr '\n' ' ')" \
  "Amazon ECS ECSTools Modules WindowsPowerShell "

# ---- 2. install under Wine ----
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
T=$(mktemp -d "${TMPDIR:-/tmp}/ecsb-msi.XXXXXX")
export WINEPREFIX=$T/prefix
cleanup() { local rc=$?; wineserver -k 2>/dev/null; rm -rf "$T"; return $rc; }
trap cleanup EXIT
C=$WINEPREFIX/drive_c
w() { wine "$@" </dev/null 2>/dev/null | tr -d '\r'; }
# zpath PATH: the Windows spelling of a host path through Wine's Z: drive (`winepath` once
# answered nothing right after a prefix copy).
zpath() { printf 'Z:%s' "${1//\//\\}"; }
regval() { w reg query "$1" /v "$2" | sed -n "s/^ *$2 *REG_[A-Z_]* *//p" | head -n 1; }
SVC='HKLM\System\CurrentControlSet\Services\EcsBootstrap'
SRC='HKLM\System\CurrentControlSet\Services\EventLog\Application\ecs-bootstrap'
wineboot -i >/dev/null 2>&1; wineserver -w
w msiexec /i "$(zpath "$MSI")" /qn; rc=${PIPESTATUS[0]}
check_eq "install: msiexec /i /qn exits 0" "$rc" 0
check "install: ecs-bootstrap.exe in C:\\Program Files\\Amazon\\ECS" test -f "$C/Program Files/Amazon/ECS/ecs-bootstrap.exe"
check "install: ECSTools module in the PowerShell module path" \
  test -f "$C/Program Files/WindowsPowerShell/Modules/ECSTools/ECSTools.psm1" -a \
  -f "$C/Program Files/WindowsPowerShell/Modules/ECSTools/ECSTools.psd1"
check "install: default INI in C:\\ProgramData\\Amazon\\ECS" cmp -s "$C/ProgramData/Amazon/ECS/ecs-bootstrap.ini" \
  "$(dirname "$0")/../../msi/ecs-bootstrap.ini"
check "install: the installed exe is the built one" cmp -s "$C/Program Files/Amazon/ECS/ecs-bootstrap.exe" \
  "$(dirname "$MSI")/ecs-bootstrap.exe"
# Windows Installer quotes the path; Wine's msi leaves it unquoted (docs/windows.md).
check_eq "install: boot trigger service ImagePath" "$(regval "$SVC" ImagePath | tr -d '"')" \
  'C:\Program Files\Amazon\ECS\ecs-bootstrap.exe run --service'
check_eq "install: boot trigger service starts automatically (Start = 2)" "$(regval "$SVC" Start)" 0x2
check_eq "install: boot trigger service runs as LocalSystem" "$(regval "$SVC" ObjectName)" LocalSystem
check_eq "install: Event Log source message file" "$(regval "$SRC" EventMessageFile)" \
  'C:\windows\Microsoft.NET\Framework64\v4.0.30319\EventLogMessages.dll'
check_eq "install: Event Log source types (error, warning, information)" "$(regval "$SRC" TypesSupported)" 0x7
check "install: the service answers the SCM: ecs-bootstrap run --help through the installed exe" \
  sh -c "wine 'C:\\Program Files\\Amazon\\ECS\\ecs-bootstrap.exe' run --help </dev/null 2>/dev/null | grep -q -- '--service'"

# The trigger runs: started by the SCM (as at boot), the service runs `ecs-bootstrap run`, which
# writes its status file and log and stops with run's exit code as its service-specific code.
# IMDS points at a closed loopback port (machine variable, then a restart of services.exe), so
# the run fails fast at config without leaving this machine.
w reg add 'HKLM\System\CurrentControlSet\Control\Session Manager\Environment' /v AWS_EC2_METADATA_SERVICE_ENDPOINT \
  /d http://127.0.0.1:9 /f >/dev/null
wineserver -k; wineserver -w
wine ping -n 300 127.0.0.1 </dev/null >/dev/null 2>&1 & # keeps the session alive (services end with the last process)
w sc start EcsBootstrap >/dev/null
STATUS=$C/ProgramData/Amazon/ECS/ecs-bootstrap-status.json
for _ in $(seq 1 400); do [ -s "$STATUS" ] && w sc query EcsBootstrap | grep -q STOPPED && break; sleep 0.2; done
check "trigger: the service ran ecs-bootstrap run (status file written)" test -s "$STATUS"
check_eq "trigger: run's result in the status file" "$(jq -r .result "$STATUS" 2>/dev/null)" failed
check "trigger: the reason is in the default log file, although the run failed before reading its config" \
  grep -q '\[ERROR\]:failed with exit code' "$C/ProgramData/Amazon/ECS/log/ecs-bootstrap.log"
Q=$(w sc query EcsBootstrap)
check "trigger: the service stopped" grep -q 'STATE *: 1 *STOPPED' <<<"$Q"
check "trigger: as a service-specific error (1066)" grep -q 'WIN32_EXIT_CODE *: 1066' <<<"$Q"
check_eq "trigger: its service-specific code is run's exit code" \
  "$(sed -n 's/.*SERVICE_EXIT_CODE *: \([0-9]*\).*/\1/p' <<<"$Q")" "$(jq -r .exit_code "$STATUS" 2>/dev/null)"

# ---- 3. uninstall keeps the logs ----
mkdir -p "$C/ProgramData/Amazon/ECS/log"
echo "a log line of an earlier run" >>"$C/ProgramData/Amazon/ECS/log/ecs-bootstrap.log"
w msiexec /x "$(zpath "$MSI")" /qn; rc=${PIPESTATUS[0]}
check_eq "uninstall: msiexec /x /qn exits 0" "$rc" 0
check "uninstall: ecs-bootstrap.exe removed" test ! -e "$C/Program Files/Amazon/ECS/ecs-bootstrap.exe"
check "uninstall: ECSTools removed" test ! -e "$C/Program Files/WindowsPowerShell/Modules/ECSTools"
check "uninstall: default INI removed" test ! -e "$C/ProgramData/Amazon/ECS/ecs-bootstrap.ini"
nokey() { ! wine reg query "$1" </dev/null >/dev/null 2>&1; }
check "uninstall: boot trigger service removed" nokey "$SVC"
check "uninstall: Event Log source removed" nokey "$SRC"
check "uninstall: the logs are kept" test -s "$C/ProgramData/Amazon/ECS/log/ecs-bootstrap.log"
finish
