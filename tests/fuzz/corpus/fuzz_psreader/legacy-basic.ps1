<powershell>
Import-Module ECSTools
Initialize-ECSAgent -Cluster 'windows-prod' -EnableTaskIAMRole -LoggingDrivers '["json-file","awslogs"]'
</powershell>
