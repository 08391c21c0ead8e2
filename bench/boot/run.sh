#!/usr/bin/env bash
# bench/boot: end-to-end cost of `ecs-bootstrap run` on local services (moto with
# signature checks + the fake IMDS + a fake agent that registers at once), split into
# the bootstrapper's own CPU time and waiting, with its peak RSS; first runs (install,
# start, wait, publish) and fast-path reruns (verify, change nothing).
# Peer, measured in the same run: awscli doing the AWS work a rerun does (describe the
# cluster, describe the container instance, put ecs.os-family), as an ops script would.
#   bench/boot/run.sh BUILD_DIR      (BENCH_RUNS=N, default 10)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/posix}" && pwd)
RUNS=${BENCH_RUNS:-10}
RUSAGE=$ROOT/build/bench/rusage
mkdir -p "$ROOT/build/bench"
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$RUSAGE" "$ROOT/bench/boot/rusage.c" || exit 1
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
ls_init
R=$LS_TMP/results; mkdir -p "$R"

# ecs-bootstrap is reached through a shim that measures it; the fake agent is the real one.
SHIM=$LS_TMP/shim; mkdir -p "$SHIM"
printf '#!/bin/sh\nexec %s "$BENCH_OUT" %s "$@"\n' "$RUSAGE" "$BUILD/ecs-bootstrap" >"$SHIM/ecs-bootstrap"
chmod +x "$SHIM/ecs-bootstrap"
ln -s "$BUILD/fake-ecs-agent" "$SHIM/fake-ecs-agent"
export LS_BUILD=$SHIM   # read by scripts/local-services.sh

printf '[cluster]\nname = bench\n[attributes]\nteam = payments\n' >"$LS_TMP/ud.ini"
ls_start_moto && ls_run_instance && ls_create_cluster bench && ls_start_imds "$LS_TMP/ud.ini" || {
  echo "bench: local services did not start"; exit 1; }

peer() { # the AWS work of a rerun, with the reference client
  local arn=$1
  $RUSAGE "$R/peer" env AWS_ACCESS_KEY_ID="$LS_AK" AWS_SECRET_ACCESS_KEY="$LS_SK" AWS_CONFIG_FILE=/dev/null \
    aws --endpoint-url "$LS_MOTO" --region "$LS_REGION" ecs describe-clusters --clusters bench >/dev/null
  $RUSAGE "$R/peer" env AWS_ACCESS_KEY_ID="$LS_AK" AWS_SECRET_ACCESS_KEY="$LS_SK" AWS_CONFIG_FILE=/dev/null \
    aws --endpoint-url "$LS_MOTO" --region "$LS_REGION" ecs describe-container-instances --cluster bench \
    --container-instances "$arn" >/dev/null
  $RUSAGE "$R/peer" env AWS_ACCESS_KEY_ID="$LS_AK" AWS_SECRET_ACCESS_KEY="$LS_SK" AWS_CONFIG_FILE=/dev/null \
    aws --endpoint-url "$LS_MOTO" --region "$LS_REGION" ecs put-attributes --cluster bench \
    --attributes "name=ecs.os-family,value=WINDOWS_SERVER_2022_CORE,targetId=$arn" >/dev/null
}

echo "bench/boot: $RUNS hosts, first run + fast-path rerun each, peer = awscli (3 calls)"
for ((i = 1; i <= RUNS; i++)); do
  ls_host "$LS_TMP/host$i"
  BENCH_OUT=$R/first ls_bootstrap >"$LS_TMP/first$i.log" 2>&1 || { echo "first run $i failed"; tail -n 5 "$LS_TMP/first$i.log"; exit 1; }
  BENCH_OUT=$R/rerun ls_bootstrap >"$LS_TMP/rerun$i.log" 2>&1 || { echo "rerun $i failed"; exit 1; }
  arn=$(jq -r .container_instance_arn "$LS_TMP/host$i/status.json")
  # Peer samples: one "rerun's worth" of AWS work = the sum of its 3 processes.
  : >"$R/peer"; peer "$arn"
  awk '{w+=$1; c+=$2; if ($3>r) r=$3} END {printf "%.2f %.2f %d 0\n", w, c, r}' "$R/peer" >>"$R/peer-runs"
  stop_pid "$(ls_agent_pid "$LS_TMP/host$i")"
done

# stats FILE COLUMN -> "min median max"
stats() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {printf "%8.1f %8.1f %8.1f", v[1], v[int((NR+1)/2)], v[NR]}'; }
median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
table() {
  printf '%-22s %-26s %-26s %-26s %-26s\n' "" "wall ms (min med max)" "own CPU ms" "waiting ms" "peak RSS KiB"
  for k in first rerun peer-runs; do
    awk '{printf "%s %s %s\n", $1, $2, $1-$2}' "$R/$k" >"$R/$k.wait"
    printf '%-22s %s   %s   %s   %s\n' "$k" "$(stats "$R/$k" 1)" "$(stats "$R/$k" 2)" "$(stats "$R/$k.wait" 3)" "$(stats "$R/$k" 3)"
  done
  local pc pr
  pc=$(median "$R/peer-runs" 2) pr=$(median "$R/peer-runs" 3)
  for k in first rerun; do
    awk -v c="$(median "$R/$k" 2)" -v r="$(median "$R/$k" 3)" -v pc="$pc" -v pr="$pr" -v k="$k" \
      'BEGIN {printf "ratio %-16s CPU %.3f x peer, RSS %.3f x peer\n", k, c/pc, r/pr}'
  done
  awk -v c="$(median "$R/first" 2)" -v r="$(median "$R/first" 3)" 'BEGIN {
    printf "goal: own CPU < 20 ms: %s (median first run %.1f ms); peak RSS < 8 MiB: %s (%d KiB)\n",
      (c < 20 ? "PASS" : "MISS"), c, (r < 8192 ? "PASS" : "MISS"), r }'
}
table | tee "$ROOT/build/bench/boot.txt"
