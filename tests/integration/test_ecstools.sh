#!/usr/bin/env bash
# The ECSTools compatibility module (bootstrap/ECSTools) forwards every known
# Initialize-ECSAgent parameter to `ecs-bootstrap run --set key=value`. PowerShell
# does not run here, so this checks the module's text against two real consumers:
#  - every key it forwards is accepted by ecs-bootstrap's config (plan --set ...);
#  - for every parameter, the key matches what the PowerShell user-data reader
#    maps the same parameter to (migrate-userdata), and both give the same agent
#    environment (plan), so both paths agree;
#  - legacy user data as people write it ("$TRUE", curly quotes, -LoggingDrivers
#    '[json-file, awslogs]') gives the same agent environment and warning either way.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EB=${ECSB_BUILD:-$ROOT/build/posix}/ecs-bootstrap
PSM=$ROOT/bootstrap/ECSTools/ECSTools.psm1
export AWS_EC2_METADATA_DISABLED=true
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

known="Cluster EnableTaskIAMRole LoggingDrivers EnableTaskENI AwsvpcBlockIMDS AwsvpcAdditionalLocalRoutes Version ExternalInstance AWSDefaultRegion"
# A sample value per parameter, as a launch template would pass it.
sample() {
  case $1 in
    Cluster) echo "prod" ;; AWSDefaultRegion) echo "eu-west-1" ;; Version) echo "1.82.0" ;;
    LoggingDrivers) echo '["json-file","awslogs"]' ;; AwsvpcAdditionalLocalRoutes) echo '["10.0.0.0/16"]' ;;
    *) echo '$true' ;;
  esac
}

declared=$(sed -n '/param(/,/^    )/p' "$PSM" | grep -oE '\$[A-Za-z]+' | tr -d '$' | sort | tr '\n' ' ')
want=$(echo $known | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$declared" = "$want" ] && ok "module declares exactly the known parameters" || bad "declared: $declared; want: $want"

for p in $known; do
  # The key the module forwards this parameter as.
  key=$(grep -E "ContainsKey\('$p'\)" -A2 "$PSM" | grep -oE "[a-z_]+\.[A-Za-z_]+=" | head -n 1 | tr -d '=')
  if [ -z "$key" ]; then bad "$p: not forwarded"; continue; fi
  v=$(sample "$p"); [ "$v" = '$true' ] && setv=true || setv=$v
  if "$EB" plan --build 20348 --installation-type "Server Core" --set "$key=$setv" --json >"$T/plan.json" 2>"$T/err"; then
    ok "$p -> $key accepted by the config"
  else
    bad "$p -> $key rejected: $(head -n 1 "$T/err")"
  fi
  # What the user-data reader makes of the same parameter (the order of variables does not matter).
  printf '<powershell>\nImport-Module ECSTools\nInitialize-ECSAgent -%s %s\n</powershell>\n' "$p" \
    "$( [ "$v" = '$true' ] && echo '' || echo "'$v'")" >"$T/ud.ps1"
  "$EB" migrate-userdata "$T/ud.ps1" >"$T/ud.ini" 2>/dev/null
  section=${key%%.*} name=${key#*.}
  "$EB" plan --build 20348 --installation-type "Server Core" --userdata "$T/ud.ps1" --json >"$T/ud.json" 2>/dev/null
  if [ "$(jq -Sc .agent_environment "$T/plan.json")" = "$(jq -Sc .agent_environment "$T/ud.json")" ] &&
     [ -n "$(jq -c '.agent_environment // empty' "$T/plan.json")" ]; then
    ok "$p: module and user-data reader give the same agent environment"
  else
    bad "$p: agent environments differ: $(jq -c .agent_environment "$T/plan.json") vs $(jq -c .agent_environment "$T/ud.json")"
  fi
  # LoggingDrivers: the module forwards the agent variable itself (as Initialize-ECSAgent set it).
  [ "$key" = environment.ECS_AVAILABLE_LOGGING_DRIVERS ] && section=agent name=logging_drivers
  if awk -v s="[$section]" -v n="$name" '$0==s{sec=1;next} /^\[/{sec=0} sec && $1==n{f=1} END{exit !f}' "$T/ud.ini"; then
    ok "$p: module and user-data reader agree on $key"
  else
    bad "$p: reader maps it elsewhere: $(grep -v '^;' "$T/ud.ini" | tr '\n' ' ')"
  fi
done
# --- legacy user data as people write it, through the module and through the reader ---
# PowerShell runs it on the AMI: "$TRUE" becomes True, curly quotes are quotes, the Machine
# variables reach ecs-bootstrap from the machine scope (here: --set environment.*), and the
# module forwards the parameters as its text says.
cat >"$T/legacy.ps1" <<'UD'
<powershell>
[Environment]::SetEnvironmentVariable("ECS_ENABLE_CONTAINER_METADATA", "$TRUE", "Machine")
Add-MpPreference -ExclusionPath “C:\ProgramData\docker"
Import-Module ECSTools
Initialize-ECSAgent -Cluster 'windows-prod' -EnableTaskIAMRole -LoggingDrivers '[json-file, awslogs]'
</powershell>
UD
args=()
for p in Cluster EnableTaskIAMRole LoggingDrivers; do
  key=$(grep -E "ContainsKey\('$p'\)" -A4 "$PSM" | grep -oE "[a-z_]+\.[A-Za-z_]+=" | head -n 1 | tr -d '=')
  case $p in Cluster) v=windows-prod ;; EnableTaskIAMRole) v=true ;; LoggingDrivers) v='[json-file, awslogs]' ;; esac
  args+=(--set "$key=$v")
