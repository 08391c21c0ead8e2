#!/usr/bin/env bash
# The live preload display in a real terminal (tmux) against the fixture engine
# (tests/integration/fake_engine.py, "slow" pulls of about 4 s): during the pull one
# line per image with a bar and one total line; at the end the last frame, the summary
# table and the cursor below them (also when a pull fails); with stderr a file or a
# pipe, log lines and no escape sequences. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit
B=${ECSB_BUILD:-$PWD/build/posix}/ecs-bootstrap
# shellcheck source=scripts/docker-services.sh
. scripts/docker-services.sh
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: want '$2', got '$3'"; fi; }
contains() { if grep -qE -- "$2" "$3"; then ok; else bad "$1: /$2/ not in $3:"; cat "$3"; fi; }
lacks() { if grep -qE -- "$2" "$3"; then bad "$1: /$2/ in $3:"; cat "$3"; else ok; fi; }

ds_init
T=$DS_TMP
if ! command -v tmux >/dev/null; then echo "SKIP: no tmux (make deps installs it)"; echo "0 passed, 0 failed"; exit 0; fi
SOCK="ecsb-tty-$$"
tmx() { tmux -L "$SOCK" "$@"; }
stop_tmux() { tmx kill-server 2>/dev/null; ds_cleanup; }
trap stop_tmux EXIT
: >"$T/empty.ini"
HOST=(--build 20348 --installation-type "Server Core" --config "$T/empty.ini")
A=127.0.0.1:9/a/one:1 C=127.0.0.1:9/b/two:1

python3 tests/integration/fake_engine.py "$T/fe.port" "slow,slow,error:manifest for x unknown: manifest unknown,slow,slow" &
DS_PIDS+=("$!")
for _ in $(seq 50); do [ -s "$T/fe.port" ] && break; sleep 0.1; done
FE="tcp://127.0.0.1:$(cat "$T/fe.port")"

# Runs preload in a fresh 120x30 terminal; $T/during is a screen mid-pull, $T/final the
# screen at the end, where "END rc=N" must start its own line (the cursor was below).
# RESIZE_TO=N: once the during screen is taken, the terminal is narrowed to N columns.
in_tmux() {
  rm -f "$T/rc" "$T/during"
  printf 'cd %q && DOCKER_HOST=%q TERM=xterm %q preload' "$PWD" "$FE" "$B" >"$T/cmd.sh"
  printf ' %q' "${HOST[@]}" "$@" >>"$T/cmd.sh"
  printf '; echo "END rc=$?"; touch %q; sleep 60\n' "$T/rc" >>"$T/cmd.sh"
  tmx new-session -d -x 120 -y 30 "bash $T/cmd.sh"
  for _ in $(seq 150); do
    [ -e "$T/rc" ] && break
    tmx capture-pane -p >"$T/screen" 2>/dev/null
    if [ ! -e "$T/during" ] && grep -q 'downloading.*\[##*\.' "$T/screen"; then
      cp "$T/screen" "$T/during"
      [ -z "${RESIZE_TO:-}" ] || tmx resize-window -x "$RESIZE_TO"
    fi
    sleep 0.2
  done
  sleep 0.3
  tmx capture-pane -p >"$T/final"
  tmx kill-server 2>/dev/null
}

FRAME='\[[#.?]+\] +[0-9?]+%'  # a bar and its percentage: a line of the display
in_tmux --images "$A,$C" --parallel 2
contains "tty: exit 0" '^END rc=0$' "$T/final"
if [ -e "$T/during" ]; then
  contains "during: a line for image 1" "^$A +(downloading|extracting) +$FRAME" "$T/during"
  contains "during: a line for image 2" "^$C +(downloading|extracting|pulling|starting) +$FRAME" "$T/during"
  contains "during: a total line with ETA and rate" "^total +$FRAME  ETA [0-9-]+:[0-9-]+, [0-9.]+ MB/s, [0-9.]+/200.0 MB" "$T/during"
  expect "during: one frame on screen" 3 "$(grep -cE "$FRAME" "$T/during")"
else
  bad "no screen showed a download in progress"; cat "$T/screen"
fi
expect "final: one frame left, no stale lines" 3 "$(grep -cE "$FRAME" "$T/final")"
contains "final: image 1 done at 100 %" "^$A +pulled +\[#+\] 100%" "$T/final"
contains "final: total 100 %" "^total +\[#+\] 100%  ETA 0:00, [0-9.]+ MB/s, 200.0/200.0 MB, extracted 200.0 MB$" "$T/final"
contains "final: the summary table" '^IMAGE +BUILD +SIZE' "$T/final"
contains "final: summary counts" '^2 pulled, 0 present, 0 failed$' "$T/final"
lacks "final: no leftover sequences" '\[[0-9]+A|\[J' "$T/final"
contains "log lines above the display" "^preload: $A: pulled$" "$T/final"

# a failed pull: the display still ends clean, the error above it, the cursor below
in_tmux --images "$A,127.0.0.1:9/x/bad:1" --parallel 1
contains "failure: exit 3" '^END rc=3$' "$T/final"
expect "failure: one frame left" 3 "$(grep -cE "$FRAME" "$T/final")"
contains "failure: the failed image's line" "^127.0.0.1:9/x/bad:1 +missing +$FRAME" "$T/final"
contains "failure: the message" "manifest unknown" "$T/final"

# the terminal narrowed mid-pull: the display takes the new width, and no piece of the wider
# frame is left on screen
A2=127.0.0.1:9/a/resized:1 C2=127.0.0.1:9/b/resized:1
RESIZE_TO=72 in_tmux --images "$A2,$C2" --parallel 2
contains "resized: exit 0" '^END rc=0$' "$T/final"
expect "resized: a screen mid-pull before the resize" true "$([ -e "$T/during" ] && echo true)"
expect "resized: one frame left" 3 "$(grep -cE "$FRAME" "$T/final")"
expect "resized: each image on one line, the bar included" 2 \
  "$(grep -cE "^127.0.0.1:9/[ab]/resized:1 +pulled +\[#+\] 100%" "$T/final")"
lacks "resized: no stale line of an image in progress" \
  "^127.0.0.1:9/[ab]/resized:1 +(starting|pulling|downloading|extracting) " "$T/final"
lacks "resized: no wrapped piece of a wider frame" '^ +[0-9.]+/[0-9.]+ MB' "$T/final"
contains "resized: the total line" "^total +\[#+\] 100%" "$T/final"

# not a terminal: log lines, no escape sequences (a file, then a pipe)
F=127.0.0.1:9/c/three:1 P=127.0.0.1:9/d/four:1
DOCKER_HOST=$FE "$B" preload "${HOST[@]}" --images "$F" >"$T/out" 2>"$T/err"
expect "file: exit 0" 0 "$?"
expect "file: no escape sequences" 0 "$(grep -c $'\033' "$T/err")"
contains "file: progress lines" "^preload: $F: (downloading|extracting), downloaded" "$T/err"
DOCKER_HOST=$FE "$B" preload "${HOST[@]}" --images "$P" 2>&1 >/dev/null | cat >"$T/pipe"
expect "pipe: no escape sequences" 0 "$(grep -c $'\033' "$T/pipe")"
contains "pipe: result line" "^preload: $P: pulled$" "$T/pipe"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
