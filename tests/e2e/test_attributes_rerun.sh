#!/usr/bin/env bash
# The agent registers but PutAttributes keeps failing (a fault proxy throttles every
# PutAttributes) until the call's deadline: run exits 7 and names the attributes not yet
# published; the agent keeps running. The same when DescribeContainerInstances fails (all
# wanted attributes are then unconfirmed). Rerun without faults: the attributes phase adds them
# and nothing else changes; a third run finds them and changes nothing.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp); trap 'rm -f "$UD"' RETURN 2>/dev/null
printf '[cluster]\nname = e2e-attrs\n[attributes]\nteam = payments\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-attrs
ls_start_fault_proxy || { bad "fault proxy starts"; e2e_finish; exit 1; }
ls_host "$LS_TMP/host"
H=$LS_HOST_DIR

# --- PutAttributes throttled until the 3 s call deadline ------------------------------
ls_proxy_faults '{"mode":"throttle","count":-1,"action":"PutAttributes"}'
LS_MOTO=$LS_PROXY e2e_run faulted --set timeouts.aws_call=3s
check_eq "PutAttributes throttled: run exits 7 (registered, attributes pending)" "$RC" 7
check_eq "phase register succeeded" "$(phase_result register)" ok
check_eq "phase attributes failed" "$(phase_result attributes)" failed
check "the message says the agent registered and names each attribute not yet published" \
  grep -qE 'ERROR.*agent registered as arn:aws:ecs:[^ ]*, but these attributes are not published yet: ecs.os-family=WINDOWS_SERVER_2022_CORE, team=payments' "$OUT"
check "the message names the bound: the 3s deadline (timeouts.aws_call), and says to run again" \
  grep -qE 'gave up after [0-9]+ attempts at the 3s deadline \(timeouts.aws_call\): raise timeouts.aws_call.*run ecs-bootstrap run again' "$OUT"
n=$(curl -s "$LS_PROXY/_fault/stats" | jq .injected)
check "more than 5 PutAttributes tries were made within the deadline (got $n)" test "${n:-0}" -gt 5
check_eq "status file records exit 7" "$(jq .exit_code "$H/status.json")" 7
check "the agent is still running" test -n "$(ls_agent_pid "$H")"
ls_instances e2e-attrs >"$LS_TMP/ci1.json"
check_eq "moto: one container instance, without ecs.os-family yet" \
  "$(jq '.containerInstances | length' "$LS_TMP/ci1.json"):$(attr "$LS_TMP/ci1.json" ecs.os-family)" "1:"
pid1=$(ls_agent_pid "$H")

# --- DescribeContainerInstances throttled: which attributes are there is unknown --------
ls_proxy_faults '{"mode":"throttle","count":-1,"action":"DescribeContainerInstances"}'
LS_MOTO=$LS_PROXY e2e_run describe_faulted --set timeouts.aws_call=2s
check_eq "DescribeContainerInstances throttled: run exits 7" "$RC" 7
check "it names every wanted attribute as not yet published" \
  grep -qE 'ERROR.*not published yet: ecs.os-family=WINDOWS_SERVER_2022_CORE, team=payments \(ECS DescribeContainerInstances' "$OUT"
check_eq "the same agent process is still running" "$(ls_agent_pid "$H")" "$pid1"

# --- rerun without faults: completes the attributes, changes nothing else -------------
ls_proxy_faults '{"mode":"none"}'
LS_MOTO=$LS_PROXY e2e_run rerun
check_eq "rerun exits 0" "$RC" 0
check_eq "rerun: attributes phase changed" "$(phase_result attributes)" changed
check "rerun: it added both attributes" grep -qE 'phase attributes: changed.*added: ecs.os-family=WINDOWS_SERVER_2022_CORE, team=payments' "$OUT"
check_eq "rerun: the same agent process" "$(ls_agent_pid "$H")" "$pid1"
check_eq "status file records exit 0" "$(jq .exit_code "$H/status.json")" 0
ls_instances e2e-attrs >"$LS_TMP/ci2.json"
check_eq "moto: still one instance, now with ecs.os-family and team" \
  "$(jq '.containerInstances | length' "$LS_TMP/ci2.json"):$(attr "$LS_TMP/ci2.json" ecs.os-family):$(attr "$LS_TMP/ci2.json" team)" \
  "1:WINDOWS_SERVER_2022_CORE:payments"

# --- third run: idempotent ------------------------------------------------------------
LS_MOTO=$LS_PROXY e2e_run third
check_eq "third run exits 0" "$RC" 0
check_eq "third run: attributes phase unchanged" "$(phase_result attributes)" unchanged
no_secrets "attributes rerun"
e2e_finish
