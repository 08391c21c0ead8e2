# 02-docker: install the pinned Docker engine (static zip), hash-verified, as the
# `docker` service. In: $env:DOCKER_VERSION, $env:DOCKER_SHA256.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Windows PowerShell 5.1 on 2016/2019 does not offer TLS 1.2 by default; the download hosts require it.
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
if ($env:DOCKER_SHA256 -notmatch '^[0-9a-fA-F]{64}$') {
    throw "docker: DOCKER_SHA256 is not a SHA-256 ('$env:DOCKER_SHA256'); pin it in ami/versions.pkrvars.hcl (make ami-pin)"
}
$zip = Join-Path $env:TEMP "docker-$env:DOCKER_VERSION.zip"
Invoke-WebRequest -UseBasicParsing -Uri "https://download.docker.com/win/static/stable/x86_64/docker-$env:DOCKER_VERSION.zip" -OutFile $zip
$hash = (Get-FileHash -Algorithm SHA256 -Path $zip).Hash
if ($hash -ne $env:DOCKER_SHA256.ToUpperInvariant()) {
    throw "docker: $zip has SHA-256 $hash, expected $env:DOCKER_SHA256; refusing to install"
}
Expand-Archive -Path $zip -DestinationPath $env:ProgramFiles -Force
Remove-Item -Path $zip -Force
$dockerDir = Join-Path $env:ProgramFiles 'docker'
# docker.exe on the machine Path, kept as REG_EXPAND_SZ with its %variables% unexpanded.
$envKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
$machinePath = (Get-Item -Path $envKey).GetValue('Path', '', 'DoNotExpandEnvironmentNames')
if ($machinePath -notlike "*$dockerDir*") {
    Set-ItemProperty -Path $envKey -Name Path -Type ExpandString -Value "$machinePath;$dockerDir"
}
if (-not (Get-Service -Name docker -ErrorAction SilentlyContinue)) {
    & (Join-Path $dockerDir 'dockerd.exe') --register-service
    if ($LASTEXITCODE -ne 0) { throw "docker: dockerd --register-service failed ($LASTEXITCODE)" }
}
Set-Service -Name docker -StartupType Automatic
Start-Service -Name docker
Write-Output "docker: $env:DOCKER_VERSION installed and running"
