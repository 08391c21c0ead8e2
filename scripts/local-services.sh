# shellcheck shell=bash
# local-services.sh: the local stand-ins for AWS that the end-to-end suite
# (tests/e2e/) and the demo (scripts/demo.sh) share. Source it, never run it.
#
#   ls_init                        temp dir $LS_TMP + an EXIT trap that stops all we start
#   ls_start_moto                  moto with signature checks on; IAM user with full access:
#                                  $LS_MOTO (URL), $LS_AK / $LS_SK (its keys)
#   ls_aws ARGS...                 awscli against moto as that user (JSON output)
#   ls_run_instance                an EC2 instance in moto (Windows AMI): $LS_INSTANCE_ID
#   ls_create_cluster NAME         an ECS cluster
#   ls_start_imds USERDATA_FILE    the fake IMDS for $LS_INSTANCE_ID in $LS_REGION, serving the
#                                  user data and the IAM user's keys as the instance role
#                                  ($LS_ROLE_AK/$LS_ROLE_SK/$LS_ROLE_TOKEN): $LS_IMDS
#   ls_imds_faults JSON            switch IMDS faults (POST /_fake/faults)
#   ls_start_fault_proxy           tests/fakes/fault_proxy.py in front of moto: $LS_PROXY
#   ls_proxy_faults JSON           switch its faults (POST /_fault)
#   ls_host DIR                    lays out one simulated host under DIR: baked config DIR/ecs-bootstrap.ini,
#                                  agent dir with the fake agent as amazon-ecs-agent.exe, state dir;
#                                  sets LS_HOST_* variables; remembered for cleanup
#   ls_bootstrap ARGS...           ecs-bootstrap run for the current host, in the environment of a
#                                  fresh instance (no AWS keys exported: the role comes from IMDS)
#   ls_agent_pid DIR               pid of the host's running agent (empty when none)
#   ls_cleanup                     stops the agents (through their pid files), fakes, moto
#
# Needs: python3 with moto, awscli v1, jq, curl. $LS_BUILD is the build dir (ecs-bootstrap,
# fake-ecs-agent). Secrets stay in variables and files under $LS_TMP, never in argv.

LS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/procs.sh
. "$LS_ROOT/scripts/procs.sh"
LS_REGION=${LS_REGION:-us-east-1}
LS_PIDS=()
LS_HOSTS=()

# ls_wait_http URL [TRIES]: until URL answers anything (0.1 s steps).
ls_wait_http() {
  local i
  for ((i = 0; i < ${2:-150}; i++)); do curl -s -o /dev/null -m 1 "$1" && return 0; sleep 0.1; done
  return 1
}

ls_init() {
  LS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecsb-e2e.XXXXXX")
  trap ls_cleanup EXIT
  trap 'exit 130' INT TERM
}

