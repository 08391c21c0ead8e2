#!/usr/bin/env bash
# ami/pins.sh: the pinned downloads of the AMI build.
#   ami/pins.sh check ECSB_VERSION VARFILE...   every *_sha256 (last file wins) is a SHA-256 and
#                                               ecsb_version equals config.mk's ECSB_VERSION
#   ami/pins.sh pin [VARFILE]                   download each pinned artifact once, write its
#                                               SHA-256 into VARFILE (default ami/versions.pkrvars.hcl)
# `make ami` runs `check` before anything is launched: a build never starts with a hash
# that is missing or malformed.
set -eu

# value KEY FILE...: the string value of a top-level `KEY = "..."` line, the last file winning.
value() {
  local key=$1 v="" f line; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    line=$(sed -nE "s/^${key}[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\\1/p" "$f" | tail -n 1)
    [ -n "$line" ] && v=$line
  done
  printf '%s' "$v"
}

check() {
  local want=$1 bad=0 key v; shift
  for key in ecs_agent_sha256 docker_sha256 docker_sha256_2016; do
    v=$(value "$key" "$@")
    if ! [[ $v =~ ^[0-9a-fA-F]{64}$ ]]; then
      echo "ami: $key = \"$v\" is not a SHA-256; run 'make ami-pin' (or set it in ami/overrides.pkrvars.hcl)" >&2
      bad=1
    fi
  done
  v=$(value ecsb_version "$@")
  if [ "$v" != "$want" ]; then
    echo "ami: ecsb_version = \"$v\" but config.mk has ECSB_VERSION $want; make them equal" >&2
    bad=1
  fi
  return "$bad"
}

# sha_of URL: SHA-256 of the download.
sha_of() {
  local tmp sum
  tmp=$(mktemp)
  curl -fsSL --retry 3 -o "$tmp" "$1" || { rm -f "$tmp"; echo "ami: cannot download $1" >&2; return 1; }
  sum=$(sha256sum "$tmp" | cut -d' ' -f1)
  rm -f "$tmp"
  printf '%s' "$sum"
}

pin() {
  local file=${1:-ami/versions.pkrvars.hcl} key url sum
  local docker=https://download.docker.com/win/static/stable/x86_64
  for key in ecs_agent_sha256 docker_sha256 docker_sha256_2016; do
    case $key in
      ecs_agent_sha256)   url="https://s3.amazonaws.com/amazon-ecs-agent/ecs-agent-windows-v$(value ecs_agent_version "$file").zip" ;;
      docker_sha256)      url="$docker/docker-$(value docker_version "$file").zip" ;;
      docker_sha256_2016) url="$docker/docker-$(value docker_version_2016 "$file").zip" ;;
    esac
    sum=$(sha_of "$url")
    sed -i -E "s/^(${key}[[:space:]]*=[[:space:]]*)\"[^\"]*\"/\\1\"${sum}\"/" "$file"
    echo "ami: $key = $sum ($url)"
  done
}

case ${1:-} in
  check) shift; check "$@" ;;
  pin)   shift; pin "$@" ;;
  *)     echo "usage: ami/pins.sh check ECSB_VERSION VARFILE... | pin [VARFILE]" >&2; exit 2 ;;
esac
