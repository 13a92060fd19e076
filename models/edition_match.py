"""Which unit of one edition became which of the next: matching by code and by overlap.

Two editions of the control units are overlaid once (an STRtree over the new units, the
intersection of every old/new pair that touches) and every pair gets its overlap area.  A
pair is a *major* link when the overlap is at least half of either unit (the old unit went
mostly into the new one, or the new one came mostly from the old one); units sharing a code
are always linked.  The connected groups of linked units say what happened:

===============  ==================================================================
old : new        meaning
===============  ==================================================================
0 : 1            added (新增): the new unit came from no single old unit
1 : 0            removed (撤销): the old unit went into no single new unit
1 : 1            the same unit, perhaps renamed (code changed), reclassified, redrawn
1 : n            split (拆分)
n : 1            merged (合并)
n : m            regrouped (重组)
===============  ==================================================================

So a renamed code with the same geometry is one unit (1 : 1), not a removal and an
addition; a unit carved out of another is a split.

Areas are on the GRS80 ellipsoid (CGCS2000) through an Albers equal-area projection centred
on the data: equal-area projections keep areas exactly, so one vectorised transform gives
what :func:`models.geodesy.geodesic_area_m2` gives polygon by polygon (to within the tiny
difference between straight and geodesic edges; see the tests), fast enough for the
two-second budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer

#: Share of a unit above which an overlap links the two units.
MAJOR_SHARE = 0.5
#: Overlaps smaller than this (m²) are slivers from digitising, not links.
MIN_OVERLAP_M2 = 100.0


def area_transformer(geoms: np.ndarray) -> Transformer:
    """CGCS2000 lon/lat → Albers equal-area metres (GRS80) centred on ``geoms``."""
    b = shapely.total_bounds(geoms) if len(geoms) else np.array([118.0, 24.0, 119.0, 25.0])
    lon0, lat0 = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    half = max((b[3] - b[1]) / 2, 0.5)
    proj = (f"+proj=aea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +lat_1={lat0 - half / 2:.4f} "
            f"+lat_2={lat0 + half / 2:.4f} +ellps=GRS80 +units=m +no_defs")
    return Transformer.from_crs("EPSG:4490", proj, always_xy=True)


def areas_m2(geoms: np.ndarray, tr: Transformer) -> np.ndarray:
    """Ellipsoidal areas (m²) of lon/lat geometries, vectorised."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    projected = shapely.transform(geoms, lambda xy: np.column_stack(
        tr.transform(xy[:, 0], xy[:, 1])))
    return np.asarray(shapely.area(projected), dtype=float)


@dataclass
class Overlay:
    """Old/new units and their overlaps.  Indices are row positions in the two frames."""

    old_codes: list[str]
    new_codes: list[str]
    old_area: np.ndarray  # m² per old unit
    new_area: np.ndarray
    pair_old: np.ndarray  # index into old, one per overlapping pair
    pair_new: np.ndarray
    pair_area: np.ndarray  # m² of each pair's intersection
    pair_geom: np.ndarray  # the intersections (lon/lat), for the class matrix and the map
    identical: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per pair

    def same_outline(self, i: int, j: int) -> bool:
        """Whether old unit ``i`` and new unit ``j`` have the same geometry."""
        if not hasattr(self, "_identical_pairs"):
            k = np.flatnonzero(self.identical)
            self._identical_pairs = set(zip(self.pair_old[k].tolist(),
                                            self.pair_new[k].tolist(), strict=True))
        return (i, j) in self._identical_pairs

    def share_old(self) -> np.ndarray:
        return np.asarray(self.pair_area / np.maximum(self.old_area[self.pair_old], 1e-9))

    def share_new(self) -> np.ndarray:
        return np.asarray(self.pair_area / np.maximum(self.new_area[self.pair_new], 1e-9))


