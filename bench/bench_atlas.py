"""The atlas of every control unit of the bundled data (277 pages + cover + index), timed,
with its peak memory against page count, and QGIS's atlas of the same units when Debian's
``python3-qgis`` is installed.  One JSON document on stdout.

    python bench/bench_atlas.py [--runs 1] [--workspace W.gpkg] [--outfalls] [--no-qgis]
                                [--out-dir /tmp/ecozone-atlas]

Each EcoZone run is ``python app.py atlas --by unit --json`` in a fresh process (its
``time_s`` is the atlas alone: features, pages, PDF; ``wall_s`` adds process start and
workspace load; ``cpu_s`` is the process's CPU time, the steadier figure on a shared
machine), with the process's peak RSS and the machine's load average.  Memory is flat
when the peak does not grow with the page count: the same atlas is also made for one
county (``subset``) and, with
``--outfalls``, for every outfall (855 pages).  The PDF is checked as a user would:
``pdfinfo`` pages, every unit code found by ``pdftotext``, fonts embedded (``pdffonts``).

QGIS side (``bench/qgis_atlas_side.py`` under ``/usr/bin/python3``): a print layout on A4
landscape, a map following the atlas feature, a label with the unit's code and name, a
legend and a scale bar, ``QgsLayoutExporter.exportToPdf`` of the atlas, as many runs as
EcoZone's.  ``ratio`` = EcoZone / QGIS median time (EcoZone's pages carry a cover, an
index, graticule, overview, north arrow and the unit's facts on top).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PY = "/usr/bin/python3"


def run_ecozone(workspace: Path, out: Path, by: str, flt: str, home: Path) -> dict[str, Any]:
    """One atlas in a fresh process (peak memory measured in a fresh child each time)."""
    code = (
        "import json, resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "w = time.perf_counter() - t;"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr[-2000:],"
        " 'wall_s': w, 'peak_mb': u.ru_maxrss / 1024, 'cpu_s': u.ru_utime + u.ru_stime}))")
    cmd = [sys.executable, "-c", code, sys.executable, str(ROOT / "app.py"), "atlas",
           "--by", by, "--out", str(out), "--json", "--workspace", str(workspace)]
    if flt:
        cmd += ["--filter", flt]
    env = {**os.environ, "ECOZONE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
    outer = json.loads(proc.stdout)
    if outer["rc"] != 0:
        raise RuntimeError(outer["err"])
    res = json.loads(outer["out"])
    return {"pages": res["pages"], "features": res["features"], "time_s": res["time_s"],
            "wall_s": round(outer["wall_s"], 2), "cpu_s": round(outer["cpu_s"], 2),
            "peak_mb": round(outer["peak_mb"], 1),
            "ms_per_page": round(res["time_s"] * 1000 / max(res["pages"], 1), 1),
            "pdf_mb": round(out.stat().st_size / 1e6, 2), "facts_cut": len(res["facts_cut"])}


def check_pdf(out: Path, codes: set[str]) -> dict[str, Any]:
    """What a user would check: pages, every code searchable, fonts embedded."""
    if shutil.which("pdftotext") is None:
        return {"checked": False}
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True,
                           text=True).stdout.splitlines()[2:]
    found = set(re.findall(r"ZH\d{11}", text)) & codes
    return {"checked": True, "pages": int(re.search(r"Pages:\s+(\d+)", info).group(1)),
            "codes_found": len(found), "codes": len(codes),
            "fonts_embedded": all(f.split()[-5] == "yes" for f in fonts) and bool(fonts)}


def qgis_available() -> bool:
    if not Path(SYSTEM_PY).exists():
        return False
    proc = subprocess.run([SYSTEM_PY, "-c", "import qgis.core"], capture_output=True)
    return proc.returncode == 0


def run_qgis(workspace: Path, out: Path) -> dict[str, Any]:
    """QGIS's atlas in its own process under the system Python, through the same wrapper
    as EcoZone's runs so that its peak memory and CPU time are its own."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "import json, resource, subprocess, sys;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr[-2000:],"
        " 'peak_mb': u.ru_maxrss / 1024, 'cpu_s': u.ru_utime + u.ru_stime}))")
    proc = subprocess.run([sys.executable, "-c", code, SYSTEM_PY,
                           str(ROOT / "bench" / "qgis_atlas_side.py"),
                           "--workspace", str(workspace), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=1800)
    outer = json.loads(proc.stdout)
    if outer["rc"] != 0:
        return {"error": outer["err"].strip().splitlines()[-1:] or ["failed"]}
    return dict(json.loads(outer["out"]), peak_mb=round(outer["peak_mb"], 1),
                cpu_s=round(outer["cpu_s"], 2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workspace", type=Path, default=None,
                    help="default: a copy of the bundled Quanzhou data")
    ap.add_argument("--out-dir", type=Path, default=Path("/tmp/ecozone-atlas"))
    ap.add_argument("--outfalls", action="store_true",
                    help="also an atlas of every outfall (memory against ~3x the pages)")
    ap.add_argument("--no-qgis", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from geodata import store

    args.out_dir.mkdir(parents=True, exist_ok=True)
    ws = args.workspace or args.out_dir / "quanzhou.gpkg"
    if args.workspace is None:
        shutil.copy(store.bundled_path(), ws)
    home = args.out_dir / "home"
    home.mkdir(exist_ok=True)
    import pyogrio

    codes = set(pyogrio.read_dataframe(ws, layer="control_units", read_geometry=False)["code"])
    result: dict[str, Any] = {"machine": {"python": platform.python_version(),
                                          "cpus": os.cpu_count(),
                                          "load_avg": [round(v, 2) for v in os.getloadavg()]},
                              "workspace": str(ws), "units": len(codes)}
    runs = [run_ecozone(ws, args.out_dir / "units.pdf", "unit", "", home)
            for _ in range(max(1, args.runs))]
    best = min(runs, key=lambda r: r["time_s"])
    result["ecozone"] = {**best, "time_s_median": round(statistics.median(
        r["time_s"] for r in runs), 3), "runs": len(runs),
        "pdf": check_pdf(args.out_dir / "units.pdf", codes)}
    result["subset"] = run_ecozone(ws, args.out_dir / "county.pdf", "unit",
                                   "county_code=350582", home)
    if args.outfalls:
        result["outfalls"] = run_ecozone(ws, args.out_dir / "outfalls.pdf", "outfall", "",
                                         home)
    result["memory_flat"] = {
        "pages": [result["subset"]["pages"], best["pages"]]
        + ([result["outfalls"]["pages"]] if args.outfalls else []),
        "peak_mb": [result["subset"]["peak_mb"], best["peak_mb"]]
        + ([result["outfalls"]["peak_mb"]] if args.outfalls else [])}
    if not args.no_qgis and qgis_available():
        qruns = [run_qgis(ws, args.out_dir / "qgis_units.pdf") for _ in range(max(1, args.runs))]
        ok = [q for q in qruns if "time_s" in q]
        result["qgis"] = dict(min(ok, key=lambda q: q["time_s"]), time_s_median=round(
            statistics.median(q["time_s"] for q in ok), 3), runs=len(ok)) if ok else qruns[0]
        if ok:
            result["ratio"] = round(result["ecozone"]["time_s_median"]
                                    / result["qgis"]["time_s_median"], 3)
    else:
        result["qgis"] = None if args.no_qgis else "python3-qgis not installed"
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
