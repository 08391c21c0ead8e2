#!/usr/bin/env bash
# The fake ECS agent (tests/fake-agent) against real clients: moto with signature
# checks on, the fake IMDS, curl and awscli. Proves the contract the end-to-end
# tests of `ecs-bootstrap run` rely on: registration, introspection only after
# it, the checkpoint, exit codes (0 stop, 1 error, 5 terminal) and the knobs.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${ECSB_BUILD:-$PWD/build/posix}
AGENT=$BUILD/fake-ecs-agent
# shellcheck source=../../scripts/local-services.sh
. scripts/local-services.sh
ls_init
T=$LS_TMP
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected [$3], got [$2]"; fi; }

# moto with signature checks on, an IAM user, an instance and the cluster "blue";
# the fake IMDS knows the instance and serves the user's keys as the instance role.
if ! { ls_start_moto && ls_run_instance && ls_create_cluster blue && : >"$T/ud.txt" && ls_start_imds "$T/ud.txt"; }; then
  echo "FAIL local services did not start"; echo "0 passed, 1 failed"; exit 1
fi
MOTO=$LS_MOTO KEY=$LS_AK SECRET=$LS_SK IID=$LS_INSTANCE_ID IMDS=$LS_IMDS
export AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
unset AWS_SESSION_TOKEN AWS_REGION AWS_PROFILE
AWS() { aws --endpoint-url "$MOTO" --region us-east-1 --output text "$@"; }
check "moto signature checks are on (bad secret refused)" \
  "$(AWS_SECRET_ACCESS_KEY=wrong AWS ecs list-clusters 2>&1 | grep -c SignatureDoesNotMatch)" 1
check "fake IMDS is up" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
  "$IMDS/latest/api/token")" 200

PORT=$(free_port)
base_env=(ECS_CLUSTER=blue AWS_ENDPOINT_URL_ECS="$MOTO" AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS"
          ECS_FAKE_AGENT_INTROSPECTION_PORT="$PORT" AWS_MAX_ATTEMPTS=2)
# start NAME VAR=VALUE...: runs the agent in the background with the base env plus these.
# "-u VAR" arguments unset VAR for this run.
start() {
  local name=$1 unset=() set=(); shift
  while [ $# -gt 0 ]; do
    if [ "$1" = -u ]; then unset+=(-u "$2"); shift 2; else set+=("$1"); shift; fi
  done
  env "${unset[@]}" "${base_env[@]}" ECS_LOGFILE="$T/$name.log" "${set[@]}" "$AGENT" >"$T/$name.out" 2>&1 &
  AGENT_PID=$!; LS_PIDS+=("$AGENT_PID")
}
# finish: waits for the agent to exit (up to $1 seconds) and sets RC (124 = still running, killed).
finish() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$AGENT_PID" 2>/dev/null; then kill -KILL "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; RC=124
  else wait "$AGENT_PID"; RC=$?; fi
}
code() { curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:$PORT$1"; }
metadata() { curl -s -m 2 "http://127.0.0.1:$PORT/v1/metadata"; }
wait_registered() { # prints the ARN once /v1/metadata answers 200
  local i
  for ((i = 0; i < 150; i++)); do
    local arn; arn=$(metadata | jq -r '.ContainerInstanceArn // empty' 2>/dev/null)
    [ -n "$arn" ] && { echo "$arn"; return 0; }
    sleep 0.1
  done
  return 1
}

# 1. Registration with env credentials, introspection only afterwards.
start reg FAKE_AGENT_REGISTER_DELAY_MS=1500 ECS_DATADIR="$T/data"
sleep 0.5
check "introspection refused before registering" "$(code /v1/metadata)" 000
ARN=$(wait_registered)
check "registered: ARN names cluster blue" "$(echo "$ARN" | grep -cE '^arn:aws:ecs:us-east-1:[0-9]{12}:container-instance/blue/')" 1
check "metadata Cluster" "$(metadata | jq -r .Cluster)" blue
check "metadata Version" "$(metadata | jq -r .Version | grep -c '^Amazon ECS Agent - v1\.')" 1
check "GET /v1/tasks" "$(curl -s "http://127.0.0.1:$PORT/v1/tasks")" '{"Tasks":[]}'
check "GET /license" "$(code /license)" 200
check "unknown path 404" "$(code /v1/nope)" 404
check "POST is 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/v1/metadata")" 405
check "oversized head is 431" "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" \
  "http://127.0.0.1:$PORT/v1/metadata")" 431
