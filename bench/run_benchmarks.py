"""EcoZone at scale, measured side by side with QGIS: one JSON document on stdout.

    python bench/run_benchmarks.py [--sizes small,medium,large] [--runs 3] [--no-qgis]
                                   [--cache /tmp/ecozone-bench] [--no-import]

Sizes: ``small`` 10k outfalls + 1k units, ``medium`` 100k + 5k, ``large`` 1M + 20k
(``tiny`` 2k + 100 for tests).  Workspaces are generated once into the cache folder by
``bench/make_workspace.py`` and reused.  Every figure is the median of ``--runs`` runs
(fresh processes where start-up matters).  Per size:

- ``render``: ``app.py render`` at 1600x1000, full extent: ``cold_ms`` (first render in a
  fresh process: projection, simplification, painting, composite), ``warm_ms`` (same
  view again with the layer images cleared), ``pan_ms`` (a drag by a third of the width
  at the same zoom, with the images of the view before), ``zoom_ms`` (the next zoom level
  in, first time at that level), ``zoom_again_ms``, CPU time of cold and warm (all
  threads), ``load_ms``, ``index_ms``, peak memory; ``symbols_*`` the same with the level
  of detail off (every outfall a symbol).
- ``window``: the real main window in a fresh process: ``cold_start_ms`` (process start to
  the first painted map), event-loop blocking during a scripted pan (90 drag frames with
  re-renders) and zoom (30 wheel steps): per-frame GUI time and the longest gap of a 1 ms
  timer; ``identify_ms`` at 200 random positions; peak memory.
- ``join``: outfalls -> units (:mod:`models.spatial_join`), grid method and the STRtree
  reference; on ``large`` also 1M outfalls x the 5k units of ``medium``.
- ``table``: ``bench/bench_outfall_table.py`` (outfall-review engineer's) at the size's
  outfall count: build, worst warm sort/filter.
- ``qgis`` (when ``/usr/bin/python3 -c 'import qgis.core'`` works): ``bench/qgis_side.py``
  renders the same extent and size and runs ``native:joinattributesbylocation``;
  ``ratio`` = EcoZone / QGIS for each figure.

Once per run: ``import`` of 100k rows from CSV, XLSX and Shapefile through
``geodata.io.readers.read_any``, and ``bundled`` (the window on the bundled data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"tiny": (2_000, 100), "small": (10_000, 1_000), "medium": (100_000, 5_000),
         "large": (1_000_000, 20_000)}
SIZE_PX = (1600, 1000)
SYSTEM_PY = "/usr/bin/python3"


def _med(values: list[float]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.median(vals), 1) if vals else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _run_json(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 1800,
              ) -> dict[str, Any]:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env or _env(),
                          timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): "
                           f"{proc.stderr.strip()[-800:]}")
    text = proc.stdout.strip()
    return json.loads(text[text.index("{"):])  # type: ignore[no-any-return]


def workspace(cache: Path, size: str) -> tuple[Path, dict[str, Any] | None]:
    n_out, n_units = SIZES[size]
    path = cache / f"o{n_out}_u{n_units}.gpkg"
    if path.exists():
        return path, None
    info = _run_json([sys.executable, str(ROOT / "bench" / "make_workspace.py"),
                      "--outfalls", str(n_out), "--units", str(n_units), "--out", str(path)])
    return path, info


# -- render ----------------------------------------------------------------------------
def bench_render(path: Path, runs: int, cache: Path, lod: bool = True) -> dict[str, Any]:
    rs = []
    for _ in range(runs):
        cmd = [sys.executable, str(ROOT / "app.py"), "render", "--workspace", str(path),
               "--out", str(cache / f"{path.stem}{'' if lod else '_symbols'}.png"),
               "--size", f"{SIZE_PX[0]}x{SIZE_PX[1]}", "--runs", "3", "--json"]
        rs.append(_run_json(cmd, _env(ECOZONE_POINT_LOD="1" if lod else "0")))
    last = rs[-1]
    return {"cold_ms": _med([r["render_ms"] for r in rs]),
            "warm_ms": _med([r["render_warm_ms"] for r in rs]),
            "cold_cpu_ms": _med([r["render_cpu_ms"] for r in rs]),
            "warm_cpu_ms": _med([r["render_warm_cpu_ms"] for r in rs]),
            "pan_ms": _med([r["pan_ms"] for r in rs]),
            "zoom_ms": _med([r["zoom_ms"] for r in rs]),
            "zoom_again_ms": _med([r["zoom_again_ms"] for r in rs]),
            "load_ms": _med([r["load_ms"] for r in rs]),
            "index_ms": _med([r["index_ms"] for r in rs]),
            "command_total_ms": _med([r["total_ms"] for r in rs]),
            "peak_memory_mb": max(r["peak_memory_mb"] for r in rs),
            "outfalls_mode": last["layers"].get("outfalls", {}).get("mode"),
            "bbox_mercator": last["view"]["bbox_mercator"], "png": last["out"]}


# -- the window, in a child process ------------------------------------------------------
def _stats(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    return {"median": round(statistics.median(s), 2),
            "p95": round(s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))], 2),
            "max": round(s[-1], 2)}


def child_window(path: str, t_spawn: float) -> dict[str, Any]:
    """Cold start to first painted map, scripted pan/zoom, identify (runs in a child)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from cli.render import peak_memory_mb
    from models.workspace import Workspace
    from ui.main import MainWindow, make_app

    make_app()
    ws = Workspace.open(Path(path))
    win = MainWindow(ws, "zh", settings=None)
    win.resize(*SIZE_PX)
    win.show()
    canvas = win.canvas
    painted: list[float] = []
    orig_paint = canvas.paintEvent

    def paint_event(event: Any) -> None:
        orig_paint(event)
        if canvas._composite is not None and not painted:
            painted.append(time.time())

    canvas.paintEvent = paint_event  # type: ignore[method-assign]
    t0 = time.perf_counter()
    while not painted and time.perf_counter() - t0 < 600:
        QCoreApplication.processEvents()
        time.sleep(0.001)
    cold_start_ms = (painted[0] - t_spawn) * 1000 if painted else None

    def wait_idle() -> None:
        t = time.perf_counter()
        while time.perf_counter() - t < 600:
            QCoreApplication.processEvents()
            if not canvas.renderer.busy() and not canvas._render_timer.isActive():
                return
            time.sleep(0.001)

    wait_idle()
    full_render_ms = canvas.renderer.last_full_render_s * 1000
    outfalls = win.model.get("outfalls")
    if outfalls is not None and len(outfalls):
        outfalls.point_index()  # identify's index (the renderer has built it already)
    # scripted pan then zoom, with background renders requested as the canvas would
    from interaction import scripted_pan_zoom

    moves = scripted_pan_zoom(canvas, SIZE_PX)
    pan, zoom = moves["pan"], moves["zoom"]
    wait_idle()
    import random

    rnd = random.Random(7)
    ident = []
    for _ in range(200):
        sx, sy = rnd.uniform(0, canvas.width()), rnd.uniform(0, canvas.height())
        t = time.perf_counter()
        canvas.identify(sx, sy)
        ident.append((time.perf_counter() - t) * 1000)
    canvas.renderer.wait(30000)
    return {"cold_start_ms": round(cold_start_ms, 1) if cold_start_ms else None,
            "first_full_render_ms": round(full_render_ms, 1),
            "pan_frame_ms": _stats(pan), "zoom_frame_ms": _stats(zoom),
            "event_loop_max_gap_ms": round(moves["max_gap_ms"], 2),
            "event_loop_gaps_over_16ms": moves["gaps_over_16ms"], "identify_ms": _stats(ident),
            "peak_memory_mb": peak_memory_mb()}


