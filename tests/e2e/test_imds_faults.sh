#!/usr/bin/env bash
# IMDS faults during run (latency, 500s, dropped connections, tokens that expire after
# one second): run still fetches user data, region and role credentials and converges.
. "$(dirname "$0")/lib.sh"

UD=$(mktemp)
printf '[cluster]\nname = e2e-faults\n[agent]\nregistration_timeout = 2m\n[attributes]\nteam = payments\n' >"$UD"
e2e_start "$UD"; rm -f "$UD"
ls_create_cluster e2e-faults
stats() { curl -s "$LS_IMDS/_fake/stats"; }

# --- latency, three 500s and two dropped connections -----------------------------------
ls_host "$LS_TMP/host1"
ls_imds_reset
ls_imds_faults '{"latency_ms":150,"fail_next_n":3,"drop_next_n":2}'
e2e_run faults1
stats >"$LS_TMP/stats1.json"
check_eq "500s + drops + latency: run exits 0" "$RC" 0
check "the fake IMDS did answer 500 three times and drop two connections" \
  jq -e '.status["500"] >= 3 and .dropped >= 2' "$LS_TMP/stats1.json"
ls_instances e2e-faults >"$LS_TMP/ci1.json"
check_eq "500s + drops: one container instance, ecs.os-family and team present" \
  "$(jq -r '[(.containerInstances | length), (.containerInstances[0].attributes[] | select(.name=="ecs.os-family" or .name=="team") | .value)] | join(" ")' "$LS_TMP/ci1.json")" \
  "1 WINDOWS_SERVER_2022_CORE payments"

# --- tokens expire after 1 s; every answer takes 400 ms ---------------------------------
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
ls_host "$LS_TMP/host2"
ls_imds_reset
ls_imds_faults '{"latency_ms":400,"token_ttl_cap":1,"expire_tokens_now":true}'
e2e_run faults2
stats >"$LS_TMP/stats2.json"
check_eq "token expiry mid-run: run exits 0" "$RC" 0
check "token expiry: run (and the agent) asked for new tokens (token_puts >= 2) after 401s" \
  jq -e '.token_puts >= 2' "$LS_TMP/stats2.json"
check_eq "token expiry: the status file says ok" "$(jq -r .result "$LS_HOST_DIR/status.json")" ok

# --- IMDS gone for good: a bounded, clear failure -----------------------------------------
stop_pid "$(ls_agent_pid "$LS_HOST_DIR")"
ls_host "$LS_TMP/host3"
ls_imds_reset
ls_imds_faults '{"fail_next_n":100000}'
e2e_run faults3
check "IMDS answering only 500: run fails (exit $RC) with a non-zero code in bounded time (${ELAPSED_MS} ms)" \
  test "$RC" -ne 0 -a "$ELAPSED_MS" -lt 120000
check "IMDS answering only 500: the error names IMDS / instance metadata" grep -qiE '\[ERROR\]:.*(IMDS|metadata)' "$OUT"
check_eq "IMDS answering only 500: no agent started" "$(ls_agent_pid "$LS_HOST_DIR")" ""
ls_imds_reset

no_secrets "imds faults"
e2e_finish
