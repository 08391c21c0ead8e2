#!/usr/bin/env bash
# The agent dies while run waits for registration. Exit 1 (transient, as the agent exits
# when registering failed under throttling): started again after its recovery delay (5 s),
# as the service manager would, while registration_timeout allows; then exit 5 with the
# tail of the agent's log. Exit 5 (terminal): exit 5 at once, no restart. An agent that
# never registers: exit 5 at the timeout.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-dies\n[agent]\nregistration_timeout = 5m\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-dies

# --- dies 1.5 s after start, before registering (it would register after 60 s) ---------
ls_host "$LS_TMP/host1"
H=$LS_HOST_DIR
# registration_timeout 20s: room for the first recovery restart (5 s), not the second (30 s)
FAKE_AGENT_REGISTER_DELAY_MS=60000 FAKE_AGENT_EXIT_AFTER_MS=1500 FAKE_AGENT_EXIT_CODE=1 e2e_run dies \
  --set agent.registration_timeout=20s
check_eq "agent dies: exit 5" "$RC" 5
check "agent dies (exit 1): started again once after 5 s, as its recovery actions do" \
  grep -qE '\[WARN\]:.*exited with code 1 before it registered.*again in 5000 ms.*\(1 of 3\)' "$OUT"
check_eq "agent dies (exit 1): no second restart (30 s would pass the 20 s timeout)" \
  "$(grep -c 'starting it again' "$OUT")" 1
check "agent dies: fails well before the timeout's end (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 19000
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

# --- dies with exit 5 (terminal): no restart, exit 5 at once -------------------------------
ls_host "$LS_TMP/host3"
FAKE_AGENT_REGISTER_DELAY_MS=60000 FAKE_AGENT_EXIT_AFTER_MS=1000 FAKE_AGENT_EXIT_CODE=5 e2e_run dies5
check_eq "agent dies with exit 5: exit 5" "$RC" 5
check "agent dies with exit 5: fails at once (${ELAPSED_MS} ms), no restart" \
  bash -c "[ $ELAPSED_MS -lt 5000 ] && ! grep -q 'starting it again' '$OUT'"
check "agent dies with exit 5: the error gives the agent's exit code 5" grep -qE '\[ERROR\]:.*exit code 5' "$OUT"

# --- never registers: the registration timeout -------------------------------------------
ls_host "$LS_TMP/host2"
H=$LS_HOST_DIR
FAKE_AGENT_NEVER_REGISTER=1 e2e_run never --set agent.registration_timeout=3s
check_eq "agent never registers: exit 5" "$RC" 5
check "agent never registers: stops at the 3 s timeout (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 20000
check "agent never registers: the error says it did not register in time" grep -qiE '\[ERROR\]:.*did not register' "$OUT"

no_secrets "agent dies"
e2e_finish
