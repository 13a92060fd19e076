"""REFERENCE COPY of models/compliance.py as it was before issue 17 (main 503254a), the
_Checker that builds a Python object per finding.  tests/models/test_compliance_scale.py
compares the array implementation with it; do not change it.

Compliance checks on the outfall inventory, each finding with a reason a person can read.

Checks (ids used in the table's flag column and on the command line):

``in_priority_unit``     inside a priority-protection control unit (unit_class 1)
``in_protected_area``    inside a protected area (named, with its zone where known)
``near_protected_area``  within ``near_protected_m`` of a protected area
``possible_duplicate``   another outfall within ``duplicate_m`` (the same pipe registered twice)
``missing_fields``       required fields empty
``outside_city``         outside the city's land and sea
``far_from_water``       farther than ``max_water_distance_m`` from any shoreline or river
``missing_code``         no real code yet: a provisional one (待编码-county-serial) given on
                         import to an outfall found without a code (issue 14)

Distances are measured in a transverse Mercator on the GRS80 (CGCS2000) ellipsoid centred on
118.5°E, which spans Quanzhou with a scale error under 0.02 % -- centimetres at these
ranges.  Qt-free; used by the window, ``app.py outfalls check`` and the tests.
"""

# ruff: noqa: B905, E501 -- kept as it was on main, line for line
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from geodata import schema
from geodata.io import provisional_codes
from geodata.io.messages import Message
from models.workspace import Workspace

CHECKS: dict[str, tuple[str, str, str]] = {  # id: (zh label, en label, severity)
    "in_priority_unit": ("位于优先保护单元", "In priority-protection unit", "high"),
    "in_protected_area": ("位于保护地内", "Inside protected area", "high"),
    "near_protected_area": ("临近保护地", "Near protected area", "medium"),
    "possible_duplicate": ("疑似重复", "Possible duplicate", "medium"),
    "missing_fields": ("缺少必填项", "Missing fields", "low"),
    "outside_city": ("位于市域外", "Outside the city", "high"),
    "far_from_water": ("远离水体", "Far from water", "medium"),
    "missing_code": ("缺少编码", "Missing code", "medium"),
}
REQUIRED_FIELDS = ("name_zh", "outfall_type", "subtype", "water_kind", "receiving_water",
                   "discharge_mode", "responsible_party", "county_code")
_TMERC = Transformer.from_crs(
    "EPSG:4490", "+proj=tmerc +lat_0=0 +lon_0=118.5 +k=1 +x_0=500000 +ellps=GRS80 +units=m",
    always_xy=True)


@dataclass(frozen=True)
class ComplianceConfig:
    near_protected_m: float = 500.0
    duplicate_m: float = 20.0
    max_water_distance_m: float = 2000.0
    city_tolerance_m: float = 200.0
    required_fields: tuple[str, ...] = REQUIRED_FIELDS


@dataclass(frozen=True)
class Finding:
    code: str
    check: str
    message: Message
    zone: str = ""
    zone_code: str = ""
    distance_m: float | None = None
    other_code: str = ""
    fields: tuple[str, ...] = field(default=())

    @property
    def severity(self) -> str:
        return CHECKS[self.check][2]

    def label(self, lang: str = "zh") -> str:
        zh, en, _ = CHECKS[self.check]
        return Message(zh, en).text(lang)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "check": self.check, "severity": self.severity,
                "label": {"zh": self.label("zh"), "en": self.label("en")},
                "reason": self.message.to_json(), "zone": self.zone,
                "zone_code": self.zone_code, "distance_m": self.distance_m,
                "other_code": self.other_code, "fields": list(self.fields)}


def _project(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.column_stack(_TMERC.transform(xy[:, 0],
                                                                                 xy[:, 1])))


