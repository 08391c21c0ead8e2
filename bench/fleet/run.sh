#!/usr/bin/env bash
# bench/fleet: an Auto Scaling scale-out on local services. N simulated hosts boot at the
# same moment against one moto (signature checks on), each with its own EC2 instance, fake
# IMDS port (one Python process serves them all: bench/fleet/imds_fleet.py), agent
# introspection port and state. Every caller has its own listener on one fault proxy
# (tests/fakes/fault_proxy.py --labels): host i's bootstrapper calls through b<i>, its agent
# through a<i> (environment.AWS_ENDPOINT_URL_ECS in its user data), so faults are counted
# apart. Fault modes: random (a probability per call: FLEET_THROTTLE, FLEET_ERR500) and
# rate (a token bucket across the fleet, as ECS throttles per account: FLEET_RATE calls/s).
# Two rounds: first boot, then the fast path (rerun, faults still on). After each round:
# registered with attributes in moto, one agent per host, status file = exit code, no
# temp files left; then one table row per round.
#   bench/fleet/run.sh BUILD_DIR   (FLEET_SIZES="10 25 50", FLEET_MODES="random rate",
#                                   FLEET_STRICT=1: exit 1 when a check fails)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/posix}" && pwd)
SIZES=${FLEET_SIZES:-10 25 50}
MODES=${FLEET_MODES:-random rate}
THROTTLE=${FLEET_THROTTLE:-0.3} ERR500=${FLEET_ERR500:-0.05} RATE=${FLEET_RATE:-20}
RUSAGE=$ROOT/build/bench/rusage
mkdir -p "$ROOT/build/bench"
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$RUSAGE" "$ROOT/bench/boot/rusage.c" || exit 1
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
LS_BUILD=$BUILD
ls_init
ls_start_moto || { echo "bench/fleet: moto did not start"; exit 1; }
ls_role_credentials
failures=0
REPORT=${FLEET_REPORT:-$ROOT/build/bench/fleet.txt}
: >"$REPORT"

# start_fleet N MODE: instances, cluster, hosts, the IMDS fleet and the proxy for one run.
start_fleet() {
  local n=$1 mode=$2 i port
  F=$LS_TMP/fleet-$n-$mode CLUSTER=fleet-$n-$mode
  mkdir -p "$F"
  ls_create_cluster "$CLUSTER" || return 1
  ls_aws ec2 run-instances --image-id ami-0f7cc2a4e9cb93130 --count "$n" --instance-type m5.large \
    --query 'Instances[].InstanceId' --output text | tr '\t' '\n' >"$F/instances" || return 1
  [ "$(wc -l <"$F/instances")" -eq "$n" ] || return 1
  local labels=""
  for ((i = 1; i <= n; i++)); do labels+="b$i,a$i,"; done
  : >"$F/proxy.ports"; : >"$F/imds.ports"
  python3 "$ROOT/tests/fakes/fault_proxy.py" --upstream "$LS_MOTO" --labels "${labels%,}" >"$F/proxy.ports" 2>"$F/proxy.log" &
  LS_PIDS+=($!); PROXY_PID=$!
  for ((i = 0; i < 100; i++)); do [ "$(wc -l <"$F/proxy.ports")" -gt "$((2 * n))" ] && break; sleep 0.1; done
  PROXY=http://127.0.0.1:$(head -n 1 "$F/proxy.ports")
  # One user data file per host: its agent calls through its own proxy listener.
  local hosts="[" id
  for ((i = 1; i <= n; i++)); do
    id=$(sed -n "${i}p" "$F/instances")
    port=$(awk -v l="a$i" '$1 == l {print $2}' "$F/proxy.ports")
    printf '[cluster]\nname = %s\n[attributes]\nteam = payments\nhost = h%d\n[environment]\nAWS_ENDPOINT_URL_ECS = http://127.0.0.1:%s\n' \
      "$CLUSTER" "$i" "$port" >"$F/ud$i.ini"
    hosts+=$(jq -n --arg i "$id" --arg u "$F/ud$i.ini" --arg r "$LS_REGION" --arg a "$LS_ROLE_AK" \
      --arg s "$LS_ROLE_SK" --arg t "$LS_ROLE_TOKEN" \
      '{instance_id:$i,user_data_file:$u,region:$r,role:"ecsInstanceRole",access_key_id:$a,secret_access_key:$s,token:$t}')
    [ "$i" -lt "$n" ] && hosts+=","
  done
  (umask 077; printf '%s]' "$hosts" >"$F/imds-hosts.json")
  python3 "$ROOT/bench/fleet/imds_fleet.py" --hosts "$F/imds-hosts.json" >"$F/imds.ports" 2>"$F/imds.log" &
  LS_PIDS+=($!); IMDS_PID=$!
  for ((i = 0; i < 100; i++)); do [ "$(wc -l <"$F/imds.ports")" -ge "$n" ] && break; sleep 0.1; done
  # free_port does not reserve its port: two hosts could be handed the same one, and
  # then one bootstrapper would read the other host's agent. Re-pick duplicates.
  local -A used=()
  for ((i = 1; i <= n; i++)); do
    # The baked INI lets user data steer the agent's ECS endpoint (docs/security.md): the
    # simulated AMI owner routes each host's agent through its own proxy listener.
    ls_host "$F/h$i" $'[trust]\nallow_from_userdata = environment.AWS_ENDPOINT_URL_ECS' >/dev/null 2>&1
    port=$(cat "$F/h$i/introspection.port")
    while [ -n "${used[$port]:-}" ]; do port=$(free_port); done
    used[$port]=1
    echo "$port" >"$F/h$i/introspection.port"
  done
}

