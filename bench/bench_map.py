"""Map canvas benchmark: full render, event-loop blocking during pan/zoom, identify.

    QT_QPA_PLATFORM=offscreen python bench/bench_map.py [--runs 5] [--quick]

Prints JSON.  Two workspaces: the bundled one (or a synthetic stand-in of the same size if
it is not built yet) and a synthetic one with 100k outfalls and 5k Voronoi units over the
Quanzhou extent, generated into a temporary GeoPackage.  Times are medians over runs.

- ``full_render_cold_ms``: first render of the full extent at 1600x1000 (projection, index,
  level-of-detail simplification, painting, compositing), from request to composite.
- ``full_render_warm_ms``: render of a new view once geometry caches exist (a zoom step).
- ``pan_frame_ms`` / ``zoom_frame_ms``: GUI-thread time per frame while the user drags or
  wheels (repaint from cached images + event processing) with background renders running;
  median, p95 and max.  Budget: max < 16 ms.
- ``event_loop_max_gap_ms``: the longest the event loop went without running a 1 ms timer
  during the pan (what a user feels as a stutter).
- ``identify_ms``: hit test under the cursor (8 px tolerance); ``select_panel_ms``: hit test
  plus filling the side panel for the hit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1600, 1000)


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "p95": round(_pct(values, 0.95), 2),
            "max": round(max(values), 2)}


def _wait_idle(canvas, timeout_s: float = 120.0) -> float:
    from PySide6.QtCore import QCoreApplication

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        QCoreApplication.processEvents()
        if not canvas.renderer.busy() and not canvas._render_timer.isActive():
            return time.perf_counter() - t0
        time.sleep(0.0005)
    raise TimeoutError("render did not finish")


def bench_workspace(path: Path, runs: int) -> dict[str, object]:
    from PySide6.QtCore import QCoreApplication

    from layers.viewport import Viewport
    from models.workspace import Workspace
    from ui.main import MainWindow, make_app

    make_app()
    t = time.perf_counter()
    ws = Workspace.open(path)
    open_s = time.perf_counter() - t
    cold, warm, pan, zoom, gaps, ident, panel = [], [], [], [], [], [], []
    for run in range(runs):
        win = MainWindow(ws, "zh", settings=None)
        win.resize(*SIZE)
        win.show()
        canvas = win.canvas
        QCoreApplication.processEvents()
        full = canvas.model.full_extent()
        v0 = Viewport.fit(full, canvas.width(), canvas.height(), 0.02)
        # cold: geometry caches live on the layers, so only the first window is truly cold
        t = time.perf_counter()
        canvas.set_view(v0, render_now=True)
        _wait_idle(canvas)
        (cold if run == 0 else warm).append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        canvas.set_view(v0.zoomed(1.5), render_now=True)
        _wait_idle(canvas)
        warm.append((time.perf_counter() - t) * 1000)

        # pan and zoom as a user would, renders requested as the canvas does (interaction.py)
        from interaction import scripted_pan_zoom

        moves = scripted_pan_zoom(canvas, SIZE)
        pan += moves["pan"]
        zoom += moves["zoom"]
        gaps.append(moves["max_gap_ms"])
        _wait_idle(canvas)
        canvas.set_view(v0, render_now=True)
        _wait_idle(canvas)
        # identify at 200 positions across the map
        import random

        rnd = random.Random(run)
        for _ in range(200):
            sx, sy = rnd.uniform(0, canvas.width()), rnd.uniform(0, canvas.height())
            t = time.perf_counter()
            found = canvas.identify(sx, sy)
            ident.append((time.perf_counter() - t) * 1000)
        for _ in range(10):
            sx, sy = rnd.uniform(0, canvas.width()), rnd.uniform(0, canvas.height())
            t = time.perf_counter()
            found = canvas.identify(sx, sy)
            if found:
                win.side_panel.show_feature(found[0].layer, found[0].key)
                panel.append((time.perf_counter() - t) * 1000)
        canvas.renderer.wait(10000)
        win.close()
        win.deleteLater()
        QCoreApplication.processEvents()
    counts = {n: len(f) for n, f in ws.layers.items()}
    return {
        "workspace": str(path), "features": counts, "open_s": round(open_s, 2),
        "size": list(SIZE),
        "full_render_cold_ms": round(cold[0], 1),
        "full_render_warm_ms": round(statistics.median(warm), 1),
        "pan_frame_ms": _stats(pan), "zoom_frame_ms": _stats(zoom),
        "event_loop_max_gap_ms": _stats(gaps),
        "identify_ms": _stats(ident),
        "select_panel_ms": _stats(panel) if panel else None,
        "frame_budget_ms": 16, "within_budget": max(pan + zoom) < 16.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10k outfalls, 1k units")
    args = parser.parse_args(argv)
    from bench.synthetic import make_workspace
    from geodata import store

    out: dict[str, object] = {"python": sys.version.split()[0]}
    import PySide6

    out["pyside6"] = PySide6.__version__
    out["cpus"] = os.cpu_count()
    tmp = Path(tempfile.mkdtemp(prefix="ecozone_bench_"))
    bundled = store.bundled_path()
    base = bundled if bundled.exists() else None
    if bundled.exists():
        out["bundled"] = bench_workspace(bundled, args.runs)
    else:
        stand_in = make_workspace(tmp / "bundled_stand_in.gpkg", None, 280, 860)
        out["bundled"] = {"note": "bundled GeoPackage not built; synthetic stand-in of the "
                                  "same size", **bench_workspace(stand_in, args.runs)}
    n_out, n_units = (10_000, 1_000) if args.quick else (100_000, 5_000)
    t = time.perf_counter()
    big = make_workspace(tmp / "synthetic_big.gpkg", base, n_units, n_out)
    gen_s = time.perf_counter() - t
    out["synthetic"] = {"generated_s": round(gen_s, 1), "outfalls": n_out, "units": n_units,
                        **bench_workspace(big, args.runs)}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
