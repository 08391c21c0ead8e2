#!/usr/bin/env bash
# The agent dies while run waits for registration: exit 5 at once (not at the
# registration timeout) with the tail of the agent's log; an agent that never
# registers: exit 5 at the timeout.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-dies\n[agent]\nregistration_timeout = 5m\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-dies

# --- dies 1.5 s after start, before registering (it would register after 60 s) ---------
ls_host "$LS_TMP/host1"
H=$LS_HOST_DIR
FAKE_AGENT_REGISTER_DELAY_MS=60000 FAKE_AGENT_EXIT_AFTER_MS=1500 FAKE_AGENT_EXIT_CODE=1 e2e_run dies
check_eq "agent dies: exit 5" "$RC" 5
check "agent dies: fails fast (${ELAPSED_MS} ms; the timeout is 5 min)" test "$ELAPSED_MS" -lt 30000
check "agent dies: the error gives the agent's exit code 1" grep -qE '\[ERROR\]:.*exit code 1' "$OUT"
last=$(grep -v '^[[:space:]]*$' "$H/log/ecs-agent.log" 2>/dev/null | tail -n 1)
check "agent dies: the agent's log has lines (ECS_LOGFILE)" test -n "$last"
check "agent dies: the output shows the tail of the agent's log" grep -qF -- "$last" "$OUT"
check_eq "agent dies: register failed, attributes not run" \
  "$(phase_result register)/$(phase_result attributes)" "failed/"
check_eq "agent dies: status file result failed, exit 5" \
  "$(jq -r '"\(.result) \(.exit_code)"' "$H/status.json")" "failed 5"
check_eq "agent dies: no container instance in moto" \
  "$(ls_aws ecs list-container-instances --cluster e2e-dies --query 'length(containerInstanceArns)')" 0

# --- never registers: the registration timeout -------------------------------------------
ls_host "$LS_TMP/host2"
H=$LS_HOST_DIR
FAKE_AGENT_NEVER_REGISTER=1 e2e_run never --set agent.registration_timeout=3s
check_eq "agent never registers: exit 5" "$RC" 5
check "agent never registers: stops at the 3 s timeout (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 20000
check "agent never registers: the error says it did not register in time" grep -qiE '\[ERROR\]:.*did not register' "$OUT"

no_secrets "agent dies"
e2e_finish
