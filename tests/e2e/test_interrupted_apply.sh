#!/usr/bin/env bash
# A run killed while it writes the agent's variables (the ECS_BOOTSTRAP_FAULT test hook
# ends the process at the first variable write, after the intent record), then a rerun
# with a changed cluster: it converges (ECS_CLUSTER updated, instance in the new cluster,
# intent record gone). Files it wrote are private (0600).
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-int-a\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-int-a
ls_create_cluster e2e-int-b
ls_host "$LS_TMP/host"
state=$LS_HOST_DIR/state

export ECS_BOOTSTRAP_FAULT=env-write:1
e2e_run killed
unset ECS_BOOTSTRAP_FAULT
check_eq "run killed at the first variable write (exit 137)" "$RC" 137
check "the intent record is on disk before the host changed" test -f "$state/managed-environment.intent"
check_eq "intent record: ECS_CLUSTER=e2e-int-a" "$(grep '^ECS_CLUSTER=' "$state/managed-environment.intent")" \
  "ECS_CLUSTER=e2e-int-a"

e2e_run rerun --set cluster.name=e2e-int-b
check_eq "rerun with a changed cluster: exit 0" "$RC" 0
check_eq "env file: ECS_CLUSTER updated" "$(grep '^ECS_CLUSTER=' "$LS_HOST_DIR/ecs.config")" "ECS_CLUSTER=e2e-int-b"
check_eq "managed record: ECS_CLUSTER updated" "$(grep '^ECS_CLUSTER=' "$state/managed-environment")" \
  "ECS_CLUSTER=e2e-int-b"
check "intent record removed after the apply" test ! -e "$state/managed-environment.intent"
ls_instances e2e-int-b >"$LS_TMP/ci.json"
check_eq "moto: one container instance in e2e-int-b" "$(jq '.containerInstances | length' "$LS_TMP/ci.json")" 1

for f in "$LS_HOST_DIR/ecs.config" "$LS_HOST_DIR/status.json" "$state/managed-environment" \
  "$LS_HOST_DIR/log/ecs-bootstrap.log" "$state/AmazonECS.log"; do
  check_eq "mode of $(basename "$f") is 600" "$(stat -c %a "$f" 2>/dev/null)" 600
done
check "no temp file left beside the env file or the status file" \
  test -z "$(find "$LS_HOST_DIR" "$state" -maxdepth 1 -name '*.tmp.*')"
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
no_secrets interrupted
e2e_finish
