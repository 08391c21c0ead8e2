# 05-ecs-bootstrap: install ecs-bootstrap from its MSI (ecs-bootstrap.exe, the ECSTools
# module, the boot trigger), then bake the INI with this variant's image list and check
# that it plans. In: $env:ECSB_VERSION, $env:PRELOAD_IMAGES, $env:ECSB_STAGING (the
# folder holding ecs-bootstrap.msi and ecs-bootstrap.ini).
$ErrorActionPreference = 'Stop'
$msi = Join-Path $env:ECSB_STAGING 'ecs-bootstrap.msi'
$log = Join-Path $env:ECSB_STAGING 'msiexec.log'
$p = Start-Process -FilePath msiexec.exe -ArgumentList @('/i', "`"$msi`"", '/qn', '/norestart', '/l*v', "`"$log`"") -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "ecs-bootstrap: msiexec exited with $($p.ExitCode); see $log" }
$exe = Join-Path $env:ProgramFiles 'Amazon\ECS\ecs-bootstrap.exe'
$version = & $exe --version
if ($version -notmatch [regex]::Escape($env:ECSB_VERSION)) {
    throw "ecs-bootstrap: installed '$version', expected $env:ECSB_VERSION"
}
# A module folder the MSI added to the machine PSModulePath is not in this session's copy yet.
$envKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
$env:PSModulePath = (Get-ItemProperty -Path $envKey -Name PSModulePath).PSModulePath + ';' + $env:PSModulePath
if (-not (Get-Module -ListAvailable -Name ECSTools)) { throw "ecs-bootstrap: the MSI did not install the ECSTools module" }
$ini = 'C:\ProgramData\Amazon\ECS\ecs-bootstrap.ini'
$text = (Get-Content -Path (Join-Path $env:ECSB_STAGING 'ecs-bootstrap.ini') -Raw).Replace('@PRELOAD_IMAGES@', $env:PRELOAD_IMAGES)
Set-Content -Path $ini -Value $text -Encoding ASCII
# The builder's own user data (the WinRM setup) is not the instances' user data: plan without it.
$noUserData = Join-Path $env:ECSB_STAGING 'no-userdata'
Set-Content -Path $noUserData -Value '' -Encoding ASCII
& $exe plan --config $ini --userdata $noUserData
if ($LASTEXITCODE -ne 0) { throw "ecs-bootstrap: the baked INI does not plan (exit $LASTEXITCODE)" }
Write-Output "ecs-bootstrap: $version installed, $ini baked"
