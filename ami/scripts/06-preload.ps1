# 06-preload: bake the base images with the same code that tops them up at boot,
# including its check that each image matches this host's build. In: $env:PRELOAD_IMAGES
# (comma-separated; empty: nothing to bake).
$ErrorActionPreference = 'Stop'
if ([string]::IsNullOrWhiteSpace($env:PRELOAD_IMAGES)) {
    Write-Output "preload: no images configured"
    exit 0
}
$exe = Join-Path $env:ProgramFiles 'Amazon\ECS\ecs-bootstrap.exe'
& $exe preload --images $env:PRELOAD_IMAGES --mode pull
if ($LASTEXITCODE -ne 0) { throw "preload: ecs-bootstrap preload exited with $LASTEXITCODE" }
Write-Output "preload: $env:PRELOAD_IMAGES present"
