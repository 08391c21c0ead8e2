#!/usr/bin/env bash
# A cluster that does not exist: exit 4 naming the cluster and the region, no agent left
# running (both when none ran and when one ran for a cluster since deleted).
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-nope\n[agent]\nregistration_timeout = 1m\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"

# --- never created -------------------------------------------------------------
ls_host "$LS_TMP/host1"
H=$LS_HOST_DIR
e2e_run missing
check_eq "missing cluster: exit 4 (preflight)" "$RC" 4
check "missing cluster: the error names the cluster and the region" \
  grep -E '\[ERROR\]:.*e2e-nope.*us-east-1' "$OUT"
check "missing cluster: says how to fix it (create-cluster or [cluster] name)" grep -qE 'create-cluster|\[cluster\] name' "$OUT"
check_eq "missing cluster: preflight failed, later phases not run" \
  "$(phase_result preflight)/$(phase_result service)" "failed/"
check_eq "missing cluster: no agent process (pid file)" "$(ls_agent_pid "$H")" ""
check_eq "missing cluster: no agent process started from this host's agent dir" \
  "$(pgrep -f "$H/agent/" | wc -l)" 0
check_eq "missing cluster: status file result failed, exit 4, one error" \
  "$(jq -r '"\(.result) \(.exit_code) \(.errors | length)"' "$H/status.json")" "failed 4 1"
check_eq "missing cluster: moto has no container instance anywhere" \
  "$(ls_aws ecs list-clusters --query 'length(clusterArns)')" 0

# --- the agent runs, then its cluster is deleted ---------------------------------------
printf '[cluster]\nname = e2e-gone\n[agent]\nregistration_timeout = 1m\n' >"$LS_TMP/ud2"
ls_imds_userdata "$LS_TMP/ud2"
ls_create_cluster e2e-gone
ls_host "$LS_TMP/host2"
H=$LS_HOST_DIR
e2e_run gone-first
check_eq "cluster e2e-gone: first run exits 0" "$RC" 0
check "cluster e2e-gone: the agent runs" test -n "$(ls_agent_pid "$H")"
arn=$(ls_aws ecs list-container-instances --cluster e2e-gone --query 'containerInstanceArns[0]' --output text)
ls_aws ecs deregister-container-instance --cluster e2e-gone --container-instance "$arn" --force >/dev/null
ls_aws ecs delete-cluster --cluster e2e-gone >/dev/null
e2e_run gone-again
check_eq "cluster deleted: exit 4" "$RC" 4
check "cluster deleted: the error names e2e-gone and us-east-1" grep -E '\[ERROR\]:.*e2e-gone.*us-east-1' "$OUT"
check_eq "cluster deleted: the running agent was stopped (none left)" "$(ls_agent_pid "$H")" ""
check_eq "cluster deleted: no agent process from this host's agent dir" "$(pgrep -f "$H/agent/" | wc -l)" 0

no_secrets "missing cluster"
e2e_finish
