<#
.SYNOPSIS
  Build EcoZone for Windows: the one-folder program and the per-user installer.

.DESCRIPTION
  Run from a normal (non-administrator) PowerShell in the repository root:

      powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1

  Steps: make a clean virtual environment in .venv-build, install the program and
  PyInstaller into it, build the bundled dataset if it is missing, freeze with
  packaging\build.py --check (runs the frozen info --json, query and screenshot), then compile
  packaging\windows\ecozone.iss with Inno Setup 6.  Result: dist\EcoZone\ (portable folder)
  and dist\EcoZone-<version>-setup.exe.

  Needs: 64-bit Python 3.11 from python.org (py launcher), Inno Setup 6 (ISCC.exe), and the
  network for pip (only here, on the build machine; the built program never uses it).

.PARAMETER Python
  The Python launcher spec, default "-3.11".
.PARAMETER SkipInstaller
  Build dist\EcoZone only.
#>
param(
    [string]$Python = "-3.11",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root

function Step($text) { Write-Host "==> $text" -ForegroundColor Cyan }

Step "virtual environment .venv-build"
if (-not (Test-Path ".venv-build\Scripts\python.exe")) {
    py $Python -m venv .venv-build
}
$py = Join-Path $root ".venv-build\Scripts\python.exe"
& $py -m pip install --upgrade pip
& $py -m pip install -e ".[build]" pyinstaller
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

if (-not (Test-Path "geodata\data\quanzhou.gpkg")) {
    Step "building the bundled dataset"
    & $py -m geodata.build.build_dataset
    if ($LASTEXITCODE -ne 0) { throw "dataset build failed" }
}

Step "freezing with PyInstaller (a few minutes)"
$env:PYTHONUTF8 = "1"
& $py packaging\build.py --check | Tee-Object -FilePath dist-build-report.json
if ($LASTEXITCODE -ne 0) { throw "PyInstaller build or frozen check failed" }

if ($SkipInstaller) { Step "done: dist\EcoZone"; exit 0 }

Step "compiling the installer with Inno Setup 6"
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) {
    foreach ($guess in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
                         "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                         "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
        if (Test-Path $guess) { $iscc = $guess; break }
    }
}
if (-not $iscc) { throw "ISCC.exe not found: install Inno Setup 6 (jrsoftware.org)" }
$version = (& $py packaging\version.py).Trim()
& $iscc "/DAppVersion=$version" "/DSourceDir=$root\dist\EcoZone" "/O$root\dist" `
    "packaging\windows\ecozone.iss"
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
$setup = Join-Path $root "dist\EcoZone-$version-setup.exe"
Step ("done: {0} ({1:N0} MB)" -f $setup, ((Get-Item $setup).Length / 1MB))
