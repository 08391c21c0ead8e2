#!/usr/bin/env bash
# The boot story on local services (what `make demo` calls):
#   scripts/demo.sh BUILD_DIR
# moto (signature checks on) and the fake IMDS on loopback stand in for AWS and EC2; the
# fake ECS agent stands in for amazon-ecs-agent.exe. An unchanged legacy launch template
# (Initialize-ECSAgent user data) joins a Windows Server 2022 Core host to its cluster;
# a second boot takes the fast path. Exits 0 when the story ends well, else non-zero.
set -u
LS_BUILD=$(cd "${1:-build/posix}" && pwd) || exit 2
# shellcheck source=local-services.sh
. "$(dirname "$0")/local-services.sh"

say()  { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die()  { printf '\n\033[31mdemo failed: %s\033[0m\n' "$*" >&2; exit 1; }

for tool in aws jq curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
{ [ -x "$LS_BUILD/ecs-bootstrap" ] && [ -x "$LS_BUILD/fake-ecs-agent" ]; } || die "build first: make (needs $LS_BUILD/ecs-bootstrap and fake-ecs-agent)"
ls_init

say "Starting the local AWS stand-in (moto) with signature checks on"
ls_start_moto || die "moto did not start"
note "endpoint $LS_MOTO, IAM user ecsb-e2e with an access key (a wrong secret is refused)"

say "Creating the cluster 'windows-prod' and launching an EC2 instance from a Windows AMI"
ls_create_cluster windows-prod || die "create-cluster failed"
ls_run_instance || die "run-instances failed"
note "instance $LS_INSTANCE_ID"

UD=$LS_TMP/user-data.ps1
cat >"$UD" <<'PS'
<powershell>
[Environment]::SetEnvironmentVariable("ECS_CONTAINER_START_TIMEOUT", "15m", "Machine")
Import-Module ECSTools
Initialize-ECSAgent -Cluster 'windows-prod' -EnableTaskIAMRole -LoggingDrivers '["json-file","awslogs"]'
</powershell>
PS
say "The instance's user data: an unchanged legacy launch template"
sed 's/^/    | /' "$UD"

say "Starting the fake instance metadata service (IMDSv2) for $LS_INSTANCE_ID"
ls_start_imds "$UD" || die "the fake IMDS did not start"
note "endpoint $LS_IMDS: user data, region $LS_REGION, instance role 'ecsInstanceRole'"
note "no AWS keys are exported to ecs-bootstrap: it takes the role's credentials from IMDS"

ls_host "$LS_TMP/host" $'[attributes]\nteam = payments'
note "simulated host: Windows Server 2022 Core (build 20348); files under $LS_HOST_DIR"
note "baked config adds the custom attribute team=payments"

# run's output goes to a file, not a pipe: the POSIX service backend's supervisor process
# keeps the inherited stdout open while the agent runs, so a pipe reader would never see EOF.
boot() { ls_bootstrap >"$LS_TMP/run.out" 2>&1 </dev/null; rc=$?; sed 's/^/    /' "$LS_TMP/run.out"; }
say "First boot: ecs-bootstrap run"
boot
[ "$rc" -eq 0 ] || die "ecs-bootstrap run exited $rc"

say "What ECS now knows (aws ecs describe-container-instances, against moto)"
ls_instances windows-prod >"$LS_TMP/ci.json" || die "describe-container-instances failed"
jq '.containerInstances[] | {containerInstanceArn, ec2InstanceId, status, agentConnected,
    attributes: ([.attributes[] | {(.name): .value}] | add)}' "$LS_TMP/ci.json" | sed 's/^/    /'
family=$(jq -r '.containerInstances[0].attributes[] | select(.name=="ecs.os-family") | .value' "$LS_TMP/ci.json")
[ "$family" = WINDOWS_SERVER_2022_CORE ] || die "ecs.os-family is '$family', expected WINDOWS_SERVER_2022_CORE"
note "placement constraints such as memberOf(attribute:ecs.os-family == WINDOWS_SERVER_2022_CORE) now match"

say "The agent's environment written by ecs-bootstrap ($LS_HOST_DIR/ecs.config)"
grep -v '^#' "$LS_HOST_DIR/ecs.config" | sed 's/^/    /'

say "Second boot: the same command again (fast path: verify, change nothing)"
t0=$(date +%s%N)
boot
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$rc" -eq 0 ] || die "the second run exited $rc"
count=$(ls_instances windows-prod | jq '.containerInstances | length')
[ "$count" = 1 ] || die "expected one container instance after two runs, found $count"
note "done in ${ms} ms; still one container instance"

say "ecs-bootstrap status (the report of the last run)"
"$LS_BUILD/ecs-bootstrap" status --status-file "$LS_HOST_DIR/status.json" | sed 's/^/    /'

say "Stopping the agent, the fake IMDS and moto"
ls_cleanup
trap - EXIT
say "Demo finished: the host joined 'windows-prod' as WINDOWS_SERVER_2022_CORE"
