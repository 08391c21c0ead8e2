#!/usr/bin/env bash
# Integration: ecs-ami-metadata against moto with signature checks on, the fault
# proxy in front of it, awscli as the reference reader, and the Windows build under Wine.
# Parameters are seeded under a test root (moto refuses writes under /aws) in three regions.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${ECSB_BUILD:-$ROOT/build/posix}
AM=$B/ecs-ami-metadata
# shellcheck source=../../scripts/local-services.sh
. "$ROOT/scripts/local-services.sh"
ls_init
T=$LS_TMP
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -n 15; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name" "$T/last.err"; fi; }

ALL=$T/all-output.txt # every run's stdout+stderr: the last check greps it for secrets
run() { # run OUTFILE ARGS...: ecs-ami-metadata with output captured; returns its exit code
  local out=$1; shift
  "$AM" "$@" >"$out" 2>"$T/last.err"; local rc=$?
  cat "$out" "$T/last.err" >>"$ALL"
  return $rc
}

[ -x "$AM" ] || { echo "FAIL ecs-ami-metadata not built ($AM)"; echo "0 passed, 1 failed"; exit 1; }
ls_start_moto || { echo "FAIL moto did not start"; echo "0 passed, 1 failed"; exit 1; }
unset AWS_ENDPOINT_URL_SSM AWS_SESSION_TOKEN AWS_PROFILE AWS_MAX_ATTEMPTS AWS_DEFAULT_REGION
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=$LS_AK AWS_SECRET_ACCESS_KEY=$LS_SK AWS_ENDPOINT_URL=$LS_MOTO
awsr() { local r=$1; shift; LS_REGION=$r ls_aws "$@"; } # awscli as the IAM user in region r

R=/ecsb-ami-test/ami-windows-latest
V22=Windows_Server-2022-English-Core-ECS_Optimized V19=Windows_Server-2019-English-Full-ECS_Optimized
V25=Windows_Server-2025-English-Core-ECS_Optimized
put() { awsr "$1" ssm put-parameter --overwrite --type String --name "$R/$2" --value "$3" >/dev/null; }
v4() { printf '{"image_name":"%s-%s","image_id":"%s","ecs_runtime_version":"Docker version 20.10.9","ecs_agent_version":"%s"}' "$1" "$2" "$3" "$4"; }
v8() { printf '{"ecs_agent_version":"%s","ecs_runtime_version":"25.0.6 (Docker CE)","image_id":"%s","image_name":"%s-%s","image_version":"%s","os":"Windows Server","schema_version":1,"source_image_name":"%s-Base"}' "$4" "$3" "$1" "$2" "$2" "$1"; }

# --- seed: all 7 variants + 5 other AMIs under one path (12 > one page of 10), 3 regions ---------
i=0
for r in us-east-1 us-west-2 eu-west-1; do
  i=$((i + 1))
  for v in 2016-English-Full 2019-English-Core 2022-English-Full 2025-English-Full; do
    put $r "Windows_Server-$v-ECS_Optimized" "$(v8 "Windows_Server-$v-ECS_Optimized" 2026.11.01 "ami-0${i}0000000000000a1" 1.98.0)"
  done
  for o in 2016-English-Full-Base 2019-English-Full-Base 2022-English-Core-Base 2022-English-Full-Base 2025-English-Core-Base; do
    put $r "Windows_Server-$o" "ami-0${i}00000000000b0b0"
  done
  put $r "$V19" "$(v4 "$V19" 2022.02.10 "ami-0${i}0000000000001919" 1.59.0)"
  put $r "$V22" "$(v8 "$V22" 2026.10.01 "ami-0${i}000000000002201" 1.97.0)"
  [ $r = eu-west-1 ] || put $r "$V25" "$(v8 "$V25" 2026.11.01 "ami-0${i}000000000002501" 1.98.0)"
done
put us-east-1 "$V22" "$(v8 "$V22" 2026.11.01 "ami-01000000000002202" 1.98.0)"
put us-east-1 "$V22" "$(v8 "$V22" 2026.11.20 "ami-01000000000002203" 1.98.1)"

# --- list: GetParametersByPath over 2 pages, filtered -------------------------------------------
run "$T/list.txt" list --root "$R" --output text
check "list: the 7 ECS_Optimized variants out of 12 parameters (2 pages)" \
  test "$(sort "$T/list.txt" | tr '\n' ' ')" = "$(printf '%s\n' Windows_Server-{2016-English-Full,2019-English-Core,2019-English-Full,2022-English-Core,2022-English-Full,2025-English-Core,2025-English-Full}-ECS_Optimized | sort | tr '\n' ' ')"

