#!/usr/bin/env bash
# The ECSTools compatibility module (bootstrap/ECSTools) forwards every known
# Initialize-ECSAgent parameter to `ecs-bootstrap run --set key=value`. PowerShell
# does not run here, so this checks the module's text against two real consumers:
#  - every key it forwards is accepted by ecs-bootstrap's config (plan --set ...);
#  - for every parameter, the key matches what the PowerShell user-data reader
#    maps the same parameter to (migrate-userdata), so both paths agree.
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
  key=$(grep -E "ContainsKey\('$p'\)" -A2 "$PSM" | grep -oE "[a-z_]+\.[a-z_]+=" | head -n 1 | tr -d '=')
  if [ -z "$key" ]; then bad "$p: not forwarded"; continue; fi
  v=$(sample "$p"); [ "$v" = '$true' ] && setv=true || setv=$v
  if "$EB" plan --build 20348 --installation-type "Server Core" --set "$key=$setv" --json >"$T/plan.json" 2>"$T/err"; then
    ok "$p -> $key accepted by the config"
  else
    bad "$p -> $key rejected: $(head -n 1 "$T/err")"
  fi
  # What the user-data reader makes of the same parameter.
  printf '<powershell>\nImport-Module ECSTools\nInitialize-ECSAgent -%s %s\n</powershell>\n' "$p" \
    "$( [ "$v" = '$true' ] && echo '' || echo "'$v'")" >"$T/ud.ps1"
  "$EB" migrate-userdata "$T/ud.ps1" >"$T/ud.ini" 2>/dev/null
  section=${key%%.*} name=${key#*.}
  if awk -v s="[$section]" -v n="$name" '$0==s{sec=1;next} /^\[/{sec=0} sec && $1==n{f=1} END{exit !f}' "$T/ud.ini"; then
    ok "$p: module and user-data reader agree on $key"
  else
    bad "$p: reader maps it elsewhere: $(grep -v '^;' "$T/ud.ini" | tr '\n' ' ')"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
