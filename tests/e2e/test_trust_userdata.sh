#!/usr/bin/env bash
# Trust model: user data may not steer ecs-bootstrap ([paths], AWS_ENDPOINT_URL, ...)
# unless the baked INI allows the setting by name.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-trust\n[environment]\nAWS_ENDPOINT_URL = http://198.51.100.1:1\n[paths]\nstatus_file = %s\n' \
  "/tmp/ecsb-e2e-trust-$$.json" >"$UD"
e2e_start "$UD"
ls_create_cluster e2e-trust
ls_host "$LS_TMP/host"

e2e_run refused
check_eq "steering settings in user data: run exits 3 (bad input)" "$RC" 3
check "the message names the place, the key and the fix" \
  grep -q 'user data:4:.*environment.AWS_ENDPOINT_URL may not come from user data.*allow_from_userdata = environment.AWS_ENDPOINT_URL' "$OUT"
check "nothing was written where user data pointed" test ! -e "/tmp/ecsb-e2e-trust-$$.json"
check "the agent's env file was not written" test ! -e "$LS_HOST_DIR/ecs.config"

# The AMI owner allows the status file path by name; the endpoint stays refused.
printf '[cluster]\nname = e2e-trust\n[paths]\nstatus_file = %s/ud-status.json\n' "$LS_TMP" >"$UD"
ls_imds_userdata "$UD"; rm -f "$UD"
ls_host "$LS_TMP/host2" "[trust]
allow_from_userdata = paths.status_file"
e2e_run allowed
check_eq "allowed by name in the baked INI: run exits 0" "$RC" 0
check_eq "status file written where user data said" "$(jq -r .result "$LS_TMP/ud-status.json" 2>/dev/null)" ok
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
no_secrets trust
e2e_finish
