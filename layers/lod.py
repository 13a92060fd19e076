"""Screen-ready coordinate arrays: geometries flattened to rings, simplified per zoom level.

A layer's geometries are projected to Web Mercator once.  For each level of detail (the
tile zoom level whose resolution is just below the view's) they are simplified at one
pixel of that level and flattened into one coordinate array with ring offsets and the
feature each ring belongs to -- only the features a view asks for, the others when a later
view does.  Painters turn the arrays into one path per style category
(a single ``QPainterPath`` per category instead of one per feature).
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from geodata import gil_slices
from layers.mercator import R, level_resolution, to_mercator
from layers.render_data import Rings, _gather

#: the work flattened per call in a worker, in coordinates (~2-3 ms): shapely's parts,
#: rings and coordinates are made with the GIL held (20k simplified control units' parts in
#: one call held it ~50 ms); a geometry costs as much as ~150 coordinates (its new objects)
FLATTEN_SLICE = 100_000
GEOMETRY_WEIGHT = 150


def flatten(geoms: np.ndarray) -> Rings:
    """Flatten polygons (to their rings) or lines (to their parts); in a worker ~100k
    coordinates a call, with the GIL handed over between them."""
    geoms = np.asarray(geoms)
    if not gil_slices.in_worker():  # the GUI thread or a command: one call
        return _flatten(geoms)
    spans = list(gil_slices.weighted_slices(
        shapely.get_num_coordinates(geoms) + GEOMETRY_WEIGHT, FLATTEN_SLICE)) \
        if len(geoms) else [slice(0, 0)]
    if len(spans) == 1:
        return _flatten(geoms)
    parts = [(_flatten(geoms[span]), span.start) for span in spans]
    ends = np.cumsum([len(r.xy) for r, _ in parts])
    return Rings(np.concatenate([r.xy for r, _ in parts]),
                 np.concatenate([[0]] + [r.offsets[1:] + (ends[k - 1] if k else 0)
                                         for k, (r, _) in enumerate(parts)]).astype(np.int64),
                 np.concatenate([r.feature + start for r, start in parts]).astype(np.int64))


def _flatten(geoms: np.ndarray) -> Rings:
    if len(geoms) == 0:
        return Rings(np.zeros((0, 2)), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    parts, part_feat = shapely.get_parts(geoms, return_index=True)
    is_poly = shapely.get_type_id(parts) == 3
    pieces = []
    feats = []
    if is_poly.any():
        rings, ring_part = shapely.get_rings(parts[is_poly], return_index=True)
        pieces.append(rings)
        feats.append(part_feat[is_poly][ring_part])
    lines = parts[~is_poly & (shapely.get_type_id(parts) == 1)]
    if len(lines):
        pieces.append(lines)
        feats.append(part_feat[~is_poly & (shapely.get_type_id(parts) == 1)])
    if not pieces:
        return Rings(np.zeros((0, 2)), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    allr = np.concatenate(pieces)
    feat = np.concatenate(feats).astype(np.int64)
    xy, ridx = shapely.get_coordinates(allr, return_index=True)
    counts = np.bincount(ridx, minlength=len(allr))
    keep = counts >= 2
    offsets = np.concatenate([[0], np.cumsum(counts[keep])]).astype(np.int64)
    return Rings(xy, offsets, feat[keep])


#: Below this many geometries a zoom level is simplified in one call.
SPLIT_MIN = 2_000
_helper: ThreadPoolExecutor | None = None
_helper_lock = threading.Lock()


def _simplify(geoms: np.ndarray, tol: float, polygonal: bool) -> np.ndarray:
    simple = shapely.simplify(geoms, tol, preserve_topology=False)
    # Exterior counter-clockwise, holes clockwise: a winding fill then keeps holes and
    # overlapping features of one category merge without odd-even artefacts.
    return shapely.orient_polygons(simple) if polygonal else simple


def simplify_level(geoms: np.ndarray, tol: float, polygonal: bool) -> np.ndarray:
    """:func:`_simplify` of ``geoms``, the two halves on two cores when there are many.

    GEOS runs without the GIL, so the render thread and one helper thread simplify at
    once (the first render at 1M: 20k units, 2.6M vertices).  The helper only ever runs
    GEOS calls on its own half (no pyproj, no Qt), so it needs no
    :class:`ui.background.Runner`; ``models.spatial_join`` splits its test the same way.
    """
    if len(geoms) < SPLIT_MIN or (os.cpu_count() or 1) < 2:
        return _simplify(geoms, tol, polygonal)
    global _helper
    with _helper_lock:
        if _helper is None:
            _helper = ThreadPoolExecutor(1, thread_name_prefix="ecozone-lod")
    mid = len(geoms) // 2
    first = _helper.submit(_simplify, geoms[:mid], tol, polygonal)
    second = _simplify(geoms[mid:], tol, polygonal)
    return np.concatenate([first.result(), second])


class _Level:
    """One zoom level: the rings of the features simplified so far, in feature order."""

    def __init__(self, n: int) -> None:
        self.done = np.zeros(n, dtype=bool)
        self.rings = Rings(np.zeros((0, 2)), np.zeros(1, dtype=np.int64),
                           np.zeros(0, dtype=np.int64))

    def add(self, new: Rings, feats: np.ndarray) -> None:
        """Merge the rings of features ``feats`` (not done before) into this level."""
        self.done[feats] = True
        if new.n_rings == 0:
            return
        old = self.rings
        if old.n_rings == 0:
            self.rings = new
            return
        # Ring order stays the one flatten() gives the whole level (by feature, a feature's
        # rings in their own order), so painting is the same as with a full level.
        feature = np.concatenate([old.feature, new.feature])
        lengths = np.concatenate([np.diff(old.offsets), np.diff(new.offsets)])
        starts = np.concatenate([old.offsets[:-1], new.offsets[:-1] + len(old.xy)])
        order = np.argsort(feature, kind="stable")
        self.rings = _gather(np.concatenate([old.xy, new.xy]), starts[order], lengths[order],
                             feature[order])


class LodCache:
    """Simplified, flattened geometry per zoom level and feature, computed on first use
    (thread-safe); the rings are always in Web Mercator metres.

    A level simplifies only the features asked for (those in view): the first render at a
    new zoom level in a zoomed-in view costs its few features, not the whole layer, and a
    pan adds just the features that come into view.

    ``lonlat``: ``geoms`` are CGCS2000 lon/lat, not Mercator.  They are simplified where
    they are and only the few vertices left are projected: projecting every vertex first
    (a shapely geometry per feature rebuilt with all its coordinates) was most of a cold
    render's geometry time -- 125k vertices of 1 000 units ~8 ms, 636k of 5 000 ~40 ms.
    Web Mercator stretches a degree of latitude by 1/cos(lat) against one of longitude, so
    the tolerance in degrees is one pixel at the layer's highest latitude: nowhere more
    than a pixel in Mercator, at most ~2 % finer than one across a city.  Mercator keeps
    both axes' order, so rings keep their orientation.
    """

    def __init__(self, geoms: np.ndarray, polygonal: bool, lonlat: bool = False) -> None:
        self.geoms = geoms
        self.polygonal = polygonal
        self.lonlat = lonlat
        self._deg_per_m = 1.0
        if lonlat:
            b = shapely.total_bounds(geoms) if len(geoms) else np.zeros(4)
            lat = max(abs(float(b[1])), abs(float(b[3]))) if np.isfinite(b).all() else 0.0
            self._deg_per_m = math.degrees(1.0 / R) * math.cos(math.radians(min(lat, 85.06)))
        self._levels: dict[int, _Level] = {}
        #: per level, the features a thread is simplifying now and the event it sets
        self._busy: dict[int, list[tuple[np.ndarray, threading.Event]]] = {}
        self._lock = threading.Lock()

    def rings(self, level: int, mask: np.ndarray | None = None, wait: bool = True,
              ) -> Rings:
        """Rings of the features where ``mask`` is true (all features without a mask),
        simplified at one pixel of ``level``.

        Features another thread is simplifying at that level are waited for, not done
        twice (the renderer simplifies geometry ahead of its painting in a second thread:
        ``MapLayer.prefetch``).  ``wait`` False: do not wait for them (the rings returned
        may then lack them); the thread working ahead goes on to the next layer."""
        with self._lock:
            lv = self._levels.get(level)
            if lv is None:
                lv = self._levels[level] = _Level(len(self.geoms))
            missing = ~lv.done if mask is None else mask & ~lv.done
            waits = []
            for busy, done in self._busy.get(level, ()):
                if missing[busy].any():
                    missing[busy] = False
                    waits.append(done)
            feats = np.flatnonzero(missing)
            mine = None
            if len(feats):
                mine = (feats, threading.Event())
                self._busy.setdefault(level, []).append(mine)
        if mine is not None:
            try:
                self._simplify(lv, level, feats)
            finally:
                with self._lock:  # by identity (== would compare the arrays)
                    self._busy[level] = [b for b in self._busy[level] if b is not mine]
                mine[1].set()
        for done in waits if wait else ():
            done.wait()
        with self._lock:
            hit = lv.rings
        return hit if mask is None else hit.select(mask)

    def _simplify(self, lv: _Level, level: int, feats: np.ndarray) -> None:
        """Simplify features ``feats`` (claimed by this thread) into level ``lv``."""
        tol = level_resolution(level) * self._deg_per_m
        # Plain Douglas-Peucker at 1 px: whatever it collapses or self-crosses is below
        # a pixel, and it is ~17x faster than the topology-preserving variant (1.7 s ->
        # 0.1 s for 20k units on a cold render; bench/README.md).  Collapsed parts come
        # back empty and are skipped by flatten().
        new = flatten(simplify_level(self.geoms[feats], tol, self.polygonal))
        xy = new.xy
        if self.lonlat and len(xy):
            xy = np.column_stack(to_mercator(xy[:, 0], xy[:, 1]))
        new = Rings(xy, new.offsets, feats[new.feature])
        with self._lock:
            lv.add(new, feats)

    def clear(self) -> None:
        with self._lock:
            self._levels.clear()
