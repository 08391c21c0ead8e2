$c = 'prod'
$m = @"
$c-`$x "q" ${c}
"@
$l = @'
$c-x ''
'@
[Environment]::SetEnvironmentVariable("ECS_ENABLE_CONTAINER_METADATA", @"
$TRUE
"@, [System.EnvironmentVariableTarget]::Machine)
Initialize-ECSAgent -Cluster $m
