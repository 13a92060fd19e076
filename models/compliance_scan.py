"""The compliance checks as arrays: one row per finding, no Python object per outfall.

``scan`` runs the checks of :mod:`models.compliance` and returns a :class:`Found`: columns
(outfall row, check, zone, distance, other outfall, missing-field mask) in the order the
checks emit them.  The findings' texts are made from these columns only for the rows that
are shown or exported (``models.compliance.Finding`` per row), so a check of a million
outfalls needs neither a million messages nor a million dicts (issue 17: 83 s and 9.8 GB).

Projected coordinates are arrays (pyproj on the coordinate columns); no shapely Point is
made for an outfall unless a test needs one.  Duplicates are found on a grid of
``duplicate_m`` cells, as the map's point index does (layers/point_index.py); the
point-in-polygon tests run on a grid and prepared polygons (models/spatial_join.py).  The
distances are GEOS's point-to-segment values computed in numpy over the few segments a
grid leaves each point (models/compliance_grid.nearest_distance).  Where the findings'
texts want them (the command line), every point's distance to the water, and to the
city's edge for every point the city does not contain, is measured, and the distance
decides; for the window's flags, which want no distance, "far from water" and "outside
the city" are first decided per grid cell from its centre, only the points of cells the
bound cannot decide tested one by one.  The checks run as jobs on two threads (numpy
and GEOS release the GIL).  The results are the ones the per-outfall checker gave
(tests/models/test_compliance_scale.py at 20k, test_compliance_100k.py at 100k).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata.io import provisional_codes
from models.compliance_grid import (
    close_pairs,
    contains_points,
    grid_cells,
    nearest_distance,
    pieces,
    project,
    project_xy,
    segments,
    tenths,
)
from models.compliance_input import SPACES, CheckInput, bools, from_workspace
from models.spatial_join import point_polygon_pairs

CHECK_IDS = ("in_priority_unit", "in_protected_area", "near_protected_area",
             "possible_duplicate", "missing_fields", "outside_city", "far_from_water",
             "missing_code")
#: grid cells for the water-distance bound: coarse cells first, the undecided ones again
#: in fine cells, the points of cells still undecided one by one
_WATER_CELLS_M = (2000.0, 250.0)
#: vertices per piece of coastline, river or city edge in the nearest-distance trees: short
#: pieces have tight boxes, so the tree prunes to a few segments (the minimum over the same
#: segments, so the same distances as the 64-vertex pieces before, 2x faster)
_PIECE = 8


@dataclass
class Found:
    """The findings as columns, in emission order (see module docstring)."""

    codes: np.ndarray  # str per outfall row
    rows: np.ndarray  # outfall row of each finding
    check: np.ndarray  # index into CHECK_IDS
    zone: np.ndarray  # index into ``zones``, -1 for none
    dist: np.ndarray  # metres, nan for none
    other: np.ndarray  # other outfall row (duplicates), -1 for none
    fmask: np.ndarray  # missing fields: bit k = required field k, bit len = geometry
    zones: list[tuple[str, str, str]] = field(default_factory=list)
    params: dict[str, float] = field(default_factory=dict)
    codes_arrow: Any = None  # ``codes`` as an Arrow string array, when read as one
    #: :func:`code_ranks` of ``codes``, when the scan made them (in a thread of its pool
    #: that had finished its checks); the sort makes them otherwise
    code_rank: tuple[np.ndarray, int] | None = None


class _Cols:
    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, int, Any, Any, Any, Any]] = []

    def add(self, rows: np.ndarray, check: str, zone: Any = -1, dist: Any = np.nan,
            other: Any = -1, fmask: Any = 0) -> None:
        self.parts.append((np.asarray(rows, np.int64), CHECK_IDS.index(check), zone, dist,
                           other, fmask))

    def done(self, codes: np.ndarray, zones: list, params: dict) -> Found:
        def col(i: int, dtype: Any) -> np.ndarray:
            return np.concatenate([np.broadcast_to(np.asarray(p[i], dtype), p[0].shape)
                                   for p in self.parts] or [np.zeros(0, dtype)])
        rows = col(0, np.int64)
        check = np.concatenate([np.full(len(p[0]), p[1], np.int8) for p in self.parts]
                               or [np.zeros(0, np.int8)])
        return Found(codes, rows, check, col(2, np.int32), col(3, np.float64),
                     col(4, np.int64), col(5, np.int64), zones, params)


class _Scan:
    def __init__(self, inp: CheckInput, cfg: Any, distances: bool = True) -> None:
        self.inp, self.cfg = inp, cfg
        #: measure how far outside the city / from water (the texts need it, flags do not)
        self.distances = distances
        self.n = inp.n
        self.codes = inp.codes
        self.valid = inp.valid
        self.idx = np.flatnonzero(self.valid)
        #: every location a single point (as the schema has it): the grids apply
        self.points = inp.points
        if self.points:
            self.x, self.y = project_xy(inp.lon, inp.lat)
            self._pts_m: Any = None
        else:  # other geometries: measured as they are, without the grids
            self._pts_m = project(inp.geoms)
        self.zones: list[tuple[str, str, str]] = []
        self._zone_ix: dict[tuple[int, int], int] = {}

    def npts(self) -> int:
        return len(self.idx)

    def pts(self, sel: Any = slice(None)) -> np.ndarray:
        """The valid outfalls' geometries (lon/lat), or those of ``sel``."""
        if self.points:
            return shapely.points(self.inp.lon[sel], self.inp.lat[sel])
        return np.asarray(self.inp.geoms[sel])

    def pts_m(self, sel: Any = slice(None)) -> np.ndarray:
        """The valid outfalls projected (Points made only for ``sel``)."""
        if self.points:
            return shapely.points(self.x[sel], self.y[sel])
        return np.asarray(self._pts_m[sel])

    def layer(self, name: str) -> Any:
        return self.inp.layer(name)

    def zone_index(self, frame: Any, ii: np.ndarray, names: Any) -> np.ndarray:
        """Indices into ``self.zones`` of rows ``ii`` of a zone layer, names made once
        (-1 when no ``names``: the flags need none)."""
        if names is None:
            return np.full(len(ii), -1, np.int32)
        uniq, inv = np.unique(ii, return_inverse=True)
        out = np.empty(len(uniq), np.int32)
        new = [i for i in uniq.tolist() if (id(frame), i) not in self._zone_ix]
        for i, n in zip(new, names(frame, new) if new else [], strict=True):
            self._zone_ix[(id(frame), i)] = len(self.zones)
            self.zones.append(n)
        for k, i in enumerate(uniq.tolist()):
            out[k] = self._zone_ix[(id(frame), i)]
        return out[inv.ravel()]

    def _inside(self, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, polygon) pairs where a valid outfall intersects a polygon, in the order
        ``STRtree(geoms).query(points, predicate="intersects")`` gives them (the old
        checker's order, which decides the first area of an outfall in two).  Points: a
        grid and prepared polygons (models/spatial_join.py), and the tree only for the
        few points in more than one polygon."""
        if not self.points:
            return shapely.STRtree(geoms).query(self.pts(), predicate="intersects")
        p, g = point_polygon_pairs(np.column_stack([self.inp.lon, self.inp.lat]), geoms,
                                   threads=1)
        multi = np.flatnonzero(np.bincount(p, minlength=self.npts()) > 1)
        if len(multi):
            mp, mg = shapely.STRtree(geoms).query(self.pts(multi), predicate="intersects")
            keep = ~np.isin(p, multi)
            p = np.concatenate([p[keep], multi[mp]])
            g = np.concatenate([g[keep], mg])
            o = np.argsort(p, kind="stable")
            p, g = p[o], g[o]
        return p, g

    def in_zones(self, names: Any) -> list:
        out = _Cols()
        units = self.layer("control_units")
        if units is not None and len(units) and "unit_class" in units:
            cls = np.asarray(units["unit_class"].astype(str).str.strip())
            prio = units[cls == "1"].reset_index(drop=True)
            p, u = self._inside(np.asarray(prio.geometry.values, dtype=object))
            out.add(self.idx[p], "in_priority_unit", zone=self.zone_index(prio, u, names))
        pa = self.layer("protected_areas")
        if pa is None or not len(pa):
            return out.parts
        pa = pa.reset_index(drop=True)
        p, a = self._inside(np.asarray(pa.geometry.values, dtype=object))
        first = np.zeros(len(p), bool)  # the first area an outfall falls in, as before
        _, at = np.unique(p, return_index=True)
        first[at] = True
        out.add(self.idx[p[first]], "in_protected_area",
                zone=self.zone_index(pa, a[first], names))
        inside = np.unique(p)
        near = self.cfg.near_protected_m
        if near <= 0:
            return out.parts
        pa_m = project(np.asarray(pa.geometry.values, dtype=object))
        cand = self._near_boxes(pa_m, near)
        ps, as_ = shapely.STRtree(pa_m).query(self.pts_m(cand), predicate="dwithin",
                                              distance=near)
        ps = cand[ps]
        keep = ~np.isin(ps, inside)
        ps, as_ = ps[keep], as_[keep]
        dist = shapely.distance(self.pts_m(ps), pa_m[as_])
        order = np.lexsort((dist, ps))  # by outfall, nearest area first
        first = np.ones(len(order), bool)
        first[1:] = ps[order][1:] != ps[order][:-1]
        k = order[first]
        out.add(self.idx[ps[k]], "near_protected_area",
                zone=self.zone_index(pa, as_[k], names), dist=dist[k])
        return out.parts

    def _near_boxes(self, geoms_m: np.ndarray, d: float) -> np.ndarray:
        """Valid outfalls (indices into pts) inside some geometry's box grown by ``d`` and
        a metre: the only ones a ``dwithin`` query can pair (no Point for the others)."""
        if not self.points:
            return np.arange(self.npts())
        b = shapely.bounds(geoms_m)
        b = b[np.isfinite(b).all(axis=1)]
        hit = np.zeros(self.npts(), bool)
        for x0, y0, x1, y1 in (b + np.array([-d - 1, -d - 1, d + 1, d + 1])).tolist():
            hit |= (self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1)
        return np.flatnonzero(hit)

    def duplicates(self) -> list:
        out = _Cols()
        if self.points:
            a, b, d = close_pairs(self.x, self.y, self.cfg.duplicate_m)
        else:
            pts_m = self.pts_m()
            a, b = shapely.STRtree(pts_m).query(pts_m, predicate="dwithin",
                                                distance=self.cfg.duplicate_m)
            keep = a < b
            a, b = a[keep], b[keep]
            d = shapely.distance(pts_m[a], pts_m[b])
        i, j = self.idx[a], self.idx[b]
        out.add(np.column_stack([i, j]).ravel(), "possible_duplicate",
                dist=np.repeat(d, 2), other=np.column_stack([j, i]).ravel())
        return out.parts

    def missing(self) -> list:
        out = _Cols()
        cols = list(self.cfg.required_fields)
        mask = np.zeros(self.n, np.int64)
        for k, f in enumerate(cols):
            blank = self.inp.blank.get(f)
            if blank is not None:
                mask[blank] |= 1 << k
            else:
                mask |= 1 << k
        mask[~self.valid] |= 1 << len(cols)
        rows = np.flatnonzero(mask)
        out.add(rows, "missing_fields", fmask=mask[rows])
        return out.parts

    def uncoded(self) -> list:
        out = _Cols()
        arr = self.inp.codes_arrow
        if arr is None:
            arr = pa.array(self.codes, type=pa.string())
        trimmed = pc.utf8_trim(arr, characters=SPACES)
        bad = bools(pc.or_(pc.equal(trimmed, ""), pc.equal(arr, "None")))
        # the pattern's \d is Python's (any Unicode digit), so it is matched in Python, on
        # the few codes that start like one
        maybe = np.flatnonzero(bools(pc.starts_with(trimmed, provisional_codes.PREFIX)))
        bad[maybe] |= np.asarray([provisional_codes.is_provisional(self.codes[i])
                                  for i in maybe], bool)
        out.add(np.flatnonzero(bad), "missing_code")
        return out.parts

    def city(self) -> list:
        """Outside the city's land and sea (and how far, with ``distances``)."""
        out = _Cols()
        city = self.layer("city")
        if city is None or not len(city):
            city = self.layer("counties")
        if city is not None and len(city):
            area = shapely.union_all(np.asarray(city.geometry.values, dtype=object))
            sea = self.layer("sea")
            if sea is not None and len(sea):
                area = shapely.union(area, shapely.union_all(np.asarray(sea.geometry.values)))
            area_m = project(np.asarray([area], dtype=object))[0]
            shapely.prepare(area_m)
            edge = pieces(np.asarray([area_m], dtype=object), _PIECE)
            tol = self.cfg.city_tolerance_m
            if self.distances and self.points and len(self.idx):
                # the distance is wanted for every outside point anyway: measured for all
                # the points the area does not contain, the cells' bound skipped
                cand = np.flatnonzero(~contains_points(area_m, self.x, self.y))
                outside, dists = self._beyond(shapely.STRtree(edge), edge, cand, tol)
            else:
                outside = self._outside(area_m, shapely.STRtree(edge), tol)
                dists = np.zeros(len(outside))
                if len(outside) and self.distances:  # outside: distance to its boundary
                    dists = self._nearest(shapely.STRtree(edge), edge, outside)
            out.add(self.idx[outside], "outside_city", dist=dists)
        return out.parts

    def water(self) -> list:
        """Farther than ``max_water_distance_m`` from the coastline and rivers."""
        out = _Cols()
        water = [np.asarray(g.geometry.values, dtype=object)
                 for g in (self.layer(n) for n in ("coastline", "rivers"))
                 if g is not None and len(g)]
        if not water:
            return out.parts
        parts = pieces(project(np.concatenate(water)), _PIECE)
        tree = shapely.STRtree(parts)
        lim = self.cfg.max_water_distance_m
        if self.distances and self.points and len(self.idx):
            # every far point's distance is wanted: measured for all, the cells' bound
            # (a query per grid cell, ~0.7 s at 1M) skipped
            far, best = self._beyond(tree, parts, np.arange(self.npts()), lim)
        else:
            far = self._far_from(tree, lim)
            best = self._nearest(tree, parts, far) if self.distances else np.zeros(len(far))
        out.add(self.idx[far], "far_from_water", dist=best)
        return out.parts

    def _beyond(self, tree: shapely.STRtree, parts: np.ndarray, sel: np.ndarray,
                lim: float) -> tuple[np.ndarray, np.ndarray]:
        """Of points ``sel`` (indices into pts), those farther than ``lim`` from every one
        of ``parts`` and their distances.

        The distances are GEOS's own values (:func:`nearest_distance` computes
        ``pointToSegment`` as GEOS does), so ``d > lim`` decides as ``~dwithin`` does;
        the few a rounding might print otherwise are measured by GEOS (:meth:`_nearest`)."""
        if not len(sel):
            return sel, np.zeros(0)
        a, b = segments(parts)
        d = nearest_distance(self.x[sel], self.y[sel], a, b)
        keep = d > lim
        far, best = sel[keep], d[keep]
        redo = np.flatnonzero(~tenths(best)[1] | ~tenths(best / 1000)[1])
        if len(redo):
            best[redo] = self._nearest_geos(tree, parts, far[redo])
        return far, best

    def _cells(self, todo: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Grid cells of side ``s`` of points ``todo``: (centre x, centre y, cell of each
        point)."""
        x, y = self.x[todo], self.y[todo]
        gx, gy, inv, _ = grid_cells(np.floor(x / s).astype(np.int64),
                                    np.floor(y / s).astype(np.int64))
        return (gx + 0.5) * s, (gy + 0.5) * s, inv

    def _outside(self, area_m: Any, edge: shapely.STRtree, tol: float) -> np.ndarray:
        """Points (indices into pts) farther than ``tol`` from the (prepared) area, as
        ``~dwithin(area, point, tol)`` decides.  A cell whose centre lies in the area
        holds only points within its half diagonal ``r`` of it; a centre outside, ``c``
        from the edge, points ``c - r`` to ``c + r`` away: cells decide most points, the
        others are measured (issue 17: a Point and a test for each of 1M)."""
        if not self.points or not len(self.idx):
            return np.flatnonzero(~shapely.dwithin(area_m, self.pts_m(), tol))
        out = np.zeros(self.npts(), bool)
        todo = np.arange(self.npts())
        for s in (2000.0, 250.0):
            if not len(todo):
                break
            r = s * np.sqrt(0.5) + 0.01  # half diagonal, with a centimetre for rounding
            cx, cy, inv = self._cells(todo, s)
            dc = np.zeros(len(cx))
            ins = shapely.contains_xy(area_m, cx, cy)
            o = np.flatnonzero(~ins)
            if len(o):
                dc[o] = _centre_distances(edge, cx[o], cy[o])
            near_cell = dc + r < tol
            far_cell = ~ins & (dc - r > tol)
            out[todo[far_cell[inv]]] = True
            todo = todo[~(near_cell | far_cell)[inv]]
        if len(todo):
            out[todo[~shapely.dwithin(area_m, self.pts_m(todo), tol)]] = True
        return np.flatnonzero(out)

    def _nearest(self, tree: shapely.STRtree, parts: np.ndarray, sel: np.ndarray,
                 ) -> np.ndarray:
        """Distance from points ``sel`` (indices into pts) to the nearest of ``parts``.

        Points: numpy over the segments a grid leaves each point
        (:func:`models.compliance_grid.nearest_distance`, GEOS's formula, 4x faster than
        GEOS at 1M); the few distances numpy might round otherwise than Python at 0.1 m or
        0.1 km (``tenths``) are measured again by GEOS, so the texts are GEOS's."""
        if not len(sel) or not self.points:
            return self._nearest_geos(tree, parts, sel)
        a, b = segments(parts)
        d = nearest_distance(self.x[sel], self.y[sel], a, b)
        redo = np.flatnonzero(~tenths(d)[1] | ~tenths(d / 1000)[1])
        if len(redo):
            d[redo] = self._nearest_geos(tree, parts, sel[redo])
        return d

    def _nearest_geos(self, tree: shapely.STRtree, parts: np.ndarray, sel: np.ndarray,
                      cell: float = 500.0) -> np.ndarray:
        """Distance from points ``sel`` (indices into pts) to the nearest of ``parts``.

        The minimum over the parts that can be nearest: a point in a cell whose centre is
        ``c`` from the nearest part is at most ``c + r`` from it, so no part farther than
        ``c + 2r`` from the centre can be nearer (``r`` the half diagonal).  The same GEOS
        distances as ``query_nearest`` point by point, 2.5x faster at 1M."""
        if not len(sel):
            return np.zeros(0)
        if not self.points:
            (src, _t), d = tree.query_nearest(self.pts_m(sel), return_distance=True)
            best = np.full(len(sel), np.inf)
            np.minimum.at(best, src, d)
            return best
        cx, cy, inv = self._cells(sel, cell)
        centres = shapely.points(cx, cy)
        (src, _t), d = tree.query_nearest(centres, return_distance=True)
        dc = np.full(len(cx), np.inf)
        np.minimum.at(dc, src, d)
        r = cell * np.sqrt(0.5) + 0.01
        ci, pj = tree.query(centres, predicate="dwithin", distance=dc + 2 * r)
        cnt = np.bincount(ci, minlength=len(cx))
        start = np.cumsum(cnt) - cnt
        n = cnt[inv]  # candidate parts per point (at least its cell's nearest)
        first = np.cumsum(n) - n
        pt = np.repeat(np.arange(len(sel)), n)
        part = pj[np.repeat(start[inv] - first, n) + np.arange(int(n.sum()))]
        dist = shapely.distance(self.pts_m(sel)[pt], parts[part])
        return np.minimum.reduceat(dist, first)

    def _far_from(self, tree: shapely.STRtree, lim: float) -> np.ndarray:
        """Points (indices into pts) farther than ``lim`` from every geometry of ``tree``.

        A grid cell whose centre is ``c`` from the water holds points between ``c - r`` and
        ``c + r`` from it (``r`` the half diagonal): most cells are decided by their centre,
        the points of the others are measured (the query that gave the old result)."""
        far = np.zeros(self.npts(), bool)
        todo = np.arange(self.npts())
        for s in _WATER_CELLS_M if self.points else ():
            if not len(todo):
                break
            cx, cy, inv = self._cells(todo, s)
            dc = _centre_distances(tree, cx, cy)
            r = s * np.sqrt(0.5) + 0.01  # half diagonal, with a centimetre for rounding
            near_cell, far_cell = dc + r < lim, dc - r > lim
            far[todo[far_cell[inv]]] = True
            todo = todo[~(near_cell | far_cell)[inv]]
        if len(todo):
            hit = np.zeros(len(todo), bool)
            hit[np.unique(tree.query(self.pts_m(todo), predicate="dwithin",
                                     distance=lim)[0])] = 1
            far[todo[~hit]] = True
        return np.flatnonzero(far)


#: grid cells at least this many: their centres measured in numpy, not queried one by one
_CENTRES_IN_NUMPY = 20_000


def _centre_distances(tree: shapely.STRtree, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """Distance from each cell centre to the nearest geometry (line pieces) of ``tree``.

    Many cells (the fine grid at 1M outfalls: ~50 000) in numpy, GEOS's values computed
    as GEOS does (:func:`nearest_distance`): ~3x faster than a tree query per centre
    (0.5 s at 1M); a few through the tree, which numpy's fixed cost would not beat."""
    if len(cx) >= _CENTRES_IN_NUMPY:
        a, b = segments(tree.geometries)
        return nearest_distance(cx, cy, a, b)
    (src, _t), d = tree.query_nearest(shapely.points(cx, cy), return_distance=True)
    dc = np.full(len(cx), np.inf)
    np.minimum.at(dc, src, d)
    return dc


def code_ranks(codes: np.ndarray, codes_arrow: Any = None) -> tuple[np.ndarray, int]:
    """Rank of each outfall's code in code order (equal codes equal ranks) and the rank
    the empty code would have.  Arrow ranks UTF-8 bytes, which order as code points, as
    Python and numpy order text; 0.1 s at 1M where numpy's unicode sort took 0.6 s."""
    try:
        arr = codes_arrow if codes_arrow is not None else pa.array(codes, pa.string())
        ranks = pc.rank(pa.concat_arrays([arr, pa.array([""], arr.type)]),
                        tiebreaker="dense").to_numpy()
        return ranks[:-1].astype(np.int64), int(ranks[-1])
    except (UnicodeError, ValueError):  # texts Arrow cannot hold: numpy's sort
        names = np.asarray(codes, dtype=str)
        _, inv = np.unique(np.append(names, ""), return_inverse=True)
        inv = inv.ravel()
        return inv[:-1], int(inv[-1])


def scan(source: Any, cfg: Any, wanted: set[str], names: Any) -> Found:
    """Run the ``wanted`` checks on the outfalls of ``source`` (a :class:`CheckInput`, or
    a workspace: its frame as it is now); ``names(frame, rows)`` names zones.

    Without ``names`` (the flags) zones are -1 and distances outside the city and from
    water are 0: what was found, not how far.  The checks run in two threads (numpy and
    GEOS release the GIL); their findings keep the order they always had."""
    inp = source if isinstance(source, CheckInput) else \
        from_workspace(source, tuple(cfg.required_fields))
    s = _Scan(inp, cfg, distances=names is not None)
    jobs = []
    if wanted & {"in_priority_unit", "in_protected_area", "near_protected_area"}:
        jobs.append(lambda: s.in_zones(names))
    if "possible_duplicate" in wanted:
        jobs.append(s.duplicates)
    if "missing_fields" in wanted:
        jobs.append(s.missing)
    if wanted & {"outside_city", "far_from_water"}:
        jobs += [s.city, s.water]
    if "missing_code" in wanted:
        jobs.append(s.uncoded)
    with ThreadPoolExecutor(2) as pool:
        # the longest (distances to the water, then to the city's edge) first
        first = (s.water, s.city)
        futures = {id(j): pool.submit(j) for j in sorted(
            jobs, key=lambda j: first.index(j) if j in first else len(first))}
        # findings with texts are sorted by code next: the codes' ranks made last, by the
        # thread that finishes its checks first (the water's, ~0.2-0.3 s before the other
        # at 1M), instead of after the scan (~0.1 s of the sort's serial start)
        ranks = pool.submit(code_ranks, s.codes, inp.codes_arrow) \
            if names is not None else None
        cols = _Cols()
        for j in jobs:
            cols.parts.extend(futures[id(j)].result())
        rank = ranks.result() if ranks is not None else None
    found = cols.done(s.codes, s.zones, {})
    found.codes_arrow = inp.codes_arrow
    found.code_rank = rank
    keep = np.isin(found.check, [CHECK_IDS.index(c) for c in wanted])
    if not keep.all():
        for name in ("rows", "check", "zone", "dist", "other", "fmask"):
            setattr(found, name, getattr(found, name)[keep])
    return found