garbage=$(python3 - "$PORT" <<'PY'
import os, socket, sys
out = []
for payload in (b"\x00\xff garbage\r\n\r\n", b"GET\r\n\r\n", os.urandom(3000) + b"\r\n\r\n", b""):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(payload); s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = s.recv(4096)
        if not d: break
        data += d
    out.append(data.split(b"\r\n")[0].decode("latin-1") or "-")
print(",".join(out))
PY
)
check "garbage requests get 400 (silent client: nothing)" "$garbage" "HTTP/1.1 400 Bad Request,HTTP/1.1 400 Bad Request,HTTP/1.1 400 Bad Request,-"
check "still serving after garbage" "$(code /v1/metadata)" 200
check "awscli list-container-instances shows it" "$(AWS ecs list-container-instances --cluster blue | grep -c "$ARN")" 1
check "awscli describe: EC2 instance id" \
  "$(AWS ecs describe-container-instances --cluster blue --container-instances "$ARN" --query 'containerInstances[0].ec2InstanceId')" "$IID"
check "log file written (ECS_LOGFILE)" "$(grep -c 'Registered container instance' "$T/reg.log")" 1
check "request carried versionInfo and os-type" \
  "$(grep -o '{"cluster".*}' "$T/reg.log" | head -n1 |
     jq -r '[.versionInfo.agentVersion != null, (.attributes|map(select(.name=="ecs.os-type"))[0].value)] | @tsv' 2>/dev/null)" \
  "$(printf 'true\twindows')"
kill -TERM "$AGENT_PID"; finish 5
check "SIGTERM -> exit 0" "$RC" 0
check "introspection gone after stop" "$(code /v1/metadata)" 000

# 2. Restart with ECS_DATADIR keeps the ARN (and registers no new instance).
start again ECS_DATADIR="$T/data"
ARN2=$(wait_registered)
check "restart with ECS_DATADIR keeps the ARN" "${ARN2:-none}" "${ARN:-missing}"
check "still one container instance in the cluster" "$(AWS ecs list-container-instances --cluster blue --query 'length(containerInstanceArns)')" 1
kill -INT "$AGENT_PID"; finish 5
check "SIGINT -> exit 0" "$RC" 0

# 3. Without ECS_DATADIR every start registers anew (reference: new ARN per restart).
start nodata1
A1=$(wait_registered); kill -TERM "$AGENT_PID"; finish 5
start nodata2
A2=$(wait_registered); kill -TERM "$AGENT_PID"; finish 5
if [ -n "$A1" ] && [ -n "$A2" ] && [ "$A1" != "$A2" ]; then ok "without ECS_DATADIR: a new ARN per start"
else bad "without ECS_DATADIR: a new ARN per start" "$A1 vs $A2"; fi

# 4. Missing cluster: terminal, fast, with the reason logged.
t0=$(date +%s)
start nocluster ECS_CLUSTER=nosuch
finish 30
check "missing cluster -> exit 5" "$RC" 5
check "missing cluster: within seconds" "$(( $(date +%s) - t0 <= 15 ))" 1
check "missing cluster: reason logged" "$(grep -c 'cluster nosuch not found in us-east-1' "$T/nocluster.log")" 1

