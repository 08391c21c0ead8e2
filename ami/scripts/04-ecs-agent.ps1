# 04-ecs-agent: the pinned ECS agent, hash-verified, where the agent and ecs-bootstrap
# expect it: the zip in C:\ProgramData\Amazon\ECS\cache (agent.version = cached) and
# extracted to C:\Program Files\Amazon\ECS. ecs-bootstrap creates the service at boot.
# In: $env:ECS_AGENT_VERSION, $env:ECS_AGENT_SHA256.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Windows PowerShell 5.1 on 2016/2019 does not offer TLS 1.2 by default; the download hosts require it.
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
if ($env:ECS_AGENT_SHA256 -notmatch '^[0-9a-fA-F]{64}$') {
    throw "ecs-agent: ECS_AGENT_SHA256 is not a SHA-256 ('$env:ECS_AGENT_SHA256'); pin it in ami/versions.pkrvars.hcl (make ami-pin)"
}
$name = "ecs-agent-windows-v$env:ECS_AGENT_VERSION.zip"
$cache = 'C:\ProgramData\Amazon\ECS\cache'
New-Item -ItemType Directory -Force -Path $cache | Out-Null
$zip = Join-Path $cache $name
Invoke-WebRequest -UseBasicParsing -Uri "https://s3.amazonaws.com/amazon-ecs-agent/$name" -OutFile $zip
$hash = (Get-FileHash -Algorithm SHA256 -Path $zip).Hash
if ($hash -ne $env:ECS_AGENT_SHA256.ToUpperInvariant()) {
    Remove-Item -Path $zip -Force
    throw "ecs-agent: $name has SHA-256 $hash, expected $env:ECS_AGENT_SHA256; refusing to install"
}
Expand-Archive -Path $zip -DestinationPath (Join-Path $env:ProgramFiles 'Amazon\ECS') -Force
Write-Output "ecs-agent: $env:ECS_AGENT_VERSION cached and installed"
