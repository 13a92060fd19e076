"""The outfalls -> units join: right unit, -1 outside, both methods agree."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import shapely

from models.spatial_join import outfalls_in_units

ROOT = Path(__file__).resolve().parents[2]


def units_count(unit_index: np.ndarray, n_units: int) -> np.ndarray:
    """How many points fell in each unit."""
    idx = np.asarray(unit_index)
    return np.bincount(idx[idx >= 0], minlength=n_units)


def _units() -> np.ndarray:
    # two squares side by side, an L-shaped unit with a hole, and a multipolygon
    a = shapely.box(0, 0, 10, 10)
    b = shapely.box(10, 0, 20, 10)
    ell = shapely.Polygon([(0, 10), (20, 10), (20, 20), (10, 20), (10, 15), (0, 15)],
                          holes=[[(12, 12), (14, 12), (14, 14), (12, 14)]])
    multi = shapely.MultiPolygon([shapely.box(30, 0, 32, 2), shapely.box(34, 0, 36, 2)])
    return np.array([a, b, ell, multi, None], dtype=object)


def test_points_land_in_the_unit_that_contains_them() -> None:
    xy = np.array([[5, 5], [15, 5], [5, 12], [13, 13], [35, 1], [31, 1], [50, 50],
                   [10, 5], [33, 1]], dtype=float)
    for method in ("grid", "strtree"):
        got = outfalls_in_units(xy, _units(), method=method)
        # the hole of the L is in no unit; a point on the shared edge x=10 goes to unit 0
        assert got.tolist() == [0, 1, 2, -1, 3, 3, -1, 0, -1], method


def test_methods_agree_on_random_voronoi_units() -> None:
    rng = np.random.default_rng(3)
    seeds = shapely.multipoints(rng.uniform(0, 100, (300, 2)))
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(
        seeds, extend_to=shapely.box(0, 0, 100, 100))))
    cells = shapely.intersection(cells, shapely.box(0, 0, 100, 100))
    xy = rng.uniform(-5, 105, (60_000, 2))
    grid = outfalls_in_units(xy, cells, threads=2)
    ref = outfalls_in_units(xy, cells, method="strtree")
    assert np.array_equal(grid, ref)
    inside = (xy >= 0).all(axis=1) & (xy <= 100).all(axis=1)
    assert (grid[inside] >= 0).all() and (grid[~inside] == -1).all()
    assert units_count(grid, len(cells)).sum() == inside.sum()


def test_empty_inputs_and_bad_method() -> None:
    assert outfalls_in_units(np.zeros((0, 2)), _units()).shape == (0,)
    assert outfalls_in_units(np.array([[1.0, 1.0]]), np.array([], dtype=object)).tolist() == [-1]
    with pytest.raises(ValueError, match="unknown join method"):
        outfalls_in_units(np.array([[1.0, 1.0]]), _units(), method="nope")


# Fresh polygons of ~260 vertices each call: every unit's lazily made GEOS point locators
# (the brute-force one on the first test, the indexed one and its index on the second)
# are made while the two threads run.  When the threads shared units, one call in five or
# six aborted the process (glibc "unaligned tcache chunk detected", "double free") or
# answered wrong; 30 calls take 3-4 s.
_STRESS = textwrap.dedent("""
    import numpy as np, shapely
    from models.spatial_join import outfalls_in_units
    rng = np.random.default_rng(5)
    seeds = shapely.multipoints(rng.uniform(0, 100, (1000, 2)))
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(
        seeds, extend_to=shapely.box(0, 0, 100, 100))))
    cells = shapely.segmentize(shapely.intersection(cells, shapely.box(0, 0, 100, 100)), 0.05)
    wkb = shapely.to_wkb(cells)
    xy = rng.uniform(0, 100, (55_000, 2))
    expected = outfalls_in_units(xy, shapely.from_wkb(wkb), threads=1)
    for _ in range(30):
        got = outfalls_in_units(xy, shapely.from_wkb(wkb), threads=2)
        print("same" if np.array_equal(got, expected) else "different", flush=True)
""")


def test_two_threads_on_fresh_polygons_neither_crash_nor_differ() -> None:
    run = subprocess.run([sys.executable, "-c", _STRESS], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    answers = run.stdout.split()
    assert run.returncode == 0, (f"the join's process died ({run.returncode}) after "
                                 f"{len(answers)} of 30 calls: {run.stderr[-500:]}")
    assert answers == ["same"] * 30
