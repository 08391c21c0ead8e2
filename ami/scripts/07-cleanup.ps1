Write-Output x
