#!/usr/bin/env bash
# Legacy PowerShell user data (Import-Module ECSTools; Initialize-ECSAgent ...) from IMDS:
# drop-in compatible. The AMI's baked config carries the custom attributes; the simulated
# host is Windows Server 2019 with the desktop experience (17763, "Server"). Written as
# people write it (issue 14): "$TRUE" in double quotes, a curly-quoted line, and
# -LoggingDrivers without inner quotes, which the agent tolerates: the instance joins, the
# JSON meant is written, and the warning is in the run log and the status report.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
cat >"$UD" <<'PS'
<powershell>
[Environment]::SetEnvironmentVariable("ECS_CONTAINER_START_TIMEOUT", "15m", "Machine")
[System.Environment]::SetEnvironmentVariable("ECS_IMAGE_PULL_BEHAVIOR", "prefer-cached", [System.EnvironmentVariableTarget]::Machine)
Write-Host "Joining the cluster"
[Environment]::SetEnvironmentVariable("ECS_ENABLE_CONTAINER_METADATA", "$TRUE", "Machine")
Add-MpPreference -ExclusionPath “C:\ProgramData\docker"
Import-Module ECSTools
Initialize-ECSAgent –Cluster "e2e-legacy" `
  -EnableTaskIAMRole `
  -LoggingDrivers '[json-file, awslogs]'
</powershell>
<persist>true</persist>
PS
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-legacy
ls_host "$LS_TMP/host" $'[attributes]\nteam = payments\n[agent]\nregistration_timeout = 2m'
H=$LS_HOST_DIR
export LS_BUILD_NO=17763 LS_ITYPE=Server

e2e_run legacy
check_eq "legacy user data: run exits 0" "$RC" 0
ls_instances e2e-legacy >"$LS_TMP/ci.json"
check_eq "moto: one container instance in cluster e2e-legacy (from -Cluster)" \
  "$(jq '.containerInstances | length' "$LS_TMP/ci.json")" 1
check_eq "moto: it is the EC2 instance IMDS describes" \
  "$(jq -r '.containerInstances[0].ec2InstanceId' "$LS_TMP/ci.json")" "$LS_INSTANCE_ID"
check_eq "moto: ecs.os-family = WINDOWS_SERVER_2019_FULL (build 17763, Server)" \
  "$(attr "$LS_TMP/ci.json" ecs.os-family)" WINDOWS_SERVER_2019_FULL
check_eq "moto: custom attribute from the baked config team=payments" "$(attr "$LS_TMP/ci.json" team)" payments
check "env file: -EnableTaskIAMRole gives ECS_ENABLE_TASK_IAM_ROLE=true" grep -qx 'ECS_ENABLE_TASK_IAM_ROLE=true' "$H/ecs.config"
check "env file: -LoggingDrivers gives ECS_AVAILABLE_LOGGING_DRIVERS" \
  grep -qx 'ECS_AVAILABLE_LOGGING_DRIVERS=\["json-file","awslogs"\]' "$H/ecs.config"
check "run log: the repaired -LoggingDrivers is a warning naming its line" \
  grep -q "WARN\].*:10:[0-9]*: agent.logging_drivers = '\[json-file, awslogs\]' is not valid JSON; written as" "$OUT"
check "log file: the same warning" grep -q "agent.logging_drivers = '\[json-file, awslogs\]'" "$H/log/ecs-bootstrap.log"
check_eq "status file: the warning is in the report" \
  "$(jq '[.warnings[] | select(test("agent.logging_drivers = .{2}json-file, awslogs.{2} is not valid JSON"))] | length' "$H/status.json")" 1
check "env file: Machine-scope SetEnvironmentVariable kept (ECS_CONTAINER_START_TIMEOUT=15m)" \
  grep -qx 'ECS_CONTAINER_START_TIMEOUT=15m' "$H/ecs.config"
check "env file: [System.EnvironmentVariableTarget]::Machine form kept (ECS_IMAGE_PULL_BEHAVIOR)" \
  grep -qx 'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached' "$H/ecs.config"
check "env file: \"\$TRUE\" in double quotes expands as PowerShell does (ECS_ENABLE_CONTAINER_METADATA=True)" \
  grep -qx 'ECS_ENABLE_CONTAINER_METADATA=True' "$H/ecs.config"
check_eq "status file: result ok, os_family WINDOWS_SERVER_2019_FULL" \
  "$(jq -r '"\(.result) \(.os_family)"' "$H/status.json")" "ok WINDOWS_SERVER_2019_FULL"

e2e_run legacy-again
check_eq "legacy user data, second run: exits 0" "$RC" 0
check_eq "legacy user data, second run: attributes phase unchanged" "$(phase_result attributes)" unchanged
check_eq "moto: still one container instance" \
  "$(ls_instances e2e-legacy | jq '.containerInstances | length')" 1

no_secrets "legacy"
e2e_finish