done
HOSTF=(--build 20348 --installation-type "Server Core")
if "$EB" plan --json "${HOSTF[@]}" --set environment.ECS_ENABLE_CONTAINER_METADATA=True "${args[@]}" \
     >"$T/mod.json" 2>"$T/err"; then ok "legacy through the module: plan exits 0"
else bad "legacy through the module: $(head -n 1 "$T/err")"; fi
if "$EB" plan --json "${HOSTF[@]}" --userdata "$T/legacy.ps1" >"$T/rd.json" 2>"$T/err"; then
  ok "legacy through the reader: plan exits 0"
else bad "legacy through the reader: $(head -n 1 "$T/err")"; fi
for v in ECS_CLUSTER ECS_ENABLE_TASK_IAM_ROLE ECS_AVAILABLE_LOGGING_DRIVERS ECS_ENABLE_CONTAINER_METADATA; do
  a=$(jq -r ".agent_environment.$v" "$T/mod.json") b=$(jq -r ".agent_environment.$v" "$T/rd.json")
  if [ "$a" = "$b" ] && [ "$a" != null ]; then ok "legacy: $v=$a either way"; else bad "legacy: $v: module $a, reader $b"; fi
done
[ "$(jq -r .agent_environment.ECS_AVAILABLE_LOGGING_DRIVERS "$T/mod.json")" = '["json-file","awslogs"]' ] &&
  ok "legacy through the module: [json-file, awslogs] written as JSON" || bad "module: logging drivers not repaired"
for f in mod rd; do
  n=$(jq '[.warnings[] | select(test("json-file, awslogs.{2} is not valid JSON; written as"))] | length' "$T/$f.json")
  [ "$n" = 1 ] && ok "legacy ($f): the repair is a warning" || bad "legacy ($f): $n warnings about the repair"
done
# Text the agent tolerates but nobody can repair is passed through by the module too.
lkey=$(grep -E "ContainsKey\('LoggingDrivers'\)" -A4 "$PSM" | grep -oE "[a-z_]+\.[A-Za-z_]+=" | head -n 1)
if "$EB" plan --json "${HOSTF[@]}" --set "${lkey}[\"json-file\",]" >"$T/pt.json" 2>"$T/err" &&
   [ "$(jq -r .agent_environment.ECS_AVAILABLE_LOGGING_DRIVERS "$T/pt.json")" = '["json-file",]' ]; then
  ok "module: malformed -LoggingDrivers passed through (the agent starts with its default drivers)"
else bad "module: malformed -LoggingDrivers: $(head -n 1 "$T/err")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