def bench_window(path: Path, runs: int) -> dict[str, Any]:
    rs = []
    for _ in range(runs):
        t = time.time()
        rs.append(_run_json([sys.executable, str(Path(__file__).resolve()), "--child-window",
                             str(path), "--t-spawn", repr(t)]))

    def pick(key: str, sub: str | None = None) -> float | None:
        return _med([r[key][sub] if sub else r[key] for r in rs])

    return {"cold_start_ms": pick("cold_start_ms"),
            "first_full_render_ms": pick("first_full_render_ms"),
            "pan_frame_ms": {k: pick("pan_frame_ms", k) for k in ("median", "p95", "max")},
            "zoom_frame_ms": {k: pick("zoom_frame_ms", k) for k in ("median", "p95", "max")},
            "event_loop_max_gap_ms": pick("event_loop_max_gap_ms"),
            "event_loop_gaps_over_16ms": pick("event_loop_gaps_over_16ms"),
            "identify_ms": {k: pick("identify_ms", k) for k in ("median", "p95", "max")},
            "peak_memory_mb": max(r["peak_memory_mb"] for r in rs)}


# -- join, table, import ---------------------------------------------------------------
def _timed(func: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        func()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def bench_join(path: Path, runs: int, units_from: Path | None = None) -> dict[str, Any]:
    import numpy as np
    import pyogrio
    import shapely

    from models.spatial_join import outfalls_in_units

    pts = pyogrio.read_dataframe(path, layer="outfalls", columns=[], use_arrow=True)
    units = pyogrio.read_dataframe(units_from or path, layer="control_units", columns=[],
                                   use_arrow=True)
    xy = shapely.get_coordinates(pts.geometry.values)
    geoms = np.asarray(units.geometry.array)
    res = outfalls_in_units(xy, geoms)
    out = {"points": len(xy), "units": len(geoms),
           "grid_ms": _timed(lambda: outfalls_in_units(xy, geoms), runs),
           "matched": int((res >= 0).sum())}
    if len(xy) <= 200_000:  # the reference is 5-10x slower: skip it at 1M
        out["strtree_ms"] = _timed(lambda: outfalls_in_units(xy, geoms, method="strtree"),
                                   max(1, runs // 2))
    return out


def bench_table(n_rows: int, runs: int) -> dict[str, Any]:
    r = _run_json([sys.executable, str(ROOT / "bench" / "bench_outfall_table.py"),
                   "--rows", str(n_rows), "--runs", str(max(3, runs))], timeout=1800)
    return {"rows": r.get("rows"), "build_ms": r.get("build_ms"),
            "sort_warm_max_ms": max(r["sort_ms"].values()) if r.get("sort_ms") else None,
            "sort_cold_max_ms": max(r["sort_cold_ms"].values()) if r.get("sort_cold_ms")
            else None,
            "filter_max_ms": max(r["filter_ms"].values()) if r.get("filter_ms") else None,
            "filter_and_sort_ms": r.get("filter_and_sort_ms"),
            "worst_warm_ms": r.get("worst_warm_ms")}


def make_import_files(src: Path, cache: Path, rows: int) -> dict[str, Path]:
    """CSV (经度/纬度 columns), XLSX and Shapefile of ``rows`` outfalls, made once."""
    import pandas as pd
    import pyogrio
    import shapely

    files = {"csv": cache / f"import_{rows}.csv", "xlsx": cache / f"import_{rows}.xlsx",
             "shapefile": cache / f"import_{rows}.shp"}
    if all(p.exists() for p in files.values()):
        return files
    frame = pyogrio.read_dataframe(src, layer="outfalls", use_arrow=True, max_features=rows)
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table.insert(2, "经度", shapely.get_x(frame.geometry.values).round(6))
    table.insert(3, "纬度", shapely.get_y(frame.geometry.values).round(6))
    table.to_csv(files["csv"], index=False, encoding="utf-8")
    table.to_excel(files["xlsx"], index=False, engine="openpyxl")
    pyogrio.write_dataframe(frame, files["shapefile"], encoding="UTF-8")
    return files


def bench_import(files: dict[str, Path], runs: int) -> dict[str, Any]:
    from geodata.io import readers

    out: dict[str, Any] = {}
    for kind, path in files.items():
        n = [0]

        def read(path: Path = path, n: list[int] = n) -> None:
            n[0] = len(readers.read_any(path).frame)

        out[f"{kind}_ms"] = _timed(read, max(1, runs))
        out[f"{kind}_rows"] = n[0]
    return out


# -- QGIS ------------------------------------------------------------------------------
def qgis_available() -> bool:
    if not Path(SYSTEM_PY).exists():
        return False
    try:
        return subprocess.run([SYSTEM_PY, "-c", "import qgis.core"], capture_output=True,
                              timeout=60, env=_env()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def bench_qgis(path: Path, bbox: list[float], runs: int, join: bool, cache: Path,
               ) -> dict[str, Any]:
    env = _env()
    env.pop("PYTHONPATH", None)  # the system Python must not see the venv's packages
    cmd = [SYSTEM_PY, str(ROOT / "bench" / "qgis_side.py"), "--workspace", str(path),
           "--size", f"{SIZE_PX[0]}x{SIZE_PX[1]}",
           "--bbox-mercator", ",".join(str(v) for v in bbox), "--runs", str(runs),
           "--out", str(cache / f"{path.stem}_qgis.png")]
    if join:
        cmd.append("--join")
    return _run_json(cmd, env, timeout=3600)


# -- main ------------------------------------------------------------------------------
def bench_size(size: str, args: argparse.Namespace, use_qgis: bool) -> dict[str, Any]:
    cache = args.cache
    path, generated = workspace(cache, size)
    n_out, n_units = SIZES[size]
    runs = args.runs
    out: dict[str, Any] = {"outfalls": n_out, "units": n_units, "workspace": str(path)}
    if generated:
        out["generated"] = generated
    out["render"] = bench_render(path, runs, cache)
    if n_out <= 100_000:
        sym = bench_render(path, 1, cache, lod=False)
        out["render"]["symbols_cold_ms"] = sym["cold_ms"]
        out["render"]["symbols_warm_ms"] = sym["warm_ms"]
    out["window"] = bench_window(path, runs)
    out["join"] = bench_join(path, runs)
    if size == "large":
        medium, _ = workspace(cache, "medium")
        out["join_1m_x_5k"] = bench_join(path, runs, units_from=medium)
    out["table"] = bench_table(n_out, runs)
    if use_qgis:
        try:
            q = bench_qgis(path, out["render"]["bbox_mercator"], runs, True, cache)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            q = {"error": str(exc)[-400:]}
        out["qgis"] = q
        r, j = out["render"], out["join"]
        out["ratio"] = {
            "render_cold_vs_qgis_first": _ratio(r["cold_ms"], q.get("render_first_ms")),
            "render_warm_vs_qgis": _ratio(r["warm_ms"], q.get("render_ms")),
            "render_symbols_warm_vs_qgis": _ratio(r.get("symbols_warm_ms"),
                                                  q.get("render_ms")),
            "render_pan_vs_qgis": _ratio(r["pan_ms"], q.get("pan_ms")),
            "render_zoom_vs_qgis": _ratio(r["zoom_ms"], q.get("zoom_ms")),
            "load_vs_qgis": _ratio(r["load_ms"], q.get("load_ms")),
            "join_vs_qgis": _ratio(j["grid_ms"], q.get("join_ms")),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-qgis", action="store_true")
    ap.add_argument("--no-import", action="store_true", help="skip the 100k-row import")
    ap.add_argument("--no-bundled", action="store_true", help="skip the bundled-data window")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ecozone-bench"))
    ap.add_argument("--child-window", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--t-spawn", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_window:
        print(json.dumps(child_window(args.child_window, args.t_spawn or time.time())))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or args.runs < 1:
        print(f"run_benchmarks: unknown size {unknown} (use {', '.join(SIZES)}) or --runs < 1",
              file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    use_qgis = not args.no_qgis and qgis_available()
    import PySide6

    out: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "pyside6": PySide6.__version__,
                    "cpus": os.cpu_count(), "load_avg_start": [round(v, 2) for v in
                                                               os.getloadavg()]},
        "size_px": list(SIZE_PX), "runs": args.runs, "qgis": use_qgis, "sizes": {}}
    t0 = time.perf_counter()
    if not args.no_bundled:
        from geodata import store

        out["bundled"] = bench_window(store.bundled_path(), args.runs)
    for size in sizes:
        out["sizes"][size] = bench_size(size, args, use_qgis)
    if not args.no_import:
        src, _ = workspace(args.cache, "medium")
        files = make_import_files(src, args.cache, 100_000)
        out["import_100k"] = bench_import(files, args.runs)
    out["machine"]["load_avg_end"] = [round(v, 2) for v in os.getloadavg()]
    out["elapsed_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
