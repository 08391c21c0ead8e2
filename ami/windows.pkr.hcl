# windows.pkr.hcl: one ECS-optimized Windows AMI per run, chosen by var.variant.
# Every provisioner script is small and calls our binaries (ecs-bootstrap.exe) or
# documented cmdlets; the EC2 Image Builder component (imagebuilder/ecs-bootstrap.yaml)
# runs the same scripts in the same order (tests/ami/run.sh checks it).

locals {
  year    = split("-", var.variant)[0]
  edition = split("-", var.variant)[1] == "core" ? "Core" : "Full"
  os      = "Windows Server ${local.year}"

  image_version = var.image_version != "" ? var.image_version : formatdate("YYYY.MM.DD", timestamp())
  image_name    = "${var.ami_name_prefix}-${local.year}-English-${local.edition}-ECS_Optimized-${local.image_version}"

  docker_version  = local.year == "2016" ? var.docker_version_2016 : var.docker_version
  docker_sha256   = local.year == "2016" ? var.docker_sha256_2016 : var.docker_sha256
  runtime_version = "Docker version ${local.docker_version}"

  base_filter = var.base_ami_filters[var.variant]
  base_ami_id = lookup(var.base_ami_ids, var.variant, "")
  images      = join(",", var.preload_images[var.variant])
  volume_gib  = var.root_volume_gib[var.variant]

  # The SSM metadata fields (docs/ami-metadata.md), as AMI tags and manifest custom data.
  metadata = {
    image_name          = local.image_name
    image_version       = local.image_version
    os                  = local.os
    ecs_agent_version   = var.ecs_agent_version
    ecs_runtime_version = local.runtime_version
    schema_version      = "1"
  }
}

source "amazon-ebs" "windows" {
  region        = var.region
  ami_regions   = var.ami_regions
  ami_users     = var.ami_users
  instance_type = var.instance_type
  subnet_id     = var.subnet_id

  iam_instance_profile = var.iam_instance_profile
  ami_name             = local.image_name
  ami_description      = "ECS-optimized ${local.os} ${local.edition} (ecs-bootstrap ${var.ecsb_version}, agent ${var.ecs_agent_version}, ${local.runtime_version})"
  encrypt_boot         = var.encrypt_boot

  # A pinned id wins; otherwise the most recent AWS base image matching the filter.
  source_ami_filter {
    filters = {
      name                = local.base_ami_id == "" ? local.base_filter : "*"
      image-id            = local.base_ami_id == "" ? "ami-*" : local.base_ami_id
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = local.volume_gib
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  # WinRM over TLS: the builder's user data makes a self-signed certificate and an HTTPS
  # listener on 5986; the instance is thrown away, so the certificate is not verified.
  communicator   = "winrm"
  winrm_username = "Administrator"
  winrm_use_ssl  = true
  winrm_insecure = true
  winrm_port     = 5986
  winrm_timeout  = "30m"
  user_data_file = "${path.root}/scripts/winrm-userdata.ps1"

  # 08-sysprep.ps1 shuts the instance down itself (EC2Launch sysprep); Packer waits for it.
  disable_stop_instance = true

  run_tags = {
    Name = "packer ${local.image_name}"
  }
  tags = merge(local.metadata, {
    Name              = local.image_name
    source_image_name = "{{ .SourceAMIName }}"
    ecs_bootstrap     = var.ecsb_version
  })
}

build {
  sources = ["source.amazon-ebs.windows"]

  provisioner "powershell" {
    script = "${path.root}/scripts/01-containers.ps1"
  }
  provisioner "windows-restart" {
    restart_timeout = "20m"
  }
  provisioner "powershell" {
    script           = "${path.root}/scripts/02-docker.ps1"
    environment_vars = ["DOCKER_VERSION=${local.docker_version}", "DOCKER_SHA256=${local.docker_sha256}"]
  }
  provisioner "powershell" {
    script           = "${path.root}/scripts/03-defender.ps1"
    environment_vars = ["DEFENDER_EXCLUSION=${var.defender_exclusion}"]
  }
  provisioner "powershell" {
    script           = "${path.root}/scripts/04-ecs-agent.ps1"
    environment_vars = ["ECS_AGENT_VERSION=${var.ecs_agent_version}", "ECS_AGENT_SHA256=${var.ecs_agent_sha256}"]
  }
  # generated: the MSI is a build output (make msi); `make ami` builds it first, and
  # `make ami-validate` must pass on a tree where it was never built.
  provisioner "file" {
    generated   = true
    source      = var.msi_path
    destination = "C:/Windows/Temp/ecs-bootstrap/ecs-bootstrap.msi"
  }
  provisioner "file" {
    source      = var.ini_path
    destination = "C:/Windows/Temp/ecs-bootstrap/ecs-bootstrap.ini"
  }
  provisioner "powershell" {
    script           = "${path.root}/scripts/05-ecs-bootstrap.ps1"
    environment_vars = ["ECSB_VERSION=${var.ecsb_version}", "PRELOAD_IMAGES=${local.images}", "ECSB_STAGING=C:\\Windows\\Temp\\ecs-bootstrap"]
  }
  provisioner "powershell" {
    script           = "${path.root}/scripts/06-preload.ps1"
    environment_vars = ["PRELOAD_IMAGES=${local.images}"]
  }
  provisioner "powershell" {
    script = "${path.root}/scripts/07-cleanup.ps1"
  }
  provisioner "powershell" {
    script = "${path.root}/scripts/08-sysprep.ps1"
  }

  post-processor "manifest" {
    output      = "${var.manifest_dir}/${var.variant}.json"
    strip_path  = true
    custom_data = merge(local.metadata, {
      variant           = var.variant
      source_image_name = "${build.SourceAMIName}"
      ecs_bootstrap     = var.ecsb_version
    })
  }
}
