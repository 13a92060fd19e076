"""Geometry for the compliance checks: the projection, pieces of lines, close pairs.

Qt-free; used by :mod:`models.compliance_scan`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from pyproj import Transformer

_TMERC = Transformer.from_crs(
    "EPSG:4490", "+proj=tmerc +lat_0=0 +lon_0=118.5 +k=1 +x_0=500000 +ellps=GRS80 +units=m",
    always_xy=True)


def project(geoms: np.ndarray) -> np.ndarray:
    """Geometries (CGCS2000 lon/lat) in the checks' transverse Mercator."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_TMERC.transform(xy[:, 0],
                                                                                 xy[:, 1])))


#: points at least this many are projected in two halves on two threads
_PROJECT_SPLIT = 200_000


def project_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (CGCS2000 lon/lat) in the checks' transverse Mercator.  Many in two
    halves on two threads: PROJ lets go of the GIL and pyproj's Transformer is
    thread-safe (3.1+), and the projection of 1M points (~0.15-0.25 s) is the scan's
    first step, before its checks share the cores."""
    n = len(lon)
    if n < _PROJECT_SPLIT:
        x, y = _TMERC.transform(lon, lat)
        return np.asarray(x), np.asarray(y)
    half = n // 2
    with ThreadPoolExecutor(2) as pool:
        parts = list(pool.map(lambda s: _TMERC.transform(lon[s], lat[s]),
                              (slice(0, half), slice(half, n))))
    return (np.concatenate([np.asarray(p[0]) for p in parts]),
            np.concatenate([np.asarray(p[1]) for p in parts]))


def pieces(lines: np.ndarray, n: int = 64) -> np.ndarray:
    """Lines (and polygon rings) as pieces of at most ``n`` vertices, overlapping by one."""
    out = []
    for part in shapely.get_parts(lines):
        if part.geom_type in ("Polygon", "MultiPolygon"):
            part = part.boundary
        for line in shapely.get_parts(np.asarray([part], dtype=object)):
            xy = shapely.get_coordinates(line)
            if len(xy) < 2:
                continue
            for s in range(0, len(xy) - 1, n - 1):
                out.append(shapely.LineString(xy[s:s + n]))
    return np.asarray(out, dtype=object)


def close_pairs(x: np.ndarray, y: np.ndarray, lim: float) -> tuple[np.ndarray, ...]:
    """Pairs (a < b) of points within ``lim`` metres and their distances, by (a, b)."""
    n = len(x)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    cell = max(lim, 1.0)
    cx = np.floor(x / cell).astype(np.int64)
    cy = np.floor(y / cell).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    width = int(cy.max()) + 2
    key = cx * width + cy
    order = np.argsort(key, kind="stable")
    sk = key[order]
    aa, bb = [], []
    # the needles in key order (sk + offset is sorted): searchsorted then walks the keys
    # once instead of jumping about a million times per neighbour cell
    # half the neighbourhood: a pair in two cells is met from one of them only (its own
    # cell, and the cells after it), then ordered a < b
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        nk = sk + (dx * width + dy)
        lo = np.searchsorted(sk, nk, "left")
        cnt = np.searchsorted(sk, nk, "right") - lo
        tot = int(cnt.sum())
        if not tot:
            continue
        a = np.repeat(order, cnt)
        start = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
        b = order[start + np.arange(tot, dtype=np.int64)]
        if dx == dy == 0:
            keep = a < b
            a, b = a[keep], b[keep]
        else:
            a, b = np.minimum(a, b), np.maximum(a, b)
        ddx, ddy = x[a] - x[b], y[a] - y[b]
        near = np.sqrt(ddx * ddx + ddy * ddy) <= lim
        aa.append(a[near])
        bb.append(b[near])
    a, b = np.concatenate(aa), np.concatenate(bb)
    o = np.lexsort((b, a))
    a, b = a[o], b[o]
    ddx, ddy = x[a] - x[b], y[a] - y[b]
    return a, b, np.sqrt(ddx * ddx + ddy * ddy)


def segments(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end points (S, 2) of every segment of ``lines`` (LineStrings)."""
    xy, ix = shapely.get_coordinates(lines, return_index=True)
    same = ix[1:] == ix[:-1]
    return xy[:-1][same], xy[1:][same]


