#!/usr/bin/env bash
# Runs every benchmark (bench/*/run.sh) against one build. Benchmarks report; they
# never fail on a number (goals are printed as PASS/MISS next to the measurement).
set -u
build=${1:-build/posix}
cd "$(dirname "$0")/.." || exit 1
for b in bench/*/run.sh; do bash "$b" "$build" || exit 1; done
