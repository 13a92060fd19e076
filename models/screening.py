"""Site screening: what a proposed site polygon touches, and what applies to it.

``screen_site(ws, polygon, buffer_m)`` answers the second question of the provincial
三线一单 platforms ("can this project go on this site?") offline: overlapping control units
with their geodesic overlap area and share of the site, protected areas and bays the site
overlaps or comes within the buffer of, outfalls inside and nearby, the access
requirements of the units touched grouped by the four dimensions, the tasks and indicators
of the zones touched, and a list of items needing attention.

Areas are geodesic (:func:`models.geodesy.geodesic_area_m2` of the intersection in
lon/lat).  Distances are measured in an azimuthal-equidistant projection centred on the
site, whose scale error is below 1e-6 within 10 km of the centre.  The report is a
decision aid, not a legal verdict, and says so (:data:`models.report_style.DISCLAIMER`).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from geodata import schema
from geodata.messages import Message, in_language, localized
from models import catalog
from models.geodesy import MU_PER_M2, degrees_for_metres, geodesic_area_m2, local_projector, project
from models.query import BAY_FIELDS, OUTFALL_FIELDS, PA_FIELDS, UNIT_FIELDS, _rec
from models.report_style import DIMENSIONS, DISCLAIMER, UNIT_CLASS_LABELS
from models.workspace import Workspace

#: Protected areas and bays further than this are not listed even with a small buffer,
#: except the single nearest of each (so the report always says how far the nearest is).
MAX_SEARCH_M = 50_000.0


class SiteError(ValueError):
    """A site polygon that cannot be screened (empty, not a polygon, invalid, too large)."""


@dataclass
class Attention:
    """One item needing attention: level 'high', 'medium' or 'info'."""

    level: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return Message(self.zh, self.en).text(lang)


@dataclass
class ScreeningReport:
    site_wkt: str
    site_area_m2: float
    site_area_mu: float
    centroid: tuple[float, float]
    bounds: tuple[float, float, float, float]
    buffer_m: float
    source: str = ""
    generated: str = ""
    counties: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    units_share_total: float = 0.0
    protected_areas: list[dict[str, Any]] = field(default_factory=list)
    nearest_protected_area: dict[str, Any] | None = None
    bays: list[dict[str, Any]] = field(default_factory=list)
    nearest_bay: dict[str, Any] | None = None
    outfalls_inside: list[dict[str, Any]] = field(default_factory=list)
    outfalls_nearby: list[dict[str, Any]] = field(default_factory=list)
    requirements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: The same in English (``<dim>_en`` texts, Chinese where a unit has none); listed by
    #: English text, since one Chinese text can name different places in English.
    requirements_en: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    illustrative_layers: tuple[str, ...] = ()
    notice_zh: str = ""
    notice_en: str = ""
    dataset: str = ""
    dataset_version: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    disclaimer_zh: str = DISCLAIMER[0]
    disclaimer_en: str = DISCLAIMER[1]

    @property
    def site(self) -> shapely.Geometry:
        return shapely.from_wkt(self.site_wkt)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["attention"] = [a.__dict__ for a in self.attention]
        d["illustrative_layers"] = list(self.illustrative_layers)
        d["centroid"] = list(self.centroid)
        d["bounds"] = list(self.bounds)
        return d


# -- checking the site ---------------------------------------------------------------------
def check_site(polygon: shapely.Geometry, max_area_km2: float = 2000.0) -> shapely.Geometry:
    """A valid 2-D (Multi)Polygon in lon/lat, or SiteError saying what is wrong."""
    if polygon is None or shapely.is_empty(polygon):
        raise SiteError("site is empty / 选址范围为空")
    if polygon.geom_type not in ("Polygon", "MultiPolygon"):
        raise SiteError(f"site must be a polygon, got {polygon.geom_type} / 选址范围须为面")
    polygon = shapely.force_2d(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise SiteError("site coordinates are not longitude/latitude / 选址坐标不是经纬度")
    if not shapely.is_valid(polygon):
        polygon = shapely.make_valid(polygon)
        polys = [g for g in shapely.get_parts(polygon) if g.geom_type in ("Polygon",
                                                                          "MultiPolygon")]
        if not polys:
            raise SiteError("site polygon is degenerate, it has no area / 选址多边形无面积")
        polygon = shapely.union_all(polys)
    area = geodesic_area_m2(polygon)
    if area <= 0:
        raise SiteError("site polygon has no area / 选址多边形面积为零")
    if area > max_area_km2 * 1e6:
        raise SiteError(f"site is {area / 1e6:.0f} km², larger than {max_area_km2:.0f} km² / "
                        "选址范围过大")
    return polygon


# -- helpers -------------------------------------------------------------------------------
def _candidates(ws: Workspace, layer: str, geom: shapely.Geometry, metres: float) -> np.ndarray:
    if not ws.has_layer(layer):
        return np.zeros(0, dtype=int)
    lat = shapely.centroid(geom).y
    d = degrees_for_metres(lat, metres)
    minx, miny, maxx, maxy = geom.bounds
    box = shapely.box(minx - d, miny - d, maxx + d, maxy + d)
    return np.sort(ws.index(layer).tree.query(box)).astype(int)


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


class _Measure:
    """Overlap areas and distances for one site."""

    def __init__(self, site: shapely.Geometry) -> None:
        c = shapely.centroid(site)
        self.site = site
        self.area = geodesic_area_m2(site)
        self.tr = local_projector(c.x, c.y)
        self.site_m = project(site, self.tr)
        shapely.prepare(site)

    def overlap(self, geom: shapely.Geometry) -> float:
        if not self.site.intersects(geom):
            return 0.0
        return geodesic_area_m2(shapely.intersection(self.site, geom))

    def distances(self, geoms: np.ndarray) -> np.ndarray:
        if len(geoms) == 0:
            return np.zeros(0)
        projected = project(np.asarray(geoms), self.tr)
        return np.asarray(shapely.distance(self.site_m, projected), dtype=float)


def _zones_near(ws: Workspace, layer: str, m: _Measure, buffer_m: float,
                fields: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Rows of ``layer`` overlapping the site or within ``buffer_m``; and the nearest row."""
    cand = _candidates(ws, layer, m.site, max(buffer_m, MAX_SEARCH_M))
    if len(cand) == 0:
        return [], None
    frame = ws.layer(layer)
    geoms = frame.geometry.values[cand]
    dist = m.distances(geoms)
    rows: list[dict[str, Any]] = []
    nearest: dict[str, Any] | None = None
    for i, g, dm in sorted(zip(cand.tolist(), geoms, dist.tolist(), strict=True),
                           key=lambda t: t[2]):
        if nearest is not None and dm > buffer_m:
            break  # sorted by distance: the rest are farther (a row's record costs ~0.3 ms)
        rec = _rec(frame.iloc[i].to_dict(), fields)
        ov = m.overlap(g) if dm == 0.0 else 0.0
        rec.update(distance_m=round(dm, 1), overlap_m2=round(ov, 1),
                   overlap_mu=round(ov * MU_PER_M2, 2),
                   share=round(ov / m.area, 4) if m.area else 0.0,
                   within_buffer=dm <= buffer_m)
        if nearest is None:
            nearest = rec
        if dm <= buffer_m:
            rows.append(rec)
    return rows, nearest


