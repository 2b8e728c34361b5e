# Dot-sourced by scripts\run-app.ps1 and scripts\run-tests.ps1: create or reuse the project's own
# venv (.venv\Scripts on Windows). Reinstalls only when pyproject.toml changed since the last install.
$ErrorActionPreference = 'Stop'
$Root = Split-Path -Parent $PSScriptRoot
$Venv = if ($env:LEASELAB_VENV) { $env:LEASELAB_VENV } else { Join-Path $Root '.venv' }
$VenvPython = Join-Path $Venv 'Scripts\python.exe'

function Find-Python {
    # The first interpreter that is 3.11 or newer; `py -3` is the python.org launcher.
    $candidates = @()
    if ($env:PYTHON) { $candidates += , @($env:PYTHON) }
    $candidates += , @('py', '-3')
    $candidates += , @('python')
    $candidates += , @('python3')
    foreach ($c in $candidates) {
        if (-not (Get-Command $c[0] -ErrorAction SilentlyContinue)) { continue }
        $rest = @($c | Select-Object -Skip 1)
        & $c[0] @rest -c 'import sys; sys.exit(sys.version_info < (3, 11))'
        if ($LASTEXITCODE -eq 0) { return , $c }
    }
    throw 'LeaseLab Desktop needs Python 3.11 or newer (set PYTHON to its python.exe)'
}

if (-not (Test-Path $VenvPython)) {
    $py = Find-Python
    $rest = @($py | Select-Object -Skip 1)
    & $py[0] @rest -m venv $Venv
    if ($LASTEXITCODE -ne 0) { throw "could not create the venv in $Venv" }
}
$Stamp = Join-Path $Venv '.leaselab-installed'
# Lower-case hex, the same text scripts/_venv.sh writes.
$Want = (Get-FileHash -Algorithm SHA256 (Join-Path $Root 'pyproject.toml')).Hash.ToLowerInvariant()
$Have = if (Test-Path $Stamp) { (Get-Content $Stamp -Raw).Trim() } else { '' }
if ($Have -ne $Want) {
    & $VenvPython -m pip install --quiet --upgrade pip
    if ($LASTEXITCODE -ne 0) { throw 'pip upgrade failed' }
    & $VenvPython -m pip install --quiet -e "$Root[test]"
    if ($LASTEXITCODE -ne 0) { throw 'installing the project into the venv failed' }
    Set-Content -Path $Stamp -Value $Want -Encoding ascii
}
$env:PATH = (Join-Path $Venv 'Scripts') + [IO.Path]::PathSeparator + $env:PATH
