#!/usr/bin/env bash
# ecs-bootstrap plan --json and os-family, driven from the CLI: every example in
# userdata/examples/ (whatever exists) plus the baked INI example, checked with jq.
# Needs no services. Ends with "N passed, M failed".
set -u
# plan without --userdata asks IMDS; this host has none.
export AWS_EC2_METADATA_DISABLED=true
cd "$(dirname "$0")/../.." || exit
B=${ECSB_BUILD:-$PWD/build/posix}/ecs-bootstrap
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL $*"; }
# expect NAME WANT GOT
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: want '$2', got '$3'"; fi; }
# run_rc ARGS...: runs ecs-bootstrap, stdout -> $tmp/out, stderr -> $tmp/err, sets rc
run_rc() { "$B" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
jqv() { jq -r "$1" "$tmp/out" 2>/dev/null; }

HOST=(--build 20348 --installation-type "Server Core")
INI=userdata/examples/ecs-bootstrap.ini

# --- os-family -------------------------------------------------------------------
while read -r build itype want; do
  run_rc os-family --build "$build" --installation-type "${itype//_/ }"
  expect "os-family $build $itype" "0 $want" "$rc $(cat "$tmp/out")"
done <<'ROWS'
14393 Server WINDOWS_SERVER_2016_FULL
17763 Server_Core WINDOWS_SERVER_2019_CORE
19041 Server WINDOWS_SERVER_2004_FULL
19042 Server_Core WINDOWS_SERVER_20H2_CORE
20348 Server WINDOWS_SERVER_2022_FULL
20348 Server_Core WINDOWS_SERVER_2022_CORE
26100 Server_Core WINDOWS_SERVER_2025_CORE
20348 Nano_Server windows
18363 Server_Core windows
ROWS
run_rc os-family
expect "os-family without flags on POSIX exits 2" 2 "$rc"
grep -q -- "--build N --installation-type" "$tmp/err" && ok || bad "os-family: message names the flags: $(cat "$tmp/err")"
run_rc os-family --build 20348
expect "os-family --build alone exits 2" 2 "$rc"
run_rc os-family --build 20k48 --installation-type Server
expect "os-family bad --build exits 2" 2 "$rc"
run_rc os-family --help
expect "os-family --help" 0 "$rc"

# --- plan on the baked INI example ---------------------------------------------
run_rc plan --json --config "$INI" "${HOST[@]}"
expect "plan --config example exits 0" 0 "$rc"
expect "os_family" WINDOWS_SERVER_2022_CORE "$(jqv .os_family)"
expect "ECS_CLUSTER" prod-windows "$(jqv .agent_environment.ECS_CLUSTER)"
expect "ECS_DATADIR" 'C:\ProgramData\Amazon\ECS\data' "$(jqv .agent_environment.ECS_DATADIR)"
expect "ECS_ENABLE_TASK_IAM_ROLE" true "$(jqv .agent_environment.ECS_ENABLE_TASK_IAM_ROLE)"
expect "ECS_AVAILABLE_LOGGING_DRIVERS" '["json-file","awslogs"]' "$(jqv .agent_environment.ECS_AVAILABLE_LOGGING_DRIVERS)"
expect "ECS_INSTANCE_ATTRIBUTES" '{"team":"payments"}' "$(jqv .agent_environment.ECS_INSTANCE_ATTRIBUTES)"
expect "ECS_CONTAINER_INSTANCE_TAGS" '{"cost-center":"1234"}' "$(jqv .agent_environment.ECS_CONTAINER_INSTANCE_TAGS)"
expect "ECS_IMAGE_PULL_BEHAVIOR not derived from preloading" null "$(jqv .agent_environment.ECS_IMAGE_PULL_BEHAVIOR)"
expect "ECS_EXCLUDE_UNTRACKED_IMAGE keeps the preloaded images" \
  "mcr.microsoft.com/windows/servercore:ltsc2022,mcr.microsoft.com/windows/nanoserver:ltsc2022" \
  "$(jqv .agent_environment.ECS_EXCLUDE_UNTRACKED_IMAGE)"
expect "AWS_DEFAULT_REGION" us-east-1 "$(jqv .agent_environment.AWS_DEFAULT_REGION)"
expect "ECS_CONTAINER_START_TIMEOUT" 15m "$(jqv .agent_environment.ECS_CONTAINER_START_TIMEOUT)"
expect "preload_images" "mcr.microsoft.com/windows/servercore:ltsc2022 mcr.microsoft.com/windows/nanoserver:ltsc2022" \
  "$(jqv '.preload_images | join(" ")')"
expect "source of cluster.name" "$INI:6" "$(jqv '.sources["cluster.name"]')"
expect "source of a default" default "$(jqv '.sources["agent.task_iam_role_network_host"]')"
expect "actions mention the proxy" 1 "$(jqv '[.actions[] | select(test("credential proxy"))] | length')"
expect "agent-config action" "write agent environment ($(jqv '.agent_environment | length') variables)" \
  "$(jqv '.action_detail[] | select(.name == "agent-config") | .text')"
expect "actions in run's order" \
  "config,preflight,agent-config,credential-proxy,preload-images,service,register,attributes,warm-images" \
  "$(jqv '[.action_detail[].name] | join(",")')"
expect "actions and action_detail agree" "$(jqv '.actions | join("|")')" "$(jqv '[.action_detail[].text] | join("|")')"
expect "nothing planned that run does not do" "" \
  "$(jqv '[.action_detail[] | select(.not_yet_done) | .name] | join(",")')"
expect "no warning of an action not yet done" 0 "$(jqv '[.warnings[] | select(test("not yet done"))] | length')"

# 2019 expands the placeholders differently.
run_rc plan --json --config "$INI" --build 17763 --installation-type Server
expect "2019 images" "mcr.microsoft.com/windows/servercore:ltsc2019 mcr.microsoft.com/windows/nanoserver:1809" \
  "$(jqv '.preload_images | join(" ")')"

# --set wins over the file; environment.* wins over the typed key.
run_rc plan --json --config "$INI" "${HOST[@]}" --set cluster.name=override --set environment.ECS_ENABLE_TASK_IAM_ROLE=false
expect "--set wins" override "$(jqv .agent_environment.ECS_CLUSTER)"
expect "--set source" "command line" "$(jqv '.sources["cluster.name"]')"
expect "environment.* wins" false "$(jqv .agent_environment.ECS_ENABLE_TASK_IAM_ROLE)"
expect "user-wins note" 1 "$(jqv '[.notes[] | select(test("wins over agent.task_iam_role"))] | length')"

# Human output.
run_rc plan --config "$INI" "${HOST[@]}"
expect "text plan exits 0" 0 "$rc"
grep -q "ECS_CLUSTER=prod-windows" "$tmp/out" && ok || bad "text plan lists ECS_CLUSTER"

# --- bad input: exit 3 with file:line:col ---------------------------------------
printf '[cluster]\nname = x\n[agent]\ntask_enl = true\n' >"$tmp/typo.ini"
run_rc plan --json --config "$tmp/typo.ini" "${HOST[@]}"
expect "typo exits 3" 3 "$rc"
grep -q "$tmp/typo.ini:4:12: unknown key 'task_enl' in \[agent\] (did you mean 'task_eni'?)" "$tmp/err" && ok \
  || bad "typo message: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && bad "no plan printed on bad input" || ok
run_rc plan --json --config "$INI" "${HOST[@]}" --set agent.registration_timeout=15
expect "bad --set value exits 3" 3 "$rc"
grep -q "command line: agent.registration_timeout = '15' is not accepted; accepted: a Go duration" "$tmp/err" && ok \
  || bad "bad --set message: $(cat "$tmp/err")"
run_rc plan --json --config "$tmp/missing.ini" "${HOST[@]}"
expect "missing --config exits 3" 3 "$rc"
run_rc plan --json --set nodot "${HOST[@]}"
expect "malformed --set exits 2" 2 "$rc"
run_rc plan --json --config "$INI"
expect "plan without host flags on POSIX exits 2" 2 "$rc"
grep -q -- "--build N --installation-type" "$tmp/err" && ok || bad "plan: message names the flags"
run_rc plan --bogus
expect "unknown option exits 2" 2 "$rc"
grep -q "ecs-bootstrap plan: unknown option '--bogus'" "$tmp/err" && ok || bad "unknown option message: $(cat "$tmp/err")"

# --- one flag parser: the same message for a missing value in every command -----------
for cmd in "plan --config" "run --state-dir" "status --status-file" "os-family --build"; do
  # shellcheck disable=SC2086 # the command and its flag are two words
  run_rc $cmd
  expect "$cmd without a value exits 2" 2 "$rc"
  grep -q "option '${cmd#* }' needs a value" "$tmp/err" && ok || bad "$cmd: message: $(head -n 1 "$tmp/err")"
done
run_rc plan --json --config="$INI" "${HOST[@]}"
expect "--config=FILE is accepted" "0 prod-windows" "$rc $(jqv .agent_environment.ECS_CLUSTER)"
run_rc migrate-userdata a b
expect "migrate-userdata with two files exits 2" 2 "$rc"
run_rc run --help
expect "run --help exits 0" 0 "$rc"
grep -q -- "--state-dir DIR" "$tmp/out" && ok || bad "run --help lists --state-dir: $(cat "$tmp/out")"

# --- defaults per platform: a POSIX run writes no C:\ path --------------------------
# Bad user data fails the run at once; the status file still goes to its default,
# which on POSIX is /var/lib/ecs-bootstrap/status.json, not a relative "C:\..." file.
printf '[cluster]\nname = bad name!\n' >"$tmp/bad-ud.ini"
mkdir -p "$tmp/cwd"
DEFAULT_STATUS=/var/lib/ecs-bootstrap/status.json
[ -e "$DEFAULT_STATUS" ] && had_status=1 || had_status=0
(cd "$tmp/cwd" && "$B" run --userdata "$tmp/bad-ud.ini" --config /dev/null "${HOST[@]}" --state-dir "$tmp/state" \
  >"$tmp/out" 2>"$tmp/err"); rc=$?
expect "run on bad user data exits 3" 3 "$rc"
expect "run without paths.status_file leaves nothing in the cwd" "" "$(ls -A "$tmp/cwd")"
grep -q 'C:\\' "$tmp/out" && bad "run output names a C:\ path: $(cat "$tmp/out")" || ok
# run and status share the default: status without --status-file reads what run wrote.
if [ -w "$(dirname "$(dirname "$DEFAULT_STATUS")")" ]; then
  run_rc status --json
  expect "status reads run's default status file" "0 3" "$rc $(jqv .exit_code)"
  [ "$had_status" = 1 ] || { rm -f "$DEFAULT_STATUS"; rmdir "$(dirname "$DEFAULT_STATUS")" 2>/dev/null; }
fi

# --- user data on stdin and its size limit -------------------------------------------
gzip -c userdata/examples/ini.txt >"$tmp/ud.gz"
"$B" plan --json --userdata - "${HOST[@]}" <"$tmp/ud.gz" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "plan --userdata - with gzip on stdin" "0 windows-prod" "$rc $(jqv .agent_environment.ECS_CLUSTER)"
# An endless stream is refused after the limit, not read to the end (timeout: a hang fails).
start=$(date +%s)
timeout 20 bash -c "yes | '$B' plan --userdata - ${HOST[*]@Q}" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "yes | plan --userdata - exits 3" 3 "$rc"
expect "yes | plan --userdata -: refused within seconds" 1 "$(( $(date +%s) - start < 10 ))"
grep -q "stdin: user data larger than 65536 bytes" "$tmp/err" && ok || bad "endless stdin: message: $(head -c 300 "$tmp/err")"
# A large file is refused by its size: peak memory stays far below the file's 50 MB.
head -c 50000000 /dev/zero >"$tmp/big"
/usr/bin/time -f '%M' -o "$tmp/rss" "$B" plan --userdata "$tmp/big" "${HOST[@]}" >"$tmp/out" 2>"$tmp/err"; rc=$?
expect "plan --userdata 50 MB file exits 3" 3 "$rc"
grep -q "big: user data larger than 65536 bytes" "$tmp/err" && ok || bad "50 MB file: message: $(head -c 300 "$tmp/err")"
expect "50 MB file: peak RSS under 20 MB" 1 "$(( $(cat "$tmp/rss" | tail -n 1) < 20000 ))"
run_rc migrate-userdata - <"$tmp/big"
expect "migrate-userdata - refuses 50 MB on stdin" 3 "$rc"

# --- legacy user data as people write it (issue 14) --------------------------------
# "$TRUE" in double quotes, a curly-quoted line, -LoggingDrivers without inner quotes,
# a value the agent tolerates, a <script> block: the plan succeeds and says what it did.
cat >"$tmp/legacy.txt" <<'UD'
<powershell>
$cluster = "windows-prod"
[Environment]::SetEnvironmentVariable("ECS_ENABLE_CONTAINER_METADATA", "$TRUE", "Machine")
Add-MpPreference -ExclusionPath “C:\ProgramData\docker"
[Environment]::SetEnvironmentVariable(“ECS_IMAGE_PULL_TIMEOUT”, ‘2 hours’, [System.EnvironmentVariableTarget]::Machine)
Import-Module ECSTools
Initialize-ECSAgent –Cluster "$cluster" -EnableTaskIAMRole -LoggingDrivers '[json-file, awslogs]'
</powershell>
<script>
echo done
</script>
UD
sed 's|"\$cluster"|"windows-$("x")"|' "$tmp/legacy.txt" >"$tmp/subexpr.txt"
run_rc plan --json --userdata "$tmp/subexpr.txt" "${HOST[@]}"
expect "legacy: \$(...) in a double-quoted value exits 3" 3 "$rc"
grep -q 'subexpression \$(...)' "$tmp/err" && ok || bad "legacy: the error names the subexpression: $(cat "$tmp/err")"
run_rc plan --json --userdata "$tmp/legacy.txt" "${HOST[@]}"
expect "legacy as written: plan exits 0" 0 "$rc"
expect "legacy: ECS_CLUSTER from \"\$cluster\"" windows-prod "$(jqv .agent_environment.ECS_CLUSTER)"
expect "legacy: \"\$TRUE\" is True" True "$(jqv .agent_environment.ECS_ENABLE_CONTAINER_METADATA)"
expect "legacy: [json-file, awslogs] written as JSON" '["json-file","awslogs"]' \
  "$(jqv .agent_environment.ECS_AVAILABLE_LOGGING_DRIVERS)"
expect "legacy: a tolerated bad duration passes through" '2 hours' "$(jqv .agent_environment.ECS_IMAGE_PULL_TIMEOUT)"
expect "legacy: warning for the repaired list" 1 \
  "$(jqv '[.warnings[] | select(test("agent.logging_drivers = .\\[json-file, awslogs\\]. is not valid JSON; written as"))] | length')"
expect "legacy: warning for the passed-through duration" 1 \
  "$(jqv '[.warnings[] | select(test("ECS_IMAGE_PULL_TIMEOUT = .2 hours.*passed through as written"))] | length')"
expect "legacy: the curly-quoted line is left for PowerShell" 1 \
  "$(jqv '[.ignored[] | select(.line == 4 and (.reason | test("PowerShell")))] | length')"
expect "legacy: the <script> line is left for cmd" 1 "$(jqv '[.ignored[] | select(.reason | test("cmd"))] | length')"
run_rc plan --userdata "$tmp/legacy.txt" "${HOST[@]}"
expect "legacy: plan text exits 0" 0 "$rc"
grep -q "written as \[\"json-file\",\"awslogs\"\]" "$tmp/out" && ok || bad "legacy: plan text shows the warning"
# The agent refuses to start on bad attributes: still exit 3, naming the place.
sed 's|^Import-Module ECSTools$|[Environment]::SetEnvironmentVariable("ECS_INSTANCE_ATTRIBUTES", "{team:x}", "Machine")|' \
  "$tmp/legacy.txt" >"$tmp/attrs.txt"
run_rc plan --json --userdata "$tmp/attrs.txt" "${HOST[@]}"
expect "legacy: bad ECS_INSTANCE_ATTRIBUTES exits 3" 3 "$rc"
grep -q ":6:.*ECS_INSTANCE_ATTRIBUTES.*refuses to start" "$tmp/err" && ok || bad "legacy attrs: $(cat "$tmp/err")"
# INI keeps its own strict syntax; environment.* follows the agent's.
run_rc plan --json "${HOST[@]}" --set agent.task_iam_role=maybe
expect "--set agent.task_iam_role=maybe exits 3" 3 "$rc"
run_rc plan --json "${HOST[@]}" --set environment.ECS_ENABLE_TASK_IAM_ROLE=maybe
expect "--set environment.ECS_ENABLE_TASK_IAM_ROLE=maybe exits 0" 0 "$rc"
expect "the agent's default wins: value passed through" maybe "$(jqv .agent_environment.ECS_ENABLE_TASK_IAM_ROLE)"

# --- every user-data example ------------------------------------------------------
for f in userdata/examples/*; do
  [ -f "$f" ] || continue
  case $f in *.md|*.json|*.expected*) continue ;; esac
  run_rc plan --json --userdata "$f" "${HOST[@]}"
  if [ "$rc" -ne 0 ]; then bad "plan --userdata $f exits $rc: $(head -c 300 "$tmp/err")"; continue; fi
  ok
  jq -e . "$tmp/out" >/dev/null 2>&1 && ok || bad "$f: plan JSON does not parse"
  expect "$f: ECS_DATADIR set" 1 "$(jqv '[.agent_environment.ECS_DATADIR | select(length > 0)] | length')"
  # Every JSON-valued variable must hold valid JSON (the agent refuses to start otherwise).
  for v in ECS_AVAILABLE_LOGGING_DRIVERS ECS_INSTANCE_ATTRIBUTES ECS_CONTAINER_INSTANCE_TAGS \
           ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES ECS_RESERVED_PORTS; do
    val=$(jqv ".agent_environment.$v // empty")
    [ -z "$val" ] && continue
    printf '%s' "$val" | jq -e . >/dev/null 2>&1 && ok || bad "$f: $v is not JSON: $val"
  done
  expect "$f: ignored lines carry line and reason" 0 \
    "$(jqv '[.ignored[] | select((.line | type) != "number" or (.reason | length) == 0)] | length')"
  # The cluster the example names, whatever its form (an INI block wins over PowerShell).
  want=$(awk 'tolower($0) ~ /^[[:space:]]*\[cluster\]/ {c=1; next} /^[[:space:]]*\[/ {c=0} c && $1 == "name" {print $3; exit}' < <(tr -d '\r' < "$f"))
  [ -z "$want" ] && want=$(grep -oiE -- "(-|–|—)Cluster[[:space:]]+['\"]?[A-Za-z0-9_-]+" "$f" | head -n 1 | sed -E "s/.*[[:space:]]['\"]?//")
  if [ -n "$want" ] && ! grep -qi 'ECS_CLUSTER' "$f"; then
    expect "$f: ECS_CLUSTER" "$want" "$(jqv .agent_environment.ECS_CLUSTER)"
  fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