def _requirements(units: list[dict[str, Any]], lang: str = "zh"
                  ) -> dict[str, list[dict[str, Any]]]:
    """The four access-list dimensions; identical texts of several units are listed once."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, _zh, _en in DIMENSIONS:
        items: dict[str, dict[str, Any]] = {}
        for u in units:
            text = str(schema.text_in(u, key, lang) or "").strip()
            if not text:
                continue
            item = items.setdefault(text, {"text": text, "units": [], "classes": []})
            item["units"].append(u["code"])
            item["classes"].append(u.get("unit_class"))
        out[key] = sorted(items.values(), key=lambda it: (min(c or 9 for c in it["classes"]),
                                                          it["units"][0]))
    return out


# -- the report ----------------------------------------------------------------------------
def screen_site(ws: Workspace, polygon: shapely.Geometry, buffer_m: float = 1000.0,
                source: str = "") -> ScreeningReport:
    """Screen a site polygon (CGCS2000 lon/lat) against the workspace.

    Raises SiteError for a polygon that cannot be screened.
    """
    if not (0 <= buffer_m <= MAX_SEARCH_M):
        raise SiteError(f"buffer {buffer_m:g} m must be between 0 and {MAX_SEARCH_M:.0f} m / "
                        "缓冲距离超出范围")
    site = check_site(polygon)
    m = _Measure(site)
    c = shapely.centroid(site)
    meta = ws.metadata
    try:
        sources = json.loads(meta.get("sources", "[]"))
    except ValueError:
        sources = []
    rep = ScreeningReport(
        site_wkt=shapely.to_wkt(site, rounding_precision=7), site_area_m2=round(m.area, 1),
        site_area_mu=round(m.area * MU_PER_M2, 2), centroid=(round(c.x, 6), round(c.y, 6)),
        bounds=tuple(round(float(v), 6) for v in site.bounds),  # type: ignore[arg-type]
        buffer_m=float(buffer_m), source=source,
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        illustrative_layers=ws.illustrative_layers(),
        notice_zh=meta.get("illustrative_notice_zh", ""),
        notice_en=meta.get("illustrative_notice_en", ""),
        dataset=meta.get("dataset", ""), dataset_version=meta.get("dataset_version", ""),
        sources=sources if isinstance(sources, list) else [])
    keys = catalog.ZoneKeys()

    # Counties and control units: overlap area and share of the site.
    for layer, fields in (("counties", ("code", "name_zh", "name_en")),
                          ("control_units", UNIT_FIELDS)):
        if not ws.has_layer(layer):
            continue
        frame = ws.layer(layer)
        rows = []
        for i in sorted(int(i) for i in ws.index(layer).tree.query(site,
                                                                   predicate="intersects")):
            ov = m.overlap(frame.geometry.values[i])
            if ov <= 0.0:  # touching along an edge only
                continue
            rec = _rec(frame.iloc[i].to_dict(), fields)
            rec.update(overlap_m2=round(ov, 1), overlap_mu=round(ov * MU_PER_M2, 2),
                       share=round(ov / m.area, 4))
            rows.append(rec)
        rows.sort(key=lambda r: -r["overlap_m2"])
        if layer == "counties":
            rep.counties = rows
            keys.counties.update(str(r["code"]) for r in rows)
        else:
            for r in rows:
                cls = int(r["unit_class"]) if r.get("unit_class") is not None else 0
                r["unit_class"] = cls
                r["class_zh"], r["class_en"] = UNIT_CLASS_LABELS.get(cls, ("", ""))
                r["theme_en"] = schema.english_value("theme", r.get("theme"))
                keys.unit_classes.add(str(cls))
                keys.unit_themes.add(str(r.get("theme") or ""))
                keys.units.add(str(r["code"]))
                if r.get("county_code"):
                    keys.counties.add(str(r["county_code"]))
            rows.sort(key=lambda r: (r["unit_class"] or 9, -r["overlap_m2"]))
            rep.units = rows
            rep.units_share_total = round(sum(r["overlap_m2"] for r in rows) / m.area, 4)
    rep.requirements = _requirements(rep.units)
    rep.requirements_en = _requirements(rep.units, "en")

    rep.protected_areas, rep.nearest_protected_area = _zones_near(
        ws, "protected_areas", m, buffer_m, PA_FIELDS)
    keys.protected_areas.update(str(p["name_zh"]) for p in rep.protected_areas
                                if p["overlap_m2"] > 0)
    rep.bays, rep.nearest_bay = _zones_near(ws, "bays", m, buffer_m, BAY_FIELDS)
    keys.bays.update(str(b["name_zh"]) for b in rep.bays if b["overlap_m2"] > 0)

    outfalls, _ = _zones_near(ws, "outfalls", m, buffer_m, OUTFALL_FIELDS)
    for o in outfalls:
        for k in ("overlap_m2", "overlap_mu", "share"):
            o.pop(k, None)
        o["lon"], o["lat"] = _outfall_xy(ws, o)
    rep.outfalls_inside = [o for o in outfalls if o["distance_m"] == 0.0]
    rep.outfalls_nearby = [o for o in outfalls if o["distance_m"] > 0.0]
    keys.outfall_kinds.update(str(o["water_kind"]) for o in rep.outfalls_inside)

    if rep.counties or rep.units or any(z["overlap_m2"] > 0 for z in rep.bays):
        rep.tasks = [a.to_dict() for a in catalog.applied(ws.tables, keys, "task")]
        for a in catalog.applied(ws.tables, keys, "indicator"):
            d = a.to_dict()
            d["status"], d["status_reason"] = catalog.indicator_status(a.record)
            rep.indicators.append({k: _clean(v) for k, v in d.items()})
    rep.attention = attention_items(rep)
    return rep


def _outfall_xy(ws: Workspace, rec: dict[str, Any]) -> tuple[float | None, float | None]:
    frame = ws.layer("outfalls")
    hit = frame.index[frame["code"] == rec.get("code")] if "code" in frame else []
    if len(hit) == 0:
        return None, None
    g = frame.geometry.loc[hit[0]]
    return round(float(g.x), 6), round(float(g.y), 6)


def _names(rows: list[dict[str, Any]], lang: str) -> str:
    seen: list[str] = []
    for r in rows:
        name = str(localized(r, "name", lang) or r.get("code") or "")
        zone = r.get("zone")
        if zone:
            name += in_language(lang, f"（{zone}）", "")  # the English lists names only
        if name not in seen:
            seen.append(name)
    return in_language(lang, "、", ", ").join(seen)


def attention_items(rep: ScreeningReport) -> list[Attention]:
    """Items a reviewer should look at first, most serious first."""
    out: list[Attention] = []
    prio = [u for u in rep.units if u["unit_class"] == 1]
    if prio:
        share = sum(u["share"] for u in prio)
        out.append(Attention(
            "high",
            f"选址涉及优先保护单元 {_names(prio, 'zh')}（占选址面积 {share:.1%}），"
            "原则上应避让，或论证与生态保护要求的符合性。",
            f"The site touches priority-protection unit(s) {_names(prio, 'en')} "
            f"({share:.1%} of the site); avoid them in principle, or show compliance with "
            "their protection requirements."))
    inside_pa = [p for p in rep.protected_areas if p["overlap_m2"] > 0]
    if inside_pa:
        core = [p for p in inside_pa if str(p.get("zone") or "") == "核心区"]
        out.append(Attention(
            "high",
            f"选址与自然保护地重叠：{_names(inside_pa, 'zh')}"
            + ("，含核心区" if core else "") + "。须符合自然保护地管理规定。",
            f"The site overlaps protected area(s): {_names(inside_pa, 'en')}"
            + (", including a core zone" if core else "")
            + ". Protected-area rules apply."))
    near_pa = [p for p in rep.protected_areas if p["overlap_m2"] == 0]
    if near_pa:
        d = min(p["distance_m"] for p in near_pa)
        out.append(Attention(
            "medium",
            f"缓冲距离 {rep.buffer_m:.0f} 米内有自然保护地：{_names(near_pa, 'zh')}"
            f"（最近 {d:.0f} 米），应评估对其影响。",
            f"Protected area(s) within the {rep.buffer_m:.0f} m buffer: "
            f"{_names(near_pa, 'en')} (nearest {d:.0f} m); assess the effects on them."))
    bays_in = [b for b in rep.bays if b["overlap_m2"] > 0]
    sea_units = [u for u in rep.units if str(u.get("domain") or "") in ("sea", "海域")]
    if bays_in or sea_units:
        names = _names(bays_in, "zh") or _names(sea_units, "zh")
        names_en = _names(bays_in, "en") or _names(sea_units, "en")
        out.append(Attention(
            "medium",
            f"选址涉及海域（{names}），涉及用海须符合海洋功能区划与海湾水质目标。",
            f"The site reaches into the sea ({names_en}); sea use must fit the marine "
            "zoning and the bay's water-quality target."))
    key = [u for u in rep.units if u["unit_class"] == 2]
    if key:
        out.append(Attention(
            "medium",
            f"选址涉及重点管控单元 {_names(key, 'zh')}，须落实污染物排放管控与环境风险防控要求。",
            f"The site touches key-control unit(s) {_names(key, 'en')}: discharge control and "
            "risk-prevention requirements apply."))
    if rep.outfalls_inside:
        out.append(Attention(
            "medium", f"选址范围内有 {len(rep.outfalls_inside)} 个排污口，须核实其整治要求。",
            f"{len(rep.outfalls_inside)} outfall(s) lie inside the site; check their "
            "remediation requirements."))
    not_met = [i for i in rep.indicators if i.get("status") == "not_met"]
    if not_met:
        out.append(Attention(
            "medium",
            "所涉区域有未达标指标：" + "、".join(str(i.get("name_zh")) for i in not_met[:5]),
            "Indicators not met in the zones touched: "
            + ", ".join(str(i.get("name_en") or i.get("name_zh")) for i in not_met[:5])))
    if len(rep.counties) > 1:
        out.append(Attention(
            "info", f"选址跨越 {len(rep.counties)} 个县级行政区：{_names(rep.counties, 'zh')}。",
            f"The site spans {len(rep.counties)} counties: {_names(rep.counties, 'en')}."))
    if rep.units_share_total < 0.99:
        out.append(Attention(
            "info", f"选址有 {1 - rep.units_share_total:.1%} 不在任何管控单元内（数据范围外）。",
            f"{1 - rep.units_share_total:.1%} of the site lies in no control unit "
            "(outside the data)."))
    if not out:
        out.append(Attention("info", "未发现需特别关注的事项。",
                             "No item needing particular attention was found."))
    if rep.illustrative_layers:
        out.append(Attention(
            "info", "管控单元、排污口等为示例数据，结论仅用于演示：" + rep.notice_zh,
            "Control units, outfalls etc. are illustrative; results are for demonstration: "
            + rep.notice_en))
    return out
