#!/usr/bin/env bash
# ecs-bootstrap preload against a real dockerd and docker-registry (scripts/docker-services.sh)
# and against a small engine fixture (tests/integration/fake_engine.py) for the streams a real
# engine cannot be made to send. Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit
B=${ECSB_BUILD:-$PWD/build/posix}/ecs-bootstrap
# shellcheck source=scripts/docker-services.sh
. scripts/docker-services.sh
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: want '$2', got '$3'"; fi; }
contains() { if grep -qF -- "$2" "$3"; then ok; else bad "$1: '$2' not in $3:"; tail -n 5 "$3"; fi; }

ds_init
T=$DS_TMP
: >"$T/empty.ini"
HOST=(--build 20348 --installation-type "Server Core" --config "$T/empty.ini")
run_rc() { "$B" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
jqv() { jq -r "$1" "$T/out" 2>/dev/null; }

# --- the plan keeps preloaded images (no engine needed) ----------------------------------
printf '[cluster]\nname = c\nregion = us-east-1\n[images]\npreload = r/servercore:{ltsc}, r/app:1\n[environment]\nECS_EXCLUDE_UNTRACKED_IMAGE = mine:2\n' >"$T/ud.ini"
AWS_EC2_METADATA_DISABLED=true run_rc plan --json --userdata "$T/ud.ini" "${HOST[@]}"
expect "plan exclude list" "mine:2,r/servercore:ltsc2022,r/app:1" "$(jqv '.agent_environment.ECS_EXCLUDE_UNTRACKED_IMAGE')"
expect "plan pull behaviour unset" "null" "$(jqv '.agent_environment.ECS_IMAGE_PULL_BEHAVIOR')"

# --- the fixture engine: errorDetail under HTTP 200, retry, cut stream -------------------
python3 tests/integration/fake_engine.py "$T/fe.port" "error:manifest for x/y:1 not found: manifest unknown,error:read: connection reset by peer,ok,cut" &
DS_PIDS+=("$!")
for _ in $(seq 50); do [ -s "$T/fe.port" ] && break; sleep 0.1; done
FE="tcp://127.0.0.1:$(cat "$T/fe.port")"
DOCKER_HOST=$FE run_rc preload "${HOST[@]}" --images 127.0.0.1:9/x/y:1 --json
expect "errorDetail under 200: exit" 3 "$rc"
expect "errorDetail under 200: result" "missing" "$(jqv '.images[0].result')"
contains "errorDetail message" "manifest unknown" "$T/err"
# a transient errorDetail is retried, and the second stream succeeds
DOCKER_HOST=$FE run_rc preload "${HOST[@]}" --images 127.0.0.1:9/x/z:2 --json
expect "retry after a transient errorDetail" "0 pulled 2 10.0.20348.1" "$rc $(jqv '.images[0].result') $(jqv '.images[0].attempts') $(jqv '.images[0].os_version')"
contains "retry logged" "attempt 1 failed" "$T/err"
expect "fixture saw 3 pulls" 3 "$(grep -c '^POST' "$T/fe.port.log")"
# verify mode never pulls
DOCKER_HOST=$FE run_rc preload "${HOST[@]}" --images 127.0.0.1:9/x/q:3 --mode verify --json
expect "verify: missing image" "3 missing" "$rc $(jqv '.images[0].result')"
expect "verify pulls nothing" 3 "$(grep -c '^POST' "$T/fe.port.log")"
# registry credentials go to their registry only, and never to any output
PW=CANARYregPW4417
printf '[images]\nregistry = 127.0.0.1:9\nregistry_username = puller\nregistry_password = %s\n' "$PW" >"$T/creds.ini"
DOCKER_HOST=$FE run_rc preload --build 20348 --installation-type "Server Core" --config "$T/creds.ini" \
  --images 127.0.0.1:9/priv/a:1,127.0.0.2:9/other/b:1 --json
expect "credentials: both pulled" "0 pulled pulled" "$rc $(jqv '[.images[].result] | join(" ")')"
expect "credentials sent with the pull from their registry" true \
  "$(grep 'fromImage=127.0.0.1%3A9%2Fpriv' "$T/fe.port.log" | grep -q "AUTH .*\"password\": *\"$PW\"" && echo true)"
expect "no credentials for another registry" 0 "$(grep 'fromImage=127.0.0.2' "$T/fe.port.log" | grep -c AUTH)"
expect "the password reaches no output" 0 "$(cat "$T/out" "$T/err" | grep -c "$PW")"

