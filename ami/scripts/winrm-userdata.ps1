<powershell>
# Builder user data (Packer only, never baked): WinRM over TLS on 5986 with a
# self-signed certificate, so Packer's session is encrypted. Removed by 07-cleanup.ps1.
$ErrorActionPreference = 'Stop'
$cert = New-SelfSignedCertificate -DnsName 'packer' -CertStoreLocation 'Cert:\LocalMachine\My'
Set-Item -Path 'WSMan:\localhost\Service\AllowUnencrypted' -Value $false
Set-Item -Path 'WSMan:\localhost\Service\Auth\Basic' -Value $true
New-Item -Path 'WSMan:\localhost\Listener' -Transport HTTPS -Address * -CertificateThumbPrint $cert.Thumbprint -Force
New-NetFirewallRule -DisplayName 'packer-winrm-https' -Direction Inbound -Protocol TCP -LocalPort 5986 -Action Allow
Restart-Service -Name WinRM
</powershell>
