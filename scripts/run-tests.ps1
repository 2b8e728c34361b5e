# Runs every test (macOS/Linux: run-tests). The steps are listed once, in scripts\test_steps.py,
# which both runners call; any pytest arguments pass through.
#   powershell -ExecutionPolicy Bypass -File scripts\run-tests.ps1 [--steps=pytest] [pytest arguments]
. (Join-Path $PSScriptRoot '_venv.ps1')
Set-Location $Root
& $VenvPython (Join-Path $Root 'scripts\test_steps.py') @args
exit $LASTEXITCODE
