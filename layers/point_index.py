"""Mercator x/y of a point layer bucketed on a grid: viewport queries and identify, no shapely.

Qt-free.  A point layer keeps no Mercator copy of its geometries and no STRtree: at a
million outfalls the Mercator Points cost ~160 MB and their STRtree ~90 MB more and 1-2 s
to build.  Two float arrays sorted into a 256 x 256 grid of buckets answer everything the
map asks of a point layer — what is in this box (rendering, labels), what is within this
many pixels of the cursor (identify), which points fall in this zone (side panel) — with a
few slices of contiguous memory.
"""

from __future__ import annotations

import numpy as np
import shapely

from geodata.gil_slices import SMALL_SLICE, in_worker_slices, take
from layers.mercator import to_mercator

#: Buckets of the grid index per side.
GRID = 256


class PointIndex:
    """Mercator coordinates of a point layer bucketed on a grid for viewport queries."""

    def __init__(self, x: np.ndarray, y: np.ndarray, exact: bool = True) -> None:
        ok = np.isfinite(x) & np.isfinite(y)
        self.n = len(x)
        #: True when every row is one point, so distances here are the features' distances
        #: (multipoints are indexed by one representative point each: not exact).
        self.exact = exact
        if not ok.any():
            x, y, ok = np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool)
        self.x0, self.y0 = (float(x[ok].min()), float(y[ok].min())) if ok.any() else (0.0, 0.0)
        x1, y1 = (float(x[ok].max()), float(y[ok].max())) if ok.any() else (1.0, 1.0)
        #: the points' extent (a query covering it takes every point without a test)
        self.x1, self.y1 = x1, y1
        self.sx = max((x1 - self.x0) / GRID, 1e-9)
        self.sy = max((y1 - self.y0) / GRID, 1e-9)
        rows = np.flatnonzero(ok)
        cell = self._row(y[rows]) * GRID + self._col(x[rows])
        order = np.argsort(cell, kind="stable")
        #: feature row of each sorted point, and the sorted coordinates
        self.rows = rows[order].astype(np.int64)
        self.x = np.ascontiguousarray(x[self.rows])
        self.y = np.ascontiguousarray(y[self.rows])
        self.ptr = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=GRID * GRID))])

    @classmethod
    def from_geometries(cls, geoms: np.ndarray) -> PointIndex:
        """From lon/lat point geometries (None/empty rows are skipped)."""
        geoms = np.asarray(geoms, dtype=object)
        x = np.full(len(geoms), np.nan)
        y = np.full(len(geoms), np.nan)
        exact = True
        if len(geoms):
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            present = geoms if ok.all() else take(geoms, np.flatnonzero(ok))
            # get_coordinates holds the GIL (~50 ms a million points quiet, up to ~200 ms
            # with the other core busy), get_x/get_y do not but would say NaN for a
            # one-point multipoint: the same call, in slices of 16k (64k held it 13 ms)
            xy = np.concatenate(in_worker_slices(shapely.get_coordinates, present,
                                                 SMALL_SLICE))
            if len(xy) == int(ok.sum()):  # exactly one coordinate per point
                mx, my = to_mercator(xy[:, 0], xy[:, 1])
                x[ok], y[ok] = mx, my
            else:  # multipoints or odd rows: fall back to one representative point each
                exact = False
                rep = shapely.point_on_surface(present)
                mx, my = to_mercator(shapely.get_x(rep), shapely.get_y(rep))
                x[ok], y[ok] = mx, my
        return cls(x, y, exact)

    @classmethod
    def from_lonlat(cls, lonlat: np.ndarray) -> PointIndex:
        """From the (n, 2) lon/lat of n points (NaN: a row without one), as
        :meth:`from_geometries` gives for the Points made of them."""
        x, y = to_mercator(lonlat[:, 0], lonlat[:, 1])
        return cls(x, y, True)

    def _col(self, x: np.ndarray) -> np.ndarray:
        return np.clip(((x - self.x0) / self.sx).astype(np.int64), 0, GRID - 1)

    def _row(self, y: np.ndarray) -> np.ndarray:
        return np.clip(((y - self.y0) / self.sy).astype(np.int64), 0, GRID - 1)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Extent of the indexed points (Mercator), None when there are none."""
        if len(self.x) == 0:
            return None
        return (float(self.x.min()), float(self.y.min()), float(self.x.max()),
                float(self.y.max()))

    def query(self, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Positions (into the sorted arrays) of the points inside ``bbox`` (Mercator)."""
        if len(self.x) == 0:
            return np.zeros(0, dtype=np.int64)
        bx0, by0, bx1, by1 = bbox
        if bx1 < self.x0 or by1 < self.y0 or bx0 > self.x0 + GRID * self.sx \
                or by0 > self.y0 + GRID * self.sy:
            return np.zeros(0, dtype=np.int64)
        if bx0 <= self.x0 and by0 <= self.y0 and bx1 >= self.x1 and by1 >= self.y1:
            # every point (the full extent): no buckets to gather nor rim to test — at 1M
            # those were ~20 ms of a render thread holding the GIL
            return np.arange(len(self.x), dtype=np.int64)
        c0, c1 = int(self._col(np.array(bx0))), int(self._col(np.array(bx1)))
        r0, r1 = int(self._row(np.array(by0))), int(self._row(np.array(by1)))
        starts = self.ptr[np.arange(r0, r1 + 1) * GRID + c0]
        ends = self.ptr[np.arange(r0, r1 + 1) * GRID + c1 + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        # buckets on the rim of the box are only partly inside it
        x, y = self.x[pos], self.y[pos]
        inside = (x >= bx0) & (x <= bx1) & (y >= by0) & (y <= by1)
        return pos if inside.all() else pos[inside]

    def rows_in(self, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Feature rows inside ``bbox`` (Mercator), ascending."""
        return np.sort(self.rows[self.query(bbox)])

    def near(self, x: float, y: float, radius: float) -> tuple[np.ndarray, np.ndarray]:
        """Feature rows within ``radius`` of (x, y), nearest first, and their distances.

        Equal distances (points on the same spot) come in row order.  What identify needs
        for a point layer, without shapely objects or an STRtree.
        """
        pos = self.query((x - radius, y - radius, x + radius, y + radius))
        d = np.hypot(self.x[pos] - x, self.y[pos] - y)
        keep = d <= radius
        rows, d = self.rows[pos[keep]], d[keep]
        order = np.lexsort((rows, d))
        return rows[order], d[order]

    def intersecting(self, geom: shapely.Geometry) -> np.ndarray:
        """Feature rows whose point intersects ``geom`` (Mercator; boundary counts), ascending.

        The same rows as ``STRtree(points).query(geom, predicate="intersects")``.
        """
        if geom is None or shapely.is_empty(geom):
            return np.zeros(0, dtype=np.int64)
        pos = self.query(tuple(float(v) for v in shapely.bounds(geom)))  # type: ignore[arg-type]
        if len(pos) == 0:
            return np.zeros(0, dtype=np.int64)
        if len(pos) > 64:  # many points: a prepared copy (the caller's object stays as it is)
            geom = shapely.from_wkb(shapely.to_wkb(geom))
            shapely.prepare(geom)
        hit = shapely.intersects_xy(geom, self.x[pos], self.y[pos])
        return np.sort(self.rows[pos[hit]])

    def moved(self, rows: np.ndarray, x: np.ndarray, y: np.ndarray) -> PointIndex | None:
        """A new index with feature ``rows`` at Mercator (``x``, ``y``), the others where
        they are; this one is left as it is (a render thread may be reading it).

        Takes the rows out of their buckets and puts them at the end of their new ones:
        a few copies of the arrays, no sort.  None when a new point is not finite or falls
        outside this grid's extent (the caller builds a new index then), or when a row is
        not indexed here.
        """
        rows = np.asarray(rows, dtype=np.int64)
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if len(rows) == 0:
            return self
        if len(np.unique(rows)) != len(rows) or not (np.isfinite(x).all()
                                                     and np.isfinite(y).all()):
            return None
        if (x < self.x0).any() or (y < self.y0).any() \
                or (x > self.x0 + GRID * self.sx).any() or (y > self.y0 + GRID * self.sy).any():
            return None
        out = PointIndex.__new__(PointIndex)
        out.n, out.exact, out.x0, out.y0, out.sx, out.sy = (self.n, self.exact, self.x0,
                                                            self.y0, self.sx, self.sy)
        # (the points moved out of the old extent widen it: still inside the grid)
        out.x1, out.y1 = max(self.x1, float(x.max())), max(self.y1, float(y.max()))
        gone = np.isin(self.rows, rows)
        if int(gone.sum()) != len(rows):
            return None
        old_cells = np.searchsorted(self.ptr, np.flatnonzero(gone), side="right") - 1
        counts = np.diff(self.ptr) - np.bincount(old_cells, minlength=GRID * GRID)
        keep = ~gone
        kept_rows, kept_x, kept_y = self.rows[keep], self.x[keep], self.y[keep]
        kept_ptr = np.concatenate([[0], np.cumsum(counts)])
        cell = self._row(y) * GRID + self._col(x)
        # in cell order: points for neighbouring cells empty among the kept ones share a spot
        by_cell = np.argsort(cell, kind="stable")
        rows, x, y, cell = rows[by_cell], x[by_cell], y[by_cell], cell[by_cell]
        at = kept_ptr[cell + 1]  # the end of each new point's bucket among the kept points
        out.rows = np.insert(kept_rows, at, rows)
        out.x = np.insert(kept_x, at, x)
        out.y = np.insert(kept_y, at, y)
        out.ptr = np.concatenate([[0], np.cumsum(counts + np.bincount(
            cell, minlength=GRID * GRID))])
        return out

    def coordinates_of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mercator x, y of feature ``rows`` (NaN for rows not indexed)."""
        rows = np.asarray(rows, dtype=np.int64)
        x, y = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        if len(rows):
            order = np.argsort(rows)
            pos = np.flatnonzero(np.isin(self.rows, rows))
            found = self.rows[pos]
            at = np.searchsorted(rows[order], found)
            x[order[at]], y[order[at]] = self.x[pos], self.y[pos]
        return x, y

    def coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """Mercator x, y per feature row (NaN for rows without a point); a new pair of arrays."""
        x = np.full(self.n, np.nan)
        y = np.full(self.n, np.nan)
        x[self.rows], y[self.rows] = self.x, self.y
        return x, y
