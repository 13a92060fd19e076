"""English forms of the control units' access texts and of the vocabularies (no Qt)."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata import schema, store
from geodata.build import control_unit_texts as texts
from geodata.build import control_unit_texts_en as texts_en

CJK = re.compile(r"[\u4e00-\u9fff]")
EN_FIELDS = [f"{d}_en" for d in schema.UNIT_TEXT_FIELDS]
PLACEHOLDERS = {"county", "place", "bay", "bay_or_county"}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_template_key_has_an_english_form_with_as_many_sentences():
    assert texts_en.CLASS_BASE_EN.keys() == texts._CLASS_BASE.keys()
    assert texts_en.THEME_EN.keys() == texts._THEME.keys()
    assert texts_en.BAY_EXTRA_EN.keys() == texts._BAY_EXTRA.keys()
    for key, zh in texts._THEME.items():
        assert [len(s) for s in texts_en.THEME_EN[key]] == [len(s) for s in zh], key
    for bay, (dim, _) in texts._BAY_EXTRA.items():
        assert texts_en.BAY_EXTRA_EN[bay][0] == dim, bay


def _english_templates() -> list[str]:
    out = [s for base in texts_en.CLASS_BASE_EN.values() for s in base]
    out += [s for theme in texts_en.THEME_EN.values() for dim in theme for s in dim]
    out += [s for _, s in texts_en.BAY_EXTRA_EN.values()] + [texts_en.FALLBACK_EN]
    return out


@pytest.mark.parametrize("template", _english_templates())
def test_english_templates_are_english_and_fill_known_names(template):
    assert not CJK.search(template), template
    assert _placeholders(template) <= PLACEHOLDERS, template
    assert template == template.strip() and not template.endswith((".", "。")), template


def test_access_texts_number_the_same_items_in_both_languages():
    zh = texts.access_texts(2, "石化", "land", "", {"county": "泉港区", "place": "石化工业园区",
                                                  "bay": ""})
    en = texts.access_texts(2, "石化", "land", "",
                            {"county": "Quangang District",
                             "place": "the petrochemical industrial park", "bay": ""}, "en")
    for dim in schema.UNIT_TEXT_FIELDS:
        assert re.findall(r"(?:^| )(\d)\. ", zh[dim]) == re.findall(r"(?:^| )(\d)\. ", en[dim])
    assert "leak detection and repair (LDAR)" in en["pwwpfgk"]
    assert en["kjbjys"].startswith("1. New, rebuilt and expanded projects in the petrochemical")


# -- the bundled data ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    return store.read_layer(store.bundled_path(), "control_units")


def test_bundled_units_have_english_access_texts_without_chinese(units):
    for col in EN_FIELDS:
        assert col in units.columns
        values = units[col]
        assert values.notna().all() and (values.str.len() > 20).all(), col
        bad = units.loc[values.map(lambda v: bool(CJK.search(v))), ["code", col]]
        assert bad.empty, bad.head().to_dict("records")
    for dim in schema.UNIT_TEXT_FIELDS:  # items line up with the Chinese ones
        zh_n = units[dim].str.count(r"(?:^| )\d\. ")
        en_n = units[f"{dim}_en"].str.count(r"(?:^| )\d\. ")
        assert (zh_n == en_n).all(), dim


def test_bundled_english_texts_name_the_units_place_in_english(units):
    anhai = units[units["name_zh"].str.contains("安海湾海域")].iloc[0]
    assert "Anhai Bay" in anhai["pwwpfgk_en"] and "Class IV" in anhai["pwwpfgk_en"]
    assert "消除劣四类" in anhai["pwwpfgk"]  # Chinese unchanged
    wuli = units[units["name_zh"].str.contains("五里电镀")].iloc[0]
    assert "Jinjiang City" in wuli["kjbjys_en"] and "Wuli electroplating park" in wuli["kjbjys_en"]


def test_every_bundled_vocabulary_value_has_an_english_form(units):
    assert set(units["theme"].fillna("")) <= set(schema.UNIT_THEMES_EN)
    pas = store.read_layer(store.bundled_path(), "protected_areas")
    assert set(pas["level"]) <= set(schema.PA_LEVELS_EN)
    assert set(pas["kind"]) <= set(schema.PA_KINDS_EN)
    assert set(pas["zone"].fillna("")) - {""} <= set(schema.PA_ZONES_EN)
    for field, vocab in schema.VOCABULARY_EN.items():
        assert not any(CJK.search(v) for v in vocab.values()), field
    subtypes = {s for subs in schema.OUTFALL_TYPES.values() for s in subs}
    assert subtypes <= set(schema.OUTFALL_SUBTYPES_EN)
    assert set(schema.REMEDIATION_STATUS) <= set(schema.REMEDIATION_STATUS_EN)
    assert set(schema.REVIEW_STATUS) <= set(schema.REVIEW_STATUS_EN)
    assert set(schema.DISCHARGE_MODES) <= set(schema.DISCHARGE_MODES_EN)
    assert set(schema.COORD_SOURCES) <= set(schema.COORD_SOURCES_EN)


def test_metadata_still_marks_control_units_illustrative():
    meta = store.read_table(store.bundled_path(), "metadata")
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert "control_units" in values["illustrative_layers"].split(",")
    sources = json.loads(values["sources"])
    assert any("control_units" in s["layers"] and s["status"] == "illustrative" for s in sources)


# -- looking texts up ------------------------------------------------------------------------
def test_text_in_falls_back_to_chinese_and_maps_vocabularies():
    rec = {"kjbjys": "1. 中文。", "kjbjys_en": "1. English.", "pwwpfgk": "1. 仅中文。",
           "pwwpfgk_en": None, "hjfxfk": "1. 中文。", "hjfxfk_en": float("nan"),
           "theme": "石化", "zone": "核心区"}
    assert schema.text_in(rec, "kjbjys", "en") == "1. English."
    assert schema.text_in(rec, "kjbjys", "zh") == "1. 中文。"
    assert schema.text_in(rec, "pwwpfgk", "en") == "1. 仅中文。"
    assert schema.text_in(rec, "hjfxfk", "en") == "1. 中文。"
    assert schema.text_in(rec, "zykfxlyq", "en") is None
    assert schema.text_in(rec, "theme", "en") == "Petrochemicals"
    assert schema.text_in(rec, "theme", "zh") == "石化"
    assert schema.text_in(rec, "zone", "en") == "Core zone"
    assert schema.english_value("theme", "未知类型") == "未知类型"
    assert schema.is_english_column("kjbjys_en", rec) and not schema.is_english_column(
        "name_en", ["name_zh", "name_en"])


# -- importing official units without English texts -----------------------------------------
def test_import_maps_chinese_columns_to_the_chinese_fields_only():
    from geodata.io.field_mapping import suggest_mapping

    m = suggest_mapping(["HJZHGKDYBM", "空间布局约束", "污染物排放管控", "环境风险防控",
                         "资源开发效率要求"], "control_units")
    assert m["kjbjys"].source == "空间布局约束"
    assert m["zykfxlyq"].source == "资源开发效率要求"
    assert not {f"{d}_en" for d in schema.UNIT_TEXT_FIELDS} & set(m)
    m = suggest_mapping(["code", "kjbjys", "kjbjys_en", "空间布局约束英文"], "control_units")
    assert m["kjbjys"].source == "kjbjys" and m["kjbjys_en"].source == "kjbjys_en"


def _official_units(tmp_path: Path) -> Path:
    src = tmp_path / "official.geojson"
    gpd.GeoDataFrame(
        {"HJZHGKDYBM": ["ZH35058220003"], "HJZHGKDYMC": ["安海湾重点管控单元"], "ZHGKDYFL": [2],
         "XZQDM": ["350582"], "KJBJYS": ["官方空间布局约束。"], "PWWPFGK": ["官方排放管控。"],
         "HJFXFK": ["官方风险防控。"], "ZYKFXLYQ": ["官方资源效率。"]},
        geometry=[shapely.box(118.45, 24.70, 118.55, 24.78)], crs="EPSG:4490",
    ).to_file(src, driver="GeoJSON")
    return src


def test_official_units_without_english_texts_clear_the_stale_english(tmp_path):
    from geodata.io.workspace_import import import_file

    ws = tmp_path / "ws.gpkg"
    fields = {f.name: ["x"] for f in schema.CONTROL_UNIT_FIELDS}
    fields.update(code=["ZH35058220003"], unit_class=[2], county_code=["350582"],
                  kjbjys_en=["1. Illustrative English."])
    store.write_layers(ws, {"control_units": gpd.GeoDataFrame(
        fields, geometry=[shapely.box(118.45, 24.70, 118.55, 24.78)], crs="EPSG:4490")})
    rep = import_file(_official_units(tmp_path), ws, "control_units")
    assert rep.updated == ["ZH35058220003"] and not rep.rejected
    row = store.read_layer(ws, "control_units").iloc[0].to_dict()
    assert row["kjbjys"] == "官方空间布局约束。"
    assert row["kjbjys_en"] is None or row["kjbjys_en"] != row["kjbjys_en"]
    assert schema.text_in(row, "kjbjys", "en") == "官方空间布局约束。"


def test_official_units_import_into_a_workspace_made_before_the_english_fields(tmp_path):
    from geodata.io.workspace_import import import_file

    ws = tmp_path / "old.gpkg"
    fields = {f.name: ["x"] for f in schema.CONTROL_UNIT_FIELDS if f.name not in EN_FIELDS}
    fields.update(code=["ZH35058220003"], unit_class=[2], county_code=["350582"])
    store.write_layers(ws, {"control_units": gpd.GeoDataFrame(
        fields, geometry=[shapely.box(118.45, 24.70, 118.55, 24.78)], crs="EPSG:4490")})
    rep = import_file(_official_units(tmp_path), ws, "control_units")
    assert rep.updated == ["ZH35058220003"]
    assert not [n for n in rep.to_json("en")["notes"] if "lacks fields" in str(n)]
    row = store.read_layer(ws, "control_units").iloc[0].to_dict()
    assert "kjbjys_en" not in row and row["kjbjys"] == "官方空间布局约束。"