def point_segment_distance(px: np.ndarray, py: np.ndarray, ax: np.ndarray, ay: np.ndarray,
                           bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Distance from points to segments a-b, pair by pair, operation by operation as GEOS
    computes it (``Distance::pointToSegment``): the distance to an end when the foot of
    the perpendicular falls outside the segment, else ``|s| * sqrt(len2)`` (bit for bit
    GEOS's values, a test checks it).  Consumes ``ax``.. (temporaries reused)."""
    dx = bx - ax
    dy = by - ay
    len2 = dx * dx
    len2 += dy * dy
    ex = px - ax  # p - A
    ey = py - ay
    with np.errstate(invalid="ignore", divide="ignore"):
        r = ex * dx
        r += ey * dy
        r /= len2
        s = (ay - py) * dx
        s -= (ax - px) * dy
        s /= len2
        d = np.abs(s, out=s)
        d *= np.sqrt(len2)
    ex *= ex
    ey *= ey
    ex += ey
    da = np.sqrt(ex, out=ex)
    bx = px - bx  # p - B
    by = py - by
    bx *= bx
    by *= by
    bx += by
    db = np.sqrt(bx, out=bx)
    np.copyto(d, db, where=r >= 1.0)
    np.copyto(d, da, where=(r <= 0.0) | (len2 == 0))
    return d


def _narrow(cx: np.ndarray, cy: np.ndarray, parent: np.ndarray, pstart: np.ndarray,
            pseg: np.ndarray, a: np.ndarray, b: np.ndarray, r: float, chunk: int,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For children at (cx, cy) (cell centres, or points with ``r`` 0), each given its
    parent's candidate segments (CSR ``pstart``/``pseg``): (nearest distance, and the CSR
    of the segments within ``best + 2r``), a chunk of pairs at a time."""
    n = len(cx)
    cnt = pstart[parent + 1] - pstart[parent]
    ends = np.cumsum(cnt)
    best = np.full(n, np.inf)
    cuts = [0]
    while cuts[-1] < n:  # children whose pairs make about ``chunk``
        lo = cuts[-1]
        cuts.append(max(lo + 1, int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + chunk,
                                                    side="right"))))

    def work(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        k = cnt[lo:hi]
        ch = np.repeat(np.arange(lo, hi), k)
        first = np.cumsum(k) - k
        seg = pseg[np.repeat(pstart[parent[lo:hi]] - first, k) + np.arange(int(k.sum()))]
        d = point_segment_distance(cx[ch], cy[ch], a[0][seg], a[1][seg], b[0][seg],
                                   b[1][seg])
        bst = np.minimum.reduceat(d, first) if len(d) else np.zeros(0)
        best[lo:hi] = bst
        if r <= 0:
            return ch[:0], seg[:0]
        keep = d <= bst[ch - lo] + 2 * r
        return ch[keep], seg[keep]

    # numpy releases the GIL: two threads, two cores
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(work, cuts[:-1], cuts[1:]))
    kept_c = [c for c, _ in done]
    kept_s = [sg for _, sg in done]
    if r <= 0:
        return best, np.zeros(1, np.int64), np.zeros(0, np.int64)
    c = np.concatenate(kept_c) if kept_c else np.zeros(0, np.int64)
    sg = np.concatenate(kept_s) if kept_s else np.zeros(0, np.int64)
    return best, np.searchsorted(c, np.arange(n + 1)), sg


def grid_cells(ix: np.ndarray, iy: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct cells of integer cell indices ``(ix, iy)``: (cell x, cell y) sorted as
    ``np.unique`` sorts ``(ix, iy)`` pairs, the cell of each point (``inv``), and one
    point of each cell (``member``; not always the first).

    Where the cells' bounding grid is small beside the points (the grids of the checks:
    ~10^5 cells of 250 m over a city, 10^6 points) they are found by marking a dense
    array, not sorting the points (``np.unique``'s sort was ~0.1 s per grid at 1M,
    issue 17)."""
    n = len(ix)
    x0, y0 = int(ix.min()), int(iy.min())
    w = int(iy.max()) - y0 + 1
    span = (int(ix.max()) - x0 + 1) * w
    key = (ix - x0) * w + (iy - y0)
    if span <= 4 * n + 4096:
        present = np.zeros(span, bool)
        present[key] = True
        cell = np.flatnonzero(present)
        rank = np.cumsum(present, dtype=np.int64)
        rank -= 1
        inv = rank[key]
        member = np.empty(len(cell), np.int64)
        member[inv] = np.arange(n, dtype=np.int64)
    else:
        cell, member, inv = np.unique(key, return_index=True, return_inverse=True)
        inv = inv.ravel()
    return cell // w + x0, cell % w + y0, inv, member


def nearest_distance(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray,
                     levels: tuple[float, ...] = (4000.0, 1000.0, 250.0),
                     chunk: int = 250_000) -> np.ndarray:
    """Distance from each point to the nearest of the segments a-b (metres).

    A point within ``r`` (half diagonal) of a cell centre whose nearest segment is ``dc``
    away has its own nearest segment within ``dc + 2r`` of that centre: the segments are
    narrowed per cell of the coarsest grid (an STRtree query), then per cell of each finer
    grid nested in it (numpy), and each point is measured to its finest cell's few only.
    The minimum over the same pointToSegment values GEOS takes
    (:func:`point_segment_distance`); pairs are made a ``chunk`` at a time."""
    n = len(x)
    if n == 0 or not len(a):
        return np.full(n, np.inf)
    ab = tuple(np.ascontiguousarray(v) for v in (a[:, 0], a[:, 1], b[:, 0], b[:, 1]))
    fine = levels[-1]
    steps = [int(round(s / fine)) for s in levels]  # each level a multiple of the finest
    fx, fy = np.floor(x / fine).astype(np.int64), np.floor(y / fine).astype(np.int64)
    parent_of = None  # per point: its cell at the previous level
    pstart = pseg = None
    for lev, m in enumerate(steps):
        size = fine * m
        gx, gy, inv, first = grid_cells(np.floor_divide(fx, m), np.floor_divide(fy, m))
        cx, cy = (gx + 0.5) * size, (gy + 0.5) * size
        r = size * np.sqrt(0.5) + 0.01  # half diagonal, with a centimetre for rounding
        if lev == 0:
            tree = shapely.STRtree(shapely.linestrings(np.stack([a, b], axis=1)))
            centres = shapely.points(cx, cy)
            (src, _t), d = tree.query_nearest(centres, return_distance=True)
            dc = np.full(len(cx), np.inf)
            np.minimum.at(dc, src, d)
            ci, cj = tree.query(centres, predicate="dwithin", distance=dc + 2 * r)
            o = np.argsort(ci, kind="stable")
            pstart, pseg = np.searchsorted(ci[o], np.arange(len(cx) + 1)), cj[o]
        else:
            _, pstart, pseg = _narrow(cx, cy, parent_of[first], pstart, pseg, ab[:2], ab[2:],
                                      r, chunk)
        parent_of = inv
    order = np.argsort(parent_of, kind="stable")  # points by cell: pairs in cell order
    best, _, _ = _narrow(x[order], y[order], parent_of[order], pstart, pseg, ab[:2], ab[2:],
                         0.0, chunk)
    out = np.empty(n)
    out[order] = best
    return out


def contains_points(area: object, x: np.ndarray, y: np.ndarray, cell: float = 2000.0,
                    ) -> np.ndarray:
    """``shapely.contains_xy(area, x, y)`` for many points, decided per grid cell where a
    cell lies wholly in the area's interior or wholly apart from it, point by point only
    in the cells its boundary crosses (at 1M outfalls over a city: a few thousand cells,
    most of them decided, ~4x fewer point tests, issue 17).

    A cell's box is grown by a centimetre, so a point whose cell index rounding put just
    outside its box is still in it: a grown box in the interior holds only interior
    points, one apart from the area only points apart from it."""
    n = len(x)
    out = np.zeros(n, bool)
    if n < 4096:  # the grid's fixed cost would not pay
        return np.asarray(shapely.contains_xy(area, x, y), bool) if n else out
    gx, gy, inv, _ = grid_cells(np.floor(x / cell).astype(np.int64),
                                np.floor(y / cell).astype(np.int64))
    pad = 0.01
    boxes = shapely.box(gx * cell - pad, gy * cell - pad, (gx + 1) * cell + pad,
                        (gy + 1) * cell + pad)
    inside = np.asarray(shapely.contains_properly(area, boxes), bool)
    apart = np.asarray(shapely.disjoint(area, boxes), bool)
    out[inside[inv]] = True
    test = np.flatnonzero(~(inside | apart)[inv])
    if len(test):
        out[test] = shapely.contains_xy(area, x[test], y[test])
    return out


def tenths(v: np.ndarray, digits: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(k, ok): ``round(v, digits) == k / 10**digits`` and ``f"{v:.{digits}f}"`` is k's
    digits where ``ok``.

    Python rounds the exact binary value (correctly rounded); ``rint(v * 10**digits)``
    agrees except where the product lies within its rounding error of a tie: those, and
    values negative, not finite or huge, are not ``ok`` (made in Python by the caller)."""
    v = np.asarray(v, np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        t = v * float(10 ** digits)
        ok = np.isfinite(t) & (v >= 0) & ~np.signbit(v) & (t < 1e14)
        t = np.where(ok, t, 0.0)
        off = np.abs(t - np.floor(t) - 0.5)  # distance from the tie between two integers
        ok &= off > 1e-9 * np.maximum(1.0, t)
    return np.rint(t).astype(np.int64), ok
