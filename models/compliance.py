"""Compliance checks on the outfall inventory, each finding with a reason a person can read.

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

The checks run on arrays (:mod:`models.compliance_scan`, :mod:`models.compliance_grid`):
:func:`scan_outfalls` gives the findings as columns (:class:`Findings`) and a finding's
texts are made only when it is read -- a million outfalls' findings with their texts were
9.8 GB (issue 17).  :func:`check_outfalls` still gives the list of :class:`Finding`;
:func:`check_flag_bits` the window's flags, without names, distances or texts.  The checks
read a :class:`models.compliance_input.CheckInput`: made from a workspace, or read
straight from the file by ``app.py outfalls check`` (no ``Workspace.open``).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from geodata import schema
from geodata.io.messages import Message
from models import compliance_scan as _scan
from models.compliance_grid import tenths
from models.compliance_input import CheckInput
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
    return _scan.project(geoms)


def _pieces(lines: np.ndarray, n: int = 64) -> np.ndarray:
    return _scan.pieces(lines, n)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _zone_names(frame: Any, rows: list[int]) -> list[tuple[str, str, str]]:
    """(zh name with zone, en name with zone, code) of rows ``rows`` of a zone layer."""
    def col(name: str) -> list[Any]:  # cells of the rows, read as one column each: a
        # frame.iloc row (then a cell) per zone took a second for 7k zones at 1M outfalls
        return frame[name].take(rows).tolist() if name in frame else [None] * len(rows)

    zone_en = {"核心区": "core zone", "缓冲区": "buffer zone", "实验区": "experimental zone"}
    out = []
    for name_zh, name_en, code, zone in zip(col("name_zh"), col("name_en"), col("code"),
                                            col("zone"), strict=True):
        zh = _text(name_zh) or _text(code) or "?"
        en = _text(name_en) or zh
        z = _text(zone)
        if z:
            zh += f"（{z}）"
            en += f" ({zone_en.get(z, z)})"
        out.append((zh, en, _text(code)))
    return out


assert tuple(CHECKS) == _scan.CHECK_IDS


class Findings:
    """The findings of a check as columns (:class:`models.compliance_scan.Found`); a
    :class:`Finding` with its texts is made only for the rows asked for (``finding(k)``,
    iteration) -- at 1M outfalls a Finding per row was gigabytes (issue 17)."""

    def __init__(self, found: _scan.Found, cfg: ComplianceConfig) -> None:
        self.found, self.cfg = found, cfg
        self._labels = {f.name: (f.label_zh, f.label_en) for f in schema.OUTFALL_FIELDS}
        self._fields = tuple(cfg.required_fields) + ("geometry",)
        #: :meth:`groups` made beside the sort (``sorted(groups_for=...)``): (together,
        #: group of each finding, representatives)
        self._groups: tuple[tuple[int, ...], np.ndarray, list[tuple[Any, ...]]] | None = None
        self._order = np.zeros(0, np.int64)  # of the findings it was sorted from

    def __len__(self) -> int:
        return len(self.found.rows)

    def __iter__(self) -> Iterator[Finding]:
        return (_finding(p) for p in self.parts())

    def counts(self) -> dict[str, int]:
        """Findings per check id (what :func:`summary` gives)."""
        n = np.bincount(self.found.check.astype(np.int64), minlength=len(CHECKS))
        return {k: int(n[i]) for i, k in enumerate(CHECKS)}

    def only_codes(self, codes: set[str]) -> Findings:
        """The findings on these outfall codes only."""
        f = self.found
        keep = np.isin(f.codes[f.rows], np.asarray(sorted(codes), dtype=object))
        sub = replace(f, rows=f.rows[keep], check=f.check[keep], zone=f.zone[keep],
                      dist=f.dist[keep], other=f.other[keep], fmask=f.fmask[keep])
        return Findings(sub, self.cfg)

    def sorted(self, groups_for: tuple[int, ...] | None = None) -> Findings:
        """Ordered by outfall code, check, other outfall's code, zone (as before: a stable
        sort of the checks' emission order).

        ``groups_for``: also make :meth:`groups` ``(together=groups_for)`` of the result,
        in a thread beside the sort.  A finding's group does not depend on the order, so
        they are made on the findings as they are and reordered with them; the sort (Arrow
        and numpy) lets go of the GIL, so at 1M the groups' ~0.1-0.2 s leave the JSON
        write's serial start (issue 17)."""
        f = self.found
        if not len(f.rows):
            return self
        if groups_for is None:
            return self._sorted()
        with ThreadPoolExecutor(1) as pool:
            job = pool.submit(self.groups, groups_for)
            out = self._sorted()
            gid, reps = job.result()
        out._groups = (tuple(groups_for), gid[out._order], reps)
        return out

    def _sorted(self) -> Findings:
        f = self.found
        code_rank, empty = _code_ranks(f)
        other_rank = np.where(f.other >= 0, code_rank[np.maximum(f.other, 0)], empty)
        zn = np.asarray([""] + [z[0] for z in f.zones], dtype=str)
        _, zinv = np.unique(zn, return_inverse=True)
        zinv = zinv.ravel()
        zone_rank = np.where(f.zone >= 0, zinv[f.zone + 1], zinv[0])
        o = np.lexsort((zone_rank, other_rank, f.check, code_rank[f.rows]))
        sub = replace(f, rows=f.rows[o], check=f.check[o], zone=f.zone[o], dist=f.dist[o],
                      other=f.other[o], fmask=f.fmask[o])
        out = Findings(sub, self.cfg)
        out._order = o
        return out

    def flag_bits(self, n: int) -> np.ndarray:
        bits = np.zeros(n, np.int64)
        np.bitwise_or.at(bits, self.found.rows, np.left_shift(1, self.found.check.astype(
            np.int64)))
        return bits

    def finding(self, k: int) -> Finding:
        """Finding ``k`` with its reason in both languages."""
        f = self.found
        return _finding(self.parts_of(
            int(f.check[k]), str(f.codes[f.rows[k]]), int(f.zone[k]), float(f.dist[k]),
            str(f.codes[f.other[k]]) if f.other[k] >= 0 else "", int(f.fmask[k])))

    def parts(self, chunk: int = 50_000) -> Iterator[tuple]:
        """Each finding as the tuple :meth:`parts_of` gives, in order, columns read as
        Python lists a chunk at a time (a numpy scalar per cell cost more than the text)."""
        f = self.found
        cache: dict[Any, tuple] = {}
        for s in range(0, len(f.rows), chunk):
            sl = slice(s, s + chunk)
            rows, other = f.rows[sl], f.other[sl]
            codes = f.codes[rows].tolist()
            others = np.where(other >= 0, f.codes[np.maximum(other, 0)], "").tolist()
            for c, code, z, d, o, m in zip(f.check[sl].tolist(), codes, f.zone[sl].tolist(),
                                           f.dist[sl].tolist(), others, f.fmask[sl].tolist(),
                                           strict=True):
                # a reason depends on the zone, the rounded distance or the missing fields
                # only (parts_of): made once per such key, reused -- at 1M rows the texts
                # of a few thousand keys, not of 1.6M findings
                if c <= 1:
                    key: Any = (c, z)
                elif c == 2:
                    key = (c, z, f"{d:.0f}")
                elif c == 4:
                    key = (c, m)
                elif c in (5, 6):
                    key = (c, f"{d / 1000:.1f}")
                else:
                    yield self.parts_of(c, code, z, d, o, m)
                    continue
                hit = cache.get(key)
                if hit is None:
                    hit = cache[key] = self.parts_of(c, code, z, d, o, m)
                yield (code, hit[1], hit[2], hit[3], hit[4], hit[5],
                       None if c <= 1 or c == 4 else round(d, 1), "", hit[8])

    def groups(self, together: tuple[int, ...] = ()) -> tuple[np.ndarray, list[tuple]]:
        """(group of each finding, :meth:`parts_of` of one finding of each group).

        The findings of a group have the same check, reason texts, zone, other outfall and
        fields -- all but their code and distance -- as :meth:`parts` keys them: a zone;
        a zone and ``f"{d:.0f}"``; the missing fields; ``f"{d / 1000:.1f}"``.  A
        duplicate or a missing code (its texts name the codes) is a group of its own, and
        so is a distance too near a rounding tie for numpy to round it as Python does.
        Checks listed in ``together`` (their numbers) are one group each, whatever their
        texts (the caller makes them row by row).  At 1M outfalls 1.6M findings make a few
        thousand groups and 145k duplicates (issue 17)."""
        import pandas as pd

        if self._groups is not None and self._groups[0] == tuple(together):
            return self._groups[1], self._groups[2]
        f = self.found
        n = len(f.rows)
        c = f.check.astype(np.int64)
        a = np.full(n, -1, np.int64)
        b = np.arange(n, dtype=np.int64)  # a group of its own unless set below
        zone = (c <= 1) | (c == 2)
        a[zone] = f.zone[zone]
        b[c <= 1] = 0
        near = np.flatnonzero(c == 2)
        d = f.dist[near]
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(d) & (d > 0) & (d < 2.0 ** 52)  # rint is exact there
        b[near[whole]] = np.rint(d[whole]).astype(np.int64)
        a[near[~whole]] = -1
        miss = c == 4
        a[miss], b[miss] = f.fmask[miss], 0
        km = np.flatnonzero((c == 5) | (c == 6))
        k, ok = tenths(f.dist[km] / 1000)
        a[km[ok]], b[km[ok]] = 0, k[ok]
        one = np.isin(c, together)
        a[one], b[one] = -2, 0
        ka = pd.factorize(a)[0].astype(np.int64)
        kb, ub = pd.factorize(b)
        key = (c * (int(ka.max(initial=0)) + 1) + ka) * (len(ub) + 1) + kb
        gid, uniq = pd.factorize(key)
        first = np.zeros(len(uniq), np.int64)
        first[gid[::-1]] = np.arange(n)[::-1]
        reps = []
        for i in first.tolist():
            o = int(f.other[i])
            reps.append(self.parts_of(int(f.check[i]), str(f.codes[f.rows[i]]),
                                      int(f.zone[i]), float(f.dist[i]),
                                      str(f.codes[o]) if o >= 0 else "", int(f.fmask[i])))
        return gid.astype(np.int64), reps

    def parts_of(self, c: int, code: str, z: int, d: float, other: str, m: int) -> tuple:
        """(code, check, reason zh, reason en, zone, zone code, distance_m, other code,
        fields) of one finding from its columns."""
        cfg, check = self.cfg, CHECKS_IDS[c]
        if c <= 2:
            zh, en, zcode = self.found.zones[z]
            if check == "in_priority_unit":
                return (code, check,
                        f"位于优先保护单元“{zh}”（{zcode}）内：优先保护单元以生态保护为主，"
                        "原则上不新设排污口，请核实位置或整治要求。",
                        f"inside the priority-protection unit '{en}' ({zcode}): these units "
                        "put ecological protection first and in principle admit no new "
                        "outfalls; check the location or the remediation.",
                        zh, zcode, None, "", ())
            if check == "in_protected_area":
                return (code, check,
                        f"位于保护地“{zh}”内：保护地内一般不得设置排污口，请核实位置，或列入取缔/迁出。",
                        f"inside the protected area '{en}': outfalls are generally not "
                        "permitted there; check the location or list it for closure.",
                        zh, zcode, None, "", ())
            near = cfg.near_protected_m
            return (code, check,
                    f"距保护地“{zh}”仅 {d:.0f} 米（阈值 {near:.0f} 米）："
                    "排放可能影响保护地，请核实。",
                    f"{d:.0f} m from the protected area '{en}' (threshold {near:.0f} m): "
                    "the discharge may affect it; please check.",
                    zh, zcode, round(d, 1), "", ())
        if check == "possible_duplicate":
            lim = cfg.duplicate_m
            return (code, check,
                    f"与排污口 {other} 相距仅 {d:.1f} 米（阈值 {lim:.0f} 米），"
                    "可能是同一排口重复登记。",
                    f"only {d:.1f} m from outfall {other} (threshold {lim:.0f} m): "
                    "possibly the same outfall registered twice.",
                    "", "", round(d, 2), other, ())
        if check == "missing_fields":
            gone = tuple(n for b, n in enumerate(self._fields) if m >> b & 1)
            zh = "、".join(self._labels.get(g, ("坐标", "location"))[0] for g in gone)
            en = ", ".join(self._labels.get(g, ("坐标", "location"))[1] for g in gone)
            return (code, check, f"缺少必填项：{zh}。", f"missing required fields: {en}.",
                    "", "", None, "", gone)
        if check == "outside_city":
            return (code, check,
                    f"位于泉州市域（陆域及管辖海域）之外约 {d / 1000:.1f} 公里："
                    "坐标可能有误（经纬度颠倒、坐标系未转换？）。",
                    f"about {d / 1000:.1f} km outside Quanzhou (land and sea): the "
                    "coordinates may be wrong (swapped, or not converted from GCJ-02?).",
                    "", "", round(d, 1), "", ())
        if check == "far_from_water":
            lim = cfg.max_water_distance_m
            return (code, check,
                    f"距最近的海岸线或河流约 {d / 1000:.1f} 公里"
                    f"（阈值 {lim / 1000:.1f} 公里）："
                    "排污口应位于岸边，请核实坐标。",
                    f"about {d / 1000:.1f} km from the nearest shoreline or river "
                    f"(threshold {lim / 1000:.1f} km): an outfall sits on a bank; check the "
                    "coordinates.", "", "", round(d, 1), "", ())
        return (code, check,
                f"尚无正式编码（临时编码 {code}）：导入时文件中没有编码。"
                "请按 PWK + 县区代码 + H（入海）/R（入河）+ 四位序号赋予正式编码。",
                f"no real code yet (provisional code {code}): the file it was "
                "imported from had none. Give it its code: PWK + county code + "
                "H (sea) / R (river) + a 4-digit serial.",
                "", "", None, "", ())


