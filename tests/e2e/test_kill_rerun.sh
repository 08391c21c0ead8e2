#!/usr/bin/env bash
# kill -9 of ecs-bootstrap mid-run, then a rerun: the same end state (one container
# instance, attributes present), whether the agent survived the kill or died with it.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-kill\n[agent]\nregistration_timeout = 2m\n[attributes]\nteam = payments\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-kill

# start_and_kill NAME: runs ecs-bootstrap with a slow-registering agent and kills it with
# SIGKILL once it waits for the registration (the service phase has been logged).
start_and_kill() {
  local out=$LS_TMP/$1.out pid i
  ( FAKE_AGENT_REGISTER_DELAY_MS=3000 LS_EXEC=1 ls_bootstrap >"$out" 2>&1 </dev/null ) &
  pid=$!
  for ((i = 0; i < 200; i++)); do grep -q 'phase service:' "$out" && break; sleep 0.05; done
  KILLED_IN_WAIT=0
  grep -q 'phase service:' "$out" && ! grep -q 'phase register:' "$out" && KILLED_IN_WAIT=1
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  cat "$out" >>"$LS_TMP/all-output.txt"
}
converged() { # converged LABEL: one container instance with both attributes, status ok
  ls_instances e2e-kill >"$LS_TMP/ci.json"
  check_eq "$1: one container instance in total" "$(jq '.containerInstances | length' "$LS_TMP/ci.json")" 1
  check_eq "$1: ecs.os-family and team present" \
    "$(attr "$LS_TMP/ci.json" ecs.os-family) $(attr "$LS_TMP/ci.json" team)" "WINDOWS_SERVER_2022_CORE payments"
  check_eq "$1: status file ok with the ARN moto has" "$(jq -r '"\(.result) \(.container_instance_arn)"' "$LS_HOST_DIR/status.json")" \
    "ok $(jq -r '.containerInstances[0].containerInstanceArn' "$LS_TMP/ci.json")"
}

# --- killed during the registration wait; the agent survives and registers -------------
ls_host "$LS_TMP/host1"
start_and_kill killed1
check_eq "run killed with SIGKILL during the registration wait" "$KILLED_IN_WAIT" 1
check "the agent outlives the killed run" test -n "$(ls_agent_pid "$LS_HOST_DIR")"
e2e_run rerun1
check_eq "rerun after the kill: exit 0" "$RC" 0
converged "rerun after the kill"
e2e_run rerun1b
check_eq "a third run: exit 0, attributes unchanged" "$RC/$(phase_result attributes)" "0/unchanged"
converged "third run"

# --- killed together with the agent (a crash or power loss) before it registered --------
ls_aws ecs deregister-container-instance --cluster e2e-kill --force \
  --container-instance "$(jq -r '.containerInstances[0].containerInstanceArn' "$LS_TMP/ci.json")" >/dev/null
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
ls_host "$LS_TMP/host2"
start_and_kill killed2
check_eq "second host: run killed during the registration wait" "$KILLED_IN_WAIT" 1
apid=$(ls_agent_pid "$LS_HOST_DIR")
check "second host: the agent was running" test -n "$apid"
kill -KILL "$apid" 2>/dev/null
for _ in $(seq 50); do [ -z "$(ls_agent_pid "$LS_HOST_DIR")" ] && break; sleep 0.1; done
e2e_run rerun2
check_eq "rerun after killing run and agent: exit 0" "$RC" 0
check_eq "rerun after killing run and agent: the service phase started the agent again" \
  "$(phase_result service)" changed
converged "rerun after killing run and agent"

no_secrets "kill and rerun"
e2e_finish
