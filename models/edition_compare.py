"""Compare two editions of the control units: what changed, where, and for whom.

Qt-free.  :func:`compare` takes two frames of units (CGCS2000) and, optionally, the outfalls
and the county names, and returns a :class:`Comparison`: units added, removed, renamed,
split, merged, regrouped, reclassified (class before → after), redrawn (area before → after
and the changed area), requirements changed (the four access dimensions, text by text with
the differences marked), the class matrix by county, totals by county and class, the
outfalls whose unit became stricter, and the changed areas as polygons for the map and the
GeoPackage export.  How units are matched: :mod:`models.edition_match`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import schema
from models import text_diff
from models.class_matrix import ClassMatrix, class_matrix
from models.edition_match import (
    MIN_OVERLAP_M2,
    Overlay,
    area_transformer,
    areas_m2,
    match,
    overlay,
    predecessor,
)
from models.report_style import DIMENSIONS

#: Kinds of changed area (the ``kind`` field of the change layer): zh, en.
CHANGE_KINDS = {
    "added": ("新增单元", "Unit added"),
    "removed": ("撤销单元", "Unit removed"),
    "stricter": ("管控趋严", "Class stricter"),
    "looser": ("管控放宽", "Class less strict"),
    "gained": ("边界外扩", "Boundary extended"),
    "lost": ("边界内缩", "Boundary withdrawn"),
    "split": ("单元拆分", "Unit split"),
    "merged": ("单元合并", "Units merged"),
    "regrouped": ("单元重组", "Units regrouped"),
    "renamed": ("编码变更", "Code changed"),
    "requirements": ("准入要求变化", "Requirements changed"),
}
STRICTER = {(3, 2), (3, 1), (2, 1)}


@dataclass
class Comparison:
    """Everything the report, the export, the dialog and ``compare --json`` show."""

    old_name: str
    new_name: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)
    split: list[dict[str, Any]] = field(default_factory=list)
    merged: list[dict[str, Any]] = field(default_factory=list)
    regrouped: list[dict[str, Any]] = field(default_factory=list)
    reclassified: list[dict[str, Any]] = field(default_factory=list)
    redrawn: list[dict[str, Any]] = field(default_factory=list)
    requirements_changed: list[dict[str, Any]] = field(default_factory=list)
    matrix: ClassMatrix = field(default_factory=lambda: ClassMatrix({}))
    totals_by_county: list[dict[str, Any]] = field(default_factory=list)
    affected_outfalls: list[dict[str, Any]] = field(default_factory=list)
    changes: gpd.GeoDataFrame | None = None
    county_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    unchanged: int = 0
    timing_ms: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in (
            "added", "removed", "renamed", "split", "merged", "regrouped", "reclassified",
            "redrawn", "requirements_changed", "affected_outfalls")} | {
            "unchanged": self.unchanged}

    def to_json(self) -> dict[str, Any]:
        """The ``compare --json`` document (areas in km²)."""
        req = [{k: v for k, v in r.items() if k != "segments"} for r in self.requirements_changed]
        return {
            "old": self.old_name, "new": self.new_name, "counts": self.counts(),
            "added": self.added, "removed": self.removed, "renamed": self.renamed,
            "split": self.split, "merged": self.merged, "regrouped": self.regrouped,
            "reclassified": self.reclassified, "redrawn": self.redrawn,
            "requirements_changed": req,
            "class_matrix": self.matrix.to_json(self.county_names),
            "totals_by_county": self.totals_by_county,
            "affected_outfalls": self.affected_outfalls,
        }


def _km2(m2: float) -> float:
    return round(float(m2) / 1e6, 4)


def _col(frame: pd.DataFrame, name: str, default: Any = "") -> list[Any]:
    if name not in frame.columns:
        return [default] * len(frame)
    return [default if v is None or (isinstance(v, float) and v != v) else v
            for v in frame[name].tolist()]


def _classes(frame: pd.DataFrame) -> np.ndarray:
    if "unit_class" not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64)
    return np.asarray(pd.to_numeric(frame["unit_class"], errors="coerce").fillna(0),
                      dtype=np.int64)


class _Units:
    """One edition's units as plain lists (fast row access while comparing)."""

    def __init__(self, frame: gpd.GeoDataFrame) -> None:
        self.frame = frame.reset_index(drop=True)
        self.geoms = np.asarray(self.frame.geometry.array, dtype=object)
        missing = shapely.is_missing(self.geoms)
        if missing.any():  # a row without geometry has no area and overlaps nothing
            self.geoms[missing] = shapely.Polygon()
        self.codes = [str(c) for c in _col(self.frame, "code")]
        self.names = _col(self.frame, "name_zh")
        self.names_en = _col(self.frame, "name_en")
        self.cls = _classes(self.frame)
        self.county = [str(c) for c in _col(self.frame, "county_code")]
        self.texts = {d: _col(self.frame, d) for d, _, _ in DIMENSIONS}

    def brief(self, i: int, area_m2: float) -> dict[str, Any]:
        return {"code": self.codes[i], "name_zh": self.names[i], "name_en": self.names_en[i],
                "unit_class": int(self.cls[i]), "county_code": self.county[i],
                "area_km2": _km2(area_m2)}


