Import-Module ECSTools
$clusterName = "windows-prod"
$suffix = "-a"
[Environment]::SetEnvironmentVariable("ECS_ENABLE_CONTAINER_METADATA", "$TRUE", "Machine")
[Environment]::SetEnvironmentVariable("ECS_ENABLE_SPOT_INSTANCE_DRAINING", "$FALSE", [System.EnvironmentVariableTarget]::Machine)
Initialize-ECSAgent -Cluster "$clusterName${suffix}" -EnableTaskIAMRole -LoggingDrivers "[`"json-file`",`"awslogs`"]"
[Environment]::SetEnvironmentVariable("ECS_LOGLEVEL", "`$TRUE", "Process")
