# variables.pkr.hcl: what a build can be told. Versions, hashes, base-image filters and the
# image lists have NO default here: their one home is versions.pkrvars.hcl (`make ami`
# always passes it). Everything else has a default a user may override in
# ami/overrides.pkrvars.hcl or with VAR=value on the make command line.

variable "variant" {
  type        = string
  description = "Which AMI to build: 2016-full, 2019-full, 2019-core, 2022-full, 2022-core, 2025-full, 2025-core."
  default     = "2022-core"
  validation {
    condition     = contains(["2016-full", "2019-full", "2019-core", "2022-full", "2022-core", "2025-full", "2025-core"], var.variant)
    error_message = "The variant must be one of 2016-full, 2019-full, 2019-core, 2022-full, 2022-core, 2025-full, 2025-core."
  }
}

# --- pinned in versions.pkrvars.hcl -----------------------------------------------------
variable "ecsb_version" {
  type        = string
  description = "ecs-bootstrap version inside the MSI (= ECSB_VERSION in config.mk)."
}
variable "ecs_agent_version" {
  type        = string
  description = "Amazon ECS agent release, e.g. 1.97.1."
}
variable "ecs_agent_sha256" {
  type        = string
  description = "SHA-256 of ecs-agent-windows-v<version>.zip."
}
variable "docker_version" {
  type        = string
  description = "Docker engine for 2019, 2022 and 2025."
}
variable "docker_sha256" {
  type        = string
  description = "SHA-256 of docker-<docker_version>.zip."
}
variable "docker_version_2016" {
  type        = string
  description = "Docker engine for 2016 (the 20.10 line)."
}
variable "docker_sha256_2016" {
  type        = string
  description = "SHA-256 of docker-<docker_version_2016>.zip."
}
variable "base_ami_filters" {
  type        = map(string)
  description = "Per variant: the name filter of the AWS base AMI (owner amazon, most recent)."
}
variable "base_ami_ids" {
  type        = map(string)
  description = "Per variant: a pinned base AMI id; a variant not listed uses its filter."
}
variable "preload_images" {
  type        = map(list(string))
  description = "Per variant: the images baked in with ecs-bootstrap preload."
}
variable "root_volume_gib" {
  type        = map(number)
  description = "Per variant: gp3 root volume size in GiB."
}

# --- build settings with defaults --------------------------------------------------------
variable "region" {
  type        = string
  description = "Region the builder runs in and the AMI is registered in first."
  default     = "us-east-1"
}
variable "ami_regions" {
  type        = list(string)
  description = "More regions the finished AMI is copied to."
  default     = []
}
variable "ami_users" {
  type        = list(string)
  description = "Account ids allowed to launch the AMI."
  default     = []
}
variable "instance_type" {
  type        = string
  description = "Builder instance type (network and EBS throughput bound the image pulls)."
  default     = "m5.xlarge"
}
variable "subnet_id" {
  type        = string
  description = "Builder subnet (empty: the default VPC). It needs a route to the internet or to MCR through a proxy."
  default     = ""
}
variable "iam_instance_profile" {
  type        = string
  description = "Builder instance profile (needed only for preload images from private ECR)."
  default     = ""
}
variable "image_version" {
  type        = string
  description = "Version suffix of the AMI name (image_version in SSM); empty: today's date YYYY.MM.DD."
  default     = ""
}
variable "ami_name_prefix" {
  type        = string
  description = "Start of the AMI name; the rest mirrors AWS: -<year>-English-<Full|Core>-ECS_Optimized-<version>."
  default     = "Windows_Server"
}
variable "defender_exclusion" {
  type        = bool
  description = "Exclude the Docker data folder C:\\ProgramData\\docker from Defender real-time scanning."
  default     = true
}
variable "msi_path" {
  type        = string
  description = "The ecs-bootstrap MSI to install (make msi)."
  default     = "build/windows/ecs-bootstrap.msi"
}
variable "ini_path" {
  type        = string
  description = "The baked configuration copied to C:\\ProgramData\\Amazon\\ECS\\ecs-bootstrap.ini."
  default     = "ami/files/ecs-bootstrap.ini"
}
variable "manifest_dir" {
  type        = string
  description = "Where the manifest post-processor writes <variant>.json."
  default     = "build/ami"
}
variable "encrypt_boot" {
  type        = bool
  description = "Encrypt the AMI's snapshot with the account's default EBS key."
  default     = false
}