def compare(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, old_name: str = "old",
            new_name: str = "new", outfalls: gpd.GeoDataFrame | None = None,
            counties: pd.DataFrame | None = None,
            min_changed_m2: float = MIN_OVERLAP_M2) -> Comparison:
    """Compare edition ``old`` with edition ``new`` (frames of control units)."""
    t0 = time.perf_counter()
    o, n = _Units(old), _Units(new)
    tr = area_transformer(np.concatenate([o.geoms, n.geoms]))
    ov = overlay(o.geoms, n.geoms, o.codes, n.codes, tr)
    t1 = time.perf_counter()
    cmp = Comparison(old_name, new_name)
    if counties is not None and "code" in counties.columns:
        cmp.county_names = {str(c): (str(z), str(e)) for c, z, e in zip(
            counties["code"], _col(counties, "name_zh"), _col(counties, "name_en"),
            strict=True)}
    pieces: list[dict[str, Any]] = []
    for g in sorted(match(ov, min_changed_m2), key=lambda g: (min(
            [o.codes[i] for i in g.old] + [n.codes[j] for j in g.new]))):
        _describe(cmp, g, ov, o, n, tr, pieces, min_changed_m2)
    _class_pieces(ov, o, n, pieces, min_changed_m2)
    t2 = time.perf_counter()
    cmp.matrix = class_matrix(ov, o.cls, n.cls, o.county, n.county)
    cmp.totals_by_county = _totals(cmp, o, n, ov)
    if outfalls is not None and len(outfalls):
        cmp.affected_outfalls = affected_outfalls(outfalls, o, n, ov)
    cmp.changes = _changes_frame(pieces, tr)
    t3 = time.perf_counter()
    cmp.timing_ms = {"overlay": (t1 - t0) * 1e3, "match": (t2 - t1) * 1e3,
                     "matrix_outfalls": (t3 - t2) * 1e3, "total": (t3 - t0) * 1e3}
    return cmp


def _piece(pieces: list[dict[str, Any]], kind: str, geom: Any, before: str = "",
           after: str = "", cls_before: int = 0, cls_after: int = 0) -> None:
    if geom is None or shapely.is_empty(geom):
        return
    pieces.append({"kind": kind, "code_before": before, "code_after": after,
                   "class_before": cls_before, "class_after": cls_after, "geometry": geom})


