#!/usr/bin/env bash
# Canary secrets in every input -- PowerShell and INI user data (an override), the baked
# INI, --set, the instance role served by the fake IMDS, a registry credential
# (ECS_ENGINE_AUTH_DATA), static AWS keys in run's own environment, and an agent that logs
# its environment -- never reach stdout, stderr, ecs-bootstrap.log or the status file, after
# `plan`, a successful `run` and a failed `run` (whose error quotes the agent's log). The agent
# sees only its own secret-bearing variables. Files are private (0600).
. "$(dirname "$0")/lib.sh"

PS_PW=CANARYpsPW7781 INI_PW=CANARYiniPW5512 SET_SK=CANARYsetSK3391 BAKED_PW=CANARYbakedPW4410
UD=$(mktemp)
cat >"$UD" <<UD
<powershell>
[Environment]::SetEnvironmentVariable("ECS_ENGINE_AUTH_DATA", '{"https://index.docker.io/v1/":{"username":"u","password":"$PS_PW"}}', "Machine")
Initialize-ECSAgent -Cluster 'e2e-canary' -EnableTaskIAMRole
</powershell>
<ecs-bootstrap>
[environment]
ECS_ENGINE_AUTH_TYPE = dockercfg
ECS_ENGINE_AUTH_DATA = {"https://index.docker.io/v1/":{"username":"u","password":"$INI_PW"}}
</ecs-bootstrap>
UD
e2e_start "$UD"
ls_create_cluster e2e-canary
BAKED="[environment]
ECS_BAKED_PASSWORD = $BAKED_PW"
ls_host "$LS_TMP/host1" "$BAKED"
CANARIES=("$PS_PW" "$INI_PW" "$SET_SK" "$BAKED_PW" "$LS_SK")

# scan LABEL FILE...: no canary in any of the files
scan() {
  local label=$1 hits=0 c f; shift
  for c in "${CANARIES[@]}"; do
    for f in "$@"; do
      [ -f "$f" ] || continue
      if grep -qF -- "$c" "$f"; then echo "canary ${c:0:10}... found in $f"; hits=$((hits + 1)); fi
    done
  done
  check_eq "$label: no canary secret in $(printf '%s ' "${@##*/}")" "$hits" 0
}
modes() { # modes LABEL HOST_DIR
  local f
  for f in "$2/ecs.config" "$2/status.json" "$2/log/ecs-bootstrap.log" "$2/state/managed-environment"; do
    check_eq "$1: mode of ${f##*/} is 600" "$(stat -c %a "$f" 2>/dev/null)" 600
  done
}

# --- plan: text and JSON, stdout and stderr apart ------------------------------------------
for form in text json; do
  args=(); [ "$form" = json ] && args=(--json)
  "$LS_BUILD/ecs-bootstrap" plan --userdata "$UD" --config "$LS_HOST_DIR/ecs-bootstrap.ini" \
    --set "environment.ECS_CANARY_SECRET=$SET_SK" --build 20348 --installation-type "Server Core" "${args[@]}" \
    >"$LS_TMP/plan-$form.out" 2>"$LS_TMP/plan-$form.err"
  check_eq "plan ($form) exits 0" "$?" 0
  scan "plan ($form)" "$LS_TMP/plan-$form.out" "$LS_TMP/plan-$form.err"
done
check "plan shows the override warning with the values masked" \
  grep -q "ECS_ENGINE_AUTH_DATA from PowerShell ('<redacted>') is overridden" "$LS_TMP/plan-text.out"
rm -f "$UD"

# --- a successful run (instance-role credentials from the fake IMDS) ------------------------
export FAKE_AGENT_LOG_ENVIRONMENT=1
e2e_run ok --set "environment.ECS_CANARY_SECRET=$SET_SK"
check_eq "successful run: exit 0" "$RC" 0
scan "successful run" "$OUT" "$LS_HOST_DIR/log/ecs-bootstrap.log" "$LS_HOST_DIR/status.json"
modes "successful run" "$LS_HOST_DIR"
check "the agent got its registry credential (env file)" grep -qF "$INI_PW" "$LS_HOST_DIR/ecs.config"
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"

# --- a failed run: the agent logs its environment and dies; run's own env has AWS keys ------
ls_host "$LS_TMP/host2" "$BAKED"
export FAKE_AGENT_REGISTER_DELAY_MS=10000 FAKE_AGENT_EXIT_AFTER_MS=700
LS_ENV_EXTRA="AWS_ACCESS_KEY_ID=$LS_AK AWS_SECRET_ACCESS_KEY=$LS_SK" e2e_run failed \
  --set "environment.ECS_CANARY_SECRET=$SET_SK"
unset FAKE_AGENT_REGISTER_DELAY_MS FAKE_AGENT_EXIT_AFTER_MS FAKE_AGENT_LOG_ENVIRONMENT
check_eq "failed run: exit 5 (agent)" "$RC" 5
check "the failure quotes the agent's log" grep -q "last lines of" "$OUT"
scan "failed run" "$OUT" "$LS_HOST_DIR/log/ecs-bootstrap.log" "$LS_HOST_DIR/status.json"
"$LS_BUILD/ecs-bootstrap" status --status-file "$LS_HOST_DIR/status.json" >"$LS_TMP/status.out" 2>&1
scan "status (report)" "$LS_TMP/status.out"
modes "failed run" "$LS_HOST_DIR"
agent_log=$LS_HOST_DIR/state/AmazonECS.log
check_eq "agent log: mode 600" "$(stat -c %a "$agent_log")" 600
check "the agent saw its own secret-bearing variable" grep -q "environment: ECS_ENGINE_AUTH_DATA=" "$agent_log"
check "the agent did not get run's AWS keys" test -z "$(grep -e 'environment: AWS_SECRET_ACCESS_KEY' -e 'environment: AWS_ACCESS_KEY_ID' "$agent_log")"
check "the agent's environment holds no other secret" test -z "$(grep -F -e "$LS_SK" "$agent_log")"
check "the quoted agent log shows the agent's secrets masked" grep -q 'environment: ECS_ENGINE_AUTH_DATA=<redacted>' "$OUT"
no_secrets canary
e2e_finish
