#!/usr/bin/env bash
# Everything CI runs, in order, each suite printing "<suite>: N passed, M failed".
# The last line sums them all. Exit non-zero if any suite failed.
set -u
cd "$(dirname "$0")/.." || exit
log=build/check.log
mkdir -p build && : > "$log"
status=0
suite() { # name, command...
  local name=$1; shift
  echo "== $name"
  if ! "$@" 2>&1 | tee -a "$log"; then status=1; fi
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}
suite "lint (cppcheck, shellcheck)" make --no-print-directory lint
suite "native unit tests"       make --no-print-directory test
suite "windows unit tests (wine)" make --no-print-directory test-windows
suite "asan+ubsan unit tests"   make --no-print-directory test-asan
suite "valgrind unit tests"     make --no-print-directory test-valgrind
suite "integration tests" make --no-print-directory test-integration
suite "ami build (offline)"    make --no-print-directory test-ami
[ -x tests/e2e/run.sh ]         && suite "end-to-end tests"  make --no-print-directory test-e2e
[ -x tests/windows-e2e/run.sh ] && suite "windows end-to-end (wine)" make --no-print-directory test-windows-e2e
[ -x tests/msi/run.sh ]         && suite "msi (wixl, msiexec under wine)" make --no-print-directory test-msi
[ -x tests/fuzz/run.sh ]        && suite "fuzz (bounded)"    make --no-print-directory fuzz
pass=0 fail=0
while read -r p f; do pass=$((pass + p)) fail=$((fail + f)); done < <(
  grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
[ "$status" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1   # a suite that broke without counting still fails
echo "total: $pass passed, $fail failed"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
