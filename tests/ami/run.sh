#!/usr/bin/env bash
# The AMI build's checks, offline (no AWS account, no EC2): `make test-ami`.
#   tests/ami/run.sh BUILD_DIR     (a POSIX build: ecs-bootstrap, tools/ps_tokenize)
# Windows binaries for the bundle come from build/windows (make windows).
# Ends with "ami: N passed, M failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-$ROOT/build/posix}" && pwd)
cd "$ROOT" || exit 2
export AWS_EC2_METADATA_DISABLED=true
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# count OUTPUT: adds the ok/FAIL lines of a sub-check to the totals and shows the failures.
count() {
  local p f
  p=$(grep -c '^ok ' <<<"$1"); f=$(grep -c '^FAIL' <<<"$1")
  pass=$((pass + p)) fail=$((fail + f))
  grep '^FAIL' <<<"$1"
  echo "     ($p checks passed)"
}

# --- packer validate, every variant, offline (Debian's packer) --------------------------
if command -v packer >/dev/null; then
  out=$(make --no-print-directory ami-validate 2>&1)
  n=$(grep -c '^ok   ami-validate' <<<"$out")
  [ "$n" -eq 7 ] && ok "packer validate: all 7 variants" || { bad "packer validate: $n of 7"; echo "$out"; }
  if AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x packer validate -var variant=2099-core \
       -var-file=ami/versions.pkrvars.hcl ami/ >"$T/v.out" 2>&1; then
    bad "packer validate accepts an unknown variant"
  else
    grep -q "The variant must be one of" "$T/v.out" && ok "an unknown variant is refused by name" \
      || bad "unknown variant: $(head -n 3 "$T/v.out")"
  fi
  if AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x packer validate -var variant=2022-core ami/ >"$T/v.out" 2>&1; then
    bad "packer validate passes without the versions file"
  else
    grep -q 'Unset variable "docker_version"' "$T/v.out" && ok "without versions.pkrvars.hcl the pins are missing" \
      || bad "no versions file: $(head -n 3 "$T/v.out")"
  fi
  [ ! -e ami/plugins.pkr.hcl ] && ok "no required_plugins file for Packer 1.6.6" || bad "ami/plugins.pkr.hcl left for 1.6.6"
else
  bad "packer not installed (make deps)"
fi

# --- pins, images, steps, scripts, tags --------------------------------------------------------
for c in pins images steps scripts tags; do
  echo "-- $c"; count "$(python3 tests/ami/ami_checks.py "$ROOT" "$c" 2>&1)"
done

# The pin gate `make ami` runs first: hashes and ecsb_version, overrides winning.
ver=$(sed -nE 's/^ECSB_VERSION[[:space:]]*:=[[:space:]]*(\S+)/\1/p' config.mk)
sed -E 's/^((ecs_agent|docker)_sha256(_2016)?[[:space:]]*=[[:space:]]*)"[^"]*"/\1"'"$(printf 'a%.0s' {1..64})"'"/' \
  ami/versions.pkrvars.hcl >"$T/pinned.pkrvars.hcl"
ami/pins.sh check "$ver" "$T/pinned.pkrvars.hcl" >/dev/null 2>&1 && ok "pin gate passes with every hash pinned" \
  || bad "pin gate refuses a fully pinned file: $(ami/pins.sh check "$ver" "$T/pinned.pkrvars.hcl" 2>&1)"
printf 'docker_sha256 = "1234"\n' >"$T/over.pkrvars.hcl"
ami/pins.sh check "$ver" "$T/pinned.pkrvars.hcl" "$T/over.pkrvars.hcl" 2>"$T/err" && bad "pin gate accepts a short hash" \
  || { grep -q 'docker_sha256 = "1234" is not a SHA-256' "$T/err" && ok "an override with a bad hash is refused by name" \
       || bad "bad hash: $(cat "$T/err")"; }
ami/pins.sh check 9.9.9 "$T/pinned.pkrvars.hcl" 2>"$T/err" && bad "pin gate accepts another ecsb_version" \
  || { grep -q "config.mk has ECSB_VERSION 9.9.9" "$T/err" && ok "ecsb_version must equal config.mk" || bad "$(cat "$T/err")"; }