def _pieces(lines: np.ndarray, n: int = 64) -> np.ndarray:
    """Lines (and polygon rings) as pieces of at most ``n`` vertices, overlapping by one."""
    out = []
    for part in shapely.get_parts(lines):
        if part.geom_type in ("Polygon", "MultiPolygon"):
            part = part.boundary
        for line in shapely.get_parts(np.asarray([part], dtype=object)):
            xy = shapely.get_coordinates(line)
            if len(xy) < 2:
                continue
            for s in range(0, len(xy) - 1, n - 1):
                out.append(shapely.LineString(xy[s:s + n]))
    return np.asarray(out, dtype=object)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _zone_names(frame: Any, i: int) -> tuple[str, str, str]:
    """(zh name with zone, en name with zone, code) of row ``i`` of a zone layer."""
    row = frame.iloc[i]
    zh = _text(row.get("name_zh")) or _text(row.get("code")) or "?"
    en = _text(row.get("name_en")) or zh
    zone = _text(row.get("zone"))
    if zone:
        zone_en = {"核心区": "core zone", "缓冲区": "buffer zone", "实验区": "experimental zone"}
        zh += f"（{zone}）"
        en += f" ({zone_en.get(zone, zone)})"
    return zh, en, _text(row.get("code"))


class _Checker:
    def __init__(self, ws: Workspace, cfg: ComplianceConfig) -> None:
        self.ws, self.cfg = ws, cfg
        self.frame = ws.layer("outfalls")
        self.codes = [str(c) for c in self.frame["code"].tolist()]
        geoms = np.asarray(self.frame.geometry.values, dtype=object)
        self.valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        self.idx = np.flatnonzero(self.valid)
        self.pts = geoms[self.idx]
        self.pts_m = _project(self.pts)
        self.out: list[Finding] = []
        #: flags only (the inventory's column): keep (row, check), drop the texts at once --
        #: a million findings with their reasons are ~1 GB
        self.flags_only = False
        self.pairs: list[tuple[int, str]] = []
        self._names: dict[tuple[int, int], tuple[str, str, str]] = {}

    def zone_names(self, frame: Any, i: int) -> tuple[str, str, str]:
        """_zone_names, once per zone: 100k outfalls fall in a few hundred zones, and a
        pandas row lookup per finding took 19 of the 40 s of a 100k check."""
        key = (id(frame), i)
        names = self._names.get(key)
        if names is None:
            names = self._names[key] = _zone_names(frame, i)
        return names

    def add(self, i: int, check: str, zh: str, en: str, **kw: Any) -> None:
        if self.flags_only:
            self.pairs.append((i, check))
            return
        self.out.append(Finding(self.codes[i], check, Message(zh, en), **kw))

    def layer(self, name: str) -> Any:
        return self.ws.layers.get(name)

    def in_zones(self) -> None:
        units = self.layer("control_units")
        if units is not None and len(units) and "unit_class" in units:
            cls = np.asarray(units["unit_class"].astype(str).str.strip())
            prio = units[cls == "1"].reset_index(drop=True)
            tree = shapely.STRtree(prio.geometry.values)
            for p, u in zip(*tree.query(self.pts, predicate="intersects")):
                zh, en, code = self.zone_names(prio, int(u))
                self.add(int(self.idx[p]), "in_priority_unit",
                         f"位于优先保护单元“{zh}”（{code}）内：优先保护单元以生态保护为主，"
                         "原则上不新设排污口，请核实位置或整治要求。",
                         f"inside the priority-protection unit '{en}' ({code}): these units "
                         "put ecological protection first and in principle admit no new "
                         "outfalls; check the location or the remediation.",
                         zone=zh, zone_code=code)
        pa = self.layer("protected_areas")
        if pa is None or not len(pa):
            return
        pa = pa.reset_index(drop=True)
        tree = shapely.STRtree(pa.geometry.values)
        inside: set[int] = set()
        for p, a in zip(*tree.query(self.pts, predicate="intersects")):
            if int(p) in inside:
                continue
            inside.add(int(p))
            zh, en, code = self.zone_names(pa, int(a))
            self.add(int(self.idx[p]), "in_protected_area",
                     f"位于保护地“{zh}”内：保护地内一般不得设置排污口，请核实位置，或列入取缔/迁出。",
                     f"inside the protected area '{en}': outfalls are generally not "
                     "permitted there; check the location or list it for closure.",
                     zone=zh, zone_code=code)
        near = self.cfg.near_protected_m
        if near <= 0:
            return
        pa_m = _project(np.asarray(pa.geometry.values, dtype=object))
        tree_m = shapely.STRtree(pa_m)
        ps, as_ = tree_m.query(self.pts_m, predicate="dwithin", distance=near)
        keep = ~np.isin(ps, np.fromiter(inside, dtype=np.int64, count=len(inside)))
        ps, as_ = ps[keep], as_[keep]
        dist = shapely.distance(self.pts_m[ps], pa_m[as_])  # vectorised, not per pair
        order = np.lexsort((dist, ps))  # by outfall, nearest area first
        first = np.ones(len(order), bool)
        first[1:] = ps[order][1:] != ps[order][:-1]
        for k in order[first]:
            p, a, d = int(ps[k]), int(as_[k]), float(dist[k])
            zh, en, code = self.zone_names(pa, a)
            self.add(int(self.idx[p]), "near_protected_area",
                     f"距保护地“{zh}”仅 {d:.0f} 米（阈值 {near:.0f} 米）：排放可能影响保护地，请核实。",
                     f"{d:.0f} m from the protected area '{en}' (threshold {near:.0f} m): "
                     "the discharge may affect it; please check.",
                     zone=zh, zone_code=code, distance_m=round(d, 1))

    def duplicates(self) -> None:
        lim = self.cfg.duplicate_m
        tree = shapely.STRtree(self.pts_m)
        a, b = tree.query(self.pts_m, predicate="dwithin", distance=lim)
        keep = a < b
        a, b = a[keep], b[keep]
        dist = shapely.distance(self.pts_m[a], self.pts_m[b])
        for p, q, d in zip(a.tolist(), b.tolist(), dist.tolist(), strict=True):
            i, j = int(self.idx[p]), int(self.idx[q])
            for x, y in ((i, j), (j, i)):
                self.add(x, "possible_duplicate",
                         f"与排污口 {self.codes[y]} 相距仅 {d:.1f} 米（阈值 {lim:.0f} 米），可能是同一排口重复登记。",
                         f"only {d:.1f} m from outfall {self.codes[y]} (threshold {lim:.0f} m): "
                         "possibly the same outfall registered twice.",
                         distance_m=round(d, 2), other_code=self.codes[y])

    def missing(self) -> None:
        labels = {f.name: (f.label_zh, f.label_en) for f in schema.OUTFALL_FIELDS}
        cols = [f for f in self.cfg.required_fields]
        values = {f: (self.frame[f].tolist() if f in self.frame else [None] * len(self.frame))
                  for f in cols}
        for i in range(len(self.frame)):
            gone = tuple(f for f in cols if not _text(values[f][i]))
            if not self.valid[i]:
                gone += ("geometry",)
            if gone:
                zh = "、".join(labels.get(f, ("坐标", "location"))[0] for f in gone)
                en = ", ".join(labels.get(f, ("坐标", "location"))[1] for f in gone)
                self.add(i, "missing_fields", f"缺少必填项：{zh}。", f"missing required fields: {en}.",
                         fields=gone)

    def uncoded(self) -> None:
        for i, code in enumerate(self.codes):
            if provisional_codes.is_provisional(code) or not code.strip() or code == "None":
                self.add(i, "missing_code",
                         f"尚无正式编码（临时编码 {code}）：导入时文件中没有编码。"
                         "请按 PWK + 县区代码 + H（入海）/R（入河）+ 四位序号赋予正式编码。",
                         f"no real code yet (provisional code {code}): the file it was "
                         "imported from had none. Give it its code: PWK + county code + "
                         "H (sea) / R (river) + a 4-digit serial.")

    def implausible(self) -> None:
        city = self.layer("city")
        if city is None or not len(city):
            city = self.layer("counties")
        if city is not None and len(city):
            area = shapely.union_all(np.asarray(city.geometry.values, dtype=object))
            sea = self.layer("sea")
            if sea is not None and len(sea):
                area = shapely.union(area, shapely.union_all(np.asarray(sea.geometry.values)))
            area_m = _project(np.asarray([area], dtype=object))[0]
            shapely.prepare(area_m)
            tol = self.cfg.city_tolerance_m
            out = np.flatnonzero(~shapely.dwithin(area_m, self.pts_m, tol))
            dists = np.zeros(len(out))
            if len(out):  # outside the area: distance to its boundary, piece by piece
                edge = shapely.STRtree(_pieces(np.asarray([area_m], dtype=object)))
                (src, _tgt), d = edge.query_nearest(self.pts_m[out], return_distance=True)
                dists = np.full(len(out), np.inf)
                np.minimum.at(dists, src, d)
            for p, d in zip(out.tolist(), dists.tolist(), strict=True):
                self.add(int(self.idx[p]), "outside_city",
                         f"位于泉州市域（陆域及管辖海域）之外约 {d / 1000:.1f} 公里：坐标可能有误（经纬度颠倒、坐标系未转换？）。",
                         f"about {d / 1000:.1f} km outside Quanzhou (land and sea): the "
                         "coordinates may be wrong (swapped, or not converted from GCJ-02?).",
                         distance_m=round(d, 1))
        lines = [self.layer(n) for n in ("coastline", "rivers")]
        water = [np.asarray(g.geometry.values, dtype=object) for g in lines
                 if g is not None and len(g)]
        if not water:
            return
        # cut the coastline and rivers into short pieces: the tree then prunes to a few
        # pieces per outfall instead of measuring to whole 10k-vertex coastlines
        water_m = _pieces(_project(np.concatenate(water)))
        tree = shapely.STRtree(water_m)
        lim = self.cfg.max_water_distance_m
        near = np.zeros(len(self.pts_m), bool)
        near[np.unique(tree.query(self.pts_m, predicate="dwithin", distance=lim)[0])] = True
        far = np.flatnonzero(~near)
        nearest = np.full(len(self.pts_m), np.nan)
        if len(far):  # one call for all: a query per point took 7 of 40 s at 100k
            (src, _tgt), d = tree.query_nearest(self.pts_m[far], return_distance=True)
            best = np.full(len(far), np.inf)
            np.minimum.at(best, src, d)
            nearest[far] = best
        for p in far:
            dist = float(nearest[p])
            self.add(int(self.idx[p]), "far_from_water",
                     f"距最近的海岸线或河流约 {dist / 1000:.1f} 公里（阈值 {lim / 1000:.1f} 公里）：排污口应位于岸边，请核实坐标。",
                     f"about {dist / 1000:.1f} km from the nearest shoreline or river "
                     f"(threshold {lim / 1000:.1f} km): an outfall sits on a bank; check the "
                     "coordinates.", distance_m=round(dist, 1))


