#!/usr/bin/env bash
# Integration: aws_call (lib/aws/client.c, imds.c, credentials.c) against moto with
# signature checks on, a fault proxy in front of moto, and the fake IMDS.
# Starts every service on a free loopback port and stops them on exit.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${ECSB_BUILD:-$ROOT/build/posix}
AC=$B/tools/aws_call
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
ls_init
T=$LS_TMP
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -n 15; }
check() { local name=$1; shift; if "$@" >/dev/null; then ok "$name"; else bad "$name" "$T/last.err"; fi; }

start_fake() { # start_fake NAME CMD...: sets PORT from the first stdout line (runs in this shell,
  local name=$1; shift   # so the PID lands in LS_PIDS and the trap stops it)
  "$@" >"$T/$name.port" 2>"$T/$name.log" &
  LS_PIDS+=($!)
  for _ in $(seq 1 100); do [ -s "$T/$name.port" ] && break; sleep 0.05; done
  PORT=$(head -n 1 "$T/$name.port")
}

# Every aws_call run appends its stdout+stderr here; the final check greps it for secrets.
ALL=$T/all-output.txt
run() { # run OUTFILE ARGS...: aws_call with output captured; returns its exit code
  local out=$1; shift
  "$AC" "$@" >"$out" 2>"$T/last.err"; local rc=$?
  cat "$out" "$T/last.err" >>"$ALL"
  return $rc
}

[ -x "$AC" ] || { echo "FAIL aws_call not built ($AC)"; echo "0 passed, 1 failed"; exit 1; }

# moto with signature checks on and an IAM user with full access (its keys: LS_AK/LS_SK).
ls_start_moto || { echo "FAIL moto did not start"; echo "0 passed, 1 failed"; exit 1; }
MOTO=$LS_MOTO AK=$LS_AK SK=$LS_SK

export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ECS AWS_ENDPOINT_URL_SSM AWS_SESSION_TOKEN AWS_PROFILE AWS_MAX_ATTEMPTS
awsm() { AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2 AWS_SESSION_TOKEN=${3:-} \
         aws --endpoint-url "$MOTO" --region us-east-1 --output json "${@:4}"; }

export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_ENDPOINT_URL=$MOTO

# --- signed ECS calls ---------------------------------------------------------
awsm "$AK" "$SK" "" ecs create-cluster --cluster-name ecsb-cluster >/dev/null
check "awscli with the IAM key passes moto's signature check" test -n "$AK"
run "$T/dc.json" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}'
check "ecs DescribeClusters signed and answered" \
  test "$(jq -r '.clusters[0].clusterName + " " + .clusters[0].status' "$T/dc.json" 2>/dev/null)" = "ecsb-cluster ACTIVE"
run "$T/lc.json" ecs ListContainerInstances '{"cluster":"ecsb-cluster"}'
check "ecs ListContainerInstances" jq -e '.containerInstanceArns | length == 0' "$T/lc.json"

# --- SSM: PutParameter and paging -------------------------------------------------
ok_put=1
for i in $(seq -w 1 13); do
  run "$T/put.json" ssm PutParameter "{\"Name\":\"/ecsb-test/ami/p$i\",\"Value\":\"v$i\",\"Type\":\"String\"}" || ok_put=0
done
check "ssm PutParameter x13 under /ecsb-test" test $ok_put = 1
run "$T/path.txt" ssm-path /ecsb-test
check "ssm GetParametersByPath follows NextToken over 2 pages (13 params)" test "$(head -n 1 "$T/path.txt")" = 13
run "$T/page.json" ssm GetParametersByPath '{"Path":"/ecsb-test","Recursive":true,"MaxResults":10}'
check "one raw page holds 10 and a NextToken" jq -e '(.Parameters|length)==10 and (.NextToken|length)>0' "$T/page.json"
run "$T/get.txt" ssm-get /ecsb-test/ami/p07
check "ssm GetParameter value" test "$(cat "$T/get.txt")" = v07
run "$T/nf.txt" ssm-get /ecsb-test/nope; rc=$?
check "ParameterNotFound: non-zero exit, one clear line" \
  bash -c "[ $rc -ne 0 ] && grep -q '^SSM GetParameter (us-east-1): ParameterNotFound: .* -- ' '$T/last.err' && [ \$(wc -l <'$T/last.err') -eq 1 ]"