# --- make ami: the gate runs before Packer; each variant is its own packer build ---------
cat >"$T/packer" <<'SH'
#!/bin/sh
echo "$*" >>"$(dirname "$0")/packer.calls"
[ "$1" = version ] && echo "Packer v1.6.6"
exit 0
SH
chmod +x "$T/packer"
if make --no-print-directory ami VARIANT=2022-core REGION=us-east-1 PACKER="$T/packer" AMI_OVERRIDES=/nonexistent \
     >"$T/ami.out" 2>&1; then
  bad "make ami started with unpinned hashes"
else
  grep -q "is not a SHA-256" "$T/ami.out" && ! grep -q '^build' "$T/packer.calls" 2>/dev/null \
    && ok "make ami stops at the pin gate before any packer build" || bad "make ami: $(tail -n 3 "$T/ami.out")"
fi
cmd=$(make --no-print-directory -n ami-build-2025-core REGION=eu-west-1 PACKER=packer AMI_OVERRIDES=/nonexistent)
for want in "packer build" "-var variant=2025-core" "-var-file=ami/versions.pkrvars.hcl" "-var region=eu-west-1" \
            "-var manifest_dir=build/ami" "-var msi_path=build/windows/ecs-bootstrap.msi"; do
  grep -qF -- "$want" <<<"$cmd" || { bad "ami-build-2025-core lacks '$want': $cmd"; continue; }
done && ok "one variant's build is one packer build with the pinned versions and the region"
targets=$(sed -nE 's/^AMI_VARIANTS[[:space:]]*:=[[:space:]]*//p' ami/ami.mk | wc -w)
[ "$targets" -eq 7 ] && ok "ami-all builds the 7 variants as separate targets" || bad "AMI_VARIANTS has $targets"

