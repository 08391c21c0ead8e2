# 08-sysprep: generalize with EC2Launch v2 and shut down; Packer waits for the stop
# (disable_stop_instance) and then registers the AMI. Started detached so this script
# returns before the WinRM session goes away. Base AMIs that still carry EC2Launch v1
# (older 2016/2019 images) use its documented scripts instead.
$ErrorActionPreference = 'Stop'
$v2 = Join-Path $env:ProgramFiles 'Amazon\EC2Launch\EC2Launch.exe'
$v1 = 'C:\ProgramData\Amazon\EC2-Windows\Launch\Scripts'
if (Test-Path -Path $v2) {
    & $v2 reset --clean
    if ($LASTEXITCODE -ne 0) { throw "sysprep: EC2Launch reset exited with $LASTEXITCODE" }
    Start-Process -FilePath $v2 -ArgumentList @('sysprep', '--shutdown')
    Write-Output "sysprep: EC2Launch v2 sysprep started; the instance shuts down when done"
} elseif (Test-Path -Path $v1) {
    & (Join-Path $v1 'InitializeInstance.ps1') -Schedule
    Start-Process -FilePath powershell.exe -ArgumentList @('-NoProfile', '-File', (Join-Path $v1 'SysprepInstance.ps1'))
    Write-Output "sysprep: EC2Launch v1 sysprep started; the instance shuts down when done"
} else {
    throw "sysprep: neither EC2Launch v2 ($v2) nor EC2Launch v1 ($v1) is installed; use an AWS base AMI"
}
