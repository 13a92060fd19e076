"""Which control unit each outfall lies in: a point-in-polygon join for a million points.

Qt-free.  Two ways, same answer:

``grid`` (default)
    Candidate pairs come from a uniform grid over the unit bounding boxes, built with
    numpy alone, so no shapely Point is ever made for the outfalls (making 1M Points costs
    more than the whole rest of the join).  Pairs whose point lies outside the unit's
    bounding box are dropped in numpy, and the rest go to ``shapely.intersects_xy``
    against *prepared* polygons (GEOS indexes each polygon's edges once, so one test is
    logarithmic in its vertex count).  The test runs in a few threads, each on its own
    units (a prepared polygon is not thread-safe): shapely releases the GIL in vectorised
    calls.
``strtree``
    ``STRtree(units).query(points, predicate="intersects")``, the textbook vectorised
    shapely join.  It tests each point against the unprepared polygon (linear in the
    vertex count) and needs the Point objects: 4-10x slower on 1M x 5k.

A point on the edge shared by two units goes to the one listed first, so the answer does
not depend on the method or the thread count.  Points outside every unit get -1.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

METHODS = ("grid", "strtree")


def outfalls_in_units(points_xy: np.ndarray, units_geoms: np.ndarray, method: str = "grid",
                      threads: int = 2) -> np.ndarray:
    """Index (into ``units_geoms``) of the unit each point lies in, -1 when in none.

    Parameters
    ----------
    points_xy
        (N, 2) coordinates in the same CRS as the units (lon/lat CGCS2000 in a workspace).
    units_geoms
        Polygons or multipolygons (shapely array; None/empty allowed and never matched).
    method
        ``"grid"`` (fast, default) or ``"strtree"`` (reference).
    threads
        Worker threads for the point-in-polygon tests of the grid method.
    """
    xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
    geoms = np.asarray(units_geoms, dtype=object)
    out = np.full(len(xy), -1, dtype=np.int64)
    if len(xy) == 0 or len(geoms) == 0:
        return out
    if method == "strtree":
        pi, ui = _strtree_pairs(xy, geoms)
    elif method == "grid":
        pi, ui = _grid_pairs(xy, geoms, threads)
    else:
        raise ValueError(f"unknown join method '{method}': use one of {', '.join(METHODS)}")
    _first_unit(out, pi, ui, ordered=method == "grid")
    return out


def point_polygon_pairs(points_xy: np.ndarray, geoms: np.ndarray, threads: int = 2,
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, polygon) pair where the point intersects the polygon, sorted by point
    then polygon (the grid method's pairs, before keeping one polygon per point)."""
    xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
    geoms = np.asarray(geoms, dtype=object)
    if len(xy) == 0 or len(geoms) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _grid_pairs(xy, geoms, threads)


# -- internals ---------------------------------------------------------------------------
def _first_unit(out: np.ndarray, pi: np.ndarray, ui: np.ndarray, ordered: bool) -> None:
    """out[p] = the smallest unit index paired with p (points on a shared edge).

    ``ordered``: pairs already sorted by (point, unit), as the grid method makes them.
    """
    if len(pi) == 0:
        return
    if not ordered:
        order = np.lexsort((ui, pi))
        pi, ui = pi[order], ui[order]
    # reversed, so for each point its smallest unit is written last and wins
    out[pi[::-1]] = ui[::-1]


