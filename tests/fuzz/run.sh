#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time each.
#   tests/fuzz/run.sh BUILD_DIR SECONDS
# Seeds come from tests/fuzz/corpus/<target>/ (committed); new inputs go to a scratch
# copy under build/, so a run never changes the tree. A crash fails the suite.
set -u
dir=$1 seconds=${2:-20}
cd "$(dirname "$0")/../.." || exit
pass=0 fail=0
for f in "$dir"/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  work=build/fuzz-work/$name
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/corpus/"
  if "$f" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1; then
    echo "ok   $name ($(grep -c . <(ls "$work/corpus")) corpus entries, ${seconds}s)"
    pass=$((pass + 1))
  else
    echo "FAIL $name"; grep -E 'ERROR|SUMMARY|mismatch|Test unit written' "$work/log" | head -n 20
    fail=$((fail + 1))
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
