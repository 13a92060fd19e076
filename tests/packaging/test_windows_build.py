"""What can be checked of the Windows build without Windows or PyInstaller (issue 19).

- every file the PyInstaller spec names exists (the spec is run with PyInstaller's build
  classes replaced by recorders);
- the runtime hook points GDAL_DATA and PROJ_DATA at the bundle and switches PROJ's
  network off;
- the Inno Setup script installs per user into %LOCALAPPDATA%\\Programs, never deletes the
  user's data on uninstall, and gets its version from pyproject.toml;
- text files Windows tools read in the ANSI code page carry a BOM when they hold
  non-ASCII text (ISCC and PowerShell 5 read UTF-8 without BOM as GBK on Chinese Windows).
"""

from __future__ import annotations

import importlib.util
import os
import pkgutil
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"
ISS = PKG / "windows" / "ecozone.iss"


# -- the spec ------------------------------------------------------------------------------
def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin, name
    return Path(spec.origin).parent


def _fake_hooks() -> types.ModuleType:
    """PyInstaller.utils.hooks, enough for the spec: real files, real module names."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")

    def collect_data_files(package, excludes=()):
        base = _package_dir(package)
        out = []
        for path in base.rglob("*"):
            rel = path.relative_to(base).as_posix()
            if path.is_file() and path.suffix not in (".py", ".pyc", ".so", ".pyd") \
                    and "/tests/" not in f"/{rel}":
                out.append((str(path), f"{package}/{Path(rel).parent.as_posix()}".rstrip("/.")))
        return out

    def collect_submodules(package, filter=lambda name: True):
        base = _package_dir(package)
        names = [package] + [f"{package}.{m.name}" for m in
                             pkgutil.walk_packages([str(base)], onerror=lambda _n: None)]
        return [n for n in names if filter(n)]

    hooks.collect_data_files = collect_data_files
    hooks.collect_dynamic_libs = lambda package: []
    hooks.collect_submodules = collect_submodules
    hooks.collect_delvewheel_libs_directory = lambda p, datas, binaries: (datas, binaries)
    return hooks


class _Recorder:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.binaries = list(kwargs.get("binaries", []))
        self.datas = list(kwargs.get("datas", []))
        self.pure, self.scripts = [], []


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> dict:
    for name in ("PyInstaller", "PyInstaller.utils"):
        sys.modules.setdefault(name, types.ModuleType(name))
    saved = sys.modules.get("PyInstaller.utils.hooks")
    sys.modules["PyInstaller.utils.hooks"] = _fake_hooks()
    made: dict = {}

    def recorder(kind):
        def make(*args, **kwargs):
            r = _Recorder(*args, **kwargs)
            made.setdefault(kind, []).append(r)
            return r
        return make

    ns = {"SPECPATH": str(PKG), "workpath": str(tmp_path_factory.mktemp("pyi-work")),
          "Analysis": recorder("Analysis"), "PYZ": recorder("PYZ"), "EXE": recorder("EXE"),
          "COLLECT": recorder("COLLECT"), "__name__": "__main__"}
    try:
        exec(compile((PKG / "ecozone.spec").read_text(encoding="utf-8"),
                     str(PKG / "ecozone.spec"), "exec"), ns)
    finally:
        if saved is None:
            sys.modules.pop("PyInstaller.utils.hooks", None)
        else:
            sys.modules["PyInstaller.utils.hooks"] = saved
    return {"ns": ns, **made}


def test_every_file_the_spec_names_exists(spec):
    a = spec["Analysis"][0]
    scripts, kwargs = a.args[0], a.kwargs
    assert [Path(s).name for s in scripts] == ["app.py"] and all(Path(s).exists()
                                                                   for s in scripts)
    for hook in kwargs["runtime_hooks"]:
        assert Path(hook).exists(), hook
    missing = [src for src, _dest in kwargs["datas"] if not Path(src).exists()]
    assert missing == []
    dests = {(Path(src).name, dest) for src, dest in kwargs["datas"]}
    assert ("quanzhou.gpkg", "geodata/data") in dests
    assert ("proj.db", "pyogrio/proj_data") in dests
    assert any(dest == "pyogrio/gdal_data" for _n, dest in dests)
    assert ("VERSION", "packaging") in dests
    for exe in spec["EXE"]:
        icon = exe.kwargs.get("icon")
        assert icon and Path(icon).exists()
    names = sorted(e.kwargs["name"] for e in spec["EXE"])
    assert names == ["EcoZone", "ecozone-cli"]
    console = {e.kwargs["name"]: e.kwargs["console"] for e in spec["EXE"]}
    assert console["ecozone-cli"] is True


def test_spec_bundles_every_command_module_and_no_builder(spec):
    hidden = set(spec["Analysis"][0].kwargs["hiddenimports"])
    cli_modules = {f"cli.{p.stem}" for p in (ROOT / "cli").glob("*.py") if p.stem != "__init__"}
    assert cli_modules <= hidden
    assert not any(h.startswith("geodata.build") for h in hidden)
    excludes = set(spec["Analysis"][0].kwargs["excludes"])
    assert {"geodata.build", "reportlab", "pytest"} <= excludes


# -- the runtime hook ----------------------------------------------------------------------
HOOK_CHILD = """
import os, runpy, sys
sys._MEIPASS = sys.argv[1]
for k in ("GDAL_DATA", "PROJ_DATA", "PROJ_LIB", "PROJ_NETWORK"):
    os.environ.pop(k, None)
