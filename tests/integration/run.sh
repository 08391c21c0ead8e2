#!/usr/bin/env bash
# Runs every integration test script (tests/integration/test_*.sh and test_*.py)
# against one POSIX build. Each script starts the services it needs on loopback,
# stops them on exit, and ends with "N passed, M failed".
#   tests/integration/run.sh BUILD_DIR
set -u
ECSB_BUILD=$(cd "$1" && pwd) || exit 2
export ECSB_BUILD
cd "$(dirname "$0")/../.." || exit
export ECSB_SHARED=${ECSB_SHARED:-$(cd ../shared && pwd)}
pass=0 fail=0
for t in tests/integration/test_*.sh tests/integration/test_*.py; do
  [ -f "$t" ] || continue
  case $t in *.py) out=$(python3 "$t" 2>&1); rc=$? ;; *) out=$(bash "$t" 2>&1); rc=$? ;; esac
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL $t: no summary line (exit $rc)"; printf '%s\n' "$out" | tail -n 30
    fail=$((fail + 1)); continue
  fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then echo "FAIL $t: $line"; printf '%s\n' "$out" | grep -E 'FAIL|Error|error' | head -n 30; fi
  echo "  $(basename "$t"): $line"
  pass=$((pass + p)) fail=$((fail + f))
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
