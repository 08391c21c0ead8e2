<powershell>
# Agent settings the initializer does not take as parameters
[Environment]::SetEnvironmentVariable("ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE", $TRUE, "Machine")
[System.Environment]::SetEnvironmentVariable("ECS_IMAGE_PULL_BEHAVIOR", "prefer-cached", [System.EnvironmentVariableTarget]::Machine)
[Environment]::SetEnvironmentVariable("ECS_CONTAINER_START_TIMEOUT", "15m", "User")
$env:ECS_LOGLEVEL = "debug"
Write-Host "Joining the cluster"
Set-TimeZone -Id "UTC"
Import-Module ECSTools
Initialize-ECSAgent –Cluster "windows-prod" `
  –EnableTaskIAMRole:$TRUE `
  -enabletaskeni `
  -AwsvpcBlockIMDS:$false `
  -LoggingDrivers '["json-file","awslogs"]' `
  —AwsvpcAdditionalLocalRoutes '["10.0.0.0/16","10.1.0.0/16"]' `
  -Version 1.101.0 `
  -AWSDefaultRegion us-east-1
</powershell>
<persist>true</persist>