def _describe(cmp: Comparison, g: Any, ov: Overlay, o: _Units, n: _Units, tr: Any,
              pieces: list[dict[str, Any]], min_m2: float) -> None:
    """Record what happened to one group of linked units."""
    kind = g.kind
    if kind == "added":
        j = g.new[0]
        cmp.added.append(n.brief(j, ov.new_area[j]))
        _piece(pieces, "added", n.geoms[j], after=n.codes[j], cls_after=int(n.cls[j]))
        return
    if kind == "removed":
        i = g.old[0]
        cmp.removed.append(o.brief(i, ov.old_area[i]))
        _piece(pieces, "removed", o.geoms[i], before=o.codes[i], cls_before=int(o.cls[i]))
        return
    pred = predecessor(ov, g)
    old_codes = sorted(o.codes[i] for i in g.old)
    new_codes = sorted(n.codes[j] for j in g.new)
    if kind in ("split", "merged", "regrouped"):
        entry = {"codes_before": old_codes, "codes_after": new_codes,
                 "classes_before": [int(o.cls[o.codes.index(c)]) for c in old_codes],
                 "classes_after": [int(n.cls[n.codes.index(c)]) for c in new_codes],
                 "area_before_km2": _km2(sum(ov.old_area[i] for i in g.old)),
                 "area_after_km2": _km2(sum(ov.new_area[j] for j in g.new))}
        if kind == "split":
            entry["code_before"] = old_codes[0]
        if kind == "merged":
            entry["code_after"] = new_codes[0]
        getattr(cmp, kind).append(entry)
        for j in g.new:
            _piece(pieces, kind, n.geoms[j], o.codes[pred[j]], n.codes[j],
                   int(o.cls[pred[j]]), int(n.cls[j]))
    elif kind == "same":
        i, j = g.old[0], g.new[0]
        if o.codes[i] != n.codes[j]:
            cmp.renamed.append({"code_before": o.codes[i], "code_after": n.codes[j],
                                "name_before": o.names[i], "name_after": n.names[j],
                                "name_after_en": n.names_en[j],
                                "class_before": int(o.cls[i]), "class_after": int(n.cls[j])})
            _piece(pieces, "renamed", n.geoms[j], o.codes[i], n.codes[j], int(o.cls[i]),
                   int(n.cls[j]))
        if not ov.same_outline(i, j):
            _redrawn(cmp, i, j, ov, o, n, tr, pieces, min_m2)
    changed_req = False
    for j, i in pred.items():
        if o.cls[i] != n.cls[j]:
            cmp.reclassified.append({
                "code": n.codes[j], "code_before": o.codes[i], "name_zh": n.names[j],
                "name_en": n.names_en[j], "county_code": n.county[j],
                "class_before": int(o.cls[i]), "class_after": int(n.cls[j]),
                "stricter": (int(o.cls[i]), int(n.cls[j])) in STRICTER,
                "area_km2": _km2(ov.new_area[j]), "context": kind})
        for dim, zh, en in DIMENSIONS:
            before, after = o.texts[dim][i], n.texts[dim][j]
            if text_diff.changed(before, after):
                seg = text_diff.diff(before, after)
                dele, ins = text_diff.counts(seg)
                cmp.requirements_changed.append({
                    "code": n.codes[j], "code_before": o.codes[i], "dimension": dim,
                    "dimension_zh": zh, "dimension_en": en,
                    "before": text_diff.normalise(before), "after": text_diff.normalise(after),
                    "diff": text_diff.as_text(seg), "deleted_chars": dele,
                    "inserted_chars": ins, "segments": seg})
                changed_req = True
        if changed_req and kind == "same" and o.codes[i] == n.codes[j] \
                and ov.same_outline(i, j) and o.cls[i] == n.cls[j]:
            _piece(pieces, "requirements", n.geoms[j], o.codes[i], n.codes[j],
                   int(o.cls[i]), int(n.cls[j]))
    if kind == "same" and not cmp_changed(cmp, g, o, n):
        cmp.unchanged += 1


