"""Counts and areas behind the map (查询统计): outfalls and control units per county.

Qt-free; used by the 统计 dock, ``python app.py stats`` and the exports.  Everything is
vectorised: a field's values become small integer codes (pandas categoricals, which the
workspace already holds for the vocabulary fields), and a county × value table is one
``np.bincount`` — a million outfalls take tens of milliseconds.

Areas of control units are measured in the CGCS2000 Gauss-Krüger zones
(:func:`models.geodesy.gauss_kruger_areas_m2`), never taken from a stored column that an
edit may have left stale; the full-unit areas are cached per frame by the caller
(:class:`AreaCache`), and only units cut by a region (a map extent, a selected zone) are
clipped and measured again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata import schema
from geodata.messages import Message
from models.geodesy import gauss_kruger_areas_m2

CITY_CODE = "350500"
#: The blank value's column label (a field left empty).
BLANK = "（空）"

#: Outfall fields counted, with their vocabulary (the order of the table's columns).
OUTFALL_GROUPS: dict[str, tuple[str, ...]] = {
    "outfall_type": tuple(schema.OUTFALL_TYPES),
    "water_kind": ("sea", "river"),
    "remediation": schema.REMEDIATION,
    "remediation_status": schema.REMEDIATION_STATUS,
    "review_status": schema.REVIEW_STATUS,
}
GROUP_TITLES: dict[str, Message] = {
    "outfall_type": Message("排污口类型", "Outfall type"),
    "water_kind": Message("入海/入河", "Sea or river"),
    "remediation": Message("整治类型", "Remediation"),
    "remediation_status": Message("整治状态", "Remediation status"),
    "review_status": Message("核查状态", "Review status"),
}
WATER_KIND_NAMES = {"sea": Message("入海", "Sea"), "river": Message("入河", "River")}


def value_label(fld: str, value: str, lang: str = "zh") -> str:
    """A counted value as the user reads it (入海 for ``sea``, English in English)."""
    if fld == "water_kind" and value in WATER_KIND_NAMES:
        return WATER_KIND_NAMES[value].text(lang)
    if value == BLANK:
        return Message(BLANK, "(blank)").text(lang)
    return str(schema.value_in(fld, value, lang))


def class_label(unit_class: int, lang: str = "zh") -> str:
    """A control-unit class as the user reads it (优先保护单元 …; 未分类 for no class)."""
    zh, en = schema.UNIT_CLASSES.get(int(unit_class), ("未分类", "No class") if not unit_class
                                     else (f"{unit_class}类", f"Class {unit_class}"))
    return Message(zh, en).text(lang)


@dataclass(frozen=True)
class Scope:
    """What the numbers cover: the city or one county, optionally cut to a region.

    ``region`` is a CGCS2000 polygon (the map extent or a selected zone): outfalls inside it
    and the parts of control units inside it are counted.  ``label`` names it for titles.
    """

    county: str | None = None
    region: shapely.Geometry | None = None
    label: Message = Message("全市", "Whole city")
    #: a bay: its outfalls are the ones discharging into it (受纳水体), not those inside
    #: its polygon (outfalls sit on the shore)
    receiving_water: str | None = None


@dataclass
class Statistics:
    """The tables of one scope.  Frames are indexed by county code (rows in county order),
    columns are the counted values; ``city`` rows are the column sums."""

    scope: Scope
    counties: dict[str, Message]
    outfalls: dict[str, pd.DataFrame] = field(default_factory=dict)
    unit_count: pd.DataFrame = field(default_factory=pd.DataFrame)
    unit_area_km2: pd.DataFrame = field(default_factory=pd.DataFrame)
    illustrative: tuple[str, ...] = ()

    def county_name(self, code: str, lang: str = "zh") -> str:
        m = self.counties.get(code)
        return m.text(lang) if m is not None else str(code)

    @property
    def outfall_total(self) -> pd.Series:
        first = next(iter(self.outfalls.values()), None)
        return first.sum(axis=1) if first is not None else pd.Series(dtype=np.int64)

    def unit_share(self) -> pd.DataFrame:
        """Each class's share (0–1) of the area the county's units cover."""
        tot = self.unit_area_km2.sum(axis=1)
        return self.unit_area_km2.div(tot.where(tot > 0), axis=0).fillna(0.0)


# -- codes ---------------------------------------------------------------------------------
def value_codes(values: pd.Series, order: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Integer code per row and the labels: the ``order`` values first (all of them, so the
    columns are stable), then any other value met, sorted, then ``BLANK`` if some are empty.

    Categoricals are re-coded through their (few) categories, not row by row.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        cats = [str(c) for c in values.cat.categories]
    else:
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
        cats = [str(c) for c in uniq]
    stripped = [c.strip() for c in cats]
    extra = sorted({c for c in stripped if c and c not in order})
    labels = list(order) + extra
    blank_needed = (codes < 0).any() or any(not c for c in stripped)
    if blank_needed:
        labels.append(BLANK)
    pos = {v: i for i, v in enumerate(labels)}
    lut = np.array([pos[c] if c else pos[BLANK] for c in stripped] + [pos.get(BLANK, 0)],
                   dtype=np.int64)
    return lut[codes], labels  # code -1 (missing) takes the last entry: BLANK


def matches(values: pd.Series, wanted: Iterable[str], missing: bool = False) -> np.ndarray:
    """Rows whose value (stripped) is one of ``wanted``; empty cells count as ``missing``.

    Tested once per distinct value (the categories of a categorical, or the factorized
    values), not once per row: ``astype(str)`` on a million rows costs a third of a second.
    """
    wanted = set(wanted)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, cats = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, cats = pd.factorize(values, use_na_sentinel=True)
    hit = np.array([str(c).strip() in wanted or (missing and not str(c).strip())
                    for c in cats] + [missing], dtype=bool)
    return hit[codes]


def _crosstab(row_codes: np.ndarray, n_rows: int, col_codes: np.ndarray, n_cols: int,
              weights: np.ndarray | None = None) -> np.ndarray:
    flat = row_codes * n_cols + col_codes
    return np.bincount(flat, weights=weights, minlength=n_rows * n_cols).reshape(n_rows, n_cols)


# -- scope masks ---------------------------------------------------------------------------
def point_xy(frame: Any) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat of a point layer's rows (NaN where the geometry is missing)."""
    geoms = frame.geometry.values
    return np.asarray(shapely.get_x(geoms), float), np.asarray(shapely.get_y(geoms), float)