# --- the project's PowerShell reader tokenizes every provisioner -------------------------
if out=$("$B/tools/ps_tokenize" ami/scripts/*.ps1 2>&1); then
  ok "ecsb_psreader tokenizes all $(grep -c '^ok ' <<<"$out") provisioner scripts"
else
  bad "ecsb_psreader: $out"
fi
printf 'Write-Output "unterminated\n' >"$T/broken.ps1"
"$B/tools/ps_tokenize" "$T/broken.ps1" >/dev/null 2>"$T/err" && bad "ps_tokenize accepts an unterminated string" \
  || { grep -q "broken.ps1:1:" "$T/err" && ok "ps_tokenize reports a broken script with its place" || bad "$(cat "$T/err")"; }

# --- the baked INI plans on every variant's host build -----------------------------------
: >"$T/empty"
for v in 2016-full:14393:Server 2019-full:17763:Server "2019-core:17763:Server Core" 2022-full:20348:Server \
         "2022-core:20348:Server Core" 2025-full:26100:Server "2025-core:26100:Server Core"; do
  IFS=: read -r variant build itype <<<"$v"
  images=$(python3 -c 'import sys; sys.path.insert(0, "tests/ami"); import ami_checks as a
print(",".join(a.parse_pkrvars(open("ami/versions.pkrvars.hcl").read())["preload_images"][sys.argv[1]]))' "$variant")
  sed "s|@PRELOAD_IMAGES@|$images|" ami/files/ecs-bootstrap.ini >"$T/$variant.ini"
  if "$B/ecs-bootstrap" plan --config "$T/$variant.ini" --userdata "$T/empty" --build "$build" \
       --installation-type "$itype" --json >"$T/plan.json" 2>"$T/err"; then
    n=$(jq '.preload_images | length' "$T/plan.json" 2>/dev/null || echo "?")
    want=$(tr ',' '\n' <<<"$images" | wc -l)
    [ "$n" = "$want" ] && ok "baked INI plans on $variant ($n images)" || bad "$variant: plan lists $n images, want $want"
  else
    bad "baked INI does not plan on $variant: $(head -n 2 "$T/err")"
  fi
done

# --- docs/ami-build.md: the policy and launch template parse, every user-data form plans ---
block() { awk -v m="<!-- $1 -->" '$0==m{f=1;next} f==1&&/^```/{f=2;next} f==2&&/^```/{exit} f==2{print}' docs/ami-build.md; }
block policy >"$T/policy.json"
jq -e '.Version == "2012-10-17" and ([.Statement[].Action[]] | index("ec2:RunInstances") and index("ssm:PutParameter"))' \
  "$T/policy.json" >/dev/null 2>&1 && ok "docs: the IAM policy is JSON with the build's and publish's actions" \
  || bad "docs: IAM policy block does not parse or lacks actions"
block launch-template >"$T/lt.json"
if jq -e '.LaunchTemplateData.BlockDeviceMappings[0].Ebs | .VolumeInitializationRate >= 100 and .VolumeInitializationRate <= 300' \
     "$T/lt.json" >/dev/null 2>&1; then ok "docs: launch template sets a volume initialization rate (100-300 MiB/s)"
else bad "docs: launch template block lacks VolumeInitializationRate"; fi
jq -r .LaunchTemplateData.UserData "$T/lt.json" 2>/dev/null | base64 -d >"$T/lt-ud" 2>/dev/null
block userdata:ini | cmp -s - "$T/lt-ud" && ok "docs: the launch template's UserData is the INI form shown" \
  || bad "docs: UserData does not decode to the INI block"
for form in ini ec2launch ec2launch-v2 mime legacy; do
  block "userdata:$form" >"$T/ud-$form"
  if [ -s "$T/ud-$form" ] && "$B/ecs-bootstrap" plan --userdata "$T/ud-$form" --build 20348 \
       --installation-type "Server Core" --json >"$T/ud.json" 2>"$T/err" \
     && [ "$(jq -r .agent_environment.ECS_CLUSTER "$T/ud.json")" = windows-prod ]; then
    ok "docs: user data form $form plans and joins windows-prod"
  else
    bad "docs: user data form $form: $(head -n 2 "$T/err")"
  fi
done

# --- make bundle: an archive whose checksums verify --------------------------------------
if out=$(make --no-print-directory bundle 2>&1); then
  zip=build/ecs-bootstrap-$ver-windows-amd64.zip
  mkdir -p "$T/u" && unzip -q "$zip" -d "$T/u"
  (cd "$T/u/ecs-bootstrap" && sha256sum --quiet -c SHA256SUMS) >"$T/err" 2>&1 && ok "bundle checksums verify" \
    || bad "bundle checksums: $(cat "$T/err")"
  listed=$(cut -d' ' -f3 "$T/u/ecs-bootstrap/SHA256SUMS" | sort | tr '\n' ' ')
  present=$(cd "$T/u/ecs-bootstrap" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | tr '\n' ' ')
  [ "$listed" = "$present" ] && ok "SHA256SUMS lists every file of the bundle" || bad "listed: $listed; present: $present"
  for f in ecs-bootstrap.exe ecs-bootstrap.ini versions.pkrvars.hcl ECSTools/ECSTools.psm1 \
           imagebuilder/ecs-bootstrap.yaml scripts/05-ecs-bootstrap.ps1 scripts/08-sysprep.ps1; do
    [ -f "$T/u/ecs-bootstrap/$f" ] || bad "bundle lacks $f"
  done && ok "bundle holds the binary, INI, module, component and scripts"
  if [ -f build/windows/ecs-bootstrap.msi ]; then
    [ -f "$T/u/ecs-bootstrap/ecs-bootstrap.msi" ] && ok "bundle includes the built MSI" || bad "MSI built but not bundled"
  else
    grep -q "has no MSI" <<<"$out" && [ ! -e "$T/u/ecs-bootstrap/ecs-bootstrap.msi" ] \
      && ok "bundle says it has no MSI when none was built" || bad "no MSI: $out"
  fi
  echo tampered >>"$T/u/ecs-bootstrap/scripts/06-preload.ps1"
  (cd "$T/u/ecs-bootstrap" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1 && bad "a tampered file passes the checksums" \
    || ok "a tampered file fails the checksums"
  # An MSI passed in is bundled and checksummed; the same tree gives the same zip.
  printf 'fake msi\n' >"$T/x.msi"
  scripts/bundle.sh build/windows "$T/x.msi" "$T/b1.zip" >/dev/null && scripts/bundle.sh build/windows "$T/x.msi" "$T/b2.zip" >/dev/null
  unzip -p "$T/b1.zip" ecs-bootstrap/SHA256SUMS | grep -q " ecs-bootstrap.msi$" && ok "a built MSI is bundled and checksummed" \
    || bad "MSI missing from SHA256SUMS"
  cmp -s "$T/b1.zip" "$T/b2.zip" && ok "bundle is reproducible" || bad "two bundles of one tree differ"
else
  bad "make bundle failed: $(tail -n 5 <<<"$out")"
fi

echo "ami: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