# --- wrong secret --------------------------------------------------------------
WRONG=wrongSecretKeyValue0123456789abcdefghijkl
AWS_SECRET_ACCESS_KEY=$WRONG run "$T/ws.txt" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}'; rc=$?
check "wrong secret: non-zero exit" test $rc -ne 0
check "wrong secret: one line 'ECS DescribeClusters (us-east-1): SignatureDoesNotMatch: ... -- hint'" \
  bash -c "grep -q '^ECS DescribeClusters (us-east-1): SignatureDoesNotMatch: .* -- check the secret access key' '$T/last.err' && [ \$(wc -l <'$T/last.err') -eq 1 ]"
AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEY000000 run "$T/uk.txt" ecs DescribeClusters '{}'; rc=$?
check "unknown key id: InvalidClientTokenId / UnrecognizedClient" \
  bash -c "[ $rc -ne 0 ] && grep -Eq '(InvalidClientTokenId|UnrecognizedClientException)' '$T/last.err'"

# --- session-token credentials (STS GetSessionToken) ------------------------------
awsm "$AK" "$SK" "" sts get-session-token >"$T/sts.json"
SAK=$(jq -r .Credentials.AccessKeyId "$T/sts.json")
SSK=$(jq -r .Credentials.SecretAccessKey "$T/sts.json")
STOK=$(jq -r .Credentials.SessionToken "$T/sts.json")
AWS_ACCESS_KEY_ID=$SAK AWS_SECRET_ACCESS_KEY=$SSK AWS_SESSION_TOKEN=$STOK \
  run "$T/st.json" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}'
check "session-token credentials (ASIA... + token) accepted" jq -e '.clusters[0].clusterName=="ecsb-cluster"' "$T/st.json"

# --- fault proxy: throttling and 503 ---------------------------------------------
start_fake proxy python3 "$ROOT/tests/fakes/fault_proxy.py" --upstream "$MOTO"
PROXY=http://127.0.0.1:$PORT
fault() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$PROXY/_fault" >/dev/null; }
stats() { curl -s "$PROXY/_fault/stats"; }
fault '{"mode":"throttle","count":2}'
AWS_ENDPOINT_URL=$PROXY AWS_CALL_SHOW_ATTEMPTS=1 run "$T/f1.json" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}'; rc=$?
check "2 throttles then success (3 attempts)" \
  bash -c "[ $rc -eq 0 ] && grep -q 'attempts: 3' '$T/last.err' && jq -e '.clusters|length==1' '$T/f1.json' >/dev/null"
fault '{"mode":"503","count":2}'
AWS_ENDPOINT_URL_SSM=$PROXY AWS_CALL_SHOW_ATTEMPTS=1 run "$T/f2.txt" ssm-get /ecsb-test/ami/p01; rc=$?
check "2 x 503 then success (AWS_ENDPOINT_URL_SSM wins)" \
  bash -c "[ $rc -eq 0 ] && [ \"\$(cat '$T/f2.txt')\" = v01 ] && grep -q 'attempts: 3' '$T/last.err'"
fault '{"mode":"throttle","count":-1}'
AWS_ENDPOINT_URL=$PROXY AWS_MAX_ATTEMPTS=4 AWS_CALL_SHOW_ATTEMPTS=1 run "$T/f3.txt" ecs DescribeClusters '{}'; rc=$?
check "endless throttling: fails after AWS_MAX_ATTEMPTS=4" \
  bash -c "[ $rc -ne 0 ] && grep -q 'attempts: 4' '$T/last.err' && grep -q 'gave up after 4 attempts, the limit set by AWS_MAX_ATTEMPTS=4: .*ThrottlingException: Rate exceeded' '$T/last.err'"
fault '{"mode":"503","count":-1}'
s0=$(date +%s%N)
AWS_ENDPOINT_URL=$PROXY AWS_MAX_ATTEMPTS=20 AWS_CALL_DEADLINE_MS=1500 run "$T/f4.txt" ecs DescribeClusters '{}'; rc=$?
el=$(( ($(date +%s%N) - s0) / 1000000 ))
check "endless 503: fails at the 1500 ms deadline (took ${el} ms)" \
  bash -c "[ $rc -ne 0 ] && grep -q 'at the 1500 ms deadline (AWS_CALL_DEADLINE_MS): raise AWS_CALL_DEADLINE_MS' '$T/last.err' && [ $el -lt 10000 ]"
fault '{"mode":"none"}'
AWS_ENDPOINT_URL=$PROXY run "$T/f5.json" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}'
check "faults off: proxy passes signed requests through" jq -e '.clusters|length==1' "$T/f5.json"

