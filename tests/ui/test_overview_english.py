"""The 概况 tab in English: a unit's English access texts and theme, English vocabularies of
protected areas and outfalls, no ``_en`` rows in either language, Chinese where a unit has
no English text."""

from __future__ import annotations

import re

import pytest

from ui.panels.overview import overview_tab

CJK = re.compile(r"[\u4e00-\u9fff]")
DIMS_EN = ("Spatial layout constraints", "Pollutant discharge control",
           "Environmental risk prevention", "Resource efficiency requirements")
DIMS_ZH = ("空间布局约束", "污染物排放管控", "环境风险防控", "资源开发效率要求")
COUNTIES = {"350502": ("鲤城区", "Licheng District")}


@pytest.fixture(scope="module")
def unit(ui_ws) -> dict:
    frame = ui_ws.layer("control_units")
    row = frame[frame["code"] == "ZH35050220001"]
    if row.empty or "kjbjys_en" not in frame.columns:
        pytest.skip("needs the bundled workspace")
    return {k: v for k, v in row.iloc[0].items() if k != frame.geometry.name}


def _rows(layer: str, record: dict, lang: str) -> dict:
    return dict(overview_tab(layer, record, lang, COUNTIES).rows)


def test_unit_overview_in_english_shows_english_texts_and_theme(qtbot, unit):
    rows = _rows("control_units", unit, "en")
    assert rows["Theme"] == "Urban"
    for label, dim in zip(DIMS_EN, ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"), strict=True):
        assert rows[label] == unit[f"{dim}_en"] and not CJK.search(rows[label]), label
    assert rows["Spatial layout constraints"].startswith(
        "1. New, rebuilt and expanded projects in the central urban area of Licheng District")
    assert not [k for k in rows if k.endswith("_en") or "in English" in k]


def test_unit_overview_in_chinese_is_unchanged_and_hides_english_columns(qtbot, unit):
    rows = _rows("control_units", unit, "zh")
    assert rows["主导类型"] == "城镇"
    for label, dim in zip(DIMS_ZH, ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq"), strict=True):
        assert rows[label] == unit[dim], label
    assert not [k for k in rows if k.endswith(("_en", "英文"))]
    assert not any(isinstance(v, str) and "Licheng District central" in v
                   for k, v in rows.items() if k != "英文名称")


def test_unit_without_english_texts_reads_in_chinese(qtbot, unit):
    official = {k: v for k, v in unit.items() if not k.endswith("_en") or k == "name_en"}
    official["kjbjys"] = "1. 官方空间布局约束。"
    rows = _rows("control_units", official, "en")
    assert rows["Spatial layout constraints"] == "1. 官方空间布局约束。"
    blank = dict(unit, kjbjys_en=None, pwwpfgk_en="")
    rows = _rows("control_units", blank, "en")
    assert rows["Spatial layout constraints"] == unit["kjbjys"]
    assert rows["Pollutant discharge control"] == unit["pwwpfgk"]
    assert rows["Environmental risk prevention"] == unit["hjfxfk_en"]


def test_protected_area_and_outfall_vocabularies_in_english(qtbot):
    pa = {"name_zh": "戴云山国家级自然保护区", "name_en": "Daiyunshan National Nature Reserve",
          "level": "国家级", "kind": "自然保护区", "zone": "核心区", "county_code": "350502"}
    rows = _rows("protected_areas", pa, "en")
    assert (rows["Level"], rows["Kind"], rows["Zone"]) == ("National", "Nature reserve",
                                                           "Core zone")
    assert _rows("protected_areas", pa, "zh")["功能分区"] == "核心区"
    outfall = {"code": "PWK350502H0001", "outfall_type": "其他排口", "subtype": "城镇雨洪排口",
               "discharge_mode": "箱涵", "remediation": "规范", "remediation_status": "整治中",
               "review_status": "位置存疑", "coord_source": "GCJ-02转换"}
    rows = _rows("outfalls", outfall, "en")
    assert [rows[k] for k in ("Type", "Subtype", "Discharge mode", "Remediation",
                              "Remediation status", "Review status", "Coordinate source")] == [
        "Other", "Urban stormwater outfall", "Box culvert", "Regularise", "In progress",
        "Location in doubt", "Converted from GCJ-02"]
    assert _rows("outfalls", outfall, "zh")["核查状态"] == "位置存疑"


def test_window_in_english_shows_the_units_english_texts(qtbot, win, unit):
    assert win.model.get("control_units").row_of("ZH35050220001") is not None
    win.set_language("en")
    win.side_panel.show_feature("control_units", "ZH35050220001")
    rows = dict(win.side_panel.tabs.widget(0).rows)
    assert rows["Theme"] == "Urban"
    assert rows["Spatial layout constraints"] == unit["kjbjys_en"]
    pas = win.model.get("protected_areas").frame
    core = int((pas["zone"] == "核心区").to_numpy().nonzero()[0][0])
    win.side_panel.show_feature("protected_areas", win.model.get("protected_areas").key_at(core))
    assert "National Nature reserve Core zone" in win.side_panel.subtitle.text()
    assert dict(win.side_panel.tabs.widget(0).rows)["Zone"] == "Core zone"
    win.set_language("zh")
    win.side_panel.show_feature("control_units", "ZH35050220001")
    rows = dict(win.side_panel.tabs.widget(0).rows)
    assert rows["主导类型"] == "城镇" and rows["空间布局约束"] == unit["kjbjys"]
