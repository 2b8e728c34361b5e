<#
Builds LeaseLab Desktop on Windows. The same steps as packaging/build (bash) on macOS/Linux:

  powershell -File packaging\build.ps1 icons       resources\icons\ from the one drawing
  powershell -File packaging\build.ps1 app         PyInstaller one-folder app in dist\LeaseLabDesktop
  powershell -File packaging\build.ps1 smoke       frozen --smoke-test (near-empty env, offscreen,
                                                   temp --data-dir; fails if it writes into its folder)
  powershell -File packaging\build.ps1 installer   signs the exe (if a certificate is given), then
                                                   dist\LeaseLabDesktop-<version>-Setup.exe (Inno Setup 6.6+)
  powershell -File packaging\build.ps1 install-check
                                                   silent install (/VERYSILENT) of an older Setup.exe,
                                                   upgrade to this one (data kept), --smoke-test of the
                                                   installed app, silent uninstall (data kept), then
                                                   uninstall with /DELETEDATA (data gone). Refuses to
                                                   run where LeaseLab Desktop is installed or has data.
  powershell -File packaging\build.ps1 all         icons, app, smoke, installer

Environment: PYTHON (default .venv\Scripts\python.exe, else python), DIST (default dist\),
WORK (default build\pyinstaller), ISCC (path to ISCC.exe if not found by itself),
OLDER_SETUP (install-check: the Setup.exe to upgrade from; default this build stamped 0.0.1).
Signing (optional): WINDOWS_CERT_PFX = path to a .pfx code-signing certificate,
WINDOWS_CERT_PASSWORD = its password, WINDOWS_TIMESTAMP_URL (default DigiCert's).
#>
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Steps)

$ErrorActionPreference = 'Stop'
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

if ($env:PYTHON) { $Py = $env:PYTHON }
elseif (Test-Path "$Root\.venv\Scripts\python.exe") { $Py = "$Root\.venv\Scripts\python.exe" }
else { $Py = 'python' }
$Dist = if ($env:DIST) { $env:DIST } else { "$Root\dist" }
$Work = if ($env:WORK) { $env:WORK } else { "$Root\build\pyinstaller" }
New-Item -ItemType Directory -Force -Path $Dist | Out-Null
$Dist = (Resolve-Path $Dist).Path

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe failed with exit code $LASTEXITCODE" }
}
function Get-Meta([string]$Field) { (& $Py packaging\appmeta.py $Field).Trim() }

$AppName = Get-Meta app_name
$Version = Get-Meta version
$NumericVersion = Get-Meta numeric_version
$AppDir = Join-Path $Dist $AppName
$AppExe = Join-Path $AppDir "$AppName.exe"

function Step-Icons {
    Write-Host "`n== icons"
    Invoke-Checked $Py @('packaging\make_icons.py')
}

function Step-App {
    Write-Host "`n== app ($AppName $Version)"
    $missing = @('app.png', 'app.ico', 'app.icns') |
        Where-Object { -not (Test-Path (Join-Path $Root "resources\icons\$_")) }
    if ($missing) { Invoke-Checked $Py @('packaging\make_icons.py') }
    $sources = (& $Py packaging\frozen.py hash).Trim()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Invoke-Checked $Py @('-m', 'PyInstaller', '--noconfirm', '--log-level', 'WARN',
        '--distpath', $Dist, '--workpath', $Work, 'packaging\leaselab.spec')
    $secs = [math]::Round($watch.Elapsed.TotalSeconds, 1)
    Invoke-Checked $Py @('packaging\frozen.py', 'stamp', '--dist', $Dist, '--build-seconds', "$secs",
        '--sources', $sources)
    Write-Host "built in $secs s: $(& $Py packaging\frozen.py size --dist $Dist)"
}

function Step-Smoke {
    Write-Host "`n== smoke (frozen --smoke-test)"
    $timeout = if ($env:SMOKE_TIMEOUT) { $env:SMOKE_TIMEOUT } else { '300' }
    Invoke-Checked $Py @('packaging\frozen.py', 'smoke', '--dist', $Dist, '--timeout', $timeout)
}

function Find-Tool([string]$Name, [string[]]$Candidates) {
    $cmd = Get-Command $Name -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    foreach ($c in $Candidates) {
        $hit = Get-Item $c -ErrorAction SilentlyContinue | Sort-Object FullName -Descending | Select-Object -First 1
        if ($hit) { return $hit.FullName }
    }
    return $null
}