def points_in(region: shapely.Geometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points lie inside ``region`` (bounding box first, then the exact test)."""
    x0, y0, x1, y1 = region.bounds
    cand = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    inside = np.zeros(len(x), dtype=bool)
    if len(cand):
        shapely.prepare(region)
        inside[cand] = shapely.contains_xy(region, x[cand], y[cand]) | \
            shapely.intersects_xy(region, x[cand], y[cand])
    return inside


def outfall_mask(outfalls: Any, scope: Scope, xy: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> np.ndarray:
    """The rows of ``outfalls`` the scope covers."""
    keep = np.ones(len(outfalls), dtype=bool)
    if scope.county is not None and "county_code" in outfalls.columns:
        keep &= matches(outfalls["county_code"], (scope.county,))
    if scope.receiving_water is not None and "receiving_water" in outfalls.columns:
        keep &= matches(outfalls["receiving_water"], (scope.receiving_water,))
    elif scope.region is not None:
        x, y = xy if xy is not None else point_xy(outfalls)
        keep &= points_in(scope.region, x, y)
    return keep


def outfall_keys(outfalls: Any, scope: Scope, fld: str | None = None,
                 value: str | None = None, county: str | None = None,
                 xy: tuple[np.ndarray, np.ndarray] | None = None) -> list[str]:
    """Codes of the outfalls behind one bar: in the scope, of ``county`` (if given), with
    ``fld`` = ``value`` (``BLANK`` for empty; no field: all of them)."""
    keep = outfall_mask(outfalls, scope, xy)
    if county is not None:
        keep &= matches(outfalls["county_code"], (county,))
    if fld is not None and value is not None:
        codes, labels = value_codes(outfalls[fld], OUTFALL_GROUPS.get(fld, ()))
        if value not in labels:
            return []
        keep &= codes == labels.index(value)
    return [str(k) for k in outfalls["code"].to_numpy()[keep]]


# -- areas ---------------------------------------------------------------------------------
class AreaCache:
    """Full-unit areas (km²) of a control-unit frame, measured once per frame.

    A replaced layer is a new frame object; an edit of geometry calls :meth:`invalidate`.
    """

    def __init__(self) -> None:
        self._frame_id: int | None = None
        self._areas: np.ndarray | None = None

    def areas_km2(self, units: Any) -> np.ndarray:
        if not self.cached(units):
            self._areas = gauss_kruger_areas_m2(units.geometry.values) / 1e6
            self._frame_id = id(units)
        return self._areas

    def invalidate(self) -> None:
        self._areas = None

    def cached(self, units: Any) -> bool:
        """Whether the areas of this very frame are at hand (no measuring needed)."""
        return self._areas is not None and self._frame_id == id(units) and \
            len(self._areas) == len(units)

    def refresh(self, units: Any, keys: Sequence[str]) -> None:
        """Measure again only the units ``keys`` (codes) of the cached frame: an edit of a
        few boundaries does not re-measure twenty thousand units."""
        if not self.cached(units) or "code" not in units.columns:
            self.invalidate()
            return
        rows = np.flatnonzero(matches(units["code"], keys))
        if len(rows):
            assert self._areas is not None
            self._areas[rows] = gauss_kruger_areas_m2(units.geometry.values[rows]) / 1e6


def unit_areas_in(units: Any, region: shapely.Geometry | None, full_km2: np.ndarray,
                  ) -> np.ndarray:
    """Area (km²) of each unit inside ``region``: whole units keep their cached area, units
    cut by its edge are clipped and measured, units outside measure 0."""
    if region is None:
        return full_km2
    geoms = units.geometry.values
    out = np.zeros(len(units))
    shapely.prepare(region)
    touching = np.asarray(shapely.intersects(region, geoms), dtype=bool)
    inside = np.zeros(len(units), dtype=bool)
    idx = np.flatnonzero(touching)
    inside[idx] = np.asarray(shapely.contains(region, geoms[idx]), dtype=bool)
    out[inside] = full_km2[inside]
    cut = np.flatnonzero(touching & ~inside)
    if len(cut):
        clipped = shapely.intersection(geoms[cut], region)
        out[cut] = gauss_kruger_areas_m2(clipped) / 1e6
    return out


# -- the tables ----------------------------------------------------------------------------
def county_names(counties: Any) -> dict[str, Message]:
    """County code → its name in both languages, in the layer's order."""
    if counties is None or len(counties) == 0:
        return {}
    en = counties["name_en"] if "name_en" in counties.columns else counties["name_zh"]
    return {str(c): Message(str(z), str(e))
            for c, z, e in zip(counties["code"], counties["name_zh"], en, strict=True)}


def compute(layers: dict[str, Any], scope: Scope | None = None, *,
            unit_areas_km2: np.ndarray | None = None,
            outfall_xy: tuple[np.ndarray, np.ndarray] | None = None,
            illustrative: Sequence[str] = ()) -> Statistics:
    """Outfall counts and control-unit counts and areas per county for ``scope``.

    Parameters
    ----------
    layers : dict
        Layer name → frame (``counties``, ``outfalls``, ``control_units``; any may be absent).
    scope : Scope
        City or one county, optionally cut to a region.
    unit_areas_km2, outfall_xy : optional
        Cached full-unit areas and outfall coordinates (from :class:`AreaCache` and
        :func:`point_xy`); computed here when not given.
    illustrative : sequence of str
        The workspace's illustrative layers; those feeding these numbers are kept.
    """
    scope = scope or Scope()
    names = county_names(layers.get("counties"))
    stats = Statistics(scope, names)
    used: list[str] = []
    outfalls = layers.get("outfalls")
    if outfalls is not None and len(outfalls) and "county_code" in outfalls.columns:
        keep = outfall_mask(outfalls, scope, outfall_xy)
        sub = outfalls[keep] if not keep.all() else outfalls
        rows, row_labels = _county_codes(sub["county_code"], names, scope)
        for fld, order in OUTFALL_GROUPS.items():
            if fld not in sub.columns:
                continue
            cols, labels = value_codes(sub[fld], order)
            table = _crosstab(rows, len(row_labels), cols, len(labels))
            stats.outfalls[fld] = _trim(pd.DataFrame(table.astype(np.int64),
                                                     index=row_labels, columns=labels),
                                        _row_order(names, scope), order)
        used.append("outfalls")
    units = layers.get("control_units")
    if units is not None and len(units) and {"unit_class", "county_code"} <= set(units.columns):
        full = unit_areas_km2 if unit_areas_km2 is not None else \
            gauss_kruger_areas_m2(units.geometry.values) / 1e6
        area = unit_areas_in(units, scope.region, full)
        keep = area > 0 if scope.region is not None else np.ones(len(units), dtype=bool)
        if scope.county is not None:
            keep &= matches(units["county_code"], (scope.county,))
        sub = units[keep]
        rows, row_labels = _county_codes(sub["county_code"], names, scope)
        cls = pd.to_numeric(sub["unit_class"], errors="coerce").fillna(0).astype(int).to_numpy()
        # 0 = no readable class; any class outside 1/2/3 keeps its own column
        classes = sorted(set(schema.UNIT_CLASSES) | set(cls.tolist()))
        col = np.searchsorted(classes, cls)
        n = len(row_labels), len(classes)
        count = pd.DataFrame(_crosstab(rows, n[0], col, n[1]).astype(np.int64),
                             index=row_labels, columns=classes)
        stats.unit_count = _trim(count, _row_order(names, scope), sorted(schema.UNIT_CLASSES))
        stats.unit_area_km2 = pd.DataFrame(
            _crosstab(rows, n[0], col, n[1], area[keep]), index=row_labels, columns=classes,
        ).loc[stats.unit_count.index, stats.unit_count.columns]
        used.append("control_units")
    stats.illustrative = tuple(la for la in used if la in illustrative)
    return stats


def _row_order(names: dict[str, Message], scope: Scope) -> list[str]:
    return [scope.county] if scope.county is not None else list(names)


def _trim(table: pd.DataFrame, rows: Sequence[Any], cols: Sequence[Any]) -> pd.DataFrame:
    """Drop the rows and columns outside the expected ones that count nothing (categories
    of a categorical that no row in scope uses)."""
    keep_r = [r for r in table.index if r in rows or table.loc[r].sum() > 0]
    keep_c = [c for c in table.columns if c in cols or table[c].sum() > 0]
    return table.loc[keep_r, keep_c]


def _county_codes(values: pd.Series, names: dict[str, Message], scope: Scope,
                  ) -> tuple[np.ndarray, list[str]]:
    """Row code per feature and the row labels: the layer's counties (all, or the scope's
    one), then any other code met (an imported row of a county the layer lacks)."""
    return value_codes(values, _row_order(names, scope))
