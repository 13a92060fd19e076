"""Plan progress: the two plans' indicators measured from the workspace data.

Qt-free; the 统计 dock, the side panel's 指标 tab, ``python app.py stats`` and the exports
all take their numbers from :func:`measure`.  An indicator the workspace can measure (the
outfall inventory's remediation and review status, a bay's recorded water class) gets a
measured value, the rows it was measured on (the basis) and whether it is on track; every
other indicator of the ``indicators`` table is listed as "not measurable from the workspace
data", with the value the plan itself reports where it has one — never left out.

The plans' qualitative targets are read as thresholds, said in the target text: 完成/全面完成
= 100 %, 基本完成 = at least 90 % (a common reading in provincial assessments; the plans
give no number).  Key bays (重点海湾) are the ones the Quanzhou plan names as such: 泉州湾 and
深沪湾 (二、(四)17. "2个重点海湾") and 安海湾 ("安海湾等重点海湾").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geodata import schema
from geodata.messages import Message
from models.statistics import matches

COMPLETED = "已完成"
REVIEWED = "已核查"
KEY_BAYS = ("泉州湾", "深沪湾", "安海湾")
TRACE_BAYS = ("泉州湾", "深沪湾")
#: 晋江干流、主要支流: the main stem and its two source branches.
JIN_RIVER = ("晋江", "东溪", "西溪")
SHISHI = "350581"
BASICALLY = 90.0  # 基本完成, %
WORST_SEA_CLASS = "劣四类"
NOT_MEASURABLE = Message("工作空间数据无法测算", "not measurable from the workspace data")
ILLUSTRATIVE = Message("（示例数据）", " (illustrative data)")


@dataclass
class Progress:
    """One indicator (or one bay's part of it) measured, or said to be not measurable."""

    indicator_id: str
    name: Message
    section: str
    target: Message
    unit: str = ""
    measured: float | str | None = None
    basis: Message = NOT_MEASURABLE
    on_track: bool | None = None
    measurable: bool = False
    #: the percentage the target is read as (a measured share), for charts
    threshold: float | None = None
    #: which outfall rows the value was measured on (for "show these on the map")
    population: np.ndarray | None = field(default=None, repr=False)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        measured = self.measured
        if isinstance(measured, float):
            measured = round(measured, 2)
        elif isinstance(measured, str):  # a water class: 劣四类 → Worse than Class IV
            measured = schema.value_in("wq_class", measured, lang)
        return {"indicator": self.name.text(lang), "section": self.section,
                "target": self.target.text(lang), "measured": measured, "unit": self.unit,
                "basis": self.basis.text(lang), "on_track": self.on_track}


@dataclass
class Inputs:
    """What the measures read: the outfall inventory and the bays, as plain arrays."""

    outfalls: pd.DataFrame
    bays: pd.DataFrame
    illustrative: tuple[str, ...] = ()
    #: Chinese name → English name of bays and rivers (for English bases)
    names_en: dict[str, str] = field(default_factory=dict)
    _coded: dict[str, pd.Series] = field(default_factory=dict, repr=False)

    def en(self, names: tuple[str, ...] | str) -> str:
        if isinstance(names, str):
            return self.names_en.get(names, names)
        return ", ".join(self.names_en.get(n, n) for n in names)

    def isin(self, name: str, values: tuple[str, ...] | str, missing: bool = False,
             ) -> np.ndarray:
        """Rows whose ``name`` is one of ``values`` (empty cells count as ``missing``)."""
        if name not in self.outfalls.columns:
            return np.full(len(self.outfalls), missing, dtype=bool)
        if name not in self._coded:  # factorize a text column once, not once per question
            col = self.outfalls[name]
            self._coded[name] = col if isinstance(col.dtype, pd.CategoricalDtype) else \
                col.astype("category")
        return matches(self._coded[name], (values,) if isinstance(values, str) else values,
                       missing)


def _share(inp: Inputs, population: np.ndarray, done: np.ndarray, what: Message,
           counted: Message, threshold: float) -> tuple[float | None, Message, bool | None]:
    n, k = int(population.sum()), int((population & done).sum())
    if n == 0:  # a bay without outfalls: nothing to remediate is not "on track" either
        return None, Message(f"无{what.zh}记录，无从测算",
                             f"no {what.en} recorded: nothing to measure"), None
    pct = 100.0 * k / n
    basis = Message(f"{what.zh} {n} 个，其中{counted.zh} {k} 个",
                    f"{n} {what.en}, of which {k} {counted.en}")
    if "outfalls" in inp.illustrative:
        basis = basis + ILLUSTRATIVE
    return pct, basis, pct >= threshold


def _target(rec: dict[str, Any], threshold: float | None = None) -> Message:
    """The plan's target as written, with the year and the threshold it is read as."""
    text = str(rec.get("target_text_zh") or "")
    year = _num(rec.get("target_year"))
    zh, en = text, f"“{text}”" if text else ""
    value, comp = _num(rec.get("target_value")), str(rec.get("comparison") or "")
    if value is not None and comp in (">", ">=", "<", "<=", "="):
        en = f"{comp} {value:g}{(' ' + str(rec.get('unit'))) if rec.get('unit') else ''}"
    if year is not None and str(int(year)) not in text:
        zh, en = f"{int(year)}年：{zh}", f"by {int(year)}: {en}"
    if threshold is not None:
        zh += f"（按 ≥{threshold:g}% 计）"
        en += f" (taken as ≥ {threshold:g} %)"
    return Message(zh, en)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _name(rec: dict[str, Any], suffix: Message | None = None) -> Message:
    name = Message(str(rec.get("name_zh") or ""), str(rec.get("name_en") or rec.get("name_zh")
                                                     or ""))
    return name + suffix if suffix is not None else name


# -- the measures ---------------------------------------------------------------------------
Measure = Callable[[Inputs, dict[str, Any]], list[Progress]]


def _outfall_share(rec: dict[str, Any], inp: Inputs, population: np.ndarray,
                   done: np.ndarray, what: Message, counted: Message, threshold: float,
                   suffix: Message | None = None, row_id: str = "") -> Progress:
    pct, basis, ok = _share(inp, population, done, what, counted, threshold)
    return Progress(row_id or str(rec["indicator_id"]), _name(rec, suffix),
                    str(rec.get("section") or ""), _target(rec, threshold), "%", pct, basis, ok,
                    True, threshold, population)


def _bay_completed(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
    """重点海湾入海排污口分类整治: share of the key bays' sea outfalls remediated, overall
    and per bay."""
    sea = inp.isin("water_kind", "sea")
    done = inp.isin("remediation_status", COMPLETED)
    counted = Message("整治状态为“已完成”", "with remediation status 已完成 (completed)")
    rows = [_outfall_share(rec, inp, sea & inp.isin("receiving_water", KEY_BAYS), done,
                           Message(f"受纳水体为{'、'.join(KEY_BAYS)}的入海排污口",
                                   "sea outfalls discharging into " + inp.en(KEY_BAYS)),
                           counted, BASICALLY)]
    for bay in KEY_BAYS:
        rows.append(_outfall_share(rec, inp, sea & inp.isin("receiving_water", bay), done,
                                   Message(f"受纳水体为{bay}的入海排污口",
                                           f"sea outfalls discharging into {inp.en(bay)}"),
                                   counted, BASICALLY, Message(f"（{bay}）", f" ({inp.en(bay)})"),
                                   f"{rec['indicator_id']}/{bay}"))
    return rows


def _traced(inp: Inputs) -> np.ndarray:
    """溯源排查 done: reviewed on site and the responsible party known."""
    return inp.isin("review_status", REVIEWED) & ~inp.isin(
        "responsible_party", ("nan", "None", "<NA>"), missing=True)


def _bay_traced(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
    pop = inp.isin("water_kind", "sea") & inp.isin("receiving_water", TRACE_BAYS)
    return [_outfall_share(rec, inp, pop, _traced(inp),
                           Message(f"受纳水体为{'、'.join(TRACE_BAYS)}的入海排污口",
                                   "sea outfalls discharging into " + inp.en(TRACE_BAYS)),
                           Message("已核查且责任主体明确",
                                   "reviewed (已核查) with the responsible party named"),
                           BASICALLY)]


def _sea_reviewed(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
    pop = inp.isin("water_kind", "sea")
    return [_outfall_share(rec, inp, pop, inp.isin("review_status", REVIEWED),
                           Message("入海排污口", "sea outfalls"),
                           Message("核查状态为“已核查”", "with review status 已核查 (reviewed)"),
                           100.0)]


def _jin_traced(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
    pop = inp.isin("water_kind", "river") & inp.isin("receiving_water", JIN_RIVER)
    return [_outfall_share(rec, inp, pop, _traced(inp),
                           Message(f"受纳水体为{'、'.join(JIN_RIVER)}的入河排污口",
                                   "river outfalls discharging into " + inp.en(JIN_RIVER)),
                           Message("已核查且责任主体明确",
                                   "reviewed (已核查) with the responsible party named"),
                           100.0)]


def _shishi(kind: str) -> Measure:
    def measure(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
        pop = inp.isin("water_kind", kind) & inp.isin("county_code", SHISHI)
        what = Message("石狮市入海排污口", "sea outfalls of Shishi") if kind == "sea" else \
            Message("石狮市入河排污口", "river outfalls of Shishi")
        return [_outfall_share(rec, inp, pop, inp.isin("remediation_status", COMPLETED), what,
                               Message("整治状态为“已完成”",
                                       "with remediation status 已完成 (completed)"), BASICALLY)]
    return measure


def _anhai_class(inp: Inputs, rec: dict[str, Any]) -> list[Progress]:
    """安海湾水质 稳定消除劣四类: the bay's recorded class (GB 3097)."""
    bays = inp.bays
    row = bays[bays["name_zh"] == "安海湾"] if "name_zh" in bays.columns else bays.iloc[:0]
    cls = str(row["wq_class"].iloc[0]).strip() if len(row) and "wq_class" in row.columns else ""
    if cls in ("", "nan", "None"):
        return [Progress(str(rec["indicator_id"]), _name(rec), str(rec.get("section") or ""),
                         _target(rec), basis=Message(
                             "海湾图层未记录安海湾的现状水质类别；工作空间无海水监测站位数据",
                             "the bays layer records no water class for 安海湾 and the "
                             "workspace has no seawater monitoring stations"))]
    basis = Message(f"海湾图层安海湾现状水质类别（GB 3097）为{cls}；工作空间无海水监测站位与"
                    "采样日期，按图层记录的类别测算",
                    f"the bays layer records Anhai Bay as {cls} (GB 3097); the workspace has no "
                    "seawater stations or sampling dates, so the recorded class is used")
    return [Progress(str(rec["indicator_id"]), _name(rec), str(rec.get("section") or ""),
                     _target(rec), "", cls, basis, cls != WORST_SEA_CLASS, True)]


#: indicator id → how the workspace data measures it.
MEASURES: dict[str, Measure] = {
    "QZ-I45": _bay_completed,
    "QZ-I42": _bay_traced,
    "QZ-I43": _sea_reviewed,
    "QZ-I26": _jin_traced,
    "QZ-I40": _anhai_class,
    "SS-I13": _shishi("river"),
    "SS-I15": _shishi("sea"),
}


def _not_measurable(rec: dict[str, Any]) -> Progress:
    """The indicator as the plan states it, said to be not measurable here; the value the
    plan itself reports (Shishi's table 1), if any, is quoted in the basis."""
    basis = NOT_MEASURABLE
    actual, year = _num(rec.get("actual_value")), _num(rec.get("actual_year"))
    if actual is not None:
        status = str(rec.get("status_zh") or "").strip()
        when = f"{int(year)}" if year is not None else ""
        basis = basis + Message(f"；规划报告{when}年实际值 {actual:g}（{status}）",
                                f"; the plan reports {actual:g} for {when} ({status})")
    return Progress(str(rec.get("indicator_id")), _name(rec), str(rec.get("section") or ""),
                    _target(rec), str(rec.get("unit") or ""), basis=basis)


def measure(layers: dict[str, Any], tables: dict[str, pd.DataFrame],
            illustrative: tuple[str, ...] = (), only: set[str] | None = None,
            ) -> list[Progress]:
    """Every indicator of the ``indicators`` table, measured where the data allows.

    Parameters
    ----------
    layers, tables : dict
        The workspace's layers (``outfalls``, ``bays``) and tables (``indicators``).
    illustrative : tuple of str
        Illustrative layers: a basis measured on them says 示例数据.
    only : set of str, optional
        Indicator ids to measure (the side panel asks for the ones of a zone).
    """
    ind = tables.get("indicators")
    if ind is None or ind.empty or "indicator_id" not in ind.columns:
        return []
    outfalls = layers.get("outfalls")
    bays = layers.get("bays")
    names_en: dict[str, str] = {}
    for la in ("rivers", "bays"):
        f = layers.get(la)
        if f is not None and {"name_zh", "name_en"} <= set(f.columns):
            names_en.update(zip(f["name_zh"].astype(str), f["name_en"].astype(str), strict=True))
    inp = Inputs(pd.DataFrame() if outfalls is None else outfalls,
                 pd.DataFrame() if bays is None else bays, tuple(illustrative), names_en)
    out: list[Progress] = []
    for rec in ind.to_dict("records"):
        iid = str(rec["indicator_id"])
        if only is not None and iid not in only:
            continue
        fn = MEASURES.get(iid)
        out.extend(fn(inp, rec) if fn is not None else [_not_measurable(rec)])
    return out
