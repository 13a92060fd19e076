"""English mode shows a unit's English access texts and theme: query text, screening report
(HTML body, shared with the PDF) and web-map popups; Chinese mode is unchanged; a unit
without English texts reads in Chinese."""

from __future__ import annotations

import re

import pytest
import shapely

from models.query import what_applies
from models.report_html import report_body_html
from models.report_text import format_point_report
from models.screening import screen_site

CJK = re.compile(r"[\u4e00-\u9fff]")
ANHAI = (118.47, 24.60)  # ZH35058220008, 晋江市安海湾海域重点管控单元, theme 养殖
DIMS = ("kjbjys", "pwwpfgk", "hjfxfk", "zykfxlyq")


@pytest.fixture(scope="module")
def anhai(bundled_ws):
    return what_applies(bundled_ws, *ANHAI)


def test_query_record_carries_both_languages(anhai):
    unit = anhai.units[0]
    assert unit["code"] == "ZH35058220008"
    assert (unit["theme"], unit["theme_en"]) == ("养殖", "Aquaculture")
    for dim in DIMS:
        assert CJK.search(unit[dim]) and not CJK.search(unit[f"{dim}_en"]), dim
    assert "Anhai Bay" in unit["pwwpfgk_en"] and "one outfall, one file" in unit["pwwpfgk_en"]


def _unit_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Control unit", "管控单元")))
    return lines[start:start + 6]


def test_query_text_in_english_shows_english_theme_and_texts(anhai):
    lines = _unit_lines(format_point_report(anhai, "en"))
    assert lines[1] == "  Theme: Aquaculture"
    assert lines[2].startswith("  Spatial layout: 1. Sea-use projects in Anhai Bay")
    for line in lines[1:]:
        assert not CJK.search(line), line


def test_query_text_in_chinese_is_unchanged(anhai):
    lines = _unit_lines(format_point_report(anhai, "zh"))
    assert lines[1] == "  主导类型: 养殖"
    assert lines[2].startswith("  空间布局约束: 1. 安海湾用海项目须符合国土空间规划")
    assert "消除劣四类" in lines[3]
    assert not any("Anhai" in line for line in lines)


def test_query_text_falls_back_to_chinese_without_english_texts(anhai):
    import copy

    rep = copy.deepcopy(anhai)
    for dim in DIMS:
        rep.units[0][f"{dim}_en"] = None
    lines = _unit_lines(format_point_report(rep, "en"))
    assert lines[2].startswith("  Spatial layout: 1. 安海湾用海项目")


@pytest.fixture(scope="module")
def anhai_site(bundled_ws):
    lon, lat = ANHAI
    return screen_site(bundled_ws, shapely.box(lon - 0.003, lat - 0.003, lon + 0.003,
                                               lat + 0.003), buffer_m=200)


def test_screening_report_in_english_lists_english_requirements(anhai_site):
    assert [u["code"] for u in anhai_site.units] == ["ZH35058220008"]
    body = report_body_html(anhai_site, "en")
    assert ">Aquaculture</td>" in body
    unit = anhai_site.units[0]
    for dim in DIMS:
        first = unit[f"{dim}_en"].split(". ", 1)[1][:40]
        assert first in body.replace("&quot;", '"'), dim
        assert unit[dim][3:30] not in body, dim  # no Chinese access text
    section = body.split("4. Access requirements")[1].split("<h2>")[0]
    assert not CJK.search(section)


def test_screening_report_in_chinese_is_unchanged(anhai_site):
    body = report_body_html(anhai_site, "zh")
    assert ">养殖</td>" in body
    assert anhai_site.units[0]["kjbjys"].split(" ", 1)[1][:20] in body
    assert "Anhai Bay" not in body.split("四、生态环境准入要求")[1].split("<h2>")[0]


def test_requirements_in_english_keep_texts_that_differ_only_in_english(bundled_ws):
    # 鲤城区 and 丰泽区 both have a 中心城区 unit: one Chinese text, two English ones
    rep = screen_site(bundled_ws, shapely.box(118.598, 24.895, 118.612, 24.915), buffer_m=0)
    codes = {u["code"] for u in rep.units}
    assert {"ZH35050220001", "ZH35050320001"} <= codes
    zh_texts = [it["text"] for it in rep.requirements["hjfxfk"] if "中心城区建立" in it["text"]]
    en_texts = [it["text"] for it in rep.requirements_en["hjfxfk"]
                if "central urban area of" in it["text"]]
    assert len(zh_texts) == 1 and len(en_texts) == 2


def test_web_map_popups_in_english(bundled_ws):
    from models.webmap import feature_collection

    def popup(layer: str, lang: str, pred) -> str:  # noqa: ANN001
        frame = bundled_ws.layer(layer)
        i = next(i for i, r in enumerate(frame.drop(columns="geometry").to_dict("records"))
                 if pred(r))
        fc = feature_collection(bundled_ws, layer, lang)
        return next(f["properties"]["p"] for f in fc["features"] if f["id"] == i)

    unit = lambda r: r["code"] == "ZH35058220008"  # noqa: E731
    en = popup("control_units", "en", unit)
    assert "<th>Theme</th><td>Aquaculture</td>" in en
    assert "Sea-use projects in Anhai Bay" in en and not CJK.search(en)
    zh = popup("control_units", "zh", unit)
    assert "<th>主导类型</th><td>养殖</td>" in zh and "安海湾用海项目" in zh
    core = popup("protected_areas", "en", lambda r: r["zone"] == "核心区")
    assert "<td>Core zone</td>" in core and "<td>National</td>" in core
    outfall = popup("outfalls", "en", lambda r: r["remediation_status"] == "整治中")
    assert "<td>In progress</td>" in outfall
