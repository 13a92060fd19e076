"""Benchmark: statistics and plan progress at 100k and 1M outfalls (JSON out).

    python bench/bench_stats.py [--workspace W.gpkg ...] [--sizes 100000:5000,1000000:20000]
                                [--runs 3]

Each size is ``outfalls:units``; its workspace is generated with bench/make_workspace.py
(into the system temp folder, reused if present) unless ``--workspace`` names files.
Reported (median over ``--runs``, milliseconds):

- ``unit_areas_cold``: measuring every control unit in the Gauss-Krüger zones (once per
  frame; the dock and the command cache it)
- ``outfall_xy``: reading the outfall coordinates (once per frame)
- ``city``: counts and areas of the whole city (areas cached) — the issue's figure
- ``county``: one county; ``extent``: a map extent around Jinjiang (units clipped at its
  edge); ``bay_zone``: a selected bay
- ``bays``, ``plan_progress``: the bay summary and the measured indicators
- ``report``: everything the dock shows (city scope), areas cached
- ``report_cold``: the same from nothing (units measured, coordinates read): the first
  time the dock opens on a workspace — the issue's "under a second"
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

from models import bay_summary, plan_progress, stats_report  # noqa: E402
from models.statistics import AreaCache, Scope, compute, point_xy  # noqa: E402
from models.workspace import Workspace  # noqa: E402

EXTENT = shapely.box(118.45, 24.60, 118.75, 24.85)


def _ms(func, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        func()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def _workspace(outfalls: int, units: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"ecozone_bench_stats_{outfalls}_{units}.gpkg"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_workspace.py"),
                        "--outfalls", str(outfalls), "--units", str(units), "--out", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def measure(path: Path, runs: int) -> dict[str, object]:
    ws = Workspace.open(path)
    if ws.table("indicators").empty:  # generated workspaces carry no plan tables
        from geodata import store

        bundled = Workspace.open(store.bundled_path())
        ws.tables["indicators"] = bundled.table("indicators")
    units, outfalls = ws.layers["control_units"], ws.layers["outfalls"]
    out: dict[str, object] = {"workspace": str(path), "outfalls": len(outfalls),
                              "units": len(units)}
    out["unit_areas_cold"] = _ms(lambda: AreaCache().areas_km2(units), runs)
    cache = AreaCache()
    areas = cache.areas_km2(units)
    out["outfall_xy"] = _ms(lambda: point_xy(outfalls), runs)
    xy = point_xy(outfalls)
    layers = ws.layers
    county = str(outfalls["county_code"].iloc[0])
    out["city"] = _ms(lambda: compute(layers, Scope(), unit_areas_km2=areas), runs)
    out["county"] = _ms(lambda: compute(layers, Scope(county=county), unit_areas_km2=areas),
                        runs)
    out["extent"] = _ms(lambda: compute(layers, Scope(region=EXTENT), unit_areas_km2=areas,
                                        outfall_xy=xy), runs)
    bays = layers["bays"]
    anhai = Scope(region=bays.geometry.iloc[2], receiving_water=str(bays["name_zh"].iloc[2]))
    out["bay_zone"] = _ms(lambda: compute(layers, anhai, unit_areas_km2=areas, outfall_xy=xy),
                          runs)
    out["bays"] = _ms(lambda: bay_summary.summarise(layers, ws.tables), runs)
    out["plan_progress"] = _ms(lambda: plan_progress.measure(layers, ws.tables), runs)
    out["report"] = _ms(lambda: stats_report.build(ws, Scope(), cache, xy), runs)
    out["report_cold"] = _ms(lambda: stats_report.build(ws, Scope(), AreaCache(),
                                                        point_xy(outfalls)), runs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, action="append", default=None)
    ap.add_argument("--sizes", default="100000:5000,1000000:20000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    paths = args.workspace or [_workspace(*map(int, s.split(":")))
                               for s in args.sizes.split(",") if s]
    results = [measure(p, args.runs) for p in paths]
    print(json.dumps({"unit": "ms (median)", "runs": args.runs, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
