# 01-containers: enable the Windows Containers feature. The next step reboots.
$ErrorActionPreference = 'Stop'
$feature = Get-WindowsFeature -Name Containers
if (-not $feature.Installed) {
    Install-WindowsFeature -Name Containers
}
Write-Output "containers: feature installed, reboot pending"
