"""The PyInstaller build, frozen and run like a first-time user, on Linux.

The same spec builds the Windows program, so a missing data file (GDAL/PROJ data, the
bundled GeoPackage, Qt plugins) or a hidden import fails here before anyone builds on
Windows.  The build takes a few minutes, so it runs only when asked:

    ECOZONE_FROZEN_TEST=1 python -m pytest tests/packaging -q

(or when ``CI=true`` and PyInstaller is importable).  ``ECOZONE_FROZEN_APP=dist/EcoZone``
reuses a folder that is already built instead of building again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _wanted() -> bool:
    if os.environ.get("ECOZONE_FROZEN_TEST") == "1" or os.environ.get("ECOZONE_FROZEN_APP"):
        return True
    if os.environ.get("CI", "").lower() == "true":
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            return False
        return True
    return False


pytestmark = pytest.mark.skipif(
    not _wanted(), reason="frozen build is slow: set ECOZONE_FROZEN_TEST=1 to run it")

EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> dict:
    """The built folder and the build's report (time and size per component)."""
    given = os.environ.get("ECOZONE_FROZEN_APP")
    if given:
        return {"app": str(Path(given).resolve())}
    work = tmp_path_factory.mktemp("pyi")
    res = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"),
                          "--dist", str(work / "dist"), "--work", str(work / "build")],
                         capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert res.returncode == 0, res.stderr[-4000:]
    report = json.loads(res.stdout)
    print(json.dumps(report, indent=1))  # shown with -s: build time and size by component
    return report


def run_frozen(app: Path, *args: str, home: Path, offline: bool = False
               ) -> subprocess.CompletedProcess[str]:
    exe = app / f"ecozone-cli{EXE_SUFFIX}"
    cmd = [str(exe), *args]
    if offline and shutil.which("unshare") and subprocess.run(
            ["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        cmd = ["unshare", "-rn", *cmd]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "GDAL", "PROJ", "QT_PLUGIN"))}
    env.update(ECOZONE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=home,
                          timeout=300, encoding="utf-8")


def test_both_launchers_and_data_are_in_the_folder(frozen):
    app = Path(frozen["app"])
    assert (app / f"EcoZone{EXE_SUFFIX}").exists()
    assert (app / f"ecozone-cli{EXE_SUFFIX}").exists()
    internal = app / "_internal"
    assert (internal / "geodata" / "data" / "quanzhou.gpkg").exists()
    assert (internal / "pyogrio" / "gdal_data").is_dir()
    assert (internal / "pyogrio" / "proj_data" / "proj.db").exists()
    assert (internal / "packaging" / "VERSION").exists()
    assert not list(internal.rglob("*WebEngine*"))


def test_all_package_data_is_bundled(frozen):
    """What pyproject.toml ships as package data (bundled GeoPackage, vendored Leaflet,
    compiled translations, icons) is in the frozen folder at the same place."""
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    internal = Path(frozen["app"]) / "_internal"
    missing = []
    for package, patterns in conf["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            for path in (ROOT / package).glob(pattern):
                rel = path.relative_to(ROOT)
                if path.is_file() and path.suffix != ".ts" and not (internal / rel).exists():
                    missing.append(str(rel))
    assert not missing


def test_frozen_web_map_export(frozen, tmp_path):
    res = run_frozen(Path(frozen["app"]), "--help", home=tmp_path)
    if "export" not in res.stdout:
        pytest.skip("no export command yet")
    run_frozen(Path(frozen["app"]), "info", home=tmp_path)
    out = tmp_path / "map.html"
    res = run_frozen(Path(frozen["app"]), "export", "--workspace",
                     str(tmp_path / "workspace.gpkg"), "--out", str(out), home=tmp_path,
                     offline=True)
    assert res.returncode == 0, res.stderr
    from tests.test_offline import assert_no_remote_resources

    assert out.stat().st_size > 10_000
    assert_no_remote_resources(out)


def test_frozen_info_json_on_first_run(frozen, tmp_path):
    res = run_frozen(Path(frozen["app"]), "info", "--json", home=tmp_path, offline=True)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    counts = {la["name"]: la["count"] for la in info["layers"]}
    assert counts["counties"] > 0 and sum(counts.values()) > 100, counts
    assert info["crs"] == "EPSG:4490"
    # pyproj found its database (the CRS of each layer is resolved through proj.db)
    assert all(la.get("crs") for la in info["layers"] if la["kind"] == "features")
    assert (tmp_path / "workspace.gpkg").exists()  # the bundled data were copied


def test_frozen_query(frozen, tmp_path):
    res = run_frozen(Path(frozen["app"]), "query", "118.47", "24.60", "--json",
                     home=tmp_path, offline=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["bays"][0]["name_zh"] == "安海湾"


def test_frozen_screenshot_has_a_map(frozen, tmp_path):
    out = tmp_path / "x.png"
    res = run_frozen(Path(frozen["app"]), "screenshot", "--out", str(out), home=tmp_path,
                     offline=True)
    assert res.returncode == 0, res.stderr
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert not img.isNull() and img.width() >= 800
    # real content, not a blank or uniform image: many distinct colours across the map
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 50, len(colours)


def test_frozen_bad_input_is_one_line(frozen, tmp_path):
    res = run_frozen(Path(frozen["app"]), "query", "abc", "24.6", home=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0


def test_frozen_redirected_output_is_utf8_under_a_legacy_locale(frozen, tmp_path):
    # the frozen launcher ignores PYTHON* variables; a legacy (non-UTF-8) locale stands in
    # for the ANSI code page a redirected console gets on Chinese Windows
    exe = Path(frozen["app"]) / f"ecozone-cli{EXE_SUFFIX}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "GDAL", "PROJ", "QT_PLUGIN", "LC_", "LANG"))}
    env.update(ECOZONE_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen", LC_ALL="C",
               PYTHONIOENCODING="cp936")
    site = "118.50,24.70; 118.52,24.70; 118.52,24.72; 118.50,24.72"
    for args, check in ((["query", "118.47", "24.60", "--json"], "晋江市"),
                        (["screen", site], "m²")):
        out = tmp_path / "out.txt"
        with open(out, "wb") as fh:
            res = subprocess.run([str(exe), *args], stdout=fh, stderr=subprocess.PIPE,
                                 env=env, cwd=tmp_path, timeout=300)
        assert res.returncode == 0, res.stderr.decode("utf-8", "replace")
        assert check in out.read_bytes().decode("utf-8")


def test_frozen_render_starts_its_paint_processes(frozen, tmp_path):
    """The frozen program's child processes work: ``render --runs 2`` starts the paint
    processes after its first map (as the window does) and waits until they answer.  A
    child of the frozen program is the program itself started again; without
    ``multiprocessing.freeze_support()`` first in ``app.py`` it would run the command line
    instead of the child's work and never answer."""
    out = tmp_path / "map.png"
    res = run_frozen(Path(frozen["app"]), "render", "--out", str(out), "--runs", "2",
                     "--size", "800x500", "--json", home=tmp_path, offline=True)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["paint_processes"] >= 1, got
    assert got["paint_processes_peak_mb"] > 0, got
    assert out.stat().st_size > 10_000
