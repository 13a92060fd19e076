"""The plan catalog: tasks, indicators and projects, and which zones they attach to.

Every link in ``zone_links`` carries the sentence of the plan that justifies it; a zone
"gets" a task when any of its keys (the city, its county, a bay or protected area it lies
in or touches, its unit class or theme, the outfall kinds inside it) is linked to the task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geodata import schema

PLAN_NAMES = {
    "quanzhou_2022": ("泉州市深入打好污染防治攻坚战实施方案（2022）",
                      "Quanzhou implementation plan for the pollution prevention campaign (2022)"),
    "shishi_14fyp": ("石狮市“十四五”生态环境保护规划",
                     "Shishi 14th Five-Year ecological and environmental protection plan"),
}

#: A plan applies only inside the area it was made for: Shishi's plan binds 石狮市 only, so a
#: zone elsewhere never gets its measures through a shared bay, class or theme link.
PLAN_SCOPE = {"shishi_14fyp": "350581"}

ZONE_TYPE_NAMES = {
    "city": ("全市", "City-wide"),
    "county": ("县（市、区）", "County"),
    "bay": ("海湾", "Bay"),
    "protected_area": ("自然保护地", "Protected area"),
    "unit_class": ("管控单元类别", "Unit class"),
    "unit_theme": ("单元主导类型", "Unit theme"),
    "outfall": ("排污口", "Outfalls"),
    "unit": ("管控单元", "Control unit"),
}


def zone_key_text(zone_type: str, zone_key: str, lang: str) -> str:
    """A link's zone key as shown: a unit theme in ``lang`` (keys stay Chinese in the data,
    as the plans name them); other keys (codes, names of bays and reserves) as they are."""
    if zone_type == "unit_theme":
        return str(schema.value_in("theme", zone_key, lang))
    return str(zone_key)


@dataclass
class ZoneKeys:
    """The keys under which a place or zone looks up its tasks and indicators."""

    city: bool = True
    counties: set[str] = field(default_factory=set)
    bays: set[str] = field(default_factory=set)
    protected_areas: set[str] = field(default_factory=set)
    unit_classes: set[str] = field(default_factory=set)
    unit_themes: set[str] = field(default_factory=set)
    outfall_kinds: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)

    def pairs(self) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        if self.city:
            out.add(("city", "350500"))
        for kind, values in (
            ("county", self.counties), ("bay", self.bays),
            ("protected_area", self.protected_areas), ("unit_class", self.unit_classes),
            ("unit_theme", self.unit_themes), ("outfall", self.outfall_kinds),
            ("unit", self.units),
        ):
            out.update((kind, str(v)) for v in values if v is not None and str(v) != "")
        return out


@dataclass
class AppliedItem:
    """A task, indicator or project that applies, with the reasons it applies."""

    target_type: str
    record: dict[str, Any]
    reasons: list[dict[str, str]]  # zone_type, zone_key, sentence_zh

    @property
    def id(self) -> str:
        key = {"task": "task_id", "indicator": "indicator_id", "project": "project_id"}
        return str(self.record.get(key[self.target_type], ""))

    def to_dict(self) -> dict[str, Any]:
        return {**_clean(self.record), "reasons": self.reasons}


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, float) and math.isnan(v):
            v = None
        out[k] = v
    return out


def _id_column(target_type: str) -> str:
    return {"task": "task_id", "indicator": "indicator_id", "project": "project_id"}[target_type]


@dataclass
class _Prepared:
    """One target type's links by (zone type, zone key) and its items by id, made once per
    pair of tables (the frames are kept to check they are still the ones in use)."""

    links: pd.DataFrame
    items: pd.DataFrame
    by_pair: dict[tuple[str, str], list[tuple[int, str, dict[str, str]]]]
    by_id: dict[str, dict[str, Any]]


_PREPARED: dict[tuple[int, int, str], _Prepared] = {}


def _prepare(links: pd.DataFrame, items: pd.DataFrame, target_type: str) -> _Prepared:
    """Turning the tables into records cost ~4 ms a call, paid on every click and 554 times
    by an atlas of 277 units; the plan tables are replaced, never edited in place, so the
    records are made once per pair of frames."""
    key = (id(links), id(items), target_type)
    hit = _PREPARED.get(key)
    if hit is not None and hit.links is links and hit.items is items:
        return hit
    sel = links[links["target_type"] == target_type]
    by_pair: dict[tuple[str, str], list[tuple[int, str, dict[str, str]]]] = {}
    for row, rec in enumerate(sel.to_dict("records")):
        reason = {"zone_type": str(rec["zone_type"]), "zone_key": str(rec["zone_key"]),
                  "sentence_zh": str(rec.get("sentence_zh", ""))}
        by_pair.setdefault((str(rec["zone_type"]), str(rec["zone_key"])), []).append(
            (row, str(rec["target_id"]), reason))
    idcol = _id_column(target_type)
    by_id = {str(r[idcol]): r for r in items.to_dict("records")}
    if len(_PREPARED) >= 12:
        _PREPARED.clear()
    prep = _PREPARED[key] = _Prepared(links, items, by_pair, by_id)
    return prep


def applied(tables: dict[str, pd.DataFrame], keys: ZoneKeys, target_type: str,
            specific_only: bool = False) -> list[AppliedItem]:
    """Items of ``target_type`` linked to any of ``keys``, specific links first.

    ``specific_only`` drops items whose only reason is the city-wide link (used where a
    panel would otherwise repeat the whole city plan for every zone).
    """
    links = tables.get("zone_links", pd.DataFrame())
    table_name = {"task": "tasks", "indicator": "indicators", "project": "projects"}[target_type]
    items = tables.get(table_name, pd.DataFrame())
    if links.empty or items.empty:
        return []
    prep = _prepare(links, items, target_type)
    matched = sorted((hit for pair in keys.pairs() for hit in prep.by_pair.get(pair, ())),
                     key=lambda t: t[0])  # in the links table's order, as always
    if not matched:
        return []
    by_id = prep.by_id
    reasons: dict[str, list[dict[str, str]]] = {}
    for _row, tid, reason in matched:
        reasons.setdefault(tid, []).append(dict(reason))
    out = []
    for tid, why in reasons.items():
        if tid not in by_id:
            continue
        scope = PLAN_SCOPE.get(str(by_id[tid].get("plan", "")))
        if scope is not None and scope not in keys.counties:
            continue
        if specific_only and all(r["zone_type"] == "city" for r in why):
            continue
        out.append(AppliedItem(target_type, dict(by_id[tid]), why))
    # Specific reasons (bay, reserve, unit) before county, before city-wide; then plan order.
    rank = {"protected_area": 0, "bay": 1, "unit": 1, "unit_theme": 2, "unit_class": 3,
            "outfall": 3, "county": 4, "city": 5}
    out.sort(key=lambda a: (min(rank.get(r["zone_type"], 9) for r in a.reasons), a.id))
    return out


def indicator_status(record: dict[str, Any]) -> tuple[str, str]:
    """(status code, reason) comparing the latest known value with the target.

    Status codes: "met", "not_met", "unknown".  The latest value is the measured value if
    the workspace has one, else the plan's baseline.
    """
    latest = record.get("latest_value")
    if latest is None or (isinstance(latest, float) and math.isnan(latest)):
        latest = record.get("baseline_value")
    target = record.get("target_value")
    comp = str(record.get("comparison") or "")
    try:
        lv = float(latest)  # type: ignore[arg-type]
        tv = float(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown", "no numeric value or target"
    if math.isnan(lv) or math.isnan(tv):
        return "unknown", "no numeric value or target"
    ok = {">=": lv >= tv, ">": lv > tv, "<=": lv <= tv, "<": lv < tv, "=": lv == tv}.get(comp)
    if ok is None:
        return "unknown", f"comparison '{comp}' is not numeric"
    return ("met" if ok else "not_met"), f"{lv:g} {comp} {tv:g}"