def overlay(old_geoms: np.ndarray, new_geoms: np.ndarray, old_codes: list[str],
            new_codes: list[str], tr: Transformer) -> Overlay:
    """Intersect every old unit with the new units it touches; pairs of the same code with
    the same geometry are recognised without computing the intersection."""
    old_geoms = np.asarray(old_geoms, dtype=object)
    new_geoms = np.asarray(new_geoms, dtype=object)
    old_area, new_area = areas_m2(old_geoms, tr), areas_m2(new_geoms, tr)
    if len(old_geoms) == 0 or len(new_geoms) == 0:
        e = np.zeros(0, dtype=np.int64)
        return Overlay(old_codes, new_codes, old_area, new_area, e, e, np.zeros(0),
                       np.zeros(0, dtype=object), np.zeros(0, bool))
    tree = shapely.STRtree(new_geoms)
    po, pn = tree.query(old_geoms, predicate="intersects")
    code_of_new = np.asarray(new_codes, dtype=object)
    same_code = np.asarray(old_codes, dtype=object)[po] == code_of_new[pn]
    # same outline: same code, or (a renamed unit) the same area to 1e-9
    close = np.abs(old_area[po] - new_area[pn]) <= 1e-9 * np.maximum(old_area[po], 1.0)
    identical = np.zeros(len(po), dtype=bool)
    k = np.flatnonzero(same_code | close)
    if len(k):
        identical[k] = shapely.equals_exact(old_geoms[po[k]], new_geoms[pn[k]], tolerance=1e-9)
        # a file written by another tool may store a one-part MultiPolygon or start a ring
        # elsewhere: same area, topologically equal
        k = k[~identical[k] & close[k]]
        identical[k] = shapely.equals(old_geoms[po[k]], new_geoms[pn[k]])
    # Two units whose outlines did not change overlap in the new edition only where they
    # overlapped in the old one already (slivers between digitised neighbours): not a change,
    # and most touching pairs are such, so they are dropped before any intersection.
    kept_old = np.zeros(len(old_geoms), dtype=bool)
    kept_new = np.zeros(len(new_geoms), dtype=bool)
    kept_old[po[identical]] = True
    kept_new[pn[identical]] = True
    keep = identical | ~(kept_old[po] & kept_new[pn])
    po, pn, identical = po[keep], pn[keep], identical[keep]
    geom = np.empty(len(po), dtype=object)
    geom[identical] = new_geoms[pn[identical]]
    rest = ~identical
    if rest.any():
        geom[rest] = shapely.intersection(old_geoms[po[rest]], new_geoms[pn[rest]],
                                          grid_size=None)
    area = np.empty(len(po))
    area[identical] = new_area[pn[identical]]
    area[rest] = areas_m2(geom[rest], tr)
    return Overlay(old_codes, new_codes, old_area, new_area, po.astype(np.int64),
                   pn.astype(np.int64), area, geom, identical)


@dataclass
class Group:
    """A connected group of linked units: its old and new unit indices and its kind."""

    old: list[int]
    new: list[int]

    @property
    def kind(self) -> str:
        n_old, n_new = len(self.old), len(self.new)
        if n_old == 0:
            return "added"
        if n_new == 0:
            return "removed"
        if n_old == 1 and n_new == 1:
            return "same"
        if n_old == 1:
            return "split"
        if n_new == 1:
            return "merged"
        return "regrouped"


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def match(ov: Overlay, min_overlap_m2: float = MIN_OVERLAP_M2,
          major_share: float = MAJOR_SHARE) -> list[Group]:
    """Group the units of the two editions (see the module docstring)."""
    n_old, n_new = len(ov.old_codes), len(ov.new_codes)
    parent = list(range(n_old + n_new))  # old units 0..n_old-1, new units after them

    def link(i: int, j: int) -> None:
        a, b = _find(parent, i), _find(parent, n_old + j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    major = (ov.pair_area >= min_overlap_m2) & (
        (ov.share_old() >= major_share) | (ov.share_new() >= major_share))
    for i, j in zip(ov.pair_old[major].tolist(), ov.pair_new[major].tolist(), strict=True):
        link(i, j)
    new_index = {c: j for j, c in enumerate(ov.new_codes)}
    for i, code in enumerate(ov.old_codes):  # the same code is the same unit, even if moved
        j = new_index.get(code)
        if j is not None:
            link(i, j)
    groups: dict[int, Group] = {}
    for k in range(n_old + n_new):
        g = groups.setdefault(_find(parent, k), Group([], []))
        (g.old if k < n_old else g.new).append(k if k < n_old else k - n_old)
    return list(groups.values())


def predecessor(ov: Overlay, group: Group) -> dict[int, int]:
    """For each new unit of a group, the old unit it is compared with: the one of the same
    code, else the old unit of the group it overlaps most."""
    old_index = {ov.old_codes[i]: i for i in group.old}
    members = set(group.old)
    out: dict[int, int] = {}
    for j in group.new:
        same = old_index.get(ov.new_codes[j])
        if same is not None:
            out[j] = same
            continue
        k = np.flatnonzero((ov.pair_new == j) & np.isin(ov.pair_old, list(members)))
        if len(k):
            out[j] = int(ov.pair_old[k[np.argmax(ov.pair_area[k])]])
        elif group.old:
            out[j] = group.old[0]
    return out
