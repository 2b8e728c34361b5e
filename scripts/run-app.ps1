# Runs LeaseLab Desktop on the embedded local backend with the demo data (macOS/Linux: run-app).
#   powershell -ExecutionPolicy Bypass -File scripts\run-app.ps1 [--data-dir DIR] [leads | evaluate ID ...]
. (Join-Path $PSScriptRoot '_venv.ps1')
& (Join-Path $Venv 'Scripts\leaselab-desktop.exe') @args
exit $LASTEXITCODE