# --- get vs awscli, field by field -------------------------------------------------------------
REGIONS=us-east-1,us-west-2
run "$T/get.json" get 2022-core 2019-full 2016-full --root "$R" --region $REGIONS --output json; rc=$?
check "get (json) of 3 variants in 2 regions: exit 0" test $rc -eq 0
for r in us-east-1 us-west-2; do
  awsr $r ssm get-parameters --names "$R/$V22" "$R/$V19" "$R/Windows_Server-2016-English-Full-ECS_Optimized" >"$T/aws-$r.json"
done
cat >"$T/cmp.py" <<'PY'
import json, sys, datetime
ours = json.load(open(sys.argv[1]))["parameters"]
bad = 0
for region in sys.argv[2].split(","):
    theirs = {p["Name"]: p for p in json.load(open(sys.argv[3] + "-" + region + ".json"))["Parameters"]}
    mine = [p for p in ours if p["region"] == region]
    if len(mine) != len(theirs): print("count differs in", region, len(mine), len(theirs)); bad += 1
    for p in mine:
        a = theirs.get(p["name"])
        if a is None: print("not in awscli:", p["name"]); bad += 1; continue
        val = json.loads(a["Value"])
        for k in ("image_id","image_name","image_version","os","ecs_agent_version","ecs_runtime_version","source_image_name","schema_version"):
            if p[k] != val.get(k): print(region, p["name"], k, p[k], "!=", val.get(k)); bad += 1
        t = a["LastModifiedDate"]
        t = t if isinstance(t, (int, float)) else datetime.datetime.fromisoformat(t).timestamp()
        if (p["version"], p["data_type"], p["value"]) != (a["Version"], a["DataType"], a["Value"]) or abs(p["last_modified_epoch"] - t) > 0.001:
            print(region, p["name"], "version/data_type/value/time differ"); bad += 1
        if not p["found"] or p["error"] is not None or p["value_error"] is not None: print("flags", p); bad += 1
sys.exit(1 if bad else 0)
PY
python3 "$T/cmp.py" "$T/get.json" $REGIONS "$T/aws" >"$T/last.err" 2>&1
check "get json equals awscli get-parameters field by field (both schemas, version, date, data type)" test $? -eq 0
run "$T/get.txt" get 2022-core 2019-full --root "$R" --region $REGIONS --output text
for r in us-east-1 us-west-2; do for n in "$V22" "$V19"; do
  awsr $r ssm get-parameters --names "$R/$n" | jq -r '.Parameters[0].Value | fromjson | .image_id'
done; done >"$T/ids.txt"
check "--output text is exactly the image ids, one per line" cmp -s "$T/ids.txt" "$T/get.txt"
run "$T/get-tab.txt" get 2022-core --root "$R" --region us-east-1
check "table output names the variant and the newest image" \
  grep -Eq '^us-east-1 +2022-core +ami-01000000000002203 +2026.11.20 +1.98.1' "$T/get-tab.txt"

# --- a region without the parameter ----------------------------------------------------------
run "$T/miss.txt" get 2025-core --root "$R" --region us-east-1,eu-west-1,us-west-2 --output text; rc=$?
check "missing in eu-west-1: exit 4, reported, the other 2 regions printed" \
  bash -c "[ $rc -eq 4 ] && [ \$(wc -l <'$T/miss.txt') -eq 2 ] && grep -q 'not found in eu-west-1' '$T/last.err' && [ \$(wc -l <'$T/last.err') -eq 1 ]"

# --- a value that is not JSON: reported, not fatal -------------------------------------------------
put us-west-2 Windows_Server-2019-English-Core-ECS_Optimized "ami-0notjson"
run "$T/nj.json" get 2019-core 2022-core --root "$R" --region us-west-2 --output json; rc=$?
check "a value that is not a JSON object: value_error set, the other variant printed, exit 4" \
  bash -c "[ $rc -eq 4 ] && jq -e '.parameters[0].found and (.parameters[0].value_error|test(\"not JSON\")) and .parameters[0].image_id==null and .parameters[1].image_id==\"ami-02000000000002201\"' '$T/nj.json'"
