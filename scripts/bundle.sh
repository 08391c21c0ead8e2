#!/usr/bin/env bash
# scripts/bundle.sh BUILD_DIR MSI ZIP: the release bundle for Windows hosts and image
# pipelines (EC2 Image Builder downloads it): the binaries, the MSI when it was built
# (`make msi`; left out with a note otherwise), the AMI provisioner scripts, the default
# INI, the ECSTools module, the Image Builder component, the pinned versions and
# SHA256SUMS over all of them. File times are the last commit's, so the same tree
# gives the same zip.
set -eu
build=$1 msi=$2 zip=$3
root=$(cd "$(dirname "$0")/.." && pwd)
name=ecs-bootstrap   # one top folder with a fixed name: Image Builder finds the scripts there
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
dir=$stage/$name
mkdir -p "$dir/scripts" "$dir/ECSTools" "$dir/imagebuilder"

for exe in ecs-bootstrap.exe ecs-ami-metadata.exe; do
  if [ -f "$build/$exe" ]; then cp "$build/$exe" "$dir/"
  elif [ "$exe" = ecs-bootstrap.exe ]; then echo "bundle: $build/$exe missing; run make windows" >&2; exit 1
  fi
done
if [ -f "$msi" ]; then
  cp "$msi" "$dir/ecs-bootstrap.msi"
else
  echo "bundle: $msi not built (make msi); the bundle has no MSI"
fi
cp "$root"/ami/scripts/*.ps1 "$dir/scripts/"
cp "$root/ami/files/ecs-bootstrap.ini" "$root/ami/versions.pkrvars.hcl" "$dir/"
cp "$root"/bootstrap/ECSTools/* "$dir/ECSTools/"
cp "$root"/ami/imagebuilder/*.yaml "$dir/imagebuilder/"

(cd "$dir" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum >SHA256SUMS)
stamp=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
find "$dir" -exec touch -h -d "@$stamp" {} +
mkdir -p "$(dirname "$zip")"
rm -f "$zip"
abs=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
(cd "$stage" && find "$name" | LC_ALL=C sort | zip -q -X -D "$abs" -@)
echo "bundle: $zip ($(find "$dir" -type f | wc -l) files, SHA256SUMS inside)"