ls_agent_pid() { # the host's agent pid, when that process is alive
  local f=$1/state/AmazonECS.pid pid
  [ -f "$f" ] || return 0
  pid=$(tr -dc 0-9 <"$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}

ls_cleanup() {
  local rc=$? h p
  for h in "${LS_HOSTS[@]}"; do stop_pid "$(ls_agent_pid "$h")"; done
  for p in "${LS_PIDS[@]}"; do stop_pid "$p"; done
  for p in "${LS_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "${LS_TMP:-}" ]; then
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $LS_TMP" >&2; else rm -rf "$LS_TMP"; fi
  fi
  return $rc
}

ls_aws() { # awscli against moto as the IAM user
  AWS_ACCESS_KEY_ID=${LS_AK:-setup} AWS_SECRET_ACCESS_KEY=${LS_SK:-setup} AWS_SESSION_TOKEN='' \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    aws --endpoint-url "$LS_MOTO" --region "$LS_REGION" --output json "$@"
}

ls_start_moto() {
  local port key
  port=$(free_port)
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$LS_TMP/moto.log" 2>&1 &
  LS_PIDS+=($!)
  LS_MOTO=http://127.0.0.1:$port
  ls_wait_http "$LS_MOTO/moto-api/" 300 || { echo "moto did not start (see $LS_TMP/moto.log)" >&2; return 1; }
  # Auth is off until reset-auth: create the user and its key, then switch checks on.
  ls_aws iam create-user --user-name ecsb-e2e >/dev/null || return 1
  ls_aws iam put-user-policy --user-name ecsb-e2e --policy-name all --policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' >/dev/null || return 1
  key=$LS_TMP/iam-key.json
  ls_aws iam create-access-key --user-name ecsb-e2e >"$key" || return 1
  LS_AK=$(jq -r .AccessKey.AccessKeyId "$key")
  LS_SK=$(jq -r .AccessKey.SecretAccessKey "$key")
  curl -s -X POST -H 'Content-Type: text/plain' --data 0 "$LS_MOTO/moto-api/reset-auth" >/dev/null || return 1
  # Proof that checks are on: a wrong secret must be refused.
  if LS_SK=wrong-secret ls_aws ecs list-clusters >/dev/null 2>&1; then
    echo "moto accepted a wrong secret: signature checks are off" >&2; return 1
  fi
}

ls_run_instance() {
  LS_INSTANCE_ID=$(ls_aws ec2 run-instances --image-id ami-0f7cc2a4e9cb93130 --count 1 \
    --instance-type m5.large --query 'Instances[0].InstanceId' --output text) || return 1
  [ -n "$LS_INSTANCE_ID" ]
}

ls_create_cluster() { ls_aws ecs create-cluster --cluster-name "$1" >/dev/null; }

# The instance role hands out the IAM user's keys. (moto's STS GetSessionToken returns fixed
# example keys its own signature check does not know, so session keys cannot be used; the
# token is empty.)
ls_role_credentials() {
  LS_ROLE_AK=$LS_AK LS_ROLE_SK=$LS_SK LS_ROLE_TOKEN=''
}

ls_start_imds() {
  local ud=$1 cfg=$LS_TMP/imds.json port_file=$LS_TMP/imds.port i
  [ -n "${LS_ROLE_AK:-}" ] || ls_role_credentials || return 1
  # Keys go through a config file, not argv (ps would show them).
  (umask 077; jq -n --arg r "$LS_REGION" --arg i "$LS_INSTANCE_ID" --arg a "$LS_ROLE_AK" \
    --arg s "$LS_ROLE_SK" --arg t "$LS_ROLE_TOKEN" \
    '{region:$r,instance_id:$i,role:"ecsInstanceRole",access_key_id:$a,secret_access_key:$s,token:$t}' >"$cfg")
  python3 "${LS_FAKES:-$LS_ROOT/tests/fakes}/fake_imds.py" --config "$cfg" --user-data-file "$ud" \
    >"$port_file" 2>"$LS_TMP/imds.log" &
  LS_PIDS+=($!)
  for ((i = 0; i < 100; i++)); do [ -s "$port_file" ] && break; sleep 0.05; done
  [ -s "$port_file" ] || { echo "fake IMDS did not start (see $LS_TMP/imds.log)" >&2; return 1; }
  LS_IMDS=http://127.0.0.1:$(head -n 1 "$port_file")
}

ls_start_fault_proxy() {
  local port_file=$LS_TMP/proxy.port i
  python3 "${LS_FAKES:-$LS_ROOT/tests/fakes}/fault_proxy.py" --upstream "$LS_MOTO" >"$port_file" 2>"$LS_TMP/proxy.log" &
  LS_PIDS+=($!)
  for ((i = 0; i < 100; i++)); do [ -s "$port_file" ] && break; sleep 0.05; done
  [ -s "$port_file" ] || { echo "fault proxy did not start (see $LS_TMP/proxy.log)" >&2; return 1; }
  LS_PROXY=http://127.0.0.1:$(head -n 1 "$port_file")
}
ls_proxy_faults() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$LS_PROXY/_fault" >/dev/null; }

ls_imds_faults() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$LS_IMDS/_fake/faults" >/dev/null; }
ls_imds_reset() { curl -s -X POST "$LS_IMDS/_fake/reset" >/dev/null; }
ls_imds_userdata() { curl -s -X PUT --data-binary "@$1" "$LS_IMDS/_fake/user-data" >/dev/null; }

# ls_install_agent PATH: the fake agent under the real agent's name. The service backend
# starts it with -windows-service; a fake agent that refuses that flag off Windows gets a
# wrapper that drops it (LS_AGENT_WRAPPED=1 then, so callers can report it).
ls_install_agent() {
  LS_AGENT_WRAPPED=0
  if grep -qa -- '-windows-service is only meaningful on Windows' "$LS_BUILD/fake-ecs-agent"; then
    LS_AGENT_WRAPPED=1
    # shellcheck disable=SC2016 # the wrapper's own "$1" / "$@"
    printf '#!/bin/sh\n# drops -windows-service, which this fake agent refuses off Windows\n[ "$1" = -windows-service ] && shift\nexec "%s" "$@"\n' \
      "$LS_BUILD/fake-ecs-agent" >"$1"
    chmod +x "$1"
  else
    ln -sf "$LS_BUILD/fake-ecs-agent" "$1"
  fi
  [ "$LS_AGENT_WRAPPED" = 0 ] || echo "note: $LS_BUILD/fake-ecs-agent refuses -windows-service off Windows; using a wrapper" >&2
}

# ls_host DIR [EXTRA_INI_TEXT]: a simulated host. The baked config puts every path under DIR.
# The agent's introspection port is a free one (ECS_FAKE_AGENT_INTROSPECTION_PORT for the fake,
# ECS_BOOTSTRAP_INTROSPECTION_URL for run), so parallel test runs do not meet on 51678.
ls_host() {
  local d=$1
  mkdir -p "$d/agent" "$d/state" "$d/log" "$d/data"
  ls_install_agent "$d/agent/amazon-ecs-agent.exe"
  cat >"$d/ecs-bootstrap.ini" <<EOF
; baked configuration of the simulated AMI (all paths under one temp dir)
[paths]
agent_dir = $d/agent
env_file = $d/ecs.config
status_file = $d/status.json
log_dir = $d/log
logfile = $d/log/ecs-agent.log
datadir = $d/data
${2:-}
EOF
  LS_HOST_DIR=$d
  LS_HOST_PORT=$(free_port)
  echo "$LS_HOST_PORT" >"$d/introspection.port"
  LS_HOSTS+=("$d")
}

# ls_bootstrap ARGS...: `ecs-bootstrap run` for host $LS_HOST_DIR as on a fresh instance:
# no AWS keys in the environment (credentials come from the instance role via IMDS),
# AWS calls go to moto, IMDS is the fake. The simulated host is Windows Server 2022 Core
# (build 20348, "Server Core") for both run and the fake agent it starts. The agent gets a
# clean environment; ECS_BOOTSTRAP_AGENT_PASSENV (a test hook of the POSIX process backend)
# passes it the endpoints and the fake's knobs, so it needs no --set for these.
# LS_BUILD_NO / LS_ITYPE change the simulated host. LS_ENV_EXTRA="NAME=value ..." adds to
# run's environment (e.g. static AWS keys). LS_EXEC=1 execs (in a subshell: `( LS_EXEC=1
# ls_bootstrap ... ) &` makes $! the pid of ecs-bootstrap itself).
ls_bootstrap() {
  local d=$LS_HOST_DIR port ex=()
  port=$(cat "$d/introspection.port")
  [ -n "${LS_EXEC:-}" ] && ex=(exec)
  "${ex[@]}" env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_EC2_METADATA_DISABLED \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null ${LS_ENV_EXTRA:-} \
    AWS_ENDPOINT_URL="$LS_MOTO" AWS_EC2_METADATA_SERVICE_ENDPOINT="$LS_IMDS" \
    ECS_FAKE_AGENT_INTROSPECTION_PORT="$port" \
    ECS_BOOTSTRAP_INTROSPECTION_URL="http://127.0.0.1:$port/v1/metadata" \
    ECS_BOOTSTRAP_AGENT_PASSENV="AWS_ENDPOINT_URL AWS_EC2_METADATA_SERVICE_ENDPOINT ECS_FAKE_AGENT_* FAKE_AGENT_*" \
    FAKE_AGENT_BUILD="${LS_BUILD_NO:-20348}" FAKE_AGENT_INSTALLATION_TYPE="${LS_ITYPE:-Server Core}" \
    "$LS_BUILD/ecs-bootstrap" run --config "$d/ecs-bootstrap.ini" --state-dir "$d/state" \
    --build "${LS_BUILD_NO:-20348}" --installation-type "${LS_ITYPE:-Server Core}" "$@"
}

# ls_instances CLUSTER: the cluster's container instances (describe), as JSON.
ls_instances() {
  local arns
  arns=$(ls_aws ecs list-container-instances --cluster "$1" --query 'containerInstanceArns' --output text) || return 1
  if [ -z "$arns" ] || [ "$arns" = None ]; then echo '{"containerInstances":[]}'; return 0; fi
  # shellcheck disable=SC2086 # one word per ARN
  ls_aws ecs describe-container-instances --cluster "$1" --container-instances $arns
}