run "$T/nj.txt" get 2019-core 2022-core --root "$R" --region us-west-2 --output text; rc=$?
check "... and in text output: the one good id on stdout, the bad value on stderr" \
  bash -c "[ $rc -eq 4 ] && [ \"\$(cat '$T/nj.txt')\" = ami-02000000000002201 ] && grep -q 'no image_id in the value' '$T/last.err'"

# --- flags ------------------------------------------------------------------------------------
run "$T/j1.txt" get 2022-core 2019-full --root "$R" --region $REGIONS --output text --jobs 1
check "--jobs 1 (one region at a time) prints the same ids in the same order" cmp -s "$T/j1.txt" "$T/get.txt"
run "$T/u1.txt" get 2016-core --root "$R"; rc=$?
check "unknown variant: exit 3 naming the short forms" bash -c "[ $rc -eq 3 ] && grep -q '2022-core' '$T/last.err'"
run "$T/u2.txt" history 2022-core --root "$R" --region us-east-1,us-west-2; rc=$?
check "history with two regions: usage error (exit 2)" test $rc -eq 2
run "$T/u3.txt" get 2022-core --root "$R" --output yaml; rc=$?
check "--output yaml: usage error (exit 2)" test $rc -eq 2

# --- --all-regions: 17 regions of the aws partition, concurrently ---------------------------------
run "$T/allr.json" get 2022-core --root "$R" --all-regions --output json; rc=$?
check "--all-regions asks the 17 regions of the partition (3 found, 14 missing, exit 4)" \
  bash -c "[ $rc -eq 4 ] && jq -e '(.parameters|length)==17 and ([.parameters[]|select(.found)]|length)==3' '$T/allr.json'"

# --- history and diff ------------------------------------------------------------------------
run "$T/hist.json" history 2022-core --root "$R" --region us-east-1 --output json
check "history: 3 versions, newest first" \
  jq -e '[.versions[].version]==[3,2,1] and .versions[0].image_id=="ami-01000000000002203"' "$T/hist.json"
run "$T/hist2.txt" history 2022-core --root "$R" --region us-east-1 --limit 2 --output text
check "history --limit 2 --output text: the 2 newest ids" \
  test "$(tr '\n' ' ' <"$T/hist2.txt")" = "ami-01000000000002203 ami-01000000000002202 "
run "$T/diff.json" diff 2022-core --root "$R" --region us-east-1 --from 1 --to 3 --output json
check "diff 1..3: image, agent, name and version changed; runtime and source did not" \
  jq -e '(.changes|keys)==["ecs_agent_version","image_id","image_name","image_version"] and .changes.image_id.to=="ami-01000000000002203"' "$T/diff.json"

# --- generate and publish --------------------------------------------------------------------
P=/ecsb-ami-test/published
cat >"$T/manifest.json" <<JSON
{"builds":[{"name":"w","builder_type":"amazon-ebs","artifact_id":"us-east-1:ami-0feed000000000001,us-west-2:ami-0feed000000000002",
 "packer_run_uuid":"r1","custom_data":{"image_name":"$V22-2026.11.30","os":"Windows Server 2022","source_image_name":"Windows_Server-2022-English-Core-Base-2026.11.12"}}],
 "last_run_uuid":"r1"}
JSON
GEN=(--manifest "$T/manifest.json" --agent-version 1.99.0 --runtime-version "25.0.6 (Docker CE)")
run "$T/gen.json" generate "${GEN[@]}" --region us-west-2
check "generate: the 8-key value, keys sorted, compact" \
  test "$(cat "$T/gen.json")" = "{\"ecs_agent_version\":\"1.99.0\",\"ecs_runtime_version\":\"25.0.6 (Docker CE)\",\"image_id\":\"ami-0feed000000000002\",\"image_name\":\"$V22-2026.11.30\",\"image_version\":\"2026.11.30\",\"os\":\"Windows Server 2022\",\"schema_version\":1,\"source_image_name\":\"Windows_Server-2022-English-Core-Base-2026.11.12\"}"
run "$T/dry.txt" publish --root "$P" "${GEN[@]}" --dry-run; rc=$?
awsr us-east-1 ssm get-parameters-by-path --path "$P" --recursive >"$T/after-dry.json"
check "publish --dry-run: prints 18 would-create lines (9 per region), writes nothing" \
  bash -c "[ $rc -eq 0 ] && [ \$(grep -c 'would create' '$T/dry.txt') -eq 18 ] && jq -e '.Parameters|length==0' '$T/after-dry.json'"
