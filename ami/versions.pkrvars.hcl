# versions.pkrvars.hcl: every version the AMI build installs, pinned in ONE place.
# `make ami` passes this file, then ami/overrides.pkrvars.hcl (git-ignored) if present,
# so a user overrides any line without editing this file. tests/ami/run.sh checks that
# every value here is used by a template and every template variable is set here or
# has a default there. ecsb_version must equal ECSB_VERSION in config.mk (checked too).
#
# Hashes: SHA-256 of the exact download, lower-case hex. A value of "unpinned" makes
# `make ami` stop before anything is launched; `make ami-pin` downloads each artifact
# once, computes its hash and writes it here (review the diff, then commit it).

# ecs-bootstrap itself (the MSI built by `make msi` from this tree).
ecsb_version = "0.1.0"

# Amazon ECS container agent for Windows (s3://amazon-ecs-agent/ecs-agent-windows-v<version>.zip).
ecs_agent_version = "1.97.1"
ecs_agent_sha256  = "unpinned"

# Docker engine (static zip from download.docker.com/win/static/stable/x86_64/).
# 2019, 2022 and 2025 run Docker 25.0.6 like the ECS-optimized AMIs; 2016 stays on 20.10.
docker_version       = "25.0.6"
docker_sha256        = "unpinned"
docker_version_2016  = "20.10.23"
docker_sha256_2016   = "unpinned"

# Base AMIs (owner amazon): the most recent image matching the filter, unless a variant
# is pinned to an image id in base_ami_ids (e.g. { "2022-core" = "ami-0123456789abcdef0" }).
base_ami_filters = {
  "2016-full" = "Windows_Server-2016-English-Full-Base-*"
  "2019-full" = "Windows_Server-2019-English-Full-Base-*"
  "2019-core" = "Windows_Server-2019-English-Core-Base-*"
  "2022-full" = "Windows_Server-2022-English-Full-Base-*"
  "2022-core" = "Windows_Server-2022-English-Core-Base-*"
  "2025-full" = "Windows_Server-2025-English-Full-Base-*"
  "2025-core" = "Windows_Server-2025-English-Core-Base-*"
}
base_ami_ids = {}

# Images baked into each variant with `ecs-bootstrap preload` (tags must match the host build).
preload_images = {
  "2016-full" = ["mcr.microsoft.com/windows/servercore:ltsc2016"]
  "2019-full" = ["mcr.microsoft.com/windows/servercore:ltsc2019", "mcr.microsoft.com/windows/nanoserver:1809"]
  "2019-core" = ["mcr.microsoft.com/windows/servercore:ltsc2019", "mcr.microsoft.com/windows/nanoserver:1809"]
  "2022-full" = ["mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver:ltsc2022"]
  "2022-core" = ["mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver:ltsc2022"]
  "2025-full" = ["mcr.microsoft.com/windows/servercore:ltsc2025", "mcr.microsoft.com/windows/nanoserver:ltsc2025"]
  "2025-core" = ["mcr.microsoft.com/windows/servercore:ltsc2025", "mcr.microsoft.com/windows/nanoserver:ltsc2025"]
}

# gp3 root volume (GiB): the base image (~30 GiB Full, ~12 GiB Core after updates) plus the
# preloaded images on disk (servercore ~5 GiB for 2019/2022, ~7.7 GiB 2025, ~9 GiB 2016) with
# room for one monthly servercore refresh and task images.
root_volume_gib = {
  "2016-full" = 60
  "2019-full" = 50
  "2019-core" = 40
  "2022-full" = 50
  "2022-core" = 40
  "2025-full" = 60
  "2025-core" = 50
}
