# shellcheck shell=bash
# Shared by the scenario files tests/e2e/test_*.sh: assertions, one simulated host per
# scenario, the run capture and the secret scan. The services come from
# scripts/local-services.sh (also used by the demo).
# ECSB_BUILD: absolute build dir (set by tests/e2e/run.sh).
set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/local-services.sh
. "$E2E_DIR/../../scripts/local-services.sh"
LS_BUILD=${ECSB_BUILD:-$LS_ROOT/build/posix}
pass=0 fail=0

ok()  { pass=$((pass + 1)); echo "ok   $1"; }
# bad NAME [FILE]: a failure; shows FILE (the last run's output) once per file.
E2E_SHOWN=
bad() {
  fail=$((fail + 1)); echo "FAIL $1"
  if [ -n "${2:-}" ] && [ -f "$2" ] && [ "$E2E_SHOWN" != "$2" ]; then
    E2E_SHOWN=$2; sed 's/^/     | /' "$2" | tail -n 25
  fi
}
# check NAME CMD...: passes when CMD succeeds; on failure shows the last run's output.
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name" "${OUT:-}"; fi; }
# check_eq NAME GOT WANT
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$3], got [$2]" "${OUT:-}"; fi; }

e2e_finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

# e2e_start USERDATA_FILE: moto (checks on), a cluster-less account with one instance,
# the fake IMDS serving USERDATA_FILE. Aborts the file (1 failure) when services fail.
e2e_start() {
  ls_init
  if [ ! -x "$LS_BUILD/ecs-bootstrap" ] || [ ! -x "$LS_BUILD/fake-ecs-agent" ]; then
    bad "ecs-bootstrap and fake-ecs-agent are built in $LS_BUILD"; e2e_finish; exit 1
  fi
  if ! { ls_start_moto && ls_run_instance && ls_start_imds "$1"; }; then
    bad "local services start (moto, instance, fake IMDS)"; e2e_finish; exit 1
  fi
}

# e2e_run NAME ARGS...: ecs-bootstrap run for the current host; output in $OUT
# (also appended to $LS_TMP/all-output.txt for the secret scan), exit code in RC,
# wall time in ms in ELAPSED_MS.
# shellcheck disable=SC2034 # RC, ELAPSED_MS are read by the scenario files
e2e_run() {
  local name=$1 t0; shift
  OUT=$LS_TMP/$name.out
  t0=$(date +%s%N)
  ls_bootstrap "$@" >"$OUT" 2>&1 </dev/null
  RC=$?
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  cat "$OUT" >>"$LS_TMP/all-output.txt"
}

# phase_result NAME: the result of a phase in the last run's log lines.
phase_result() { sed -n "s/.*\]:phase $1: \([a-z]*\) in .*/\1/p" "$OUT" | tail -n 1; }

# attr INSTANCES_JSON NAME: the value of attribute NAME on the first instance.
attr() { jq -r --arg n "$2" '.containerInstances[0].attributes[]? | select(.name==$n) | .value' "$1"; }

# no_secrets NAME: neither the IAM secret nor the role's session secret/token appears in
# anything captured (all run output) or written under the temp dir (logs, env file, status).
no_secrets() {
  local hits=0 s f
  for s in "$LS_SK" "${LS_ROLE_SK:-}" "${LS_ROLE_TOKEN:-}"; do
    [ -n "$s" ] || continue
    while IFS= read -r f; do
      case $f in */iam-key.json|*/role.json|*/imds.json) continue ;; esac # our own key files
      echo "secret found in $f"; hits=$((hits + 1))
    done < <(grep -rlF -- "$s" "$LS_TMP" 2>/dev/null)
  done
  check_eq "$1: no secret key or session token in any output, log or written file" "$hits" 0
}
