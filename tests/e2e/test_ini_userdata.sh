#!/usr/bin/env bash
# INI user data from IMDS: run joins the named cluster, publishes ecs.os-family and the
# custom attributes; the status command shows the report; a second run changes nothing.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp); trap 'rm -f "$UD"' RETURN 2>/dev/null
cat >"$UD" <<'INI'
; ecs-bootstrap user data (INI); the region comes from IMDS
[cluster]
name = e2e-ini

[agent]
task_iam_role = true
registration_timeout = 2m

[attributes]
team = payments
stack = e2e
INI
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-ini
ls_host "$LS_TMP/host"
H=$LS_HOST_DIR

# --- first run --------------------------------------------------------------------
e2e_run first
check_eq "first run exits 0" "$RC" 0
for p in config preflight agent-config service register attributes; do
  r=$(phase_result "$p")
  case $r in ok|changed) ok "first run: phase $p $r" ;; *) bad "first run: phase $p logged ok/changed (got '$r')" "$OUT" ;; esac
done
check "log lines use the ECSTools format '<UTC> - [INFO]:'" \
  grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z - \[INFO\]:phase config: ' "$OUT"

ls_instances e2e-ini >"$LS_TMP/ci1.json"
check_eq "moto: exactly one container instance in cluster e2e-ini" \
  "$(jq '.containerInstances | length' "$LS_TMP/ci1.json")" 1
check_eq "moto: it is the EC2 instance IMDS describes" \
  "$(jq -r '.containerInstances[0].ec2InstanceId' "$LS_TMP/ci1.json")" "$LS_INSTANCE_ID"
check_eq "moto: ecs.os-family = WINDOWS_SERVER_2022_CORE (build 20348, Server Core)" \
  "$(attr "$LS_TMP/ci1.json" ecs.os-family)" WINDOWS_SERVER_2022_CORE
check_eq "moto: custom attribute team=payments" "$(attr "$LS_TMP/ci1.json" team)" payments
check_eq "moto: custom attribute stack=e2e" "$(attr "$LS_TMP/ci1.json" stack)" e2e
ARN=$(jq -r '.containerInstances[0].containerInstanceArn' "$LS_TMP/ci1.json")
# Placement as users write it: filter by the attribute (by name and value: moto's ListAttributes)
check_eq "moto: ListAttributes finds the instance by ecs.os-family" \
  "$(ls_aws ecs list-attributes --cluster e2e-ini --target-type container-instance \
       --attribute-name ecs.os-family --attribute-value WINDOWS_SERVER_2022_CORE \
       --query 'attributes[0].targetId' --output text)" "$ARN"
check "env file names the cluster and the agent paths" \
  bash -c "grep -q '^ECS_CLUSTER=e2e-ini' '$H/ecs.config' && grep -q '^ECS_DATADIR=$H/data' '$H/ecs.config' && grep -q '^ECS_LOGFILE=$H/log/ecs-agent.log' '$H/ecs.config'"
check "ecs-bootstrap.log in log_dir holds the phase lines" grep -q 'phase attributes: ' "$H/log/ecs-bootstrap.log"
check "the agent wrote its own log (ECS_LOGFILE)" test -s "$H/log/ecs-agent.log"
AGENT1=$(ls_agent_pid "$H")
check "the agent is running after the run (pid file in the state dir)" test -n "$AGENT1"

# --- status file and command ------------------------------------------------------------
S=$H/status.json
check_eq "status file: result ok, exit_code 0" "$(jq -r '"\(.result) \(.exit_code)"' "$S")" "ok 0"
check_eq "status file: cluster, region, os_family" "$(jq -r '"\(.cluster) \(.region) \(.os_family)"' "$S")" \
  "e2e-ini us-east-1 WINDOWS_SERVER_2022_CORE"
check_eq "status file: the ARN moto has" "$(jq -r .container_instance_arn "$S")" "$ARN"
# The plan is the contract: plan (same inputs, the same IMDS) lists exactly what run did.
PLANNED=$(AWS_EC2_METADATA_SERVICE_ENDPOINT="$LS_IMDS" AWS_ENDPOINT_URL="$LS_MOTO" "$LS_BUILD/ecs-bootstrap" plan --json \
  --config "$H/ecs-bootstrap.ini" --build 20348 --installation-type "Server Core" 2>/dev/null \
  | jq -r '[.action_detail[].name] | join(",")')
