#!/usr/bin/env bash
# The [timeouts] keys change what run does: an instance metadata service and an AWS
# endpoint that accept connections and never answer make run fail after about the
# configured time, not the default. Bounds are generous (a loaded machine is slow);
# the point is the order of magnitude: 1 s against 10 s or 30 s.
. "$(dirname "$0")/lib.sh"
ls_init

# A listener that never accepts: connections complete in the backlog, no answer comes.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); sys.stdout.flush()
time.sleep(600)
' "$LS_TMP/hole.port" &
LS_PIDS+=($!)
for _ in $(seq 50); do [ -s "$LS_TMP/hole.port" ] && break; sleep 0.1; done
HOLE="http://127.0.0.1:$(cat "$LS_TMP/hole.port")"

D=$LS_TMP/host
mkdir -p "$D/state" "$D/log"
baked() { # baked INI with the paths of the simulated host plus "$@" lines
  { printf '[paths]\nstatus_file = %s/status.json\nlog_dir = %s/log\nenv_file = %s/ecs.config\n' "$D" "$D" "$D"
    printf 'agent_dir = %s/agent\ndatadir = %s/data\nlogfile = %s/log/agent.log\n' "$D" "$D" "$D"
    printf '%s\n' "$@"; } >"$D/baked.ini"
}
# run_hole NAME ENV... -- ARGS...: run against the black hole; sets OUT, RC, ELAPSED_MS
run_hole() {
  local name=$1 t0 envs=(); shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  OUT=$LS_TMP/$name.out
  t0=$(date +%s%N)
  env -u AWS_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_EC2_METADATA_DISABLED \
    -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    ECS_BOOTSTRAP_INTROSPECTION_URL="$HOLE/v1/metadata" "${envs[@]}" \
    "$LS_BUILD/ecs-bootstrap" run --config "$D/baked.ini" --state-dir "$D/state" \
    --build 20348 --installation-type "Server Core" "$@" >"$OUT" 2>&1 </dev/null
  RC=$?
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# --- timeouts.imds: user data fetched from an IMDS that never answers ---------------------
baked '[timeouts]' 'imds = 1s'
run_hole imds1 AWS_EC2_METADATA_SERVICE_ENDPOINT="$HOLE" --
check "timeouts.imds = 1s (baked): run fails (exit $RC) in ${ELAPSED_MS} ms < 5000" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -lt 5000
check "timeouts.imds = 1s: the error names the instance metadata service" grep -qiE 'ERROR.*(IMDS|metadata)' "$OUT"
baked
run_hole imds_cli AWS_EC2_METADATA_SERVICE_ENDPOINT="$HOLE" -- --set timeouts.imds=1s
check "timeouts.imds = 1s (--set): run fails (exit $RC) in ${ELAPSED_MS} ms < 5000" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -lt 5000
run_hole imds_default AWS_EC2_METADATA_SERVICE_ENDPOINT="$HOLE" --
check "timeouts.imds default (10s): run waits longer (${ELAPSED_MS} ms >= 5000) and fails (exit $RC)" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -ge 5000

# --- timeouts.aws_call and timeouts.preflight: ECS that never answers -------------------
printf '[cluster]\nname = hole\nregion = us-east-1\n' >"$D/userdata.ini"
AWS_ENV=(AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$HOLE" AWS_ACCESS_KEY_ID=AKIDEXAMPLE
         AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_MAX_ATTEMPTS=1)
baked
run_hole aws1 "${AWS_ENV[@]}" -- --userdata "$D/userdata.ini" --set timeouts.aws_call=1s
check "timeouts.aws_call = 1s: preflight fails (exit $RC) in ${ELAPSED_MS} ms < 5000" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -lt 5000
check "timeouts.aws_call = 1s: the error names ECS DescribeClusters" grep -q 'ECS DescribeClusters' "$OUT"
run_hole aws6 "${AWS_ENV[@]}" -- --userdata "$D/userdata.ini" --set timeouts.aws_call=6s
check "timeouts.aws_call = 6s: the same call waits longer (${ELAPSED_MS} ms >= 5000)" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -ge 5000
run_hole pre1 "${AWS_ENV[@]}" -- --userdata "$D/userdata.ini" --set timeouts.preflight=1s
check "timeouts.preflight = 1s (aws_call 30s): preflight fails (exit $RC) in ${ELAPSED_MS} ms < 5000" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -lt 5000
check "timeouts.preflight: the log names timeouts.preflight" grep -q 'timeouts.preflight' "$OUT"

# --- out-of-range durations are refused before anything is tried ------------------------
run_hole cap "${AWS_ENV[@]}" -- --userdata "$D/userdata.ini" --set agent.registration_timeout=2562047h
check_eq "registration_timeout = 2562047h: bad input (exit 3)" "$RC" 3
check "registration_timeout = 2562047h: the error names the key and the maximum" \
  grep -q 'agent.registration_timeout may be at most 24h' "$OUT"

e2e_finish
