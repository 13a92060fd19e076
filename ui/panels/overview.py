"""The 概况 tab: every attribute of the selected zone, labelled in the UI language.

Values read in the UI language too: in English a unit's access texts come from their
``<field>_en`` columns (the Chinese where a unit has none, e.g. an imported official unit)
and vocabularies (theme, level, zone, statuses …) are mapped by ``schema.english_value``.
The ``_en`` columns themselves are never listed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from geodata import schema
from geodata.messages import Message, in_language
from ui.panels.common import KeyValues, key_values, tr

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
                  record: dict[str, Any] | None = None) -> Any:
    """``value`` of ``field`` as the panel shows it in ``lang``; ``record`` (the whole row)
    lets an English view take the field's ``_en`` column."""
    if record is not None and field in schema.UNIT_TEXT_FIELDS:
        # a requirement text: Chinese as given, English from the record's _en column
        return in_language(lang, value, schema.text_in(record, field, lang))
    if field == "unit_class" and value is not None:
        name = Message(*schema.UNIT_CLASSES.get(int(value), (str(value), str(value))))
        return f"{int(value)} — {name.text(lang)}"
    if field == "county_code" and value is not None:
        names = counties.get(str(value))
        return f"{Message(names[0], names[1]).text(lang)} ({value})" if names else value
    if field == "domain" and value in ("land", "sea"):
        return {"land": tr("陆域"), "sea": tr("海域")}[value]
    if field == "water_kind" and value in ("sea", "river"):
        return {"sea": tr("入海"), "river": tr("入河")}[value]
    return schema.value_in(field, value, lang)


def overview_tab(layer: str, record: dict[str, Any], lang: str,
                 counties: dict[str, tuple[str, str]], into: KeyValues | None = None,
                 ) -> QWidget:
    """The 概况 tab of ``record``; ``into``: the tab shown before, given the new rows
    (its labels kept when the fields are the same) instead of a new one."""
    rows = overview_rows(layer, record, lang, counties)
    if into is not None:
        into.set_rows(rows)
        return into
    return key_values(rows)


def overview_rows(layer: str, record: dict[str, Any], lang: str,
                  counties: dict[str, tuple[str, str]]) -> list[tuple[str, Any]]:
    """The 概况 tab's (field, value) rows of ``record``."""
    rows = []
    known = set()
    for name, zh, en in _fields(layer):
        known.add(name)
        if name in record and not schema.is_english_column(name, record):
            rows.append((Message(zh, en).text(lang),
                         display_value(name, record.get(name), lang, counties, record)))
    for name, value in record.items():  # fields a workspace adds beyond the schema
        if name not in known and name not in ("approximate",) and \
                not schema.is_english_column(name, record):
            rows.append((name, value))
    return rows
