"""Which features are under the cursor, with a tolerance in pixels.

Polygons and lines: the layer's STRtree.  Point layers: their grid index
(:class:`~layers.point_index.PointIndex`), which answers the same question with no
Mercator Points and no tree (at a million outfalls those cost ~250 MB and seconds).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import NamedTuple, overload

import numpy as np
import shapely

from layers.map_layer import MapLayer
from layers.map_model import MapModel
from layers.style import QUERY_ORDER
from models.text_columns import KeyArray

TOLERANCE_PX = 8.0


class Hit(NamedTuple):
    """One feature under the cursor.  A named tuple, not a frozen dataclass: a click at
    a small scale on 1M outfalls lands within the tolerance of ~1 600 of them, and a
    frozen dataclass's ``__init__`` (``object.__setattr__`` per field) made their hits in
    1.8 ms of the click's turn, a tuple in 0.7 ms."""

    layer: str
    # map row in the layer's drawable frame: for drawing only, never identity (the
    # field shadows tuple.index, which nothing here calls)
    index: int  # type: ignore[assignment]
    distance_px: float
    key: str = ""  # the feature's stable key (code or fid): what leaves the map


#: hits made at a time when iterated (their keys in one Arrow take)
_CHUNK = 64


class Hits(Sequence[Hit]):
    """The hits of one hit test, topmost first, each :class:`Hit` made when it is read.

    A click at a small scale on a million outfalls lands within the tolerance of ~1 600
    of them; their hits and keys were ~2 ms of the click's turn
    (bench/bench_clicks.py), and the click reads the first one, the side panel its first
    :data:`~ui.side_panel.OVERLAPS_LISTED` and how many there are.  The keys are read
    from the layer's keys as they were at the hit test (an edit makes new ones), as
    when every hit was made at once."""

    __slots__ = ("_parts", "_ends")

    def __init__(self, parts: Sequence[tuple[str, np.ndarray, np.ndarray, KeyArray]] = ()) -> None:
        """``parts``: per layer (name, map rows, distances in pixels, the layer's keys)."""
        self._parts = [p for p in parts if len(p[1])]
        self._ends: list[int] = np.cumsum([len(p[1]) for p in self._parts]).tolist()

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, i: int) -> Hit: ...

    @overload
    def __getitem__(self, i: slice) -> Hits: ...

    def __getitem__(self, i: int | slice) -> Hit | Hits:
        if isinstance(i, slice):
            return self._slice(i)
        n = len(self)
        at = i + n if i < 0 else i
        if not 0 <= at < n:
            raise IndexError("hit index out of range")
        k = bisect_right(self._ends, at)
        name, rows, dist, keys = self._parts[k]
        j = at - (self._ends[k - 1] if k else 0)
        row = int(rows[j])
        key = keys[row]
        return Hit(name, row, float(dist[j]), key if type(key) is str else str(key))

    def _slice(self, s: slice) -> Hits:
        start, stop, step = s.indices(len(self))
        if step != 1:  # a hit at a time (nothing here slices with a step)
            one = []
            for at in range(start, stop, step):
                k = bisect_right(self._ends, at)
                name, rows, dist, keys = self._parts[k]
                j = at - (self._ends[k - 1] if k else 0)
                one.append((name, rows[j:j + 1], dist[j:j + 1], keys))
            return Hits(one)
        parts, begin = [], 0
        for (name, rows, dist, keys), end in zip(self._parts, self._ends, strict=True):
            lo, hi = max(start, begin) - begin, min(stop, end) - begin
            if lo < hi:
                parts.append((name, rows[lo:hi], dist[lo:hi], keys))
            begin = end
        return Hits(parts)

    def __iter__(self) -> Iterator[Hit]:
        for name, rows, dist, keys in self._parts:
            for lo in range(0, len(rows), _CHUNK):
                at = rows[lo:lo + _CHUNK]
                found = keys[at].tolist()
                yield from (Hit(name, r, d, k if type(k) is str else str(k)) for r, d, k in
                            zip(at.tolist(), dist[lo:lo + _CHUNK].tolist(), found, strict=True))

    def nearest_of(self, layers: set[str] | frozenset[str]) -> list[Hit]:
        """The nearest hit of each of ``layers`` hit (a layer's hits are nearest first),
        made without the others."""
        return [self[self._ends[k] - len(p[1])] for k, p in enumerate(self._parts)
                if p[0] in layers]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Hits, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Hits({list(self)!r})"


def hits(model: MapModel, x: float, y: float, res: float,
         tolerance_px: float = TOLERANCE_PX, layers: tuple[str, ...] = QUERY_ORDER,
         ) -> Hits:
    """Features of visible queryable layers at Mercator (x, y), topmost layer first.

    Points and lines within ``tolerance_px`` pixels count; polygons count when they contain
    the point or lie within the tolerance of it.  Within a layer, nearest first (and for
    polygons, smaller first, so a zone inside a zone is picked before its container).
    """
    pt = shapely.Point(x, y)
    tol = tolerance_px * res
    probe = shapely.box(x - tol, y - tol, x + tol, y + tol)
    out: list[tuple[str, np.ndarray, np.ndarray, KeyArray]] = []
    order = [n for n in layers if model.get(n) is not None]
    # respect the user's drawing order: the layer drawn last is on top
    names = model.names()
    order.sort(key=lambda n: -names.index(n))
    for name in order:
        layer = model.get(name)
        if layer is None or not layer.visible or len(layer) == 0:
            continue
        if layer.is_points:
            out.append(_point_hits(layer, x, y, res, tolerance_px))
            continue
        cand = layer.tree.query(probe)
        if len(cand) == 0:
            continue
        cand = cand[layer.visible_mask()[cand]]
        geoms = layer.merc[cand]
        dist = shapely.distance(pt, geoms) / res
        keep = dist <= tolerance_px
        cand, dist = cand[keep], dist[keep]
        if len(cand) == 0:
            continue
        if layer.style.kind == "polygon":
            area = shapely.area(layer.merc[cand])
            order_idx = np.lexsort((area, dist))
        else:
            order_idx = np.argsort(dist, kind="stable")
        out.append((name, cand[order_idx], dist[order_idx], layer.keys))
    return Hits(out)


def _point_hits(layer: MapLayer, x: float, y: float, res: float, tolerance_px: float,
                ) -> tuple[str, np.ndarray, np.ndarray, KeyArray]:
    """Points within ``tolerance_px`` of (x, y) not hidden in the legend, nearest first
    (points on the same spot in row order)."""
    rows, dist = layer.point_index().near(x, y, tolerance_px * res)
    if len(rows) == 0:
        return layer.name, rows, dist, layer.keys
    dist = dist / res
    keep = layer.visible_at(rows) & (dist <= tolerance_px)
    return layer.name, rows[keep], dist[keep], layer.keys
