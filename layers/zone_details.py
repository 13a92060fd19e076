"""Everything the side panel shows about one zone: record, tasks, indicators, outfalls.

Qt-free; works on the map model and the workspace tables (for the plan catalog).  A zone
is named by its stable key (code or fid); ``outfalls`` holds map rows of the outfall layer
for counting, and :attr:`ZoneDetails.outfall_keys` the keys the panel hands on.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from layers.map_model import MapModel
from models import catalog, plan_progress


class FeatureNotFound(KeyError):
    """The map has no feature with that key (it was deleted, or has no geometry)."""


@dataclass
class ZoneDetails:
    layer: str
    key: str
    record: dict[str, Any]
    tasks: list[catalog.AppliedItem] = field(default_factory=list)
    indicators: list[tuple[catalog.AppliedItem, str, str]] = field(default_factory=list)
    outfalls: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    outfall_counts: dict[str, Counter[str]] = field(default_factory=dict)
    samples: pd.DataFrame | None = None
    outfall_keys: list[str] = field(default_factory=list)


def clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        v = float(value)
        return None if math.isnan(v) else v
    return value


def record(model: MapModel, layer: str, index: int) -> dict[str, Any]:
    la = model.get(layer)
    if la is None:
        return {}
    geometry = la.frame.geometry.name
    # the row's values as a dict at once (a Series' items one by one were ~2x the time
    # of a zone click's record)
    return {k: clean(v) for k, v in la.frame.iloc[index].to_dict().items() if k != geometry}


def _intersecting(model: MapModel, layer: str, geom: shapely.Geometry) -> np.ndarray:
    la = model.get(layer)
    if la is None or len(la) == 0:
        return np.zeros(0, dtype=np.int64)
    if la.is_points:  # outfalls: the grid index, no Mercator Points or STRtree
        return la.point_index().intersecting(geom)
    return np.sort(la.tree.query(geom, predicate="intersects")).astype(np.int64)


def zone_keys(model: MapModel, layer: str, index: int, outfalls: np.ndarray,
              rec: dict[str, Any] | None = None) -> catalog.ZoneKeys:
    """The catalog keys of one zone: its county, class, theme, code, bays, reserves
    (``rec``: the zone's :func:`record`, when the caller has it already)."""
    rec = rec if rec is not None else record(model, layer, index)
    la = model.get(layer)
    assert la is not None
    geom = la.merc_geometry(index)
    keys = catalog.ZoneKeys()
    if rec.get("county_code"):
        keys.counties.add(str(rec["county_code"]))
    if layer == "control_units":
        if rec.get("unit_class") is not None:
            keys.unit_classes.add(str(int(rec["unit_class"])))
        if rec.get("theme"):
            keys.unit_themes.add(str(rec["theme"]))
        keys.units.add(str(rec.get("code")))
    if layer == "bays":
        keys.bays.add(str(rec.get("name_zh")))
    if layer == "protected_areas":
        keys.protected_areas.add(str(rec.get("name_zh")))
    inner = shapely.buffer(geom, -1.0) if layer != "outfalls" else geom  # touching ≠ inside
    for other, target in (("bays", keys.bays), ("protected_areas", keys.protected_areas)):
        if other != layer:
            ola = model.get(other)
            if ola is not None:
                for j in _intersecting(model, other, inner):
                    target.add(str(ola.frame["name_zh"].iloc[j]))
    if layer != "counties" and not keys.counties:
        cla = model.get("counties")
        if cla is not None:
            for j in _intersecting(model, "counties", inner):
                keys.counties.add(str(cla.frame["code"].iloc[j]))
    ola = model.get("outfalls")
    if ola is not None and len(outfalls) and "water_kind" in ola.frame.columns:
        keys.outfall_kinds.update(str(v) for v in ola.frame["water_kind"].iloc[outfalls].unique())
    return keys


def map_row(model: MapModel, layer: str, key: str) -> int:
    """The map row of feature ``key`` of ``layer``; FeatureNotFound if the map lacks it."""
    la = model.get(layer)
    row = la.row_of(key) if la is not None else None
    if row is None:
        raise FeatureNotFound(f"{layer} has no drawn feature '{key}'")
    return row


def details(model: MapModel, tables: dict[str, pd.DataFrame], layer: str, key: str,
            include_city: bool = False) -> ZoneDetails:
    """The side-panel content for feature ``key`` (code or fid) of ``layer``."""
    index = map_row(model, layer, key)
    out = ZoneDetails(layer, str(key), record(model, layer, index))
    la = model.get(layer)
    if la is None:
        return out
    if layer == "outfalls":
        samples = tables.get("outfall_samples")
        code = out.record.get("code")
        if samples is not None and not samples.empty and "outfall_code" in samples.columns:
            sel = samples[samples["outfall_code"] == code]
            if "sample_date" in sel.columns:
                sel = sel.sort_values("sample_date")
            out.samples = sel.reset_index(drop=True)
        return out
    out.outfalls = _intersecting(model, "outfalls", la.merc_geometry(index))
    ola = model.get("outfalls")
    if ola is not None:
        out.outfall_keys = [str(k) for k in ola.keys[out.outfalls]]
    if ola is not None and len(out.outfalls):
        for f in ("outfall_type", "remediation", "remediation_status"):
            if f in ola.frame.columns:
                out.outfall_counts[f] = Counter(
                    str(v) for v in ola.frame[f].iloc[out.outfalls].to_numpy())
    keys = zone_keys(model, layer, index, out.outfalls, out.record)
    out.tasks = catalog.applied(tables, keys, "task", specific_only=not include_city)
    for item in catalog.applied(tables, keys, "indicator", specific_only=not include_city):
        status, reason = catalog.indicator_status(_latest(item.record))
        out.indicators.append((item, status, reason))
    out.indicators = with_measured(model, tables, out.indicators, keys.bays)
    return out


_STATUS = {True: "met", False: "not_met", None: "unknown"}


def with_measured(model: MapModel, tables: dict[str, pd.DataFrame],
                  indicators: list[tuple[catalog.AppliedItem, str, str]], bays: set[str],
                  ) -> list[tuple[catalog.AppliedItem, str, str]]:
    """The zone's indicators with the values the workspace data measures (the same numbers
    as the 统计 dock, :func:`models.plan_progress.measure`): ``measured_value`` and
    ``measured_basis_zh/_en`` in the record, status from on track.  A bay's own share is
    preferred where the indicator is measured per bay (QZ-I45/安海湾)."""
    wanted = {it.id for it, _s, _r in indicators} & set(plan_progress.MEASURES)
    if not wanted:
        return indicators
    ws = model.workspace  # the workspace's frames: outfalls without a geometry count too
    layers = ws.layers if ws is not None else {la.name: la.frame for la in model.layers}
    illustrative = tuple(ws.illustrative_layers()) if ws is not None else ()
    measured = {p.indicator_id: p for p in
                plan_progress.measure(layers, tables, illustrative, only=wanted)}
    out = []
    for item, status, reason in indicators:
        p = next((measured[f"{item.id}/{b}"] for b in sorted(bays)
                  if f"{item.id}/{b}" in measured), measured.get(item.id))
        if p is not None and p.measurable:
            rec = {**item.record, "measured_value": p.measured, "measured_unit": p.unit,
                   "measured_basis_zh": p.basis.zh, "measured_basis_en": p.basis.en,
                   "measured_target_zh": p.target.zh, "measured_target_en": p.target.en}
            item = replace(item, record=rec)
            status, reason = _STATUS[p.on_track], p.basis.en
        out.append((item, status, reason))
    return out


def _latest(rec: dict[str, Any]) -> dict[str, Any]:
    """Indicator record with ``latest_value`` filled from the measured (actual) value."""
    if rec.get("latest_value") is None and clean(rec.get("actual_value")) is not None:
        return {**rec, "latest_value": rec["actual_value"]}
    return rec


def deadlines(rec: dict[str, Any]) -> str:
    raw = rec.get("deadlines")
    if raw is None:
        return ""
    try:
        vals = json.loads(raw) if isinstance(raw, str) else list(raw)
    except (TypeError, ValueError):
        return str(raw)
    return "；".join(str(v) for v in vals)


def indicator_series(rec: dict[str, Any]) -> list[tuple[float, float, str]]:
    """(year, value, kind) points of an indicator: baseline, measured, target."""
    pts = []
    for y, v, kind in (("baseline_year", "baseline_value", "baseline"),
                       ("actual_year", "actual_value", "measured"),
                       ("latest_year", "latest_value", "measured"),
                       ("target_year", "target_value", "target")):
        yv, vv = clean(rec.get(y)), clean(rec.get(v))
        try:
            if yv is not None and vv is not None:
                pts.append((float(yv), float(vv), kind))
        except (TypeError, ValueError):
            continue
    return pts