# 5. Invalid ECS_INSTANCE_ATTRIBUTES: refuses to start.
start badattrs 'ECS_INSTANCE_ATTRIBUTES={"a":'
finish 5
check "invalid ECS_INSTANCE_ATTRIBUTES -> exit 5" "$RC" 5
check "invalid ECS_INSTANCE_ATTRIBUTES: reason logged" "$(grep -c 'ECS_INSTANCE_ATTRIBUTES is not valid JSON' "$T/badattrs.log")" 1

# 6. Exit knobs: before and after registering.
start early FAKE_AGENT_REGISTER_DELAY_MS=5000 FAKE_AGENT_EXIT_AFTER_MS=300 FAKE_AGENT_EXIT_CODE=3
finish 5
check "FAKE_AGENT_EXIT_AFTER_MS before registering -> its code" "$RC" 3
start late FAKE_AGENT_EXIT_AFTER_MS=3000 FAKE_AGENT_EXIT_CODE=1
A3=$(wait_registered)
finish 8
check "FAKE_AGENT_EXIT_AFTER_MS after registering: served first" "$([ -n "$A3" ] && echo yes)" yes
check "FAKE_AGENT_EXIT_AFTER_MS after registering -> its code" "$RC" 1

# 7. FAKE_AGENT_NEVER_REGISTER=1: runs, never serves.
start never FAKE_AGENT_NEVER_REGISTER=1
sleep 1.5
check "FAKE_AGENT_NEVER_REGISTER: no introspection" "$(code /v1/metadata)" 000
check "FAKE_AGENT_NEVER_REGISTER: still running" "$(kill -0 "$AGENT_PID" 2>/dev/null && echo yes)" yes
kill -TERM "$AGENT_PID"; finish 5
check "FAKE_AGENT_NEVER_REGISTER: SIGTERM -> 0" "$RC" 0

# 8. Instance role credentials and region from IMDS; os-family and custom attributes.
start role -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_DEFAULT_REGION ECS_DATADIR="$T/data8" \
  FAKE_AGENT_BUILD=20348 FAKE_AGENT_INSTALLATION_TYPE="Server Core" FAKE_AGENT_MOTO_ATTRIBUTES=1 \
  'ECS_INSTANCE_ATTRIBUTES={"team":"red"}' 'ECS_CONTAINER_INSTANCE_TAGS={"owner":"qa"}'
A4=$(wait_registered)
check "instance role + IMDS region: registered" "$(echo "$A4" | grep -c ':container-instance/blue/')" 1
check "ecs.os-family from the simulated host" \
  "$(AWS ecs list-attributes --cluster blue --target-type container-instance --attribute-name ecs.os-family \
     --attribute-value WINDOWS_SERVER_2022_CORE --query 'attributes[].targetId' | grep -c "$A4")" 1
check "custom attribute on first registration" \
  "$(AWS ecs list-attributes --cluster blue --target-type container-instance --attribute-name team \
     --attribute-value red --query 'attributes[].targetId' | grep -c "$A4")" 1
check "tags sent" "$(grep -c '"tags":\[{"key":"owner","value":"qa"}\]' "$T/role.log")" 1
kill -TERM "$AGENT_PID"; finish 5
start role2 ECS_DATADIR="$T/data8" 'ECS_INSTANCE_ATTRIBUTES={"team":"red"}'
A5=$(wait_registered); kill -TERM "$AGENT_PID"; finish 5
check "re-registration keeps the ARN" "${A5:-none}" "${A4:-missing}"
check "custom attributes not re-sent on re-registration" "$(grep -c '"team"' "$T/role2.log")" 0

# 9. Rejected credentials: retried, then exit 1 (the SCM would restart it).
start badkey AWS_SECRET_ACCESS_KEY=wrong
finish 60
check "rejected credentials -> exit 1 after retries" "$RC" 1
check "the secret key never reaches a log" "$(cat "$T"/*.log "$T"/*.out | grep -c -- "$SECRET")" 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
