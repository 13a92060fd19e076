""""What applies at this point": the one function the window, the CLI and reports share.

A unit's record carries both languages, like the names (name_zh/name_en): the four access
texts and their English forms ``kjbjys_en`` … (None where the workspace has none, e.g. for
imported official units; show the Chinese then, see :func:`geodata.schema.text_in`), and
``theme`` with ``theme_en``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from geodata import schema
from models import catalog
from models.geodesy import degrees_for_metres, distances_m
from models.workspace import Workspace

#: Protected areas and bays within this distance are reported with their distance.
NEARBY_M = 5000.0


def _rec(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for f in fields:
        v = row.get(f)
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif isinstance(v, np.integer):
            v = int(v)
        elif isinstance(v, np.floating):
            v = float(v)
        out[f] = v
    return out


UNIT_FIELDS = ("code", "name_zh", "name_en", "unit_class", "county_code", "domain", "theme",
               *schema.UNIT_TEXT_FIELDS,
               *(f"{d}{schema.EN_SUFFIX}" for d in schema.UNIT_TEXT_FIELDS))
BAY_FIELDS = ("name_zh", "name_en", "wq_class", "wq_target", "target_year", "source")
PA_FIELDS = ("name_zh", "name_en", "level", "kind", "zone", "area_published_ha", "county_code")
OUTFALL_FIELDS = ("code", "name_zh", "outfall_type", "subtype", "water_kind", "receiving_water",
                  "remediation", "remediation_status", "review_status", "county_code")


@dataclass
class PointReport:
    lon: float
    lat: float
    inside_data: bool
    county: dict[str, Any] | None = None
    units: list[dict[str, Any]] = field(default_factory=list)
    bays: list[dict[str, Any]] = field(default_factory=list)  # containing, distance_m = 0
    nearby_bays: list[dict[str, Any]] = field(default_factory=list)
    protected_areas: list[dict[str, Any]] = field(default_factory=list)
    nearby_protected_areas: list[dict[str, Any]] = field(default_factory=list)
    outfalls: list[dict[str, Any]] = field(default_factory=list)
    radius_m: float = 1000.0
    tasks: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    illustrative_layers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, illustrative_layers=list(self.illustrative_layers))


def _containing(ws: Workspace, layer: str, pt: shapely.Point) -> list[int]:
    if not ws.has_layer(layer):
        return []
    idx = ws.index(layer).tree.query(pt, predicate="intersects")
    return sorted(int(i) for i in idx)


def _nearby(ws: Workspace, layer: str, lon: float, lat: float, radius: float,
            fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Features of ``layer`` within ``radius`` metres, nearest first, with distance_m."""
    if not ws.has_layer(layer):
        return []
    frame = ws.layer(layer)
    d = degrees_for_metres(lat, radius)
    cand = ws.index(layer).tree.query(shapely.box(lon - d, lat - d, lon + d, lat + d))
    if len(cand) == 0:
        return []
    cand = np.sort(cand)
    dist = distances_m(lon, lat, frame.geometry.values[cand])
    out = []
    for i, dm in sorted(zip(cand.tolist(), dist.tolist()), key=lambda t: t[1]):
        if dm <= radius:
            rec = _rec(frame.iloc[i].to_dict(), fields)
            rec["distance_m"] = round(dm, 1)
            out.append(rec)
    return out


def _county_by_code(ws: Workspace, code: str) -> dict[str, Any] | None:
    """The county that administers a sea unit: a sea point lies in no county polygon."""
    counties = ws.layers.get("counties")
    if counties is None:
        return None
    hit = counties[counties["code"] == code]
    if hit.empty:
        return None
    rec = _rec(hit.iloc[0].to_dict(), ("code", "name_zh", "name_en"))
    rec["via"] = "sea_unit"
    return rec


def _dedupe_by_name(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Zoned reserves are several rows (核心区/缓冲区…); report each name once, nearest."""
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = str(r.get("name_zh"))
        if name not in seen or r["distance_m"] < seen[name]["distance_m"]:
            seen[name] = r
    return sorted(seen.values(), key=lambda r: r["distance_m"])


def what_applies(ws: Workspace, lon: float, lat: float, radius_m: float = 1000.0) -> PointReport:
    """Everything that applies at (lon, lat) in CGCS2000."""
    pt = shapely.Point(lon, lat)
    rep = PointReport(lon=lon, lat=lat, inside_data=False, radius_m=radius_m,
                      illustrative_layers=ws.illustrative_layers())
    keys = catalog.ZoneKeys()

    county_idx = _containing(ws, "counties", pt)
    counties = ws.layers.get("counties")
    if county_idx and counties is not None:
        rep.county = _rec(counties.iloc[county_idx[0]].to_dict(), ("code", "name_zh", "name_en"))
        keys.counties.add(str(rep.county["code"]))

    units = ws.layers.get("control_units")
    for i in _containing(ws, "control_units", pt):
        assert units is not None
        rec = _rec(units.iloc[i].to_dict(), UNIT_FIELDS)
        cls = int(rec["unit_class"]) if rec.get("unit_class") is not None else 0
        rec["class_zh"], rec["class_en"] = schema.UNIT_CLASSES.get(cls, ("", ""))
        rec["theme_en"] = schema.english_value("theme", rec.get("theme"))
        rep.units.append(rec)
        keys.unit_classes.add(str(cls))
        keys.unit_themes.add(str(rec.get("theme") or ""))
        keys.units.add(str(rec["code"]))
        if not rep.county and rec.get("county_code"):
            keys.counties.add(str(rec["county_code"]))
            rep.county = _county_by_code(ws, str(rec["county_code"]))
    rep.units.sort(key=lambda r: (r.get("unit_class") or 9, str(r["code"])))

    near_bays = _nearby(ws, "bays", lon, lat, NEARBY_M, BAY_FIELDS)
    rep.bays = [b for b in near_bays if b["distance_m"] == 0.0]
    rep.nearby_bays = [b for b in near_bays if b["distance_m"] > 0.0]
    keys.bays.update(str(b["name_zh"]) for b in rep.bays)

    near_pa = _nearby(ws, "protected_areas", lon, lat, NEARBY_M, PA_FIELDS)
    rep.protected_areas = [p for p in near_pa if p["distance_m"] == 0.0]
    inside_names = {p["name_zh"] for p in rep.protected_areas}
    rep.nearby_protected_areas = _dedupe_by_name(
        [p for p in near_pa if p["distance_m"] > 0.0 and p["name_zh"] not in inside_names])
    keys.protected_areas.update(str(p["name_zh"]) for p in rep.protected_areas)

    rep.outfalls = _nearby(ws, "outfalls", lon, lat, radius_m, OUTFALL_FIELDS)
    keys.outfall_kinds.update(str(o["water_kind"]) for o in rep.outfalls)

    rep.inside_data = bool(rep.county or rep.units or rep.bays or rep.protected_areas)
    if rep.inside_data:
        tables = ws.tables
        rep.tasks = [a.to_dict() for a in catalog.applied(tables, keys, "task")]
        inds = []
        for a in catalog.applied(tables, keys, "indicator"):
            d = a.to_dict()
            d["status"], d["status_reason"] = catalog.indicator_status(a.record)
            inds.append(d)
        rep.indicators = inds
    return rep