def _code_ranks(f: _scan.Found) -> tuple[np.ndarray, int]:
    """:func:`models.compliance_scan.code_ranks` of the findings' codes (made by the scan
    when it could)."""
    if f.code_rank is not None:
        return f.code_rank
    return _scan.code_ranks(f.codes, f.codes_arrow)


def _finding(p: tuple) -> Finding:
    code, check, zh, en, zone, zone_code, dist, other, fields = p
    return Finding(code, check, Message(zh, en), zone=zone, zone_code=zone_code,
                   distance_m=dist, other_code=other, fields=fields)


CHECKS_IDS = tuple(CHECKS)


def scan_outfalls(ws: Workspace | CheckInput, config: ComplianceConfig | None = None,
                  checks: tuple[str, ...] | None = None,
                  groups_for: tuple[int, ...] | None = None) -> Findings:
    """The findings on the workspace's outfalls (or on those a
    :func:`models.compliance_input.read` read) as columns, ordered as
    :func:`check_outfalls` orders them; texts are made per row on demand.
    ``groups_for``: :meth:`Findings.groups` with these checks together, made beside the
    sort (what the JSON output asks for next)."""
    cfg = config or ComplianceConfig()
    wanted = set(checks or CHECKS)
    if not isinstance(ws, CheckInput) and not ws.has_layer("outfalls"):
        empty = _scan.Found(np.zeros(0, object), *(np.zeros(0, t) for t in (
            np.int64, np.int8, np.int32, np.float64, np.int64, np.int64)))
        return Findings(empty, cfg)
    return Findings(_scan.scan(ws, cfg, wanted, _zone_names), cfg).sorted(groups_for)


def check_outfalls(ws: Workspace, config: ComplianceConfig | None = None,
                   checks: tuple[str, ...] | None = None) -> list[Finding]:
    """All findings on the workspace's outfalls, ordered by outfall code then severity."""
    return list(scan_outfalls(ws, config, checks))


def check_flag_bits(ws: Workspace | CheckInput,
                    config: ComplianceConfig | None = None) -> np.ndarray:
    """One int64 per outfall row (frame order; or the rows of a
    :func:`models.compliance_input.read`): bit k set when check number k of :data:`CHECKS`
    found something.  What the inventory needs, without the findings' texts or a dict per
    outfall (at 1M rows those were ~1 GB and ~0.3 GB)."""
    if not isinstance(ws, CheckInput) and not ws.has_layer("outfalls"):
        return np.zeros(0, np.int64)
    cfg = config or ComplianceConfig()
    # no names and no distances: the flags need neither
    found = _scan.scan(ws, cfg, set(CHECKS), None)
    return Findings(found, cfg).flag_bits(len(found.codes))


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
