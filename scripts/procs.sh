# shellcheck shell=bash
# procs.sh: the process and port helpers that local-services.sh and docker-services.sh share.
# Source it, never run it.
#
#   free_port              a free TCP port on 127.0.0.1 (bound, then released)
#   stop_pid PID [SECONDS] TERM, up to SECONDS (default 5) for it to end, then KILL

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

stop_pid() {
  local pid=$1 tenths=$((${2:-5} * 10)) i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < tenths; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
}
