# ECSTools compatibility module.
#
# Existing launch templates call `Import-Module ECSTools; Initialize-ECSAgent -Cluster ...`.
# On our AMI this module keeps that working by forwarding every known parameter to
# ecs-bootstrap.exe, which does the work (and logs in the same "<UTC> - [INFO]:" format).
# Variables set before the call with [Environment]::SetEnvironmentVariable(..., "Machine")
# are read by ecs-bootstrap from the machine scope and never overwritten.

$script:Bootstrap = Join-Path $env:ProgramFiles 'Amazon\ECS\ecs-bootstrap.exe'

function ConvertTo-BootstrapBool([bool]$Value) {
    if ($Value) { 'true' } else { 'false' }
}

function Initialize-ECSAgent {
    [CmdletBinding()]
    param(
        [string]$Cluster,
        [switch]$EnableTaskIAMRole,
        [string]$LoggingDrivers,
        [switch]$EnableTaskENI,
        [switch]$AwsvpcBlockIMDS,
        [string]$AwsvpcAdditionalLocalRoutes,
        [string]$Version,
        [switch]$ExternalInstance,
        [string]$AWSDefaultRegion
    )

    $arguments = @('run')
    if ($PSBoundParameters.ContainsKey('Cluster'))          { $arguments += '--set', "cluster.name=$Cluster" }
    if ($PSBoundParameters.ContainsKey('AWSDefaultRegion')) { $arguments += '--set', "cluster.region=$AWSDefaultRegion" }
    if ($PSBoundParameters.ContainsKey('Version'))          { $arguments += '--set', "agent.version=$Version" }
    # Initialize-ECSAgent wrote -LoggingDrivers into the agent's variable as it was, and the
    # agent starts on malformed text with its default drivers: ecs-bootstrap reads it the same
    # way ('[json-file, awslogs]' becomes JSON, other text passes through, with a warning).
    if ($PSBoundParameters.ContainsKey('LoggingDrivers')) {
        $arguments += '--set', "environment.ECS_AVAILABLE_LOGGING_DRIVERS=$LoggingDrivers"
    }
    if ($PSBoundParameters.ContainsKey('AwsvpcAdditionalLocalRoutes')) {
        $arguments += '--set', "agent.awsvpc_additional_local_routes=$AwsvpcAdditionalLocalRoutes"
    }
    if ($PSBoundParameters.ContainsKey('EnableTaskIAMRole')) {
        $arguments += '--set', ('agent.task_iam_role=' + (ConvertTo-BootstrapBool $EnableTaskIAMRole))
    }
    if ($PSBoundParameters.ContainsKey('EnableTaskENI')) {
        $arguments += '--set', ('agent.task_eni=' + (ConvertTo-BootstrapBool $EnableTaskENI))
    }
    if ($PSBoundParameters.ContainsKey('AwsvpcBlockIMDS')) {
        $arguments += '--set', ('agent.awsvpc_block_imds=' + (ConvertTo-BootstrapBool $AwsvpcBlockIMDS))
    }
    if ($PSBoundParameters.ContainsKey('ExternalInstance')) {
        $arguments += '--set', ('agent.external=' + (ConvertTo-BootstrapBool $ExternalInstance))
    }

    & $script:Bootstrap @arguments
    if ($LASTEXITCODE -ne 0) {
        throw "ecs-bootstrap failed with exit code $LASTEXITCODE; see C:\ProgramData\Amazon\ECS\log\ecs-bootstrap.log"
    }
}

Export-ModuleMember -Function Initialize-ECSAgent
