"""Benchmark: compare two editions of the bundled control units (JSON out).

    python bench/bench_compare.py [--runs 5]

The new edition is :func:`bench.edition_revision.make_revision` of the bundled units (a
split, a merger, reclassifications, a redrawn boundary, a changed requirement, a renamed
code, a removed unit).  Each run times :func:`models.edition_compare.compare` with the
bundled outfalls and counties (overlay, matching, class matrix, affected outfalls, changed
areas), in ms; ``parts`` are the medians of its own timings.  Budget: under 2 s.  Also
reports the counts found and how closely the class matrix adds up to the units' areas, and
``end_to_end_file_ms``: ``compare FILE`` as the command runs it (workspace layers and the
revision read from a GeoPackage, checked as an import would).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from bench.edition_revision import make_revision  # noqa: E402
from geodata import store  # noqa: E402
from models.edition_compare import compare  # noqa: E402
from models.edition_match import area_transformer, areas_m2  # noqa: E402
from models.editions import compare_editions  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--units", type=int, default=0,
                    help="synthetic units instead of the bundled ones (make_workspace)")
    ap.add_argument("--outfalls", type=int, default=10_000,
                    help="synthetic outfalls with --units")
    args = ap.parse_args(argv)
    path = store.bundled_path()
    counties = store.read_layer(path, "counties")
    if args.units:
        from bench.make_workspace import make_outfalls, make_units

        land = shapely.union_all(store.read_layer(path, "land").geometry.values)
        units = make_units(args.units, counties, land)
        outfalls = make_outfalls(args.outfalls, counties)
    else:
        units = store.read_layer(path, "control_units")
        outfalls = store.read_layer(path, "outfalls")
    revised, done = make_revision(units, outfalls)
    totals, parts, result = [], [], None
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = compare(units, revised, "bundled", "revision", outfalls=outfalls,
                         counties=counties)
        totals.append((time.perf_counter() - t0) * 1e3)
        parts.append(result.timing_ms)
    assert result is not None
    m = result.matrix.total()
    tr = area_transformer(np.asarray(units.geometry.array))
    unit_km2 = float(areas_m2(np.asarray(units.geometry.array), tr).sum())
    # end to end as `compare FILE` runs it: read the workspace layers and the file too
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "revision.gpkg"
        revised.to_file(src, layer="control_units", driver="GPKG")
        ends: list[float] = []
        for _ in range(args.runs if not args.units else 0):
            t0 = time.perf_counter()
            compare_editions(path, str(src))
            ends.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({
        "benchmark": "compare_editions", "units_old": len(units), "units_new": len(revised),
        "outfalls": len(outfalls), "runs": args.runs,
        "compare_ms": round(statistics.median(totals), 1),
        "compare_ms_max": round(max(totals), 1), "budget_ms": 2000,
        "end_to_end_file_ms": round(statistics.median(ends), 1) if ends else None,
        "within_budget": statistics.median(totals) < 2000,
        "parts_ms": {k: round(statistics.median(p[k] for p in parts), 1) for k in parts[0]},
        "counts": result.counts(), "revision": {k: str(v) for k, v in done.items()},
        "matrix_total_km2": round(float(m.sum()) / 1e6, 3),
        "old_units_km2": round(unit_km2 / 1e6, 3),
    }, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