run "$T/pub.txt" publish --root "$P" "${GEN[@]}"; rc=$?
check "publish: 9 parameters (value, 7 fields, schema_version) created in each of the 2 manifest regions" \
  bash -c "[ $rc -eq 0 ] && [ \$(grep -c ' created ' '$T/pub.txt') -eq 18 ]"
run "$T/rt.json" get 2022-core --root "$P" --region us-east-1,us-west-2 --output json
check "publish then get round-trips (image per region, all fields)" \
  jq -e --slurpfile g "$T/gen.json" '[.parameters[].image_id]==["ami-0feed000000000001","ami-0feed000000000002"] and .parameters[1].value==($g[0]|tojson) and .parameters[0].ecs_agent_version=="1.99.0"' "$T/rt.json"
awsr us-east-1 ssm get-parameters --names "$P/$V22/image_id" >"$T/dt.json"
check "image_id sub-parameter has DataType aws:ec2:image" jq -e '.Parameters[0].DataType=="aws:ec2:image" and .Parameters[0].Value=="ami-0feed000000000001"' "$T/dt.json"
vers() { awsr "$1" ssm get-parameters-by-path --path "$P" --recursive | jq -c '[.Parameters[] | [.Name, .Version]] | sort'; }
before="$(vers us-east-1)$(vers us-west-2)"
run "$T/pub2.txt" publish --root "$P" "${GEN[@]}"; rc=$?
after="$(vers us-east-1)$(vers us-west-2)"
check "second identical publish writes nothing (18 unchanged, versions the same)" \
  bash -c "[ $rc -eq 0 ] && [ \$(grep -c unchanged '$T/pub2.txt') -eq 18 ] && [ '$before' = '$after' ]"
run "$T/pub3.txt" publish --root "$P" "${GEN[@]}" --agent-version 1.99.1 --region us-east-1
check "a changed agent version updates just that field and the value (version 2), one region" \
  bash -c "[ \$(grep -c ' updated ' '$T/pub3.txt') -eq 2 ] && grep -q 'ecs_agent_version (version 2)' '$T/pub3.txt'"

# --- fault proxy: reserved root refused without a call; throttling retried ------------------------
start_proxy() {
  python3 "$ROOT/tests/fakes/fault_proxy.py" --upstream "$LS_MOTO" >"$T/proxy.port" 2>"$T/proxy.log" &
  LS_PIDS+=($!)
  for _ in $(seq 1 100); do [ -s "$T/proxy.port" ] && break; sleep 0.05; done
  PROXY=http://127.0.0.1:$(head -n 1 "$T/proxy.port")
}
start_proxy
fault() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$PROXY/_fault" >/dev/null; }
requests() { curl -s "$PROXY/_fault/stats" | jq .requests; }
curl -s -X POST "$PROXY/_fault/reset" >/dev/null
AWS_ENDPOINT_URL=$PROXY run "$T/res.txt" publish --root /aws/service/mine "${GEN[@]}"; rc=$?
check "reserved root /aws/...: exit 3, clear message, no request sent" \
  bash -c "[ $rc -eq 3 ] && grep -q 'reserved' '$T/last.err' && [ \$(curl -s '$PROXY/_fault/stats' | jq .requests) -eq 0 ]"
AWS_ENDPOINT_URL=$PROXY run "$T/res2.txt" publish --root /ssm/x "${GEN[@]}"; rc=$?
check "reserved root /ssm: refused, still no request" bash -c "[ $rc -eq 3 ] && [ $(requests) -eq 0 ]"
fault '{"mode":"throttle","count":3}'
AWS_ENDPOINT_URL=$PROXY run "$T/thr.txt" get 2022-core --root "$R" --region us-east-1,us-west-2 --output text; rc=$?
check "3 throttles spread over the regions are retried: exit 0, both ids" \
  bash -c "[ $rc -eq 0 ] && [ \$(wc -l <'$T/thr.txt') -eq 2 ] && [ \$(curl -s '$PROXY/_fault/stats' | jq .injected) -eq 3 ]"