# --- Amazon ECR: the token from GetAuthorizationToken (moto, signature checks on) -------
# moto's password for account A is "A-auth-token"; the image's registry host is never
# reached (the check before download is skipped, the fixture engine does the pull).
LS_TMP=$T
# shellcheck source=scripts/local-services.sh
. scripts/local-services.sh
if ls_start_moto; then
  DS_PIDS+=("${LS_PIDS[@]}")
  ECR=123456789012.dkr.ecr.us-east-1.amazonaws.com
  ecr_run() {
    AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2 AWS_ENDPOINT_URL_ECR=$LS_MOTO AWS_EC2_METADATA_DISABLED=true \
      AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1 DOCKER_HOST=$FE \
      run_rc preload "${HOST[@]}" --images "$ECR/team/app:1,127.0.0.2:9/other/c:1" --json --set timeouts.docker=5s
  }
  ecr_run "$LS_AK" "$LS_SK"
  expect "ECR: both pulled" "0 pulled pulled" "$rc $(jqv '[.images[].result] | join(" ")')"
  expect "ECR: the token's password sent with the pull from that registry" true \
    "$(grep "fromImage=$ECR" "$T/fe.port.log" | grep -q 'AUTH .*"username": *"AWS".*"password": *"123456789012-auth-token"' && echo true)"
  expect "ECR: no token for another registry" 0 "$(grep 'fromImage=127.0.0.2%3A9%2Fother%2Fc' "$T/fe.port.log" | grep -c AUTH)"
  expect "ECR: the password reaches no output" 0 "$(cat "$T/out" "$T/err" | grep -c 'auth-token')"
  # three registries in one run: two ECR registries (another account in another region), each
  # with its own token, and the configured private registry with its own credentials
  ECR2=210987654321.dkr.ecr.eu-west-1.amazonaws.com PW3=CANARYthreePW5512
  printf '[images]\nregistry = 127.0.0.3:9\nregistry_username = puller\nregistry_password = %s\n' "$PW3" >"$T/three.ini"
  AWS_ACCESS_KEY_ID=$LS_AK AWS_SECRET_ACCESS_KEY=$LS_SK AWS_ENDPOINT_URL_ECR=$LS_MOTO AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1 DOCKER_HOST=$FE \
    run_rc preload --build 20348 --installation-type "Server Core" --config "$T/three.ini" --json \
    --images "$ECR/team/app:2,$ECR2/shared/base:1,127.0.0.3:9/priv/x:1,127.0.0.2:9/other/d:1" --set timeouts.docker=5s
  expect "three registries: all pulled" "0 pulled pulled pulled pulled" "$rc $(jqv '[.images[].result] | join(" ")')"
  expect "three registries: account one's token to its registry" true \
    "$(grep "fromImage=$ECR%2Fteam%2Fapp&tag=2" "$T/fe.port.log" | grep -q '"password": *"123456789012-auth-token"' && echo true)"
  expect "three registries: the other account's token to its registry" true \
    "$(grep "fromImage=$ECR2" "$T/fe.port.log" | grep -q '"password": *"210987654321-auth-token"' && echo true)"
  expect "three registries: the configured credentials to their registry" true \
    "$(grep 'fromImage=127.0.0.3%3A9' "$T/fe.port.log" | grep -q "\"password\": *\"$PW3\"" && echo true)"
  expect "three registries: nothing for a fourth" 0 "$(grep 'fromImage=127.0.0.2%3A9%2Fother%2Fd' "$T/fe.port.log" | grep -c AUTH)"
  expect "three registries: no secret in any output" 0 "$(cat "$T/out" "$T/err" | grep -c -e auth-token -e "$PW3")"
  posts=$(grep -c '^POST' "$T/fe.port.log")
  ecr_run "$LS_AK" wrong-secret
  expect "ECR: a refused token request fails before any pull" "4 $posts" "$rc $(grep -c '^POST' "$T/fe.port.log")"
  contains "ECR: the error names the registry and the permission" "ecr:GetAuthorizationToken" "$T/err"
else
  bad "moto did not start for the ECR check"
fi

# an engine that is not there: bounded wait, exit 4
DOCKER_HOST=tcp://127.0.0.1:9 run_rc preload "${HOST[@]}" --images 127.0.0.1:9/x/y:1 --set timeouts.docker=2s
expect "no engine: exit" 4 "$rc"
contains "no engine: message" "did not answer within 2 s" "$T/err"