def cmp_changed(cmp: Comparison, g: Any, o: _Units, n: _Units) -> bool:
    """Whether the last group recorded any change (for the unchanged count)."""
    i, j = g.old[0], g.new[0]
    return (o.codes[i] != n.codes[j] or o.cls[i] != n.cls[j]
            or (cmp.redrawn and cmp.redrawn[-1]["code"] == n.codes[j])
            or any(text_diff.changed(o.texts[d][i], n.texts[d][j]) for d, _, _ in DIMENSIONS))


def _redrawn(cmp: Comparison, i: int, j: int, ov: Overlay, o: _Units, n: _Units, tr: Any,
             pieces: list[dict[str, Any]], min_m2: float) -> None:
    gained = shapely.difference(n.geoms[j], o.geoms[i])
    lost = shapely.difference(o.geoms[i], n.geoms[j])
    a_gain, a_lost = areas_m2(np.array([gained, lost], dtype=object), tr).tolist()
    threshold = max(min_m2, 1e-4 * max(ov.old_area[i], ov.new_area[j]))
    if a_gain + a_lost < threshold:
        return  # coordinate noise, not a redrawn boundary
    cmp.redrawn.append({"code": n.codes[j], "code_before": o.codes[i],
                        "name_zh": n.names[j], "name_en": n.names_en[j],
                        "county_code": n.county[j], "unit_class": int(n.cls[j]),
                        "area_before_km2": _km2(ov.old_area[i]),
                        "area_after_km2": _km2(ov.new_area[j]),
                        "gained_km2": _km2(a_gain), "lost_km2": _km2(a_lost),
                        "changed_km2": _km2(a_gain + a_lost)})
    if a_gain >= min_m2:
        _piece(pieces, "gained", gained, o.codes[i], n.codes[j], int(o.cls[i]), int(n.cls[j]))
    if a_lost >= min_m2:
        _piece(pieces, "lost", lost, o.codes[i], n.codes[j], int(o.cls[i]), int(n.cls[j]))


def _class_pieces(ov: Overlay, o: _Units, n: _Units, pieces: list[dict[str, Any]],
                  min_m2: float) -> None:
    """Overlay pieces whose class changed: where the zoning became stricter or looser."""
    ko, kn = o.cls[ov.pair_old], n.cls[ov.pair_new]
    # a piece under 0.1 % of the smaller unit is an overlap of neighbours, not a change
    smaller = np.minimum(ov.old_area[ov.pair_old], ov.new_area[ov.pair_new])
    big = ov.pair_area >= np.maximum(min_m2, 1e-3 * smaller)
    for k in np.flatnonzero((ko != kn) & big).tolist():
        a, b = int(ko[k]), int(kn[k])
        _piece(pieces, "stricter" if (a, b) in STRICTER else "looser", ov.pair_geom[k],
               o.codes[int(ov.pair_old[k])], n.codes[int(ov.pair_new[k])], a, b)


def _changes_frame(pieces: list[dict[str, Any]], tr: Any) -> gpd.GeoDataFrame:
    cols = ["kind", "kind_zh", "kind_en", "code_before", "code_after", "class_before",
            "class_after", "area_km2"]
    if not pieces:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=schema.CRS)
    frame = pd.DataFrame(pieces)
    geoms = np.asarray(frame.pop("geometry"), dtype=object)
    # keep polygons only: an intersection of neighbours may carry a shared edge as a line
    geoms = np.array([shapely.make_valid(g) if not shapely.is_valid(g) else g for g in geoms],
                     dtype=object)
    polys = [shapely.union_all([p for p in shapely.get_parts(g)
                                if p.geom_type in ("Polygon", "MultiPolygon")])
             for g in geoms]
    frame["kind_zh"] = [CHANGE_KINDS[k][0] for k in frame["kind"]]
    frame["kind_en"] = [CHANGE_KINDS[k][1] for k in frame["kind"]]
    frame["area_km2"] = np.round(areas_m2(np.array(polys, dtype=object), tr) / 1e6, 4)
    out = gpd.GeoDataFrame(frame[cols], geometry=polys, crs=schema.CRS)
    return out[~out.geometry.is_empty].reset_index(drop=True)