runpy.run_path(sys.argv[2])
print(os.environ.get("GDAL_DATA"), os.environ.get("PROJ_DATA"), os.environ.get("PROJ_LIB"),
      os.environ.get("PROJ_NETWORK"), os.environ.get("ECOZONE_FROZEN"), sep="\\n")
"""


def _hook_env(bundle: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "ECOZONE_FROZEN"}
    res = subprocess.run([sys.executable, "-c", HOOK_CHILD, str(bundle),
                          str(PKG / "rthook_ecozone.py")], capture_output=True, text=True,
                         env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


def test_runtime_hook_points_gdal_and_proj_at_the_bundle(tmp_path):
    bundle = tmp_path / "程序 文件" / "_internal"  # a Chinese install folder with a space
    (bundle / "pyogrio" / "gdal_data").mkdir(parents=True)
    (bundle / "pyogrio" / "proj_data").mkdir(parents=True)
    gdal, proj, proj_lib, network, frozen = _hook_env(bundle)
    assert gdal == str(bundle / "pyogrio" / "gdal_data")
    assert proj == proj_lib == str(bundle / "pyogrio" / "proj_data")
    assert network == "OFF" and frozen == "1"


def test_runtime_hook_falls_back_to_fiona_and_pyproj_data(tmp_path):
    bundle = tmp_path / "_internal"
    (bundle / "fiona" / "gdal_data").mkdir(parents=True)
    (bundle / "pyproj" / "proj_dir" / "share" / "proj").mkdir(parents=True)
    gdal, proj, _lib, network, _frozen = _hook_env(bundle)
    assert gdal == str(bundle / "fiona" / "gdal_data")
    assert proj == str(bundle / "pyproj" / "proj_dir" / "share" / "proj")
    assert network == "OFF"


# -- the installer -------------------------------------------------------------------------
def _iss() -> str:
    return ISS.read_bytes().decode("utf-8-sig")


def _section(text: str, name: str) -> str:
    m = re.search(rf"^\[{name}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def _setting(text: str, key: str) -> str:
    m = re.search(rf"^{key}=(.*)$", _section(text, "Setup"), re.M)
    assert m, key
    return m.group(1).strip()


def test_installer_is_per_user_into_localappdata_programs():
    text = _iss()
    assert _setting(text, "PrivilegesRequired") == "lowest"  # no UAC prompt
    assert _setting(text, "DefaultDirName") == r"{localappdata}\Programs\{#AppName}"
    # per-user registry only (HKA is HKCU in a per-user install), never HKLM
    assert "HKLM" not in text and "{commonprograms}" not in text and "{pf}" not in text


def test_uninstall_keeps_the_users_data(monkeypatch):
    text = _iss()
    for section in ("UninstallDelete", "InstallDelete"):
        for line in _section(text, section).splitlines():
            line = line.strip()
            if not line or line.startswith(";"):
                continue
            target = re.search(r'Name:\s*"([^"]+)"', line).group(1)
            assert target.startswith("{app}"), (section, line)  # only the program folder
    assert "{localappdata}\\EcoZone" not in text.replace("Programs\\{#AppName}", "")
    assert "uninsdeletekey" not in _section(text, "Registry").split(".gpkg\\OpenWithProgids")[0]
    # the user's data folder is where the program keeps it on Windows, outside {app}
    from pathlib import Path

    from geodata import paths, store

    monkeypatch.delenv("ECOZONE_HOME", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\张工\AppData\Local")
    monkeypatch.setattr(paths.sys, "platform", "win32")
    assert paths.user_data_dir() == Path(r"C:\Users\张工\AppData\Local") / "EcoZone"
    assert store.user_data_dir is paths.user_data_dir


def test_installer_version_comes_from_pyproject():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8")
                            )["project"]["version"]
    res = subprocess.run([sys.executable, str(PKG / "version.py")], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == version
    iss_defines = subprocess.run([sys.executable, str(PKG / "version.py"), "--iss"],
                                 capture_output=True, text=True, timeout=60).stdout
    assert f"/DAppVersion={version}" in iss_defines
    text = _iss()
    assert _setting(text, "AppVersion") == "{#AppVersion}"
    assert _setting(text, "OutputBaseFilename") == "{#AppName}-{#AppVersion}-setup"
    ps1 = (PKG / "windows" / "build_windows.ps1").read_text(encoding="utf-8-sig")
    assert "packaging\\version.py" in ps1 and '"/DAppVersion=$version"' in ps1


def test_windows_text_files_with_non_ascii_carry_a_bom():
    for path in [ISS, *(PKG / "windows").glob("*.ps1"), *(PKG / "windows").glob("*.bat")]:
        data = path.read_bytes()
        if any(b > 127 for b in data):
            assert data.startswith(b"\xef\xbb\xbf"), path