fault '{"mode":"throttle","count":-1}'
AWS_ENDPOINT_URL=$PROXY AWS_MAX_ATTEMPTS=3 run "$T/thr2.txt" get 2022-core --root "$R" --region us-east-1 --timeout 5; rc=$?
check "endless throttling: exit 6 with the service's error" \
  bash -c "[ $rc -eq 6 ] && grep -q ThrottlingException '$T/last.err'"
fault '{"mode":"none"}'

# --- wrong secret ----------------------------------------------------------------------------
WRONG=wrongSecretKeyValue0123456789abcdefghijkl
AWS_SECRET_ACCESS_KEY=$WRONG run "$T/ws.txt" get 2022-core --root "$R" --region us-east-1 --output text; rc=$?
check "wrong secret: exit 6, one line with the service's auth error" \
  bash -c "[ $rc -eq 6 ] && [ \$(wc -l <'$T/last.err') -eq 1 ] && grep -q 'SignatureDoesNotMatch' '$T/last.err' && [ ! -s '$T/ws.txt' ]"

# --- shared credentials file and profile (no keys in the environment) ---------------------------
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n[ci]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$LS_AK" "$WRONG" "$LS_AK" "$LS_SK" >"$T/aws-credentials"
printf '[profile ci]\nregion = us-west-2\n' >"$T/aws-config"
profile_run() { # profile_run PROFILE OUTFILE ARGS...: run with the keys only in the files
  local p=$1; shift
  (unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
   export AWS_SHARED_CREDENTIALS_FILE=$T/aws-credentials AWS_CONFIG_FILE=$T/aws-config AWS_PROFILE=$p
   [ -n "$p" ] || unset AWS_PROFILE
   run "$@")
}
profile_run ci "$T/pf.txt" get 2022-core --root "$R" --region us-east-1 --output text; rc=$?
check "AWS_PROFILE=ci, keys only in AWS_SHARED_CREDENTIALS_FILE: signed and answered" \
  bash -c "[ $rc -eq 0 ] && [ \"\$(cat '$T/pf.txt')\" = \"\$(sed -n 1p '$T/ids.txt')\" ]"
profile_run ci "$T/pr.txt" get 2022-core --root "$R" --output text; rc=$?
check "no --region and no AWS_REGION: the profile's region from AWS_CONFIG_FILE (us-west-2)" \
  bash -c "[ $rc -eq 0 ] && [ \"\$(cat '$T/pr.txt')\" = \"\$(sed -n 3p '$T/ids.txt')\" ]"
profile_run "" "$T/pd.txt" get 2022-core --root "$R" --region us-east-1 --output text; rc=$?
check "no AWS_PROFILE: the [default] profile is used (its wrong secret fails the signature, exit 6)" \
  bash -c "[ $rc -eq 6 ] && grep -q 'SignatureDoesNotMatch' '$T/last.err'"
profile_run nope "$T/pn.txt" get 2022-core --root "$R" --region us-east-1 --output text; rc=$?
check "AWS_PROFILE=nope: exit 3 naming the profile and both files" \
  bash -c "[ $rc -eq 3 ] && grep -q \"profile 'nope' (from AWS_PROFILE)\" '$T/last.err' && grep -qF '$T/aws-config' '$T/last.err'"

# --- Windows build under Wine ---------------------------------------------------------------
EXE=$ROOT/build/windows/ecs-ami-metadata.exe
if [ -x "$(command -v wine)" ] && [ -f "$EXE" ]; then
  export WINEDEBUG=-all WINEPREFIX=$ROOT/build/wineprefix
  [ -d "$WINEPREFIX" ] || { mkdir -p "$WINEPREFIX"; wineboot -i >/dev/null 2>&1; }
  wine "$EXE" get 2022-core 2019-full --root "$R" --region $REGIONS --output text >"$T/wine.raw" 2>"$T/last.err"
  tr -d '\r' <"$T/wine.raw" >"$T/wine.txt"
  cat "$T/wine.txt" "$T/last.err" >>"$ALL"
  check "Windows ecs-ami-metadata.exe get (WinHTTP, threads) against moto under Wine: same ids" \
    cmp -s "$T/ids.txt" "$T/wine.txt"
else
  echo "skip Windows ecs-ami-metadata.exe under Wine (build it with 'make windows')"
fi

# --- secrets never printed --------------------------------------------------------------------
leaked=0
for s in "$LS_SK" "$WRONG"; do grep -qF -- "$s" "$ALL" && leaked=1; done
check "no secret key in any captured output ($(wc -l <"$ALL") lines)" test $leaked = 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
