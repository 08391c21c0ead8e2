@{
    RootModule        = 'ECSTools.psm1'
    ModuleVersion     = '2.0.0'
    GUID              = '5f0c5d0e-7d55-4a61-9a3c-0b1f2f3c9e11'
    Author            = 'ecs-bootstrap'
    Description       = 'Initialize-ECSAgent compatibility shim: forwards to ecs-bootstrap.exe run.'
    FunctionsToExport = @('Initialize-ECSAgent')
    PowerShellVersion = '5.1'
}
