#!/usr/bin/env bash
# Runs every unit-test executable of one build and sums their "N passed, M failed" lines.
#   tests/run-unit.sh BUILD_DIR native|wine|valgrind
# Tests run from the repository root; ECSB_SHARED points at ../shared (the read-only test data).
set -u
dir=$1 mode=${2:-native}
cd "$(dirname "$0")/.." || exit
export ECSB_SHARED=${ECSB_SHARED:-../shared}
if [ "$mode" = wine ]; then
  export WINEDEBUG=-all WINEPREFIX=${WINEPREFIX:-$PWD/build/wineprefix}
  # A new prefix: let wineboot finish everything it started (services.exe holds the
  # service database locked until then), or the first SCM test sees error 1055.
  [ -d "$WINEPREFIX" ] || { mkdir -p "$WINEPREFIX"; wineboot -i >/dev/null 2>&1 || true; wineserver -w; }
fi
pass=0 fail=0
for t in "$dir"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  case $mode in
    wine)     out=$(wine "$t" 2>&1 | tr -d '\r'); rc=${PIPESTATUS[0]} ;;
    valgrind) out=$(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
                    --error-exitcode=99 "$t" 2>&1); rc=$? ;;
    *)        out=$("$t" 2>&1); rc=$? ;;
  esac
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL $name: no summary line (exit $rc)"; printf '%s\n' "$out" | tail -n 30
    fail=$((fail + 1)); continue
  fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # exit code wins: a leak or crash is a failure
  if [ "$f" -ne 0 ]; then
    echo "FAIL $name ($mode): $line, exit $rc"; printf '%s\n' "$out" | grep -E 'FAIL|ERROR|==[0-9]+==|runtime error' | head -n 40
  fi
  pass=$((pass + p)) fail=$((fail + f))
done
echo "unit-$mode: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
