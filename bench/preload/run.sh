#!/usr/bin/env bash
# bench/preload: `ecs-bootstrap preload` against `docker pull` (one after another, and all at
# once) on a local registry, the engine emptied between strategies; the build check's cost per
# image; `ecs-bootstrap warm` against `cat` of the same layer files. Reports, never fails on a
# number. Needs root, docker.io and docker-registry (scripts/docker-services.sh).
#   bench/preload/run.sh BUILD_DIR        BENCH_PRELOAD_IMAGES (3) x BENCH_PRELOAD_MB (170)
set -u
build=$(cd "${1:-build/posix}" && pwd) || exit 1
cd "$(dirname "$0")/../.." || exit 1
B=$build/ecs-bootstrap
# shellcheck source=scripts/docker-services.sh
. scripts/docker-services.sh
if ! why=$(ds_available); then echo "bench/preload: skipped: $why"; exit 0; fi
N=${BENCH_PRELOAD_IMAGES:-3} MB=${BENCH_PRELOAD_MB:-170}
ds_init
ds_start_dockerd >/dev/null && ds_start_registry >/dev/null || { echo "bench/preload: services did not start"; exit 1; }
: >"$DS_TMP/empty.ini"
HOST=(--build 20348 --installation-type "Server Core" --config "$DS_TMP/empty.ini")
refs=()
for i in $(seq "$N"); do
  ds_make_image "$DS_REG/bench/img$i:1" "$MB" || exit 1
  refs+=("$DS_REG/bench/img$i:1")
done
list=$(IFS=,; echo "${refs[*]}")
empty_engine() { ds_docker rmi "${refs[@]}" >/dev/null 2>&1; sync; }
ms() { date +%s%3N; }

empty_engine; t=$(ms); "$B" preload "${HOST[@]}" --images "$list" --parallel "$N" --json >"$DS_TMP/p.json" 2>/dev/null
ours=$(($(ms) - t))
empty_engine; t=$(ms); for r in "${refs[@]}"; do ds_docker pull -q "$r" >/dev/null; done; seq_ms=$(($(ms) - t))
# wait for the pulls only: a bare `wait` would also wait for dockerd and the registry
empty_engine; t=$(ms); pids=(); for r in "${refs[@]}"; do ds_docker pull -q "$r" >/dev/null & pids+=("$!"); done
wait "${pids[@]}"; par_ms=$(($(ms) - t))
best=$((seq_ms < par_ms ? seq_ms : par_ms))
check=$(jq -r '[.images[].check_ms] | max' "$DS_TMP/p.json")

# warm-up against cat over the same files (the engine holds the images from the last strategy)
dirs=()
for r in "${refs[@]}"; do
  diff=$(ds_docker image inspect -f '{{index .RootFS.Layers 0}}' "$r")
  dirs+=("$DS_TMP/data/vfs/dir/$(cat "$DS_TMP/data/image/vfs/layerdb/sha256/${diff#sha256:}/cache-id")")
done
cold="page cache NOT dropped (no permission to write /proc/sys/vm/drop_caches here): both read from memory"
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null && cold="page cache dropped before each"; }
drop; t=$(ms); "$B" warm "${HOST[@]}" --images "$list" --json >"$DS_TMP/w.json" 2>/dev/null; warm_ms=$(($(ms) - t))
drop; t=$(ms); find "${dirs[@]}" -type f -exec cat {} + >/dev/null; cat_ms=$(($(ms) - t))
bytes=$(jq -r .bytes_read "$DS_TMP/w.json")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
goal() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { ok = dir == "ge" ? v >= g : v < g; print (ok ? "PASS" : "MISS") }'; }
speed=$(ratio "$best" "$ours")
mkdir -p build/bench
{
  echo "bench/preload: $N images x $MB MiB (random data, one layer each), local registry, vfs"
  printf '  %-44s %8s ms\n' "ecs-bootstrap preload --parallel $N" "$ours" "docker pull, one after another" "$seq_ms" \
    "docker pull, all at once" "$par_ms"
  echo "  speed vs the best docker strategy: ${speed}x (goal >= 1.0x: $(goal "$speed" 0.95 ge), 5% noise allowed)"
  echo "  build check before download, slowest image: ${check} ms (goal < 50 ms: $(goal "$check" 50 lt))"
  echo "  warm: $(ratio "$bytes" "$((warm_ms * 1000))") MB/s over $((bytes / 1048576)) MiB in $warm_ms ms;" \
    "cat: $cat_ms ms; ratio cat/warm $(ratio "$cat_ms" "$warm_ms") ($cold)"
} | tee build/bench/preload.txt
