# shellcheck shell=bash
# docker-services.sh: a real Docker engine and an OCI registry for the image tests
# (tests/integration/test_preload.sh) and bench/preload. Source it, never run it.
#
#   ds_init                     temp dir $DS_TMP + an EXIT trap that stops all we start
#   ds_start_dockerd            dockerd as root (vfs, no iptables, no bridge), socket, data and
#                               exec roots under $DS_TMP: $DS_SOCK, DOCKER_HOST exported
#   ds_start_registry           docker-registry on a loopback port: $DS_REG (host:port), access
#                               log in $DS_REG_LOG
#   ds_stop_registry            stops it (the storage stays: ds_start_registry again resumes)
#   ds_docker ARGS...           the docker CLI against our engine
#   ds_make_image REF [MB]      an image from generated files (docker import), pushed to our
#                               registry, then removed from the engine so a pull has work to do
#   ds_cleanup                  stops the registry and dockerd (by their pids)
#
# Needs root and the Debian packages docker.io and docker-registry (make deps). ds_available
# says why not when they are missing.

# shellcheck source=scripts/procs.sh
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
DS_PIDS=()

ds_available() {
  if [ "$(id -u)" -ne 0 ]; then echo "not root: dockerd needs root"; return 1; fi
  command -v dockerd >/dev/null || { echo "dockerd missing (make deps installs docker.io)"; return 1; }
  command -v docker-registry >/dev/null || { echo "docker-registry missing (make deps)"; return 1; }
  return 0
}

ds_init() {
  # Short path: the unix socket path must stay under 108 bytes.
  DS_TMP=$(mktemp -d /tmp/ecsb-ds.XXXXXX)
  trap ds_cleanup EXIT
  trap 'exit 130' INT TERM
}

ds_docker() { docker -H "unix://$DS_SOCK" "$@"; }

ds_start_dockerd() {
  DS_SOCK=$DS_TMP/docker.sock
  mkdir -p "$DS_TMP/data" "$DS_TMP/exec"
  # The registry is plain HTTP on loopback: 127.0.0.0/8 is an insecure registry by default.
  dockerd --data-root "$DS_TMP/data" --exec-root "$DS_TMP/exec" -H "unix://$DS_SOCK" \
    --pidfile "$DS_TMP/dockerd.pid" --storage-driver vfs --iptables=false --ip-masq=false --bridge=none \
    --max-concurrent-downloads 3 >"$DS_TMP/dockerd.log" 2>&1 &
  DS_DOCKERD_PID=$!
  DS_PIDS+=("$DS_DOCKERD_PID")
  export DOCKER_HOST=unix://$DS_SOCK
  local i
  for ((i = 0; i < 300; i++)); do
    ds_docker version >/dev/null 2>&1 && return 0
    kill -0 "$DS_DOCKERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "dockerd did not start:"; tail -n 20 "$DS_TMP/dockerd.log"
  return 1
}

ds_start_registry() {
  [ -n "${DS_REG_PORT:-}" ] || DS_REG_PORT=$(free_port)
  DS_REG=127.0.0.1:$DS_REG_PORT
  DS_REG_LOG=$DS_TMP/registry.log
  mkdir -p "$DS_TMP/registry"
  cat >"$DS_TMP/registry.yml" <<YML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $DS_TMP/registry
  delete:
    enabled: true
http:
  addr: $DS_REG
YML
  docker-registry serve "$DS_TMP/registry.yml" >>"$DS_REG_LOG" 2>&1 &
  DS_REG_PID=$!
  DS_PIDS+=("$DS_REG_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    curl -s -o /dev/null -m 1 "http://$DS_REG/v2/" && return 0
    sleep 0.1
  done
  echo "docker-registry did not start:"; tail -n 20 "$DS_REG_LOG"
  return 1
}

ds_stop_registry() { stop_pid "${DS_REG_PID:-}" 10; DS_REG_PID=; }

ds_make_image() {
  local ref=$1 mb=${2:-1} dir
  dir=$(mktemp -d "$DS_TMP/img.XXXXXX")
  head -c $((mb * 1024 * 1024)) /dev/urandom >"$dir/payload.bin"
  echo "$ref" >"$dir/name.txt"
  tar -C "$dir" -c . | ds_docker import - "$ref" >/dev/null || return 1
  ds_docker push "$ref" >/dev/null || return 1
  ds_docker rmi "$ref" >/dev/null || return 1
  rm -rf "$dir"
}

ds_cleanup() {
  local pid
  for pid in "${DS_PIDS[@]}"; do stop_pid "$pid" 10; done
  DS_PIDS=()
  if [ -n "${DS_TMP:-}" ] && [ -d "$DS_TMP" ]; then
    # vfs layers can be read-only; dockerd left mounts under exec-root only while running.
    rm -rf "$DS_TMP" 2>/dev/null || true
  fi
}