def _strtree_pairs(xy: np.ndarray, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    tree = shapely.STRtree(np.where(valid, geoms, np.array(None, dtype=object)))
    pi, ui = tree.query(shapely.points(xy), predicate="intersects")
    return pi.astype(np.int64), ui.astype(np.int64)


def _grid_pairs(xy: np.ndarray, geoms: np.ndarray, threads: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    units = np.flatnonzero(valid)
    if len(units) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    b = shapely.bounds(geoms[units])  # (U, 4)
    gx0, gy0 = b[:, 0].min(), b[:, 1].min()
    gx1, gy1 = b[:, 2].max(), b[:, 3].max()
    # cells about half a typical unit wide: each point meets 1-3 candidate boxes
    typical = float(np.median(np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])))
    size = max(typical / 2.0, (gx1 - gx0) / 4096, (gy1 - gy0) / 4096, 1e-12)
    nx = max(1, min(4096, math.ceil((gx1 - gx0) / size)))
    ny = max(1, min(4096, math.ceil((gy1 - gy0) / size)))
    sx, sy = (gx1 - gx0) / nx or 1.0, (gy1 - gy0) / ny or 1.0

    def col(v: np.ndarray) -> np.ndarray:
        return np.asarray(np.clip(((v - gx0) / sx).astype(np.int64), 0, nx - 1))

    def row(v: np.ndarray) -> np.ndarray:
        return np.asarray(np.clip(((v - gy0) / sy).astype(np.int64), 0, ny - 1))

    # cell -> units whose bounding box covers it (CSR)
    c0, c1, r0, r1 = col(b[:, 0]), col(b[:, 2]), row(b[:, 1]), row(b[:, 3])
    w, h = c1 - c0 + 1, r1 - r0 + 1
    n_cells = w * h
    owner = np.repeat(np.arange(len(units)), n_cells)
    k = np.arange(int(n_cells.sum())) - np.repeat(np.cumsum(n_cells) - n_cells, n_cells)
    cell = (np.repeat(r0, n_cells) + k // np.repeat(w, n_cells)) * nx \
        + np.repeat(c0, n_cells) + k % np.repeat(w, n_cells)
    order = np.argsort(cell, kind="stable")
    cell_units = owner[order]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=nx * ny))])

    # point -> candidate units in its cell
    x, y = xy[:, 0], xy[:, 1]
    inside = (x >= gx0) & (x <= gx1) & (y >= gy0) & (y <= gy1) & np.isfinite(x) & np.isfinite(y)
    pts = np.flatnonzero(inside)
    pc = row(y[pts]) * nx + col(x[pts])
    counts = ptr[pc + 1] - ptr[pc]
    pi = np.repeat(pts, counts)
    start = np.repeat(ptr[pc] - (np.cumsum(counts) - counts), counts)
    ui = cell_units[start + np.arange(len(pi))]
    # bounding-box filter in numpy before any geometry test
    px, py = x[pi], y[pi]
    keep = (px >= b[ui, 0]) & (px <= b[ui, 2]) & (py >= b[ui, 1]) & (py <= b[ui, 3])
    pi, ui = pi[keep], ui[keep]
    prepared = geoms[units].copy()
    shapely.prepare(prepared)
    hit = _intersects_xy(prepared, ui, x[pi], y[pi], threads)
    return pi[hit], units[ui[hit]].astype(np.int64)


def _intersects_xy(prepared: np.ndarray, ui: np.ndarray, x: np.ndarray, y: np.ndarray,
                   threads: int) -> np.ndarray:
    """``intersects_xy(prepared[ui], x, y)``, in ``threads`` threads for many pairs.

    Each thread tests its own units: the pairs are split by unit, never across one.  A
    prepared polygon is not safe to share: GEOS makes its point locators lazily on its
    first *and second* test (a brute-force one first, the indexed one on the next, since
    GEOS 3.12 -- libgeos/geos#777), so two threads testing one unit could both make the
    indexed locator and one freed it under the other.  That corrupted the heap about once
    in 100-300 calls (glibc "tcache_thread_shutdown(): unaligned tcache chunk detected" at
    a pool thread's exit); the earlier warm-up of one test per unit made only the first
    locator.  Split by unit, no warm-up is needed and GEOS's laziness does not matter.
    """
    n = len(ui)
    if threads <= 1 or n < 50_000:
        return np.asarray(shapely.intersects_xy(prepared[ui], x, y), dtype=bool)
    # consecutive runs of units with about n / threads pairs each
    per_unit = np.bincount(ui, minlength=len(prepared))
    before = np.cumsum(per_unit) - per_unit
    part_of_unit = np.minimum(before * threads // n, threads - 1).astype(np.int8)
    part = part_of_unit[ui]
    out = np.empty(n, dtype=bool)

    def work(i: int) -> None:
        rows = np.flatnonzero(part == i)
        out[rows] = shapely.intersects_xy(prepared[ui[rows]], x[rows], y[rows])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    return out
