# 08-sysprep: generalize and shut down; Packer waits for the stop (disable_stop_instance)
# and then registers the AMI. EC2Launch v2 where the base image has it (2022, 2025, the
# EC2LaunchV2- images of 2016/2019), else EC2Launch v1's documented scripts. The last
# part runs as a SYSTEM scheduled task, which outlives this WinRM session: it removes the
# builder's WinRM HTTPS listener, certificate and firewall rule (no baked private key, no
# open 5986 on instances), then starts sysprep.
$ErrorActionPreference = 'Stop'
$v2 = Join-Path $env:ProgramFiles 'Amazon\EC2Launch\EC2Launch.exe'
$v1 = 'C:\ProgramData\Amazon\EC2-Windows\Launch\Scripts'
if (Test-Path -Path $v2) {
    $sysprep = "& '$v2' sysprep --shutdown=true"
} elseif (Test-Path -Path $v1) {
    & (Join-Path $v1 'InitializeInstance.ps1') -Schedule
    $sysprep = "& '$v1\SysprepInstance.ps1'"
} else {
    throw "sysprep: neither EC2Launch v2 ($v2) nor EC2Launch v1 ($v1) is installed; use an AWS base AMI"
}
$final = @'
Remove-Item -Path $PSCommandPath -Force
Unregister-ScheduledTask -TaskName 'ecsb-sysprep' -Confirm:$false
Start-Sleep -Seconds 30
Get-ChildItem -Path WSMan:\localhost\Listener | Where-Object { $_.Keys -contains 'Transport=HTTPS' } | Remove-Item -Recurse -Force
Get-ChildItem -Path Cert:\LocalMachine\My | Where-Object { $_.Subject -eq 'CN=packer' } | Remove-Item -Force
Get-NetFirewallRule -DisplayName 'packer-winrm-https' -ErrorAction SilentlyContinue | Remove-NetFirewallRule
@SYSPREP@
'@
$file = 'C:\Windows\Temp\ecsb-sysprep.ps1'
Set-Content -Path $file -Value $final.Replace('@SYSPREP@', $sysprep) -Encoding ASCII
$action = New-ScheduledTaskAction -Execute powershell.exe -Argument "-NoProfile -ExecutionPolicy Bypass -File $file"
Register-ScheduledTask -TaskName 'ecsb-sysprep' -Action $action -User 'NT AUTHORITY\SYSTEM' -RunLevel Highest -Force | Out-Null
Start-ScheduledTask -TaskName 'ecsb-sysprep'
Write-Output "sysprep: started ($sysprep); the instance shuts down when it is done"
