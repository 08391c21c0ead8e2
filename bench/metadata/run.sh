#!/usr/bin/env bash
# bench/metadata: `ecs-ami-metadata get --all-regions` for every ECS-optimized Windows
# variant against the way people ask today, one `aws ssm get-parameters` process per
# region in a shell loop, side by side on moto (signature checks on). Also measures
# moto's own time for one batched GetParameters call on a warm connection: the floor
# for one region, and for all regions when every call is in flight at once.
#   bench/metadata/run.sh BUILD_DIR      (BENCH_RUNS=N ours, default 10; peer runs 3)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/posix}" && pwd)
RUNS=${BENCH_RUNS:-10}
PEER_RUNS=${BENCH_PEER_RUNS:-3}
OUT=$ROOT/build/bench/metadata.txt
mkdir -p "$ROOT/build/bench"
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
ls_init
ls_start_moto || { echo "bench: moto did not start"; exit 1; }
export AWS_ACCESS_KEY_ID=$LS_AK AWS_SECRET_ACCESS_KEY=$LS_SK AWS_CONFIG_FILE=/dev/null \
       AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
ROOTP=/bench/ami-windows-latest
mapfile -t REGIONS < <(python3 - "$ROOT/lib/aws/regions.c" <<'PY'
# the aws partition's default regions, as ecs-ami-metadata's table lists them (--all-regions)
import re, sys
src = open(sys.argv[1]).read()
for p, r, opt in re.findall(r'\{"(aws[-a-z]*)", "([a-z0-9-]+)", (true|false)\}', src):
    if p == "aws" and opt == "false": print(r)
PY
)
NAMES=()
for v in 2016-English-Full 2019-English-Full 2019-English-Core 2022-English-Full 2022-English-Core \
         2025-English-Full 2025-English-Core; do NAMES+=("$ROOTP/Windows_Server-$v-ECS_Optimized"); done

# Seed and time moto with one boto3 process (awscli would take a second per put).
python3 - "$LS_MOTO" "$RUNS" "${REGIONS[*]}" "${NAMES[@]}" >"$LS_TMP/moto-time" <<'PY' || { echo "bench: seeding failed"; exit 1; }
import json, statistics, sys, time, boto3, threading
url, runs, regions, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
for i, r in enumerate(regions):
    c = boto3.client("ssm", region_name=r, endpoint_url=url)
    for n in names:
        v = {"ecs_agent_version": "1.98.0", "ecs_runtime_version": "25.0.6 (Docker CE)",
             "image_id": "ami-%017x" % (i * 100 + names.index(n)), "image_name": n.split("/")[-1] + "-2026.11.30",
             "image_version": "2026.11.30", "os": "Windows Server", "schema_version": 1,
             "source_image_name": "Windows_Server-Base"}
        c.put_parameter(Name=n, Value=json.dumps(v, sort_keys=True, separators=(",", ":")), Type="String",
                        Overwrite=True)
c = boto3.client("ssm", region_name=regions[0], endpoint_url=url)
c.get_parameters(Names=names)  # warm the connection
t = []
for _ in range(max(runs, 20)):
    s = time.perf_counter(); c.get_parameters(Names=names); t.append((time.perf_counter() - s) * 1000)
print("%.1f" % statistics.median(t))
# Every region's call in flight at once, one warm client per region: the floor for --all-regions here.
cs = [boto3.client("ssm", region_name=r, endpoint_url=url) for r in regions]
for x in cs: x.get_parameters(Names=names)
t = []
for _ in range(max(runs, 10)):
    th = [threading.Thread(target=x.get_parameters, kwargs={"Names": names}) for x in cs]
    s = time.perf_counter()
    for x in th: x.start()
    for x in th: x.join()
    t.append((time.perf_counter() - s) * 1000)
print("%.1f" % statistics.median(t))
PY
MOTO_MS=$(sed -n 1p "$LS_TMP/moto-time")
MOTO_ALL=$(sed -n 2p "$LS_TMP/moto-time")

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ours=()
for _ in $(seq 1 "$RUNS"); do
  s=$(date +%s%N)
  AWS_ENDPOINT_URL=$LS_MOTO "$BUILD/ecs-ami-metadata" get --all-regions --root "$ROOTP" --output text \
    >"$LS_TMP/ours.txt" 2>"$LS_TMP/ours.err" || { echo "bench: ecs-ami-metadata failed"; cat "$LS_TMP/ours.err"; exit 1; }
  ours+=("$(ms "$s")")
done
peer=()
for _ in $(seq 1 "$PEER_RUNS"); do
  s=$(date +%s%N)
  for r in "${REGIONS[@]}"; do
    aws --endpoint-url "$LS_MOTO" --region "$r" ssm get-parameters --names "${NAMES[@]}" \
      --query 'Parameters[].Value' --output text
  done >"$LS_TMP/peer.txt"
  peer+=("$(ms "$s")")
done
nids=$(wc -l <"$LS_TMP/ours.txt")
OURS=$(printf '%s\n' "${ours[@]}" | median)
PEER=$(printf '%s\n' "${peer[@]}" | median)
NR=${#REGIONS[@]}
{
  echo "bench/metadata: ${#NAMES[@]} variants x $NR regions ($nids image ids), moto with signature checks"
  printf '  %-52s %8s ms (median of %d)\n' "ecs-ami-metadata get --all-regions" "$OURS" "$RUNS"
  printf '  %-52s %8s ms (median of %d)\n' "peer: shell loop, aws ssm get-parameters per region" "$PEER" "$PEER_RUNS"
  printf '  %-52s %8s ms (median, warm connection)\n' "moto alone: one batched GetParameters" "$MOTO_MS"
  printf '  %-52s %8s ms (median, warm connections)\n' "moto alone: $NR batched calls all in flight (threads)" "$MOTO_ALL"
  awk -v o="$OURS" -v p="$PEER" -v m="$MOTO_MS" -v a="$MOTO_ALL" -v n="$NR" 'BEGIN {
    printf "  speed-up vs the shell loop: %.1fx (goal >= 20x: %s)\n", p / o, (p / o >= 20 ? "PASS" : "MISS");
    printf "  ours / all %d calls in flight on moto: %.2fx (goal <= 2x: %s)\n", n, o / a, (o / a <= 2 ? "PASS" : "MISS");
    printf "  ours / one batched call: %.1fx (moto answers one request at a time, so %d in flight take ~%d calls)\n", o / m, n, a / m }'
} | tee "$OUT"
