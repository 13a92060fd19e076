"""One statistics report: the tables, the bays and the plan progress of one scope.

Qt-free.  Built by the 统计 dock and ``python app.py stats``; turned into JSON here, into
XLSX and HTML by :mod:`models.stats_export`, into PDF by ``ui.statistics.pdf``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geodata.messages import Message
from models import bay_summary, plan_progress
from models.statistics import (
    OUTFALL_GROUPS,
    AreaCache,
    Scope,
    Statistics,
    class_label,
    compute,
    point_xy,
    value_label,
)

JSON_GROUPS = {"outfall_type": "by_type", "remediation": "by_remediation",
               "remediation_status": "by_remediation_status",
               "review_status": "by_review_status"}
TITLE = Message("生态环境分区管控统计与规划进展", "Zoning statistics and plan progress")
ILLUSTRATIVE_NOTE = Message("示例数据：管控单元、排污口及监测数据为演示用途生成，并非官方成果",
                            "Illustrative data (示例数据): control units, outfalls and samples "
                            "are generated for demonstration, not official")


@dataclass
class StatsReport:
    stats: Statistics
    bays: list[bay_summary.BayStatus]
    progress: list[plan_progress.Progress]
    generated: str = field(default_factory=lambda: _dt.datetime.now().strftime("%Y-%m-%d %H:%M"))

    @property
    def illustrative(self) -> bool:
        return bool(self.stats.illustrative)

    def county_rows(self) -> list[str]:
        return list(self.stats.outfall_total.index) or list(self.stats.unit_count.index)

    # -- JSON --------------------------------------------------------------------------
    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        """The keys ``stats --json`` prints: outfalls_by_county, units_by_county, bays,
        indicator_progress.  Counted values keep their stored (Chinese) form as keys."""
        s = self.stats
        outfalls = []
        total = s.outfall_total
        for code in total.index:
            row: dict[str, Any] = {"county_code": str(code),
                                   "county": s.county_name(str(code), lang),
                                   "total": int(total[code])}
            for fld, key in JSON_GROUPS.items():
                t = s.outfalls.get(fld)
                row[key] = {} if t is None else {str(c): int(v) for c, v in t.loc[code].items()}
            outfalls.append(row)
        units = []
        for code in s.unit_count.index:
            by_class = {str(c): {"count": int(s.unit_count.loc[code, c]),
                                 "area_km2": round(float(s.unit_area_km2.loc[code, c]), 3)}
                        for c in s.unit_count.columns}
            units.append({"county_code": str(code), "county": s.county_name(str(code), lang),
                          "by_class": by_class})
        return {"outfalls_by_county": outfalls, "units_by_county": units,
                "bays": [b.to_json(lang) for b in self.bays],
                "indicator_progress": [p.to_json(lang) for p in self.progress]}

    # -- tables for XLSX / HTML / the dock -------------------------------------------------
    def tables(self, lang: str = "zh") -> list[tuple[Message, pd.DataFrame]]:
        """(title, frame) per sheet, headers in ``lang``; a city total row ends each."""
        out = [(Message("管控单元", "Control units"), self.units_table(lang))]
        for fld in OUTFALL_GROUPS:
            if fld in self.stats.outfalls:
                out.append((Message("排污口·", "Outfalls · ") + _group_title(fld),
                            self.outfall_table(fld, lang)))
        out.append((Message("海湾", "Bays"), self.bay_table(lang)))
        out.append((Message("规划指标进展", "Plan progress"), self.progress_table(lang)))
        return out

    def _county_col(self, index: Any, lang: str) -> list[str]:
        return [self.stats.county_name(str(c), lang) for c in index]

    def outfall_table(self, fld: str, lang: str = "zh") -> pd.DataFrame:
        t = self.stats.outfalls[fld]
        head = Message("县区", "County").text(lang)
        df = pd.DataFrame({head: self._county_col(t.index, lang)})
        for c in t.columns:
            df[value_label(fld, str(c), lang)] = t[c].to_numpy()
        df[Message("合计", "Total").text(lang)] = t.sum(axis=1).to_numpy()
        return _with_total(df, head, lang)

    def units_table(self, lang: str = "zh") -> pd.DataFrame:
        s = self.stats
        head = Message("县区", "County").text(lang)
        df = pd.DataFrame({head: self._county_col(s.unit_count.index, lang)})
        share = s.unit_share()
        for c in s.unit_count.columns:
            name = class_label(int(c), lang)
            df[name + Message("（个）", " (count)").text(lang)] = s.unit_count[c].to_numpy()
            df[name + Message("（km²）", " (km²)").text(lang)] = \
                np.round(s.unit_area_km2[c].to_numpy(), 3)
            df[name + Message("（占比%）", " (share %)").text(lang)] = \
                np.round(100 * share[c].to_numpy(), 1)
        return _with_total(df, head, lang, shares=True)

    def bay_table(self, lang: str = "zh") -> pd.DataFrame:
        m = {"bay": ("海湾", "Bay"), "outfalls": ("入海排污口", "Sea outfalls"),
             "completed_share": ("整治完成率%", "Remediated %"),
             "wq_class": ("现状水质类别", "Water class"), "wq_target": ("水质/整治目标", "Target"),
             "target_year": ("目标年", "Target year"),
             "wq_on_track": ("水质达标", "Water on track"),
             "monitored_outfalls": ("有监测的排污口", "Monitored outfalls"),
             "latest_sample_date": ("最近排污口采样", "Latest outfall sample")}
        rows = []
        for b in self.bays:
            j = b.to_json(lang)
            row = {}
            for k, (zh, en) in m.items():
                value = j[k]
                if k == "target_year" and value is not None:
                    value = str(value)  # a year, not a quantity (no thousands separator)
                row[Message(zh, en).text(lang)] = _cell(value, lang)
                if k == "outfalls":
                    for v, n in b.by_remediation_status.items():
                        row[value_label("remediation_status", v, lang)] = n
            rows.append(row)
        return pd.DataFrame(rows)

    def progress_sorted(self) -> list[plan_progress.Progress]:
        """The measured indicators first (in plan order), then the others."""
        return sorted(self.progress, key=lambda p: not p.measurable)

    def progress_table(self, lang: str = "zh") -> pd.DataFrame:
        heads = {"indicator": ("指标", "Indicator"), "measured": ("测算值", "Measured"),
                 "unit": ("单位", "Unit"), "on_track": ("进展", "On track"),
                 "target": ("目标", "Target"), "section": ("章节", "Section"),
                 "basis": ("依据", "Basis")}
        rows = []
        for p in self.progress_sorted():
            j = p.to_json(lang)
            rows.append({Message(zh, en).text(lang): _cell(j[k], lang)
                         for k, (zh, en) in heads.items()})
        return pd.DataFrame(rows)


def _group_title(fld: str) -> Message:
    from models.statistics import GROUP_TITLES

    return GROUP_TITLES[fld]


def _cell(v: Any, lang: str) -> Any:
    if v is True:
        return Message("达标", "on track").text(lang)
    if v is False:
        return Message("未达标", "off track").text(lang)
    return "" if v is None else v


def _with_total(df: pd.DataFrame, head: str, lang: str, shares: bool = False) -> pd.DataFrame:
    """Append the city row: sums of the counts and areas, shares recomputed from areas."""
    if df.empty:
        return df
    total: dict[str, Any] = {head: Message("合计", "Total").text(lang)}
    for c in df.columns[1:]:
        total[c] = df[c].sum()
    if shares:
        area_cols = [c for c in df.columns if "km²" in c]
        all_area = sum(float(total[c]) for c in area_cols)
        for c in df.columns:
            if "%" in c:
                area_c = area_cols[_share_area_col(df, c, area_cols)]
                total[c] = round(100 * float(total[area_c]) / all_area, 1) if all_area else 0.0
        for c in area_cols:
            total[c] = round(float(total[c]), 3)
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def _share_area_col(df: pd.DataFrame, share_col: str, area_cols: list[str]) -> int:
    """Index in ``area_cols`` of the area column just before ``share_col``."""
    pos = list(df.columns).index(share_col)
    return area_cols.index(df.columns[pos - 1])


def build(ws: Any, scope: Scope | None = None, areas: AreaCache | None = None,
          outfall_xy: tuple[np.ndarray, np.ndarray] | None = None) -> StatsReport:
    """The report of ``scope`` from an open workspace (or anything with ``layers``,
    ``tables`` and ``illustrative_layers()``)."""
    scope = scope or Scope()
    layers, tables = ws.layers, ws.tables
    illustrative = tuple(ws.illustrative_layers())
    units = layers.get("control_units")
    unit_areas = None
    if units is not None and len(units):
        unit_areas = (areas or AreaCache()).areas_km2(units)
    outfalls = layers.get("outfalls")
    if outfall_xy is None and outfalls is not None and scope.region is not None:
        outfall_xy = point_xy(outfalls)
    stats = compute(layers, scope, unit_areas_km2=unit_areas, outfall_xy=outfall_xy,
                    illustrative=illustrative)
    bays = bay_summary.summarise(layers, tables, scope, outfall_xy)
    progress = plan_progress.measure(layers, tables, illustrative)
    return StatsReport(stats, bays, progress)
