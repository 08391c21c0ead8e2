#!/usr/bin/env bash
# The end-to-end suite of `ecs-bootstrap run` (what `make test-e2e` calls):
#   tests/e2e/run.sh BUILD_DIR
# Runs every tests/e2e/test_*.sh; each starts its own moto, fake IMDS and fake agent on
# loopback, stops them on exit and prints "N passed, M failed" last.
set -u
ECSB_BUILD=$(cd "${1:-build/posix}" && pwd) || exit 2
export ECSB_BUILD
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0
for t in tests/e2e/test_*.sh; do
  [ -f "$t" ] || continue
  out=$(bash "$t" 2>&1); rc=$?
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL $t: no summary line (exit $rc)"; printf '%s\n' "$out" | tail -n 30
    fail=$((fail + 1)); continue
  fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then printf '%s\n' "$out" | grep -vE '^ok |^[0-9]+ passed, [0-9]+ failed' | sed "s|^|  $(basename "$t"): |"; fi
  echo "  $(basename "$t"): $line"
  pass=$((pass + p)) fail=$((fail + f))
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
