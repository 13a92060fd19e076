"""The atlas (图集): which features get a page, in what order, and the facts beside each map.

Qt-free.  A coverage layer (control units, counties, bays, protected areas, outfalls) and a
filter (``county_code=350582 and unit_class=2``) choose the features; for each,
:func:`feature_facts` gathers what the page prints beside the map — for a control unit its
code, class, area, the four dimensions of its 准入清单, the tasks and indicators that apply
and the outfalls inside counted by remediation status — from the same
:func:`layers.zone_details.details` the side panel shows, so paper and window agree.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geodata import schema
from geodata.messages import Message, in_language
from layers.map_model import MapModel
from layers.zone_details import clean, details
from models.catalog import indicator_status
from models.print_layout import LayoutError

#: ``--by`` → workspace layer.
COVERAGES = {"unit": "control_units", "county": "counties", "bay": "bays",
             "protected_area": "protected_areas", "outfall": "outfalls"}
COVERAGE_NAMES = {"unit": Message("管控单元", "Control units"),
                  "county": Message("县（市、区）", "Counties"),
                  "bay": Message("海湾", "Bays"),
                  "protected_area": Message("自然保护地", "Protected areas"),
                  "outfall": Message("排污口", "Outfalls")}
_CLAUSE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=|~)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Clause:
    field: str
    op: str  # "=", "!=", "~" (contains)
    values: tuple[str, ...]  # "=" and "!=" take a comma list: county_code=350582,350583


def parse_filter(text: str | None) -> list[Clause]:
    """``field=value[,value…]``, ``field!=value``, ``field~text`` joined by ``and``/``&``/``;``."""
    if not text or not text.strip():
        return []
    out = []
    for part in re.split(r"\s+and\s+|&|;", text.strip(), flags=re.IGNORECASE):
        m = _CLAUSE.match(part)
        if m is None:
            raise LayoutError(Message(
                f"筛选条件“{part.strip()}”应写作 字段=值（多个条件用 and 连接）",
                f"filter '{part.strip()}' must look like field=value (join several with and)"))
        vals = tuple(v.strip().strip("'\"") for v in m.group(3).split(",")) \
            if m.group(2) != "~" else (m.group(3).strip().strip("'\""),)
        out.append(Clause(m.group(1), m.group(2), vals))
    return out


def _as_text(values: pd.Series) -> pd.Series:
    """Values as the filter compares them: whole floats without .0, missing as ''."""
    def one(v: Any) -> str:
        v = clean(v)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return values.map(one)


def apply_filter(frame: pd.DataFrame, clauses: list[Clause], layer: str) -> np.ndarray:
    """Boolean mask of the rows every clause accepts; an unknown field is a LayoutError."""
    mask = np.ones(len(frame), dtype=bool)
    columns = [c for c in frame.columns if c != getattr(frame, "geometry", pd.Series()).name]
    for c in clauses:
        if c.field not in frame.columns:
            raise LayoutError(Message(
                f"图层 {layer} 没有字段“{c.field}”；可用字段：{', '.join(map(str, columns))}",
                f"layer {layer} has no field '{c.field}'; fields: "
                f"{', '.join(map(str, columns))}"))
        text = _as_text(frame[c.field])
        if c.op == "~":
            hit = text.str.contains(c.values[0], regex=False).to_numpy()
        else:
            hit = text.isin(c.values).to_numpy()
            if c.op == "!=":
                hit = ~hit
        mask &= hit
    return mask


@dataclass
class AtlasFeature:
    index: int  # row of the map layer
    key: str  # code, or the name for bays and protected areas
    title: str
    subtitle: str


def _names(frame: pd.DataFrame, i: int, lang: str) -> str:
    rec = frame.iloc[i]
    zh = clean(rec.get("name_zh"))
    en = clean(rec.get("name_en"))
    return str(in_language(lang, zh, en or zh) or "")


def atlas_features(model: MapModel, by: str, filter_text: str | None = None,
                   lang: str = "zh") -> list[AtlasFeature]:
    """The features that get a page, ordered by key (unit and outfall codes sort by county,
    class and serial: the order of a plan's annex)."""
    if by not in COVERAGES:
        raise LayoutError(Message(f"--by “{by}” 未知，可选 {', '.join(COVERAGES)}",
                                  f"--by '{by}' is unknown; choose {', '.join(COVERAGES)}"))
    layer = model.get(COVERAGES[by])
    if layer is None or len(layer) == 0:
        raise LayoutError(Message(f"工作空间没有 {COVERAGES[by]} 图层的要素",
                                  f"the workspace has no features in {COVERAGES[by]}"))
    frame = layer.frame
    mask = apply_filter(frame, parse_filter(filter_text), layer.name)
    rows = np.flatnonzero(mask)
    out = []
    for i in rows.tolist():
        rec = frame.iloc[i]
        name = _names(frame, i, lang)
        if by in ("unit", "outfall", "county"):
            key = str(rec["code"])
            title, sub = (f"{key} {name}".strip(), "")
            if by == "unit" and clean(rec.get("unit_class")) is not None:
                zh_en = schema.UNIT_CLASSES.get(int(rec["unit_class"]), ("", ""))
                sub = in_language(lang, zh_en[0], zh_en[1])
            elif by == "outfall" and clean(rec.get("outfall_type")) is not None:
                sub = str(schema.value_in("outfall_type", rec["outfall_type"], lang))
        elif by == "protected_area":
            zone = clean(rec.get("zone")) or None
            key = f"{name}·{zone}" if zone else name
            zone_t = schema.value_in("zone", zone, lang) if zone else ""
            title, sub = name, str(zone_t or "")
        else:
            key, title, sub = name, name, ""
        out.append(AtlasFeature(int(i), key, title, sub))
    out.sort(key=lambda f: f.key)
    return out


# -- facts -----------------------------------------------------------------------------
@dataclass
class FactSection:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    paragraphs: list[str] = field(default_factory=list)


def _t(lang: str, zh: str, en: str) -> str:
    return Message(zh, en).text(lang)


def _county_name(model: MapModel, code: Any, lang: str) -> str:
    la = model.get("counties")
    if la is None or code is None:
        return str(code or "")
    names = _COUNTY_NAMES.get((id(la.frame), lang))
    if names is None:  # once per frame and language, not once per atlas page
        names = {str(c): _names(la.frame, i, lang) for i, c in enumerate(la.frame["code"])}
        _COUNTY_NAMES.clear()
        _COUNTY_NAMES[(id(la.frame), lang)] = names
    name = names.get(str(code))
    return f"{name} ({code})" if name else str(code)


_COUNTY_NAMES: dict[tuple[int, str], dict[str, str]] = {}


def _status_text(status: str, lang: str) -> str:
    return {"met": _t(lang, "达标", "met"), "not_met": _t(lang, "未达标", "not met"),
            "unknown": _t(lang, "待评估", "to assess")}[status]


def _target(rec: dict[str, Any], lang: str) -> str:
    tv, year = clean(rec.get("target_value")), clean(rec.get("target_year"))
    unit = str(clean(rec.get("unit")) or "")
    comp = str(rec.get("comparison") or "")
    if tv is not None and comp in (">=", ">", "<=", "<", "="):
        sym = {">=": "≥", "<=": "≤"}.get(comp, comp)
        txt = f"{sym}{float(tv):g}{unit}"
    else:
        txt = str(clean(rec.get("target_text_zh")) or "—")
    return f"{txt} ({int(year)})" if year is not None else txt


def _area_text(rec: dict[str, Any], geom_area_km2: float | None, lang: str) -> str:
    if rec.get("area_km2") is not None:
        return f"{float(rec['area_km2']):,.2f} km²"
    if rec.get("area_published_ha") is not None:
        return f"{float(rec['area_published_ha']):,.0f} ha"
    return f"{geom_area_km2:,.2f} km²" if geom_area_km2 is not None else "—"


#: Tasks and indicators listed on a page; Shishi's units get the whole Shishi plan (129).
MAX_ITEMS = 24


def feature_facts(model: MapModel, tables: dict[str, pd.DataFrame], by: str, index: int,
                  lang: str = "zh", max_items: int = MAX_ITEMS) -> list[FactSection]:
    """The sections printed beside feature ``index`` of the ``by`` coverage."""
    layer = COVERAGES[by]
    la = model.get(layer)
    assert la is not None
    d = details(model, tables, layer, la.key_at(index))
    rec = d.record
    if by == "outfall":
        return _outfall_facts(model, rec, d, lang)
    basic = FactSection(_t(lang, "基本信息", "Facts"))
    if by == "unit":
        cls = int(rec["unit_class"]) if rec.get("unit_class") is not None else 0
        zh_en = schema.UNIT_CLASSES.get(cls, ("", ""))
        basic.rows += [(_t(lang, "单元编码", "Code"), str(rec.get("code"))),
                       (_t(lang, "管控类别", "Class"), in_language(lang, zh_en[0], zh_en[1])),
                       (_t(lang, "所在县（市、区）", "County"),
                        _county_name(model, rec.get("county_code"), lang)),
                       (_t(lang, "陆域/海域", "Domain"),
                        {"land": _t(lang, "陆域", "Land"), "sea": _t(lang, "海域", "Sea")}.get(
                            str(rec.get("domain")), str(rec.get("domain") or "—"))),
                       (_t(lang, "主导类型", "Theme"),
                        str(schema.value_in("theme", rec.get("theme"), lang) or "—"))]
    elif rec.get("code") is not None:
        basic.rows.append((_t(lang, "代码", "Code"), str(rec["code"])))
    for f, zh, en in (("level", "级别", "Level"), ("kind", "类型", "Kind"),
                      ("zone", "功能分区", "Zone"), ("wq_class", "水质类别", "Water class"),
                      ("wq_target", "水质目标", "Target")):
        if clean(rec.get(f)) not in (None, "") and by != "unit":
            basic.rows.append((_t(lang, zh, en), str(schema.value_in(f, rec[f], lang))))
    km2 = None
    if rec.get("area_km2") is None:
        from models.geodesy import geodesic_area_m2

        km2 = geodesic_area_m2(la.frame.geometry.values[index]) / 1e6
    basic.rows.append((_t(lang, "面积", "Area"), _area_text(rec, km2, lang)))
    out = [basic]
    if by == "unit":
        access = FactSection(_t(lang, "生态环境准入清单", "Environmental access list"))
        for f in schema.UNIT_TEXT_FIELDS:
            label = next(x for x in schema.CONTROL_UNIT_FIELDS if x.name == f)
            text = schema.text_in(rec, f, lang)
            colon = in_language(lang, "：", ": ")
            access.paragraphs.append(f"{in_language(lang, label.label_zh, label.label_en)}"
                                     f"{colon}{clean(text) or '—'}")
        out.append(access)
    if by == "county" and model.get("control_units") is not None:
        units = model.get("control_units").frame  # type: ignore[union-attr]
        n = Counter(units.loc[units["county_code"].astype(str) == str(rec.get("code")),
                              "unit_class"].dropna().astype(int).tolist())
        sec = FactSection(_t(lang, "管控单元", "Control units"))
        for cls, (zh, en) in schema.UNIT_CLASSES.items():
            sec.rows.append((in_language(lang, zh, en), str(n.get(cls, 0))))
        out.append(sec)
    out.append(_outfall_counts(d, lang))
    if by == "bay":
        out.append(_discharging_into(model, str(rec.get("name_zh") or ""), lang))
    n_tasks = len(d.tasks)
    tasks = FactSection(_t(lang, f"适用任务（{n_tasks}）", f"Tasks that apply ({n_tasks})"))
    for item in d.tasks[:max_items]:
        r = item.record
        title = in_language(lang, r.get("title_zh"), r.get("title_en")
                            if clean(r.get("title_en")) else r.get("title_zh"))
        tasks.rows.append((item.id, str(title)))
    _more(tasks, len(d.tasks) - max_items, lang)
    out.append(tasks)
    inds = FactSection(_t(lang, f"适用指标（{len(d.indicators)}）",
                          f"Indicators that apply ({len(d.indicators)})"))
    for item, status, _reason in d.indicators[:max_items]:
        r = item.record
        name = in_language(lang, r.get("name_zh"), r.get("name_en")
                           if clean(r.get("name_en")) else r.get("name_zh"))
        colon = in_language(lang, "：", ": ")
        inds.rows.append((item.id, f"{name}{colon}{_target(r, lang)} · "
                                   f"{_status_text(status, lang)}"))
    _more(inds, len(d.indicators) - max_items, lang)
    out.append(inds)
    return out


def _more(sec: FactSection, rest: int, lang: str) -> None:
    """A page holds the most specific items (the catalog sorts them first); say how many
    more apply rather than cut the list silently."""
    if rest > 0:
        sec.rows.append(("…", _t(lang, f"另有 {rest} 项（按与本单元关联的具体程度排序，"
                                       "完整清单见窗口侧栏或 query 命令）",
                                 f"and {rest} more (most specific first; the full list is in "
                                 "the window's side panel or the query command)")))


def _outfall_counts(d: Any, lang: str) -> FactSection:
    total = len(d.outfalls)
    sec = FactSection(_t(lang, f"范围内排污口（{total} 个）", f"Outfalls inside ({total})"))
    status = d.outfall_counts.get("remediation_status", Counter())
    for s in schema.REMEDIATION_STATUS:
        sec.rows.append((str(schema.value_in("remediation_status", s, lang)),
                         str(status.get(s, 0))))
    for s, n in status.items():
        if s not in schema.REMEDIATION_STATUS:
            sec.rows.append((str(s), str(n)))
    rem = d.outfall_counts.get("remediation", Counter())
    if rem:
        parts = [f"{schema.value_in('remediation', k, lang)} {n}" for k, n in sorted(rem.items())]
        sec.rows.append((_t(lang, "整治类型", "Remediation"), " · ".join(parts)))
    return sec


def _discharging_into(model: MapModel, bay: str, lang: str) -> FactSection:
    """Outfalls whose receiving water is the bay: they sit on its shore, outside its polygon,
    so "inside" counts none of them.  The 统计 dock counts a bay's outfalls the same way."""
    ola = model.get("outfalls")
    frame = ola.frame if ola is not None else None
    if frame is None or "receiving_water" not in frame.columns:
        rows = frame.iloc[0:0] if frame is not None else None
    else:
        rows = frame[frame["receiving_water"].astype(str) == bay]
    total = 0 if rows is None else len(rows)
    sec = FactSection(_t(lang, f"排入该海湾的排污口（{total} 个）",
                         f"Outfalls discharging into the bay ({total})"))
    status: Counter[str] = Counter()
    if rows is not None and "remediation_status" in rows.columns:
        status = Counter(str(v) for v in rows["remediation_status"].dropna())
    for st in schema.REMEDIATION_STATUS:
        sec.rows.append((str(schema.value_in("remediation_status", st, lang)),
                         str(status.get(st, 0))))
    return sec


def _outfall_facts(model: MapModel, rec: dict[str, Any], d: Any, lang: str,
                   ) -> list[FactSection]:
    sec = FactSection(_t(lang, "排污口", "Outfall"))
    for f in schema.OUTFALL_FIELDS:
        v = rec.get(f.name)
        if v is None:
            continue
        if f.name == "county_code":
            v = _county_name(model, v, lang)
        elif f.name == "water_kind":
            v = {"sea": _t(lang, "入海", "Sea"), "river": _t(lang, "入河", "River")}.get(
                str(v), str(v))
        else:
            v = schema.value_in(f.name, v, lang)
        sec.rows.append((in_language(lang, f.label_zh, f.label_en), str(v)))
    units = model.get("control_units")
    ola = model.get("outfalls")
    if units is not None and ola is not None and rec.get("code") is not None:
        row = ola.row_of(str(rec["code"]))
        if row is not None:
            hits = units.tree.query(ola.merc_geometry(row), predicate="intersects")
            for j in sorted(int(h) for h in hits):
                sec.rows.append((_t(lang, "所在管控单元", "Control unit"),
                                 f"{units.key_at(j)} {_names(units.frame, j, lang)}"))
    out = [sec]
    if d.samples is not None and len(d.samples):
        s = FactSection(_t(lang, f"监测记录（{len(d.samples)} 次）",
                           f"Samples ({len(d.samples)})"))
        last = d.samples.iloc[-1]
        for f, label, unit in (("sample_date", _t(lang, "最近采样", "Latest"), ""),
                               ("flow_m3d", _t(lang, "流量", "Flow"), " m³/d"),
                               ("ph", "pH", ""), ("cod_mgl", "COD", " mg/L"),
                               ("nh3n_mgl", _t(lang, "氨氮", "NH3-N"), " mg/L"),
                               ("tp_mgl", _t(lang, "总磷", "TP"), " mg/L"),
                               ("tn_mgl", _t(lang, "总氮", "TN"), " mg/L")):
            if f in d.samples.columns and clean(last.get(f)) is not None:
                v = clean(last.get(f))
                s.rows.append((label, (f"{v:g}" if isinstance(v, float) else str(v)) + unit))
        out.append(s)
    return out


def indicator_status_text(rec: dict[str, Any], lang: str) -> str:
    return _status_text(indicator_status(rec)[0], lang)


def find_feature(model: MapModel, layer_name: str, key: str) -> int:
    """Row of ``layer_name`` whose code (or name) is ``key``; a LayoutError when none is."""
    la = model.get(layer_name)
    if la is None:
        raise LayoutError(Message(f"工作空间没有图层 {layer_name}",
                                  f"the workspace has no layer {layer_name}"))
    for fld in ("code", "name_zh", "name_en"):
        if fld in la.frame.columns:
            hit = np.flatnonzero(_as_text(la.frame[fld]).to_numpy() == str(key))
            if len(hit):
                return int(hit[0])
    raise LayoutError(Message(f"图层 {layer_name} 中没有要素“{key}”",
                              f"no feature '{key}' in layer {layer_name}"))
