Add-MpPreference -ExclusionPath “C:\ProgramData\docker"
Import-Module ECSTools
Initialize-ECSAgent -Cluster ‘windows-prod’ -LoggingDrivers ‚["json-file","awslogs"]‛
[Environment]::SetEnvironmentVariable(„ECS_ENABLE_CONTAINER_METADATA”, “true”, ‘Machine’)