def _totals(cmp: Comparison, o: _Units, n: _Units, ov: Overlay) -> list[dict[str, Any]]:
    out = []
    for county in sorted(set(o.county) | set(n.county)):
        row: dict[str, Any] = {"county_code": county,
                               "name_zh": cmp.county_names.get(county, (county, county))[0],
                               "name_en": cmp.county_names.get(county, (county, county))[1]}
        for side, units, area in (("before", o, ov.old_area), ("after", n, ov.new_area)):
            mask = np.asarray(units.county) == county if units.county else np.zeros(0, bool)
            row[f"units_{side}"] = int(mask.sum())
            row[f"km2_{side}"] = {str(c): _km2(area[mask & (units.cls == c)].sum())
                                  for c in (1, 2, 3)}
        m = cmp.matrix.by_county.get(county)
        row["moved_km2"] = _km2(cmp.matrix.moved(county)) if m is not None else 0.0
        out.append(row)
    return out


def _containing(points: np.ndarray, units: _Units) -> tuple[np.ndarray, np.ndarray]:
    """Per point: index of its strictest containing unit (-1 for none) and that class."""
    idx = np.full(len(points), -1, dtype=np.int64)
    cls = np.zeros(len(points), dtype=np.int64)
    if len(units.geoms) == 0:
        return idx, cls
    p, u = shapely.STRtree(units.geoms).query(points, predicate="within")
    order = np.lexsort((units.cls[u], p))[::-1]  # per point, the smallest class wins last
    for k in order.tolist():
        idx[p[k]], cls[p[k]] = u[k], units.cls[u[k]]
    return idx, cls


def affected_outfalls(outfalls: gpd.GeoDataFrame, o: _Units, n: _Units,
                      ov: Overlay) -> list[dict[str, Any]]:
    """Outfalls whose containing unit became stricter (3→2, 3→1, 2→1), with the before and
    after requirements and their differences.

    Only outfalls inside an overlay piece whose class became stricter can be affected, so
    those few are found first (an STRtree over the pieces) and only they are placed in the
    units of both editions."""
    pts_all = np.asarray(outfalls.geometry.array, dtype=object)
    stricter = np.flatnonzero((o.cls[ov.pair_old] > n.cls[ov.pair_new])
                              & (n.cls[ov.pair_new] > 0))
    if len(stricter) == 0 or len(pts_all) == 0:
        return []
    cand = np.unique(shapely.STRtree(ov.pair_geom[stricter]).query(
        pts_all, predicate="intersects")[0])
    pts = pts_all[cand]
    oi, oc = _containing(pts, o)
    ni, nc = _containing(pts, n)
    hit = np.flatnonzero((oi >= 0) & (ni >= 0) & (nc < oc) & (nc > 0))
    rows = outfalls.iloc[cand]
    codes = _col(rows, "code")
    names = _col(rows, "name_zh")
    kinds = _col(rows, "outfall_type")
    counties = _col(rows, "county_code")
    out = []
    for k in hit.tolist():
        i, j = int(oi[k]), int(ni[k])
        req = {d: {"before": text_diff.normalise(o.texts[d][i]),
                   "after": text_diff.normalise(n.texts[d][j]),
                   "diff": text_diff.as_text(text_diff.diff(o.texts[d][i], n.texts[d][j]))}
               for d, _, _ in DIMENSIONS}
        pt = pts[k]
        out.append({"code": str(codes[k]), "name_zh": names[k], "outfall_type": str(kinds[k]),
                    "county_code": str(counties[k]), "lon": round(pt.x, 6),
                    "lat": round(pt.y, 6), "unit_before": o.codes[i],
                    "class_before": int(oc[k]), "unit_after": n.codes[j],
                    "class_after": int(nc[k]), "requirements": req})
    return out