# --- fake IMDS: user data and role credentials under faults --------------------------
printf '<powershell>\nInitialize-ECSAgent -Cluster ecsb-cluster\n</powershell>\n' >"$T/ud.txt"
# Role keys go through a config file, not argv (ps would show them).
jq -n --arg a "$SAK" --arg s "$SSK" --arg t "$STOK" \
  '{region:"us-east-1",role:"ecsb-role",access_key_id:$a,secret_access_key:$s,token:$t}' >"$T/imds.json"
start_fake imds python3 "$ROOT/tests/fakes/fake_imds.py" --config "$T/imds.json" --user-data-file "$T/ud.txt"
IMDS=http://127.0.0.1:$PORT
ifault() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$IMDS/_fake/faults" >/dev/null; }
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDS
unset AWS_EC2_METADATA_DISABLED
run "$T/ud.out" imds userdata
check "imds userdata (IMDSv2)" cmp -s "$T/ud.txt" "$T/ud.out"
ifault '{"latency_ms":200,"fail_next_n":3}'
run "$T/ud2.out" imds userdata
check "imds userdata with latency + 3 x 500 still fetched" cmp -s "$T/ud.txt" "$T/ud2.out"
ifault '{"latency_ms":0,"fail_next_n":0,"drop_next_n":2}'
run "$T/ud3.out" imds userdata
check "imds userdata with 2 dropped connections" cmp -s "$T/ud.txt" "$T/ud3.out"
ifault '{"drop_next_n":0,"token_ttl_cap":1,"latency_ms":600}'
before=$(curl -s "$IMDS/_fake/stats" | jq .token_puts)
run "$T/cr.txt" imds credentials
after=$(curl -s "$IMDS/_fake/stats" | jq .token_puts)
check "token expiring mid-run (1 s cap, 600 ms latency) is renewed: role credentials fetched" \
  bash -c "grep -q 'access_key_id: $SAK' '$T/cr.txt' && [ $((after - before)) -ge 2 ]"
ifault '{"token_ttl_cap":0,"latency_ms":0}'
ifault '{"fail_next_n":1000}'
s0=$(date +%s%N)
ECSB_IMDS_DEADLINE_MS=1500 AWS_METADATA_SERVICE_NUM_ATTEMPTS=50 run "$T/ud4.out" imds userdata; rc=$?
el=$(( ($(date +%s%N) - s0) / 1000000 ))
check "endless IMDS 500s: bounded failure at the deadline (took ${el} ms)" \
  bash -c "[ $rc -ne 0 ] && [ $el -lt 8000 ] && grep -q 'IMDS' '$T/last.err'"
curl -s -X POST "$IMDS/_fake/reset" >/dev/null
ifault '{"expire_tokens_now":true}'
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
  "$AC" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}' >"$T/role.json" 2>"$T/last.err"
cat "$T/role.json" "$T/last.err" >>"$ALL"
check "credential chain falls back to the instance role (IMDS) and signs with its token" \
  jq -e '.clusters[0].clusterName=="ecsb-cluster"' "$T/role.json"
curl -s -X PUT -H 'X-Fake-Delete: 1' "$IMDS/_fake/user-data" >/dev/null
run "$T/ud5.out" imds userdata; rc=$?
check "no user data: exit 0, empty output, 'no user data'" \
  bash -c "[ $rc -eq 0 ] && [ ! -s '$T/ud5.out' ] && grep -q 'no user data' '$T/last.err'"

# --- Windows build under Wine --------------------------------------------------------
EXE=$ROOT/build/windows/tools/aws_call.exe
if [ -x "$(command -v wine)" ] && [ -f "$EXE" ]; then
  export WINEDEBUG=-all WINEPREFIX=$ROOT/build/wineprefix
  [ -d "$WINEPREFIX" ] || { mkdir -p "$WINEPREFIX"; wineboot -i >/dev/null 2>&1; }
  AWS_EC2_METADATA_DISABLED=true wine "$EXE" ecs DescribeClusters '{"clusters":["ecsb-cluster"]}' \
    >"$T/wine.json" 2>"$T/last.err"
  tr -d '\r' <"$T/wine.json" >"$T/wine2.json"
  cat "$T/wine2.json" "$T/last.err" >>"$ALL"
  check "Windows aws_call.exe (WinHTTP, BCrypt) signed call to moto under Wine" \
    jq -e '.clusters[0].clusterName=="ecsb-cluster"' "$T/wine2.json"
else
  echo "skip Windows aws_call.exe under Wine (build it with 'make windows')"
fi

# --- secrets never printed ---------------------------------------------------------
leaked=0
for s in "$SK" "$SSK" "$STOK" "$WRONG"; do grep -qF -- "$s" "$ALL" && leaked=1; done
check "no secret key or session token in any captured output ($(wc -l <"$ALL") lines)" test $leaked = 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