def check_outfalls(ws: Workspace, config: ComplianceConfig | None = None,
                   checks: tuple[str, ...] | None = None) -> list[Finding]:
    """All findings on the workspace's outfalls, ordered by outfall code then severity."""
    cfg = config or ComplianceConfig()
    if not ws.has_layer("outfalls"):
        return []
    c = _Checker(ws, cfg)
    wanted = _run(c, checks)
    order = {k: i for i, k in enumerate(CHECKS)}
    return sorted((f for f in c.out if f.check in wanted),
                  key=lambda f: (f.code, order[f.check], f.other_code, f.zone))


def check_flag_bits(ws: Workspace, config: ComplianceConfig | None = None) -> np.ndarray:
    """One int64 per outfall row (frame order): bit k set when check number k of
    :data:`CHECKS` found something.  What the inventory needs, without the findings' texts
    or a dict per outfall (at 1M rows those were ~1 GB and ~0.3 GB)."""
    if not ws.has_layer("outfalls"):
        return np.zeros(0, np.int64)
    c = _Checker(ws, config or ComplianceConfig())
    c.flags_only = True
    _run(c, None)
    bit = {k: 1 << i for i, k in enumerate(CHECKS)}
    bits = np.zeros(len(c.codes), np.int64)
    if c.pairs:
        rows = np.fromiter((i for i, _ in c.pairs), np.int64, len(c.pairs))
        vals = np.fromiter((bit[k] for _, k in c.pairs), np.int64, len(c.pairs))
        np.bitwise_or.at(bits, rows, vals)
    return bits


def _run(c: _Checker, checks: tuple[str, ...] | None) -> set[str]:
    wanted = set(checks or CHECKS)
    if wanted & {"in_priority_unit", "in_protected_area", "near_protected_area"}:
        c.in_zones()
    if "possible_duplicate" in wanted:
        c.duplicates()
    if "missing_fields" in wanted:
        c.missing()
    if wanted & {"outside_city", "far_from_water"}:
        c.implausible()
    if "missing_code" in wanted:
        c.uncoded()
    return wanted


def flags_by_code(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    """code → check ids found on it (for the table's flag column and filter)."""
    out: dict[str, dict[str, None]] = {}
    for f in findings:
        out.setdefault(f.code, {})[f.check] = None
    return {k: tuple(v) for k, v in out.items()}


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(CHECKS, 0)
    for f in findings:
        counts[f.check] += 1
    return counts
