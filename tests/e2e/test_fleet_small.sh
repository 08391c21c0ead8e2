#!/usr/bin/env bash
# A small scale-out (issue 13): 5 hosts boot at once through bench/fleet's per-caller fault
# proxy, once with 30% throttling + 5% HTTP 500 per call and once with a rate limit of 4
# calls/s across the fleet (20 calls/s would not throttle 5 hosts). Every first boot must register with its attributes and exit 0,
# every rerun must take the fast path; one agent per host, status = exit code, no leftovers.
. "$(dirname "$0")/lib.sh"
REPORT=$(mktemp); trap 'rm -f "$REPORT"' EXIT
# shellcheck disable=SC2034 # OUT: what bad() shows on a failure
OUT=$REPORT
FLEET_SIZES=5 FLEET_MODES="random rate" FLEET_RATE=4 FLEET_REPORT=$REPORT \
  bash "$E2E_DIR/../../bench/fleet/run.sh" "$LS_BUILD" >/dev/null 2>&1
RC=$?
check_eq "bench/fleet N=5 finished (exit 0)" "$RC" 0
for mode in random rate; do
  for round in first rerun; do
    line=$(grep -E "^N=5 $mode $round: " "$REPORT")
    case $line in
      *"-- PASS") ok "N=5 $mode $round: ${line#*: }" ;;
      *) bad "N=5 $mode $round: ${line:-no result line}" "$REPORT" ;;
    esac
    row=$(grep -E "^\|  5 \| $mode +\| $round +\|" "$REPORT")
    codes=$(printf '%s' "$row" | awk -F'|' '{gsub(/ /, "", $5); print $5}')
    check_eq "N=5 $mode $round: every run exits 0" "$codes" "0:5"
  done
done
for mode in random rate; do
  row=$(grep -E "^\|  5 \| $mode +\| first +\|" "$REPORT")
  faults=$(printf '%s' "$row" | awk -F'|' '{split($8, b, "/"); print b[2] + b[3]}')
  check "N=5 $mode first: the bootstrappers absorbed faults (got ${faults:-0})" test "${faults:-0}" -gt 0
done
e2e_finish
