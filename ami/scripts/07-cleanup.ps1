# 07-cleanup: remove per-instance state so every instance from the AMI starts fresh:
# agent data (a baked checkpoint would make every instance the same container
# instance), logs, ecs-bootstrap's status file and state (intent record, IMDS caches),
# the Docker engine's identity and the staging files. (The builder's WinRM listener goes
# last, in 08-sysprep.ps1, since Packer still talks through it.)
$ErrorActionPreference = 'Stop'
if (Get-Service -Name AmazonECS -ErrorAction SilentlyContinue) {
    Stop-Service -Name AmazonECS -Force
}
$paths = @(
    'C:\ProgramData\Amazon\ECS\data',
    'C:\ProgramData\Amazon\ECS\log',
    'C:\ProgramData\Amazon\ECS\bootstrap',
    'C:\ProgramData\Amazon\ECS\ecs-bootstrap-status.json',
    'C:\ProgramData\docker\config\key.json',
    'C:\ProgramData\docker\engine-id',
    'C:\Windows\Temp\ecs-bootstrap'
)
foreach ($path in $paths) {
    if (Test-Path -Path $path) {
        Remove-Item -Path $path -Recurse -Force
        Write-Output "cleanup: removed $path"
    }
}
Write-Output "cleanup: per-instance state removed"