check_eq "status file: run's actions are plan's, in order" "$(jq -r '[.phases[].name] | join(",")' "$S")" "$PLANNED"
check_eq "status file: seven actions (task_iam_role plans the proxy)" "$(jq -r '[.phases[].name] | join(",")' "$S")" \
  "config,preflight,agent-config,credential-proxy,service,register,attributes"
check_eq "status file: the credential proxy is skipped on POSIX, with the reason" \
  "$(jq -r '.phases[] | select(.name == "credential-proxy") | "\(.result): \(.detail)"' "$S")" \
  "skipped: no Windows host networking here (vEthernet (nat), port proxy): POSIX build"
check_eq "status file: schema_version 1, no errors" "$(jq -r '"\(.schema_version) \(.errors | length)"' "$S")" "1 0"
OUT=$LS_TMP/status.out
"$LS_BUILD/ecs-bootstrap" status --status-file "$S" >"$OUT" 2>&1; rc=$?
cat "$OUT" >>"$LS_TMP/all-output.txt"
check_eq "status command exits 0" "$rc" 0
check "status command shows the cluster, the ARN and every phase" \
  bash -c "grep -q e2e-ini '$OUT' && grep -qF '$ARN' '$OUT' && grep -q attributes '$OUT' && grep -q register '$OUT'"
"$LS_BUILD/ecs-bootstrap" status --status-file "$S" --json >"$LS_TMP/status.json.out" 2>&1
# shellcheck disable=SC2016 # jq's $a
check "status --json prints the file's report" jq -e --arg a "$ARN" '.container_instance_arn == $a and .result == "ok"' "$LS_TMP/status.json.out"

# --- second run: the fast path ------------------------------------------------------
sum1=$(sha256sum "$H/ecs.config"); mt1=$(stat -c %Y.%y "$H/ecs.config")
e2e_run second
check_eq "second run exits 0" "$RC" 0
for p in config preflight agent-config service register attributes; do
  r=$(phase_result "$p")
  case $r in ok|unchanged) ok "second run: phase $p $r" ;; *) bad "second run: phase $p ok/unchanged (got '$r')" "$OUT" ;; esac
done
for p in agent-config service register attributes; do
  check_eq "second run: phase $p reports unchanged" "$(phase_result "$p")" unchanged
done
check_eq "second run: env file content unchanged" "$(sha256sum "$H/ecs.config")" "$sum1"
check_eq "second run: env file not rewritten (mtime)" "$(stat -c %Y.%y "$H/ecs.config")" "$mt1"
check_eq "second run: the same agent process (not restarted)" "$(ls_agent_pid "$H")" "$AGENT1"
ls_instances e2e-ini >"$LS_TMP/ci2.json"
check_eq "moto: still one container instance, the same ARN" \
  "$(jq -r '[.containerInstances[].containerInstanceArn] | join(" ")' "$LS_TMP/ci2.json")" "$ARN"
check_eq "status file after the second run: result ok" "$(jq -r .result "$S")" ok

# --- run's output through a pipe (as a boot script runner captures it) ---------------------
# When run exits, the reader must see EOF at once, even though the agent it started runs on.
stop_pid "$(ls_agent_pid "$H")"
ls_create_cluster e2e-pipe
ls_host "$LS_TMP/host-pipe"
( ls_bootstrap --set cluster.name=e2e-pipe </dev/null 2>&1 | cat >"$LS_TMP/pipe.out" ) &
pp=$!
for ((i = 0; i < 200; i++)); do kill -0 "$pp" 2>/dev/null || break; sleep 0.1; done
OUT=$LS_TMP/pipe.out
if kill -0 "$pp" 2>/dev/null; then
  bad "output through a pipe: the reader sees EOF when run exits (still open after 20 s: a child keeps run's stdout)" "$OUT"
  stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
else
  ok "output through a pipe: the reader sees EOF when run exits"
fi
wait "$pp" 2>/dev/null
cat "$OUT" >>"$LS_TMP/all-output.txt"
check "output through a pipe: the run finished ('done:' line)" grep -q 'done: .*e2e-pipe' "$OUT"

no_secrets "ini"
e2e_finish