# boot_one I ROUND: host I's ecs-bootstrap run (under rusage) through its proxy listener.
boot_one() {
  local i=$1 round=$2
  # shellcheck disable=SC2034 # LS_HOST_DIR, LS_IMDS are read by ls_bootstrap
  LS_HOST_DIR=$F/h$i
  # shellcheck disable=SC2034
  LS_IMDS=http://127.0.0.1:$(sed -n "${i}p" "$F/imds.ports")
  LS_MOTO=http://127.0.0.1:$(awk -v l="b$i" '$1 == l {print $2}' "$F/proxy.ports")
  LS_BUILD=$F/shim-$round-$i
  mkdir -p "$LS_BUILD"
  printf '#!/bin/sh\nexec %s "%s" %s "$@"\n' "$RUSAGE" "$F/$round.rusage" "$BUILD/ecs-bootstrap" >"$LS_BUILD/ecs-bootstrap"
  chmod +x "$LS_BUILD/ecs-bootstrap"
  ls_bootstrap >"$F/h$i/$round.log" 2>&1 </dev/null
  echo "$i $?" >>"$F/$round.rc"
}

# run_round ROUND N: all hosts at once; waits for every one.
run_round() {
  local round=$1 n=$2 i pids=()
  : >"$F/$round.rc"; : >"$F/$round.rusage"
  curl -s -X POST "$PROXY/_fault/reset" >/dev/null
  curl -s -X POST -H 'Content-Type: application/json' --data "$FAULTS" "$PROXY/_fault" >/dev/null
  local t0
  t0=$(date +%s%N)
  for ((i = 1; i <= n; i++)); do boot_one "$i" "$round" & pids+=($!); done
  wait "${pids[@]}"
  ROUND_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  curl -s "$PROXY/_fault/stats" >"$F/$round.stats"
}

# check_round ROUND N: prints the failed checks; sets CHECK_FAIL (count).
check_round() {
  local round=$1 n=$2 i rc st agents leftover
  CHECK_FAIL=0
  ls_instances "$CLUSTER" >"$F/$round.instances.json"
  local registered with_attrs
  registered=$(jq '[.containerInstances[] | select(.status == "ACTIVE")] | length' "$F/$round.instances.json")
  with_attrs=$(jq '[.containerInstances[] | select(([.attributes[]? | select(.name == "ecs.os-family" and .value == "WINDOWS_SERVER_2022_CORE")] | length) == 1 and ([.attributes[]? | select(.name == "team" and .value == "payments")] | length) == 1)] | length' "$F/$round.instances.json")
  local distinct
  distinct=$(jq -r '.containerInstances[].ec2InstanceId' "$F/$round.instances.json" | sort -u | comm -12 - <(sort "$F/instances") | wc -l)
  CHECKS="registered $registered/$n, with attributes $with_attrs/$n, distinct instances $distinct/$n"
  [ "$registered" -eq "$n" ] && [ "$with_attrs" -eq "$n" ] && [ "$distinct" -eq "$n" ] || CHECK_FAIL=$((CHECK_FAIL + 1))
  local one_agent=0 status_ok=0 clean=0 fast=0 own=0 arn ec2
  while read -r i rc; do
    # the ARN this host reported is the container instance of this host's EC2 instance
    arn=$(jq -r '.container_instance_arn // empty' "$F/h$i/status.json" 2>/dev/null)
    ec2=$(jq -r --arg a "$arn" '.containerInstances[] | select(.containerInstanceArn == $a) | .ec2InstanceId' "$F/$round.instances.json")
    [ -n "$arn" ] && [ "$ec2" = "$(sed -n "${i}p" "$F/instances")" ] && own=$((own + 1))
    agents=$(pgrep -fc -- "$F/h$i/agent/amazon-ecs-agent" || true)
    [ "$agents" = 1 ] && one_agent=$((one_agent + 1))
    st=$(jq -r .exit_code "$F/h$i/status.json" 2>/dev/null)
    [ "$st" = "$rc" ] && status_ok=$((status_ok + 1))
    leftover=$(find "$F/h$i" -name '*.tmp.*' | wc -l)
    [ "$leftover" -eq 0 ] && clean=$((clean + 1))
    # fast path: nothing changed (no phase "changed", the agent started before this round)
    grep -q ']:phase [a-z-]*: changed' "$F/h$i/$round.log" || fast=$((fast + 1))
  done <"$F/$round.rc"
  CHECKS+=", own instance $own/$n, one agent $one_agent/$n, status = exit $status_ok/$n, no leftovers $clean/$n"
  # agents started again after a transient exit (throttled registration), for the record
  CHECKS+=", agent restarts $(cat "$F"/h*/"$round".log | grep -c 'starting it again')"
  [ "$round" = rerun ] && CHECKS+=", fast path $fast/$n"
  [ "$own" -eq "$n" ] && [ "$one_agent" -eq "$n" ] && [ "$status_ok" -eq "$n" ] && [ "$clean" -eq "$n" ] || CHECK_FAIL=$((CHECK_FAIL + 1))
  [ "$round" != rerun ] || [ "$fast" -eq "$n" ] || CHECK_FAIL=$((CHECK_FAIL + 1))
}

pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; printf "%.0f", v[i]}'; }

# row ROUND N MODE: one table line.
row() {
  local round=$1 n=$2 mode=$3 codes w50 w95 wmax c50 cmax
  codes=$(awk '{c[$2]++} END {for (k in c) printf "%s%s:%d", (n++ ? " " : ""), k, c[k]}' "$F/$round.rc")
  w50=$(awk '{print $1}' "$F/$round.rusage" | pct 50); w95=$(awk '{print $1}' "$F/$round.rusage" | pct 95)
  wmax=$(awk '{print $1}' "$F/$round.rusage" | pct 100)
  c50=$(awk '{print $2}' "$F/$round.rusage" | pct 50); cmax=$(awk '{print $2}' "$F/$round.rusage" | pct 100)
  local faults
  faults=$(jq -r '[.labels | to_entries[] | select(.key | startswith("b"))] as $b | [.labels | to_entries[] | select(.key | startswith("a"))] as $a |
    "\($b | map(.value.requests) | add // 0)/\($b | map(.value.throttled) | add // 0)/\($b | map(.value.errors) | add // 0) \($a | map(.value.requests) | add // 0)/\($a | map(.value.throttled) | add // 0)/\($a | map(.value.errors) | add // 0) \(if .forwarded > 0 then (.upstream_ms / .forwarded * 10 | round / 10) else 0 end)"' "$F/$round.stats")
  read -r fb fa moto <<<"$faults"
  printf '| %2d | %-6s | %-6s | %-10s | %5s / %5s / %5s | %4s / %4s | %-13s | %-11s | %5s | %6s |\n' \
    "$n" "$mode" "$round" "$codes" "$w50" "$w95" "$wmax" "$c50" "$cmax" "$fb" "$fa" "$moto" "$ROUND_MS"
}

stop_fleet() {
  local n=$1 i
  for ((i = 1; i <= n; i++)); do stop_pid "$(ls_agent_pid "$F/h$i")"; done
  stop_pid "$PROXY_PID"; stop_pid "$IMDS_PID"
}

header() {
  echo "| N | mode | round | exit codes (code:count) | wall ms median / p95 / max | own CPU ms median / max | boot calls/throttled/500 | agent calls/throttled/500 | moto ms/call | round ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
}

echo "bench/fleet: sizes $SIZES, modes $MODES (random: ${THROTTLE} throttled + ${ERR500} HTTP 500 per call; rate: $RATE calls/s across the fleet)"
header | tee -a "$REPORT"
notes=()
for n in $SIZES; do
  for mode in $MODES; do
    case $mode in
      random) FAULTS=$(jq -nc --argjson t "$THROTTLE" --argjson e "$ERR500" '{mode:"random",throttle:$t,error500:$e,seed:7}') ;;
      rate) FAULTS=$(jq -nc --argjson r "$RATE" '{mode:"rate",rate:$r,burst:$r}') ;;
      *) echo "unknown mode $mode"; exit 2 ;;
    esac
    start_fleet "$n" "$mode" || { echo "bench/fleet: setup for N=$n $mode failed"; exit 1; }
    for round in first rerun; do
      run_round "$round" "$n"
      check_round "$round" "$n"
      row "$round" "$n" "$mode" | tee -a "$REPORT"
      [ "$CHECK_FAIL" -eq 0 ] || failures=$((failures + 1))
      notes+=("N=$n $mode $round: $CHECKS$([ "$CHECK_FAIL" -eq 0 ] && echo " -- PASS" || echo " -- MISS")")
    done
    stop_fleet "$n"
  done
done
echo | tee -a "$REPORT"
printf '%s\n' "${notes[@]}" | tee -a "$REPORT"
# Goal (issue 13): N=50 under both fault modes, every first boot registered with attributes,
# every rerun on the fast path.
echo "goal: every check above at every N and mode: $([ "$failures" -eq 0 ] && echo PASS || echo "MISS ($failures rounds)")" | tee -a "$REPORT"
[ -z "${FLEET_STRICT:-}" ] || [ "$failures" -eq 0 ]