function Find-Iscc {
    $iscc = if ($env:ISCC) { $env:ISCC } else {
        Find-Tool 'iscc.exe' @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
                               "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                               "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")
    }
    if (-not $iscc) { throw 'Inno Setup 6.6+ not found: choco install innosetup (or set ISCC)' }
    return $iscc
}

function Step-Installer {
    Write-Host "`n== installer (Inno Setup)"
    if (-not (Test-Path $AppExe)) { throw "no ${AppExe}: run packaging\build.ps1 app first" }
    $iscc = Find-Iscc
    $isccArgs = @("/DAppVersion=$Version", "/DNumericVersion=$NumericVersion",
                  "/DSourceDir=$AppDir", "/DOutputDir=$Dist")

    if ($env:WINDOWS_CERT_PFX) {
        if (-not (Test-Path $env:WINDOWS_CERT_PFX)) { throw "WINDOWS_CERT_PFX does not exist: ${env:WINDOWS_CERT_PFX}" }
        if (-not $env:WINDOWS_CERT_PASSWORD) { throw 'WINDOWS_CERT_PFX is set but WINDOWS_CERT_PASSWORD is not' }
        $signtool = Find-Tool 'signtool.exe' @("${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe")
        if (-not $signtool) { throw 'signtool.exe not found (install the Windows SDK)' }
        $ts = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }
        $signArgs = @('sign', '/f', $env:WINDOWS_CERT_PFX, '/p', $env:WINDOWS_CERT_PASSWORD,
                      '/fd', 'sha256', '/tr', $ts, '/td', 'sha256', '/d', 'LeaseLab Desktop')
        Write-Host "signing $AppExe"
        Invoke-Checked $signtool ($signArgs + @($AppExe))
        # Inno Setup signs Setup.exe and the uninstaller with this command ($q = a quote, $f = the
        # already quoted file name).
        $q = '$q'
        $isccArgs += @('/DSign', ("/Ssigntool=${q}${signtool}${q} sign /f ${q}${env:WINDOWS_CERT_PFX}${q} " +
            "/p ${q}${env:WINDOWS_CERT_PASSWORD}${q} /fd sha256 /tr $ts /td sha256 " +
            "/d ${q}LeaseLab Desktop${q} `$f"))
    } else {
        Write-Host 'WINDOWS_CERT_PFX not set: the exe and Setup.exe are not signed (SmartScreen will warn)'
    }
    Invoke-Checked $iscc ($isccArgs + @('packaging\windows\leaselab.iss'))
    $setup = Join-Path $Dist "LeaseLabDesktop-$Version-Setup.exe"
    if (-not (Test-Path $setup)) { throw "Inno Setup did not produce $setup" }
    Write-Host "$setup ($([math]::Round((Get-Item $setup).Length / (1024 * 1024), 1)) MB)"
}

# ---- install-check: what a user's machine goes through, silently, with checks after each step.
$UninstallKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\$(Get-Meta windows_app_id)_is1"
$UserDataDir = Join-Path $env:LOCALAPPDATA 'LeaseLab\LeaseLabDesktop'  # platformdirs' user_data_dir

function Get-Installed {
    if (-not (Test-Path $UninstallKey)) { return $null }
    return Get-ItemProperty $UninstallKey
}