# --- a real dockerd and registry ----------------------------------------------------------
if ! why=$(ds_available); then
  echo "SKIP real-engine tests: $why"
elif ! ds_start_dockerd >"$T/ds.out" 2>&1 || ! ds_start_registry >>"$T/ds.out" 2>&1; then
  bad "docker services did not start: $(tail -n 5 "$T/ds.out")"
else
  R=$DS_REG
  ds_make_image "$R/windows/servercore:ltsc2022" 4 && ds_make_image "$R/windows/nanoserver:ltsc2022" 1 &&
    ds_make_image "$R/app/web:1" 1 || bad "test images could not be made"
  IMAGES="$R/windows/nanoserver:{nanoserver},$R/windows/servercore:{ltsc},$R/app/web:1"
  pulls() { ds_docker events --since "$1" --until "$(date +%s)" --filter type=image --filter event=pull | wc -l; }
  t0=$(date +%s)
  run_rc preload "${HOST[@]}" --images "$IMAGES" --parallel 2 --json
  expect "first preload: exit" 0 "$rc"
  expect "first preload: results" "pulled pulled pulled" "$(jqv '[.images[].result] | join(" ")')"
  expect "servercore first" "$R/windows/servercore:ltsc2022" "$(jqv '.images[0].image')"
  expect "engine has the images" 3 "$(ds_docker images --format '{{.Repository}}:{{.Tag}}' | grep -c "^$R/")"
  contains "progress lines" "servercore:ltsc2022: downloading" "$T/err"
  sleep 1
  expect "first preload: 3 pulls" 3 "$(pulls "$t0")"
  t1=$(date +%s)
  sleep 1
  run_rc preload "${HOST[@]}" --images "$IMAGES"
  expect "second preload: exit" 0 "$rc"
  contains "second preload: table" "0 pulled, 3 present, 0 failed" "$T/out"
  sleep 1
  expect "second preload pulls nothing" 0 "$(pulls "$t1")"
  # a missing image is a clear error; the others complete
  ds_docker rmi "$R/app/web:1" >/dev/null
  run_rc preload "${HOST[@]}" --images "$R/nope/none:1,$R/app/web:1" --json
  expect "missing image: exit" 3 "$rc"
  expect "missing image: results" "missing pulled" "$(jqv '[.images[].result] | join(" ")')"
  contains "missing image named" "$R/nope/none:1" "$T/err"
  contains "missing image: summary" "1 of 2 image(s) not preloaded" "$T/err"
  # verify mode at boot: present images pass, nothing is pulled
  sleep 1
  t2=$(date +%s)
  sleep 1
  run_rc preload "${HOST[@]}" --images "$IMAGES" --mode verify
  expect "verify: exit" 0 "$rc"
  sleep 1
  expect "verify pulls nothing (real engine)" 0 "$(pulls "$t2")"

  # --- interruptions: kill -9 of preload mid-pull, the registry stopped mid-pull -------
  ds_make_image "$R/big/one:1" 150 || bad "big image"
  "$B" preload "${HOST[@]}" --images "$R/big/one:1" >"$T/kill.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q 'downloading' "$T/kill.out" && break; sleep 0.05; done
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  run_rc preload "${HOST[@]}" --images "$R/big/one:1" --json
  expect "rerun after kill -9 converges" "0 true" "$rc $(jqv '.images[0].result == "pulled" or .images[0].result == "present"')"
  ds_docker rmi "$R/big/one:1" >/dev/null
  "$B" preload "${HOST[@]}" --images "$R/big/one:1" --json >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 100); do grep -q 'downloading' "$T/err" && break; sleep 0.05; done
  ds_stop_registry
  sleep 2
  ds_start_registry >/dev/null || bad "registry restart"
  wait "$pid"; rc=$?
  expect "registry stopped mid-pull and restarted: completes" "0 pulled" "$rc $(jqv '.images[0].result')"
  [ -n "${PRELOAD_DEBUG:-}" ] && cat "$T/err"

  # --- warm-up: every layer file of the images read once ------------------------------
  want_files=0 want_bytes=0
  for ref in "$R/windows/servercore:ltsc2022" "$R/windows/nanoserver:ltsc2022"; do
    # vfs reports no GraphDriver.Data: the single layer's folder through the layer database
    diff=$(ds_docker image inspect -f '{{index .RootFS.Layers 0}}' "$ref")
    d=$DS_TMP/data/vfs/dir/$(cat "$DS_TMP/data/image/vfs/layerdb/sha256/${diff#sha256:}/cache-id")
    want_files=$((want_files + $(find "$d" -type f | wc -l)))
    want_bytes=$((want_bytes + $(find "$d" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')))
  done
  run_rc warm "${HOST[@]}" --images "$R/windows/servercore:{ltsc},$R/windows/nanoserver:{nanoserver}" --json
  expect "warm: the test found files" true "$([ "$want_files" -gt 0 ] && echo true)"
  expect "warm: every layer file read once" "0 $want_files $want_files $want_bytes $want_bytes true" \
    "$rc $(jqv '[.files, .files_read, .bytes_total, .bytes_read, .complete] | map(tostring) | join(" ")')"
  expect "warm found the images' folders" "2 2" "$(jqv '"\(.images) \(.folders)"')"
  # a two-layer image: the second layer's folder is filed under its chain ID, not its diff ID;
  # the expected folders come from the layer database's own diff files
  mkdir -p "$T/ml" && head -c 100000 /dev/urandom >"$T/ml/a.bin" && head -c 50000 /dev/urandom >"$T/ml/b.bin"
  printf 'FROM scratch\nCOPY a.bin /one/\nCOPY b.bin /two/\n' >"$T/ml/Dockerfile"
  if DOCKER_BUILDKIT=0 ds_docker build -q -t ecsb-test/two-layers:1 "$T/ml" >/dev/null 2>"$T/ml.err"; then
    want_files=0 want_bytes=0 layers=0
    for diff in $(ds_docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' ecsb-test/two-layers:1); do
      db=$(grep -lx "$diff" "$DS_TMP"/data/image/vfs/layerdb/sha256/*/diff | head -n 1)
      d=$DS_TMP/data/vfs/dir/$(cat "$(dirname "$db")/cache-id")
      layers=$((layers + 1))
      want_files=$((want_files + $(find "$d" -type f | wc -l)))
      want_bytes=$((want_bytes + $(find "$d" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')))
    done
    expect "two-layer image: two layers" 2 "$layers"
    run_rc warm "${HOST[@]}" --images ecsb-test/two-layers:1 --json
    expect "warm two-layer image: both layer folders" "1 2" "$(jqv '"\(.images) \(.folders)"')"
    expect "warm two-layer image: every file of both layers, once" "0 $want_files $want_bytes" \
      "$rc $(jqv '.files_read') $(jqv '.bytes_read')"
  else
    bad "docker build of a two-layer image: $(head -n 3 "$T/ml.err")"
  fi
  run_rc warm "${HOST[@]}" --images "$R/nope/none:1"
  expect "warm of an absent image: no failure, reported" "0" "$rc"
  contains "warm of an absent image: named" "nope/none:1" "$T/err"

  # --- the build check before download: manifest lists with crafted os.version ----------
  ds_make_image "$R/win/core:base" 1 || bad "base image for the manifest lists"
  mt=application/vnd.docker.distribution.manifest.v2+json
  hdr=$(curl -sI -H "Accept: $mt" "http://$R/v2/win/core/manifests/base" | tr -d '\r')
  dig=$(printf '%s\n' "$hdr" | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
  size=$(printf '%s\n' "$hdr" | awk -F': ' 'tolower($1)=="content-length"{print $2}')
  # push_list TAG OSVERSION: a list with a linux entry (what this engine pulls) and a windows one
  push_list() {
    curl -s -o /dev/null -w '%{http_code}' -X PUT \
      -H 'Content-Type: application/vnd.docker.distribution.manifest.list.v2+json' \
      --data-binary "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[
        {\"mediaType\":\"$mt\",\"size\":$size,\"digest\":\"$dig\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},
        {\"mediaType\":\"$mt\",\"size\":$size,\"digest\":\"$dig\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"$2\"}}]}" \
      "http://$R/v2/win/core/manifests/$1"
  }
  expect "push list newer" 201 "$(push_list newer 10.0.26100.1)"
  expect "push list older" 201 "$(push_list older 10.0.17763.5000)"
  expect "push list match" 201 "$(push_list match 10.0.20348.9999)"
  blobs() { grep -c 'GET /v2/win/core/blobs/' "$DS_REG_LOG"; }
  b0=$(blobs)
  run_rc preload "${HOST[@]}" --images "$R/win/core:newer,$R/win/core:older" --json
  expect "build check: exit" 3 "$rc"
  expect "build check: results" "wrong-build wrong-build" "$(jqv '[.images[].result] | join(" ")')"
  contains "newer named with the host build" "$R/win/core:newer offers Windows build(s) 10.0.26100.1 but this host is build 20348" "$T/err"
  contains "older refused too" "$R/win/core:older offers Windows build(s) 10.0.17763.5000" "$T/err"
  expect "no blob requested for refused builds" "$b0" "$(blobs)"
  expect "refused images not pulled" "" "$(ds_docker images -q "$R/win/core" 2>/dev/null)"
  run_rc preload "${HOST[@]}" --images "$R/win/core:match" --json
  expect "same build, another revision: accepted and pulled" "0 pulled" "$rc $(jqv '.images[0].result')"
  contains "download size announced" "registry offers build 10.0.20348.9999" "$T/err"
  expect "download size in the summary" "true" "$(jqv '.images[0].download_size > 0')"
  expect "the access log does show blob requests of a real pull" true "$([ "$(blobs)" -gt "$b0" ] && echo true)"
  # --- the check with credentials: a second registry on the same storage, htpasswd (bcrypt) auth
  RPW=CANARYhtPW9031
  python3 -W ignore -c 'import crypt, sys; print("puller:" + crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
    "$RPW" >"$T/htpasswd"
  R2=127.0.0.1:$(free_port)
  printf 'version: 0.1\nlog:\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: %s\nauth:\n  htpasswd:\n    realm: ecsb-test\n    path: %s\nhttp:\n  addr: %s\n' \
    "$T/registry" "$T/htpasswd" "$R2" >"$T/registry2.yml"
  docker-registry serve "$T/registry2.yml" >"$T/registry2.log" 2>&1 &
  DS_PIDS+=("$!")
  for _ in $(seq 100); do curl -s -o /dev/null -m 1 "http://$R2/v2/" && break; sleep 0.1; done
  expect "htpasswd registry challenges" 401 "$(curl -s -o /dev/null -w '%{http_code}' "http://$R2/v2/")"
  printf '[images]\nregistry = %s\nregistry_username = puller\nregistry_password = %s\n' "$R2" "$RPW" >"$T/r2.ini"
  run_rc preload --build 20348 --installation-type "Server Core" --config "$T/r2.ini" --images "$R2/win/core:newer" --json
  expect "check with credentials: refused" "3 wrong-build" "$rc $(jqv '.images[0].result')"
  contains "check with credentials: builds named" "$R2/win/core:newer offers Windows build(s) 10.0.26100.1" "$T/err"
  expect "check with credentials: no blob requested" 0 "$(grep -c 'GET /v2/win/core/blobs/' "$T/registry2.log")"
  expect "the registry password reaches no output" 0 "$(cat "$T/out" "$T/err" | grep -c "$RPW")"
  printf '[images]\nregistry = %s\nregistry_username = puller\nregistry_password = wrong\n' "$R2" >"$T/r2bad.ini"
  run_rc preload --build 20348 --installation-type "Server Core" --config "$T/r2bad.ini" --images "$R2/win/core:newer" --json
  contains "wrong credentials: said so" "refused the configured credentials" "$T/err"
  run_rc preload "${HOST[@]}" --images "$R2/win/core:newer" --json
  contains "no credentials: the check says which settings" "no credentials are configured for it" "$T/err"
  # --- the Docker nat network's subnet, as the credential-proxy action reads it (GET /networks/nat),
  # against what the docker CLI shows for the same network
  NS=$(dirname "$B")/tools/nat_subnet
  expect "no nat network: not found" "error not found" "$("$NS" | cut -d: -f1)"
  expect "no nat network: the engine's words" 1 "$("$NS" | grep -c 'network nat not found')"
  if ds_docker network create --ipv6 --subnet fd12:3456:789a:1::/64 --subnet 10.254.213.0/24 nat >/dev/null; then
    want=$(ds_docker network inspect nat -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' | tr ' ' '\n' | grep -m1 -v :)
    expect "nat subnet: the CLI's IPv4 subnet" "10.254.213.0/24" "$want"
    expect "nat subnet: ours is the same" "$want" "$("$NS")"
    ds_docker network rm nat >/dev/null
  else
    bad "docker network create nat failed"
  fi
  expect "a network name is one path segment" 1 "$("$NS" 'a/b' | grep -c 'networks/a%2Fb: HTTP 404: network a/b not found')"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
