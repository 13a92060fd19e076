"""Build the one-folder EcoZone program with PyInstaller, in one command.

    python packaging/build.py [--check] [--dist DIR] [--work DIR] [--installer]

Produces ``dist/EcoZone/`` (``EcoZone`` window launcher and ``ecozone-cli`` console launcher,
``EcoZone.exe``/``ecozone-cli.exe`` on Windows) and prints JSON on stdout: the build time and
the size in MB of each component, so that growth is visible from one build to the next.

``--check`` runs the frozen program afterwards (``info --json`` and ``screenshot``, offscreen,
in a throwaway data folder) and fails if either fails.  ``--installer`` (Windows) also runs
the Inno Setup compiler on ``packaging/windows/ecozone.iss``.

Needs PyInstaller in the same environment as the program (``pip install pyinstaller``) and
the bundled dataset (``python -m geodata.build.build_dataset``).  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import trim as ecozone_trim  # noqa: E402
import version as ecozone_version  # noqa: E402

SPEC = HERE / "ecozone.spec"

# Top-level names in _internal/ → the component a reader of the size report cares about.
COMPONENTS: list[tuple[str, tuple[str, ...]]] = [
    ("qt (PySide6, Qt libraries and plugins)", ("PySide6", "shiboken6", "libQt6", "Qt6",
                                                "libicu", "icu")),
    ("gdal+proj (pyogrio, fiona, pyproj: libraries and data)", (
        "pyogrio", "fiona", "pyproj", "libgdal", "gdal", "libproj", "proj")),
    ("arrow (pyarrow)", ("pyarrow", "libarrow", "arrow", "libparquet", "parquet")),
    ("numpy+pandas", ("numpy", "pandas", "libopenblas", "libscipy_openblas", "libgfortran",
                      "libquadmath", "openblas", "scipy_openblas")),
    ("shapely+geos", ("shapely", "libgeos", "geos")),
    ("reports and web map (openpyxl, folium, branca, jinja2)", (
        "openpyxl", "folium", "branca", "jinja2", "xyzservices", "PIL",
        "pillow", "markupsafe")),
    ("ecozone data (bundled GeoPackage, translations, icons)", (
        "geodata", "ui", "packaging")),
    ("python runtime (interpreter, stdlib, bytecode archive)", (
        "libpython", "python3", "base_library.zip", "lib-dynload", "PYZ", "_internal")),
]


def log(msg: str) -> None:
    print(f"[build] {msg}", file=sys.stderr, flush=True)


def _mb(n: int) -> float:
    return round(n / 1_000_000, 1)


def tree_size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def size_report(app_dir: Path) -> dict[str, object]:
    """Size of the frozen folder: total, by component and the largest top-level entries."""
    internal = app_dir / "_internal"
    entries = {p.name: tree_size(p) for p in internal.iterdir()} if internal.exists() else {}
    launchers = {p.name: p.stat().st_size for p in app_dir.iterdir() if p.is_file()}
    by_component: dict[str, int] = {name: 0 for name, _ in COMPONENTS}
    by_component["other"] = 0
    for name, size in entries.items():
        low = name.lower()
        for comp, prefixes in COMPONENTS:
            if any(low.startswith(p.lower()) for p in prefixes):
                by_component[comp] += size
                break
        else:
            by_component["other"] += size
    by_component["launchers"] = sum(launchers.values())
    largest = sorted(entries.items(), key=lambda kv: -kv[1])[:15]
    return {
        "total_mb": _mb(tree_size(app_dir)),
        "files": sum(1 for p in app_dir.rglob("*") if p.is_file()),
        "components_mb": {k: _mb(v) for k, v in sorted(by_component.items(),
                                                        key=lambda kv: -kv[1])},
        "largest_entries_mb": {k: _mb(v) for k, v in largest},
    }


def launcher(app_dir: Path, cli: bool = True) -> Path:
    name = ecozone_version.CLI_NAME if cli else ecozone_version.EXE_NAME
    return app_dir / (name + (".exe" if sys.platform == "win32" else ""))


def unresolved_libraries(app_dir: Path) -> dict[str, list[str]]:
    """Linux: shared libraries that files in the frozen folder need but cannot find.

    Returns ``{missing library: [files needing it]}``.  Libraries a desktop provides (xcb
    utilities, EGL) may legitimately be missing on a server; a library the spec pruned must
    not be (see :func:`check_pruned`).
    """
    if not sys.platform.startswith("linux") or not shutil.which("ldd"):
        return {}
    internal = app_dir / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    missing: dict[str, list[str]] = {}
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        res = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in res.stdout.splitlines():
            if "not found" in line:
                lib = line.split("=>")[0].strip()
                missing.setdefault(lib, []).append(str(path.relative_to(internal)))
    return missing


def check_pruned(missing: dict[str, list[str]]) -> None:
    bad = {lib: users for lib, users in missing.items()
           if ecozone_trim.is_dropped(lib, sys.platform == "win32")}
    if bad:
        raise SystemExit(f"the spec pruned libraries that are still needed: {bad}")


def smoke_check(app_dir: Path) -> dict[str, object]:
    """Run the frozen program like a first-time user, offscreen, in an empty data folder."""
    exe = launcher(app_dir)
    with tempfile.TemporaryDirectory(prefix="ecozone-check-") as tmp:
        env = dict(os.environ, ECOZONE_HOME=tmp, QT_QPA_PLATFORM="offscreen")
        t0 = time.perf_counter()
        res = subprocess.run([str(exe), "info", "--json"], capture_output=True, text=True,
                             env=env, timeout=300, encoding="utf-8")
        info_s = time.perf_counter() - t0
        if res.returncode != 0:
            raise SystemExit(f"frozen 'info --json' failed ({res.returncode}):\n{res.stderr}")
        info = json.loads(res.stdout)
        png = Path(tmp) / "check.png"
        t0 = time.perf_counter()
        res = subprocess.run([str(exe), "screenshot", "--out", str(png)], capture_output=True,
                             text=True, env=env, timeout=300, encoding="utf-8")
        shot_s = time.perf_counter() - t0
        if res.returncode != 0 or not png.exists():
            raise SystemExit(f"frozen 'screenshot' failed ({res.returncode}):\n{res.stderr}")
        res = subprocess.run([str(exe), "query", "118.47", "24.60", "--json"],
                             capture_output=True, text=True, env=env, timeout=300,
                             encoding="utf-8")
        if res.returncode != 0:
            raise SystemExit(f"frozen 'query' failed ({res.returncode}):\n{res.stderr}")
        missing = unresolved_libraries(app_dir)
        check_pruned(missing)
        return {"info_seconds": round(info_s, 1), "screenshot_seconds": round(shot_s, 1),
                "unresolved_system_libraries": sorted(missing),
                "layers": {la["name"]: la["count"] for la in info["layers"]},
                "screenshot_bytes": png.stat().st_size}


def build(dist: Path, work: Path) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("PyInstaller is not installed in this environment: "
                         f"{sys.executable} -m pip install pyinstaller") from None
    i18n = ROOT / "ui" / "i18n"
    if list(i18n.glob("*.ts")) and not list(i18n.glob("*.qm")):
        log("warning: ui/i18n has .ts but no .qm; the English UI will be missing "
            "(python -m ui.language compiles them)")
    env = dict(os.environ)
    if sys.platform == "win32":
        env["ECOZONE_VERSION_FILE"] = str(
            ecozone_version.windows_version_info(work / "version_info.txt"))
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
           "--log-level", os.environ.get("ECOZONE_PYI_LOG", "WARN"),
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    log(" ".join(cmd))
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    return time.perf_counter() - t0


def build_installer(app_dir: Path) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    for guess in (r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe",
                  r"C:\Program Files\Inno Setup 6\ISCC.exe",
                  os.path.expandvars(r"%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe")):
        if not iscc and Path(guess).exists():
            iscc = guess
    if not iscc:
        raise SystemExit("Inno Setup 6 (ISCC.exe) not found; see packaging/README.md")
    out = app_dir.parent
    cmd = [iscc, *ecozone_version.iss_defines(), f"/DSourceDir={app_dir}",
           f"/O{out}", str(HERE / "windows" / "ecozone.iss")]
    log(" ".join(cmd))
    subprocess.run(cmd, check=True)
    return out / f"EcoZone-{ecozone_version.version()}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    p.add_argument("--check", action="store_true",
                   help="run the frozen info --json and screenshot afterwards")
    p.add_argument("--installer", action="store_true",
                   help="Windows: also compile the Inno Setup installer")
    args = p.parse_args(argv)
    seconds = build(args.dist.resolve(), args.work.resolve())
    app_dir = args.dist.resolve() / ecozone_version.EXE_NAME
    report: dict[str, object] = {
        "app": str(app_dir), "version": ecozone_version.version(),
        "platform": sys.platform, "python": sys.version.split()[0],
        "build_seconds": round(seconds, 1), **size_report(app_dir),
    }
    if args.check:
        report["check"] = smoke_check(app_dir)
    if args.installer:
        setup = build_installer(app_dir)
        report["installer"] = str(setup)
        report["installer_mb"] = _mb(setup.stat().st_size) if setup.exists() else None
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
