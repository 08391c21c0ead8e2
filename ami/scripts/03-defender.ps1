# 03-defender: keep Defender real-time scanning out of the Docker data folder, which
# slows image extraction (microsoft/Windows-Containers#92). In: $env:DEFENDER_EXCLUSION.
$ErrorActionPreference = 'Stop'
if ($env:DEFENDER_EXCLUSION -ne 'true') {
    Write-Output "defender: exclusion disabled (defender_exclusion = false)"
    exit 0
}
if (-not (Get-Command -Name Add-MpPreference -ErrorAction SilentlyContinue)) {
    Write-Output "defender: not installed, nothing to exclude"
    exit 0
}
Add-MpPreference -ExclusionPath 'C:\ProgramData\docker'
Write-Output "defender: C:\ProgramData\docker excluded from real-time scanning"