function Install-Silently([string]$Setup, [string]$Log) {
    Write-Host "installing $(Split-Path -Leaf $Setup) silently"
    $p = Start-Process -FilePath $Setup -Wait -PassThru -ArgumentList @(
        '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', '/CURRENTUSER', "/LOG=`"$Log`"")
    if ($p.ExitCode -ne 0) { Get-Content $Log -Tail 40; throw "$Setup exited with $($p.ExitCode)" }
}

function Uninstall-Silently([string[]]$Extra = @()) {
    $installed = Get-Installed
    if (-not $installed) { throw 'nothing to uninstall: the uninstall entry is missing' }
    $uninstaller = $installed.UninstallString.Trim('"')
    Write-Host "uninstalling silently $Extra"
    Start-Process -FilePath $uninstaller -Wait -ArgumentList (@('/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART') + $Extra)
    # The uninstaller re-runs itself from %TEMP% and returns at once: wait for its entry to go.
    $deadline = (Get-Date).AddSeconds(120)
    while ((Get-Installed) -or (Test-Path $uninstaller)) {
        if ((Get-Date) -gt $deadline) { throw 'the uninstaller did not finish within 120 s' }
        Start-Sleep -Milliseconds 500
    }
}

function Assert-That([bool]$Condition, [string]$What) {
    if (-not $Condition) { throw "install-check: $What" }
    Write-Host "  ok: $What"
}

function Step-InstallCheck {
    Write-Host "`n== install-check (silent install, smoke, upgrade, uninstall keeps data unless asked)"
    $setup = Join-Path $Dist "LeaseLabDesktop-$Version-Setup.exe"
    if (-not (Test-Path $setup)) { throw "no ${setup}: run packaging\build.ps1 installer first" }
    if (((Get-Installed) -or (Test-Path $UserDataDir)) -and -not $env:LEASELAB_INSTALL_CHECK_FORCE) {
        throw ("LeaseLab Desktop is installed or has data in $UserDataDir on this machine; install-check " +
               'uninstalls it and deletes that folder. Run it on a clean machine (CI, a VM) or set ' +
               'LEASELAB_INSTALL_CHECK_FORCE=1 to accept that.')
    }
    $work = Join-Path ([IO.Path]::GetTempPath()) "leaselab-install-check-$PID"
    New-Item -ItemType Directory -Force -Path $work | Out-Null

    # An older release to upgrade from: OLDER_SETUP (e.g. the last release's Setup.exe), else this
    # build stamped 0.0.1, which exercises the same AppId / upgrade-in-place / data rules.
    $older = $env:OLDER_SETUP
    if (-not $older) {
        Invoke-Checked (Find-Iscc) @('/Q', '/DAppVersion=0.0.1', '/DNumericVersion=0.0.1.0',
            "/DSourceDir=$AppDir", "/DOutputDir=$work", 'packaging\windows\leaselab.iss')
        $older = Join-Path $work 'LeaseLabDesktop-0.0.1-Setup.exe'
    }

    Install-Silently $older (Join-Path $work 'install-older.log')
    $before = Get-Installed
    Assert-That ($null -ne $before) 'the older version registered its uninstall entry'
    $installDir = $before.InstallLocation.TrimEnd('\')
    Assert-That (Test-Path (Join-Path $installDir "$AppName.exe")) "the older version is in $installDir"
    # The user's data, as the app leaves it in its data folder.
    New-Item -ItemType Directory -Force -Path (Join-Path $UserDataDir 'files') | Out-Null
    Set-Content -Path (Join-Path $UserDataDir 'settings.json') -Value '{"active_profile": "local"}'
    Set-Content -Path (Join-Path $UserDataDir 'files\install-check.txt') -Value 'kept across upgrades'

    Install-Silently $setup (Join-Path $work 'install-upgrade.log')
    $after = Get-Installed
    Assert-That ($after.DisplayVersion -eq $Version) "the upgrade installed $Version (was $($before.DisplayVersion))"
    Assert-That ($after.InstallLocation.TrimEnd('\') -eq $installDir) 'the upgrade went into the same folder'
    Assert-That (Test-Path (Join-Path $UserDataDir 'files\install-check.txt')) 'the upgrade kept the data'
    Invoke-Checked $Py @('packaging\frozen.py', 'smoke', '--app', $installDir, '--timeout',
        $(if ($env:SMOKE_TIMEOUT) { $env:SMOKE_TIMEOUT } else { '300' }))
    Write-Host '  ok: the installed app passes --smoke-test'

    Uninstall-Silently
    Assert-That (-not (Test-Path (Join-Path $installDir "$AppName.exe"))) 'uninstalling removed the program'
    Assert-That (Test-Path (Join-Path $UserDataDir 'files\install-check.txt')) 'uninstalling kept the data'

    Install-Silently $setup (Join-Path $work 'install-again.log')
    Uninstall-Silently @('/DELETEDATA')
    Assert-That (-not (Test-Path $UserDataDir)) 'uninstalling with /DELETEDATA deleted the data folder'
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

foreach ($step in $Steps) {
    switch ($step) {
        'icons' { Step-Icons }
        'app' { Step-App }
        'smoke' { Step-Smoke }
        'installer' { Step-Installer }
        'install-check' { Step-InstallCheck }
        'all' { Step-Icons; Step-App; Step-Smoke; Step-Installer }
        default { throw "unknown step '$step' (icons, app, smoke, installer, install-check, all)" }
    }
}
