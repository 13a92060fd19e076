"""The 概况 tab: every attribute of the selected zone, labelled in the UI language."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from geodata import schema
from ui.panels.common import key_values, tr

BAY_FIELDS = (("name_zh", "名称", "Name"), ("name_en", "英文名称", "Name (English)"),
              ("wq_class", "现状水质类别", "Water-quality class"),
              ("wq_target", "水质目标", "Water-quality target"),
              ("target_year", "目标年份", "Target year"), ("source", "依据", "Source"))
PA_FIELDS = (("name_zh", "名称", "Name"), ("name_en", "英文名称", "Name (English)"),
             ("level", "级别", "Level"), ("kind", "类型", "Kind"),
             ("zone", "功能分区", "Zone"), ("area_published_ha", "公布面积（公顷）",
                                          "Published area (ha)"),
             ("county_code", "行政区", "County"))


def _fields(layer: str) -> list[tuple[str, str, str]]:
    if layer == "control_units":
        out = [(f.name, f.label_zh, f.label_en) for f in schema.CONTROL_UNIT_FIELDS]
        out.insert(6, ("area_km2", "面积（km²）", "Area (km²)"))
        return out
    if layer == "outfalls":
        return [(f.name, f.label_zh, f.label_en) for f in schema.OUTFALL_FIELDS]
    if layer == "bays":
        return list(BAY_FIELDS)
    if layer == "protected_areas":
        return list(PA_FIELDS)
    return []


def display_value(field: str, value: Any, lang: str, counties: dict[str, tuple[str, str]],
                  ) -> Any:
    en = lang == "en"
    if field == "unit_class" and value is not None:
        zh, eng = schema.UNIT_CLASSES.get(int(value), (str(value), str(value)))
        return f"{int(value)} — {eng if en else zh}"
    if field == "county_code" and value is not None:
        names = counties.get(str(value))
        return f"{names[1] if en else names[0]} ({value})" if names else value
    if field == "domain" and value in ("land", "sea"):
        return {"land": tr("陆域"), "sea": tr("海域")}[value]
    if field == "water_kind" and value in ("sea", "river"):
        return {"sea": tr("入海"), "river": tr("入河")}[value]
    if field == "outfall_type" and en:
        return schema.OUTFALL_TYPES_EN.get(str(value), value)
    if field == "remediation" and en:
        return schema.REMEDIATION_EN.get(str(value), value)
    return value


def overview_tab(layer: str, record: dict[str, Any], lang: str,
                 counties: dict[str, tuple[str, str]]) -> QWidget:
    rows = []
    known = set()
    for name, zh, en in _fields(layer):
        known.add(name)
        if name in record:
            rows.append((en if lang == "en" else zh,
                         display_value(name, record.get(name), lang, counties)))
    for name, value in record.items():  # fields a workspace adds beyond the schema
        if name not in known and name not in ("approximate",):
            rows.append((name, value))
    return key_values(rows)
