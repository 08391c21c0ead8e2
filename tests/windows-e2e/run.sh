#!/usr/bin/env bash
# The Windows build end to end under Wine (what `make test-windows-e2e` calls):
#   tests/windows-e2e/run.sh BUILD_DIR        (BUILD_DIR: build/windows)
# For each shape -- (20348, "Server Core") and (17763, "Server") -- a copy of one prepared
# Wine prefix is shaped as that Windows Server; `wine ecs-bootstrap.exe run` then reads legacy
# Initialize-ECSAgent user data from the fake IMDS, talks to moto (signature checks on) through
# WinHTTP with BCrypt-signed requests, installs and starts AmazonECS through Wine's service
# control manager (the fake agent's Windows build as the agent) and publishes attributes.
# Wine specifics the scenario accounts for (see docs/windows.md):
#  - Wine ignores the per-service Environment value, and an already running services.exe gives
#    services the machine environment it started with: the first run fails at register (the
#    agent starts without ECS_CLUSTER), a simulated reboot (wineserver -k) fixes it, as a reboot
#    would on a Windows host whose SCM ignored that value.
#  - wineserver ends services when the last ordinary Wine process exits: a keep-alive process.
#  - no `sc qc`: the service configuration is read from the registry.
# DEMO=1 also prints every run's output (make demo-windows). TIMINGS=FILE appends the phase
# timings to FILE (bench/README.md). Prints "windows-e2e: N passed, M failed" last.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WB=$(cd "${1:-build/windows}" && pwd) || exit 2
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/     | /' "$2" | tail -n 25; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$3], got [$2]" "${OUT:-}"; fi; }
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else bad "$n" "${OUT:-}"; fi; }
finish() { echo "windows-e2e: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
PREFIXES=()
we_cleanup() { # ends only the wineservers of our own prefixes
  local p
  for p in "${PREFIXES[@]}"; do WINEPREFIX=$p wineserver -k 2>/dev/null; done
}

if ! command -v wine >/dev/null || ! command -v wineserver >/dev/null; then
  bad "wine and wineserver are installed (make deps)"; finish; exit 1
fi
for f in ecs-bootstrap.exe fake-ecs-agent.exe tools/svc_dummy.exe; do
  [ -f "$WB/$f" ] || { bad "$WB/$f is built (make windows)"; finish; exit 1; }
done

ls_init
on_exit() { local rc=$?; we_cleanup; (exit "$rc"); ls_cleanup; }
trap on_exit EXIT
if ! { ls_start_moto && ls_run_instance; }; then bad "moto starts with an instance"; finish; exit 1; fi
UD=$LS_TMP/userdata.txt
echo placeholder >"$UD"
ls_start_imds "$UD" || { bad "fake IMDS starts"; finish; exit 1; }

MACHINE_ENV='HKEY_LOCAL_MACHINE\System\CurrentControlSet\Control\Session Manager\Environment'
SVC_KEY='HKEY_LOCAL_MACHINE\System\CurrentControlSet\Services\AmazonECS'
CV_KEY='HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion'

# w CMD...: wine in the current prefix ($WINEPREFIX exported by the caller).
w() { wine "$@" </dev/null; }
# import_reg FILE: regedit /S of a .reg file. Its Windows path is spelled from Wine's Z: drive
# (the root of the host's file system) rather than asked of `winepath`, which once answered
# nothing right after a prefix was copied, so the import silently did nothing.
import_reg() {
  w regedit /S "Z:${1//\//\\}"
}
# regval KEY NAME: the data of one value ("" when absent), as `reg query` prints it.
regval() {
  w reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
    sed -n "s/^ *$2 *REG_[A-Z_]* *//p" | head -n 1
}

# One prepared prefix: Windows 10 mode, the docker stand-in service (auto-start), the fake
# agent where the agent lives, the baked INI. Copied per shape.
prepare_prefix() {
  local p=$LS_TMP/prefix-base
  export WINEPREFIX=$p
  PREFIXES+=("$p")
  w winecfg -v win10 >/dev/null 2>&1 || return 1
  mkdir -p "$p/drive_c/Program Files/Docker" "$p/drive_c/Program Files/Amazon/ECS" \
    "$p/drive_c/ProgramData/Amazon/ECS" "$p/drive_c/ecsb"
  cp "$WB/tools/svc_dummy.exe" "$p/drive_c/Program Files/Docker/dockerd.exe"
  cp "$WB/fake-ecs-agent.exe" "$p/drive_c/Program Files/Amazon/ECS/amazon-ecs-agent.exe"
  cp "$WB/tools/svc_dummy.exe" "$p/drive_c/ecsb/keepalive.exe"
  cat >"$p/drive_c/ProgramData/Amazon/ECS/ecs-bootstrap.ini" <<'INI'
; baked configuration of the simulated AMI (default Windows paths)
[agent]
registration_timeout = 60s
[timeouts]
docker = 30s
INI
  w sc create docker binPath= '"C:\Program Files\Docker\dockerd.exe" --run-service' start= auto \
    >/dev/null 2>&1 || return 1
  wineserver -k
  wineserver -w 2>/dev/null
  PREFIXES=()
}

# shape NAME BUILD ITYPE PORT: a copy of the prepared prefix shaped as that Windows Server, with
# the test endpoints as machine variables before services.exe starts (the agent reads them there).
shape() {
  local p=$LS_TMP/prefix-$1 reg=$LS_TMP/shape-$1.reg
  cp -a "$LS_TMP/prefix-base" "$p"
  export WINEPREFIX=$p
  PREFIXES+=("$p")
  printf 'Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n"CurrentBuildNumber"="%s"\r\n"CurrentBuild"="%s"\r\n"InstallationType"="%s"\r\n\r\n[%s]\r\n"AWS_ENDPOINT_URL"="%s"\r\n"AWS_EC2_METADATA_SERVICE_ENDPOINT"="%s"\r\n"ECS_FAKE_AGENT_INTROSPECTION_PORT"="%s"\r\n' \
    "$CV_KEY" "$2" "$2" "$3" "$MACHINE_ENV" "$LS_MOTO" "$LS_IMDS" "$4" >"$reg"
  import_reg "$reg" || return 1
  reboot
  # The shape is what every later check stands on: make sure it is there.
  [ "$(regval "$MACHINE_ENV" AWS_EC2_METADATA_SERVICE_ENDPOINT)" = "$LS_IMDS" ]
}

# reboot: a simulated reboot: every process of the prefix ends, services.exe starts anew with the
# machine environment and starts the auto-start services; a keep-alive process holds the session.
reboot() {
  wineserver -k 2>/dev/null
  wineserver -w 2>/dev/null
  wine 'C:\ecsb\keepalive.exe' --tag keepalive </dev/null >/dev/null 2>&1 &
  sleep 1
}

# run NAME: `wine ecs-bootstrap.exe run` as at boot, with RUN_ARGS; output in $OUT, exit code in RC.
RUN_ARGS=()
run() {
  OUT=$LS_TMP/$1.out
  local t0; t0=$(date +%s%N)
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_REGION \
    -u AWS_DEFAULT_REGION AWS_ENDPOINT_URL="$LS_MOTO" AWS_EC2_METADATA_SERVICE_ENDPOINT="$LS_IMDS" \
    ECS_BOOTSTRAP_INTROSPECTION_URL="http://127.0.0.1:$PORT/v1/metadata" \
    WINEDEBUG=-all,+eventlog wine "$WB/ecs-bootstrap.exe" run --config 'C:\ProgramData\Amazon\ECS\ecs-bootstrap.ini' \
    "${RUN_ARGS[@]}" </dev/null >"$OUT" 2>&1
  RC=$?
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  tr -d '\r' <"$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  # DEMO=1 (make demo-windows): show the run as an operator would see it.
  [ -z "${DEMO:-}" ] || { printf '\n\033[1m==> wine ecs-bootstrap.exe run (%s)\033[0m\n' "$1"; grep -v '^[0-9a-f]*:' "$OUT"; }
  # Timings for bench/README.md (emulation, not a Windows performance claim).
  [ -z "${TIMINGS:-}" ] || { echo "$1 total ${ELAPSED_MS}ms"; grep -o ']:phase [a-z-]*: [a-z]* in [0-9.]*s' "$OUT" |
    sed 's/^]:phase /  /'; } >>"$TIMINGS"
}
phase() { sed -n "s/.*\]:phase $1: \([a-z]*\) in .*/\1/p" "$OUT" | tail -n 1; }
attr() { jq -r --arg n "$2" '.containerInstances[0].attributes[]? | select(.name==$n) | .value' "$1"; }

# scenario NAME BUILD ITYPE CLUSTER FAMILY [agent-dies|task-iam-role]
scenario() {
  local name=$1 build=$2 itype=$3 cluster=$4 family=$5 ci=$LS_TMP/ci-$1.json
  PORT=$(free_port)
  printf '<powershell>\r\n[Environment]::SetEnvironmentVariable("ECS_IMAGE_PULL_BEHAVIOR", "prefer-cached", "Machine")\r\nImport-Module ECSTools\r\nInitialize-ECSAgent -Cluster "%s" -LoggingDrivers '"'"'["json-file","awslogs"]'"'"'\r\n</powershell>\r\n' \
    "$cluster" >"$UD"
  ls_imds_userdata "$UD"
  ls_create_cluster "$cluster"
  shape "$name" "$build" "$itype" "$PORT" || { bad "$name: prefix shaped ($build, $itype)"; return; }

  # First boot: everything is installed; the agent, started by a services.exe that predates the
  # machine variables just written, registers nowhere (Wine ignores the per-service Environment).
  run "$name-boot1"
  check_eq "$name boot 1: config ok" "$(phase config)" ok
  check_eq "$name boot 1: preflight ok (docker stand-in service RUNNING)" "$(phase preflight)" ok
  check_eq "$name boot 1: agent-config writes the machine environment" "$(phase agent-config)" changed
  check_eq "$name boot 1: service installs and starts AmazonECS through the SCM" "$(phase service)" changed
  check_eq "$name boot 1: register fails (Wine: no per-service Environment before a reboot)" \
    "$(phase register)" failed
  check_eq "$name boot 1: exit code 5 (agent)" "$RC" 5
  check "$name boot 1: the failure says the agent log is missing" grep -q 'the agent wrote no log at' "$OUT"
  check "$name boot 1: exit 0 before registering is explained (terminal error reported as success)" \
    grep -q 'exit code 0: .*reports a terminal error' "$OUT"
  # Wine keeps no Event Log; its ReportEventW prints each event on the eventlog debug channel.
  check "$name boot 1: the failure is an error event (ReportEventW)" \
    grep -q 'err:eventlog:ReportEventW L"failed with exit code 5: the ECS agent stopped' "$OUT"
  check_eq "$name registry: machine ECS_CLUSTER=$cluster" "$(regval "$MACHINE_ENV" ECS_CLUSTER)" "$cluster"
  check_eq "$name registry: machine ECS_DATADIR" "$(regval "$MACHINE_ENV" ECS_DATADIR)" \
    'C:\ProgramData\Amazon\ECS\data'
  check_eq "$name registry: user's Machine variable kept (ECS_IMAGE_PULL_BEHAVIOR=prefer-cached)" \
    "$(regval "$MACHINE_ENV" ECS_IMAGE_PULL_BEHAVIOR)" prefer-cached
  check_eq "$name registry: ECS_AVAILABLE_LOGGING_DRIVERS from -LoggingDrivers" \
    "$(regval "$MACHINE_ENV" ECS_AVAILABLE_LOGGING_DRIVERS)" '["json-file","awslogs"]'

  # Reboot: services.exe restarts with the new machine environment and starts AmazonECS.
  reboot
  run "$name-boot2"
  check_eq "$name boot 2: run exits 0" "$RC" 0
  check_eq "$name boot 2: config ok" "$(phase config)" ok
  check_eq "$name boot 2: preflight ok" "$(phase preflight)" ok
  check_eq "$name boot 2: agent-config unchanged" "$(phase agent-config)" unchanged
  check_eq "$name boot 2: service unchanged (started at boot by the SCM)" "$(phase service)" unchanged
  check "$name boot 2: register ok or unchanged" grep -Eq ']:phase register: (ok|unchanged) in' "$OUT"
  check "$name boot 2: the result is an information event (ReportEventW)" \
    grep -q 'eventlog:ReportEventW L"done: arn:aws:ecs:' "$OUT"
  check_eq "$name boot 2: attributes published" "$(phase attributes)" changed
  ls_instances "$cluster" >"$ci"
  check_eq "$name moto: one container instance in $cluster" "$(jq '.containerInstances | length' "$ci")" 1
  check_eq "$name moto: ecs.os-family = $family" "$(attr "$ci" ecs.os-family)" "$family"

  run "$name-boot3"
  check_eq "$name boot 3: exits 0" "$RC" 0
  check_eq "$name boot 3: no action changed anything" "$(grep -c ']:phase [a-z-]*: changed in' "$OUT")" 0
  check_eq "$name boot 3: six actions ran" "$(grep -c ']:phase [a-z-]*: [a-z]* in' "$OUT")" 6
  check_eq "$name moto: still one container instance" \
    "$(ls_instances "$cluster" | jq '.containerInstances | length')" 1

  # What the SCM stored (Wine has no `sc qc`): the service key.
  check_eq "$name service key: ImagePath" "$(regval "$SVC_KEY" ImagePath)" \
    '"C:\Program Files\Amazon\ECS\amazon-ecs-agent.exe" -windows-service'
  check_eq "$name service key: Start = automatic (2)" "$(regval "$SVC_KEY" Start)" 0x2
  check_eq "$name service key: DependOnService = docker" "$(regval "$SVC_KEY" DependOnService)" docker
  check_eq "$name service key: DisplayName" "$(regval "$SVC_KEY" DisplayName)" "Amazon ECS"
  check_eq "$name service key: ObjectName LocalSystem" "$(regval "$SVC_KEY" ObjectName)" LocalSystem
  check "$name service key: per-service Environment holds ECS_CLUSTER" \
    sh -c "wine reg query '$SVC_KEY' /v Environment 2>/dev/null | grep -q 'ECS_CLUSTER=$cluster'"

  # Secrets: the role's secret key reaches no run output, no file under ProgramData (status file,
  # logs, state) and no registry hive of the prefix.
  local hits
  hits=$(grep -rlF -- "$LS_SK" "$LS_TMP"/*.out "$WINEPREFIX/drive_c/ProgramData" "$WINEPREFIX"/*.reg 2>/dev/null | wc -l)
  check_eq "$name: the secret key is in no output, ProgramData file or registry hive" "$hits" 0

  if [ "${6:-}" = task-iam-role ]; then
    # Task IAM roles on a host whose Docker nat adapter never comes up (Wine has no HNS): the
    # action reads the adapters and the routes (IP Helper API), warns that the ports cannot be
    # reserved (Wine's stubs are not called), waits for the adapter within timeouts.docker, then
    # fails loudly instead of hanging the boot.
    RUN_ARGS=(--set agent.task_iam_role=true --set timeouts.docker=3s)
    run "$name-iam"
    RUN_ARGS=()
    check_eq "$name task IAM role, no nat adapter: run exits 4" "$RC" 4
    check_eq "$name task IAM role: credential-proxy failed" "$(phase credential-proxy)" failed
    check "$name task IAM role: it waited for the adapter" grep -q 'waiting for the Docker nat adapter' "$OUT"
    check "$name task IAM role: the failure names the adapter and the docker service" \
      grep -q "gave up after the 3s of \[timeouts\] docker: no Up network adapter named 'vEthernet (nat...)' yet.*docker service" "$OUT"
    check "$name task IAM role: the port reservation is a warning naming the fix" \
      grep -q 'ports 51678-51679 not reserved .*Wine does not implement LookupPersistentTcpPortReservation.*excludedportrange' "$OUT"
    check_eq "$name task IAM role: the agent was not started after the failure" "$(phase service)" ""
  fi
  [ "${6:-}" = agent-dies ] || return 0
  # The agent dies 1.5 s after each start with exit code 1 (machine variables, then a reboot).
  printf 'Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n"FAKE_AGENT_EXIT_AFTER_MS"="1500"\r\n"FAKE_AGENT_EXIT_CODE"="1"\r\n"FAKE_AGENT_REGISTER_DELAY_MS"="10000"\r\n' \
    "$MACHINE_ENV" >"$LS_TMP/dies.reg"
  import_reg "$LS_TMP/dies.reg"
  reboot
  run "$name-dies"
  check_eq "$name agent dies: run exits 5" "$RC" 5
  check_eq "$name agent dies: register failed" "$(phase register)" failed
  check "$name agent dies: the failure names the agent's exit code 1" grep -q 'exit code 1' "$OUT"
}

prepare_prefix || { bad "a Wine prefix is prepared (winecfg -v win10, docker stand-in)"; finish; exit 1; }
scenario core2022 20348 "Server Core" win-core-2022 WINDOWS_SERVER_2022_CORE agent-dies
we_cleanup; PREFIXES=()
scenario full2019 17763 "Server" win-full-2019 WINDOWS_SERVER_2019_FULL task-iam-role
finish
