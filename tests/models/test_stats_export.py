"""The statistics report: JSON keys, XLSX opened with openpyxl, the offline HTML."""

from __future__ import annotations

import re

import openpyxl
import pytest

from geodata import store
from models import stats_export, stats_report
from models.statistics import Scope
from models.workspace import Workspace
from tests.models import stats_testdata


@pytest.fixture(scope="module")
def bundled_report() -> stats_report.StatsReport:
    return stats_report.build(Workspace.open(store.bundled_path()))


def test_json_has_exactly_the_issue_keys(bundled_report):
    j = bundled_report.to_json()
    assert list(j) == ["outfalls_by_county", "units_by_county", "bays", "indicator_progress"]
    row = j["outfalls_by_county"][0]
    assert list(row) == ["county_code", "county", "total", "by_type", "by_remediation",
                         "by_remediation_status", "by_review_status"]
    assert row["total"] == sum(row["by_type"].values()) == sum(row["by_review_status"].values())
    unit = j["units_by_county"][0]
    assert list(unit) == ["county_code", "county", "by_class"]
    assert set(unit["by_class"]) == {"1", "2", "3"}
    assert set(unit["by_class"]["1"]) == {"count", "area_km2"}
    for p in j["indicator_progress"]:
        assert list(p) == ["indicator", "section", "target", "measured", "unit", "basis",
                           "on_track"]
    en = bundled_report.to_json("en")
    assert en["outfalls_by_county"][0]["county"] == "Licheng District"


def test_xlsx_sheets_headers_and_numbers(tmp_path):
    ws = stats_testdata.workspace()
    rep = stats_report.build(ws)
    out = tmp_path / "统计.xlsx"
    names = stats_export.write_xlsx(rep, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == names
    assert names[:3] == ["说明", "管控单元", "排污口·排污口类型"]
    about = [[c.value for c in r] for r in book["说明"].iter_rows()]
    assert any("示例数据" in str(v) for r in about for v in r)
    status = book["排污口·整治状态"]
    rows = [[c.value for c in r] for r in status.iter_rows()]
    assert rows[0] == ["县区", "未启动", "整治中", "已完成", "（空）", "合计"]
    by_county = {r[0]: r[1:] for r in rows[1:]}
    assert by_county["晋江市"] == [0, 1, 1, 1, 3]
    assert by_county["合计"] == [1, 2, 4, 1, 8]
    units = [[c.value for c in r] for r in book["管控单元"].iter_rows()]
    assert units[0][:4] == ["县区", "优先保护单元（个）", "优先保护单元（km²）",
                            "优先保护单元（占比%）"]
    area = rep.stats.unit_area_km2
    assert units[1][2] == pytest.approx(area.loc["350581", 1], abs=1e-3)
    progress = [[c.value for c in r] for r in book["规划指标进展"].iter_rows()]
    assert progress[0] == ["指标", "测算值", "单位", "进展", "目标", "章节", "依据"]
    assert progress[1][0] == "晋江干流、主要支流入河排水口溯源排查"  # measured ones first


def test_xlsx_in_english(tmp_path):
    rep = stats_report.build(stats_testdata.workspace())
    out = tmp_path / "stats.xlsx"
    names = stats_export.write_xlsx(rep, out, "en")
    assert names[:2] == ["About", "Control units"]
    book = openpyxl.load_workbook(out)
    head = [c.value for c in next(book["Outfalls · Remediation status"].iter_rows())]
    assert head == ["County", "Not started", "In progress", "Completed", "(blank)", "Total"]
    assert not (tmp_path / "stats.xlsx.part").exists()


def test_html_is_offline_with_inline_charts(bundled_report, tmp_path):
    out = tmp_path / "s.html"
    stats_export.write_html(bundled_report, out)
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") == 5
    assert "示例数据" in text and "重点海湾入海排污口分类整治" in text
    assert not re.search(r"(src|href)=\"https?:", text) and "<script" not in text
    assert "石狮市" in text and "安海湾" in text


def test_county_report_scope_text():
    ws = Workspace.open(store.bundled_path())
    rep = stats_report.build(ws, Scope(county="350582"))
    assert stats_export.scope_text(rep, "zh") == "晋江市"
    assert [r["county_code"] for r in rep.to_json()["outfalls_by_county"]] == ["350582"]


def test_no_illustrative_mark_when_no_illustrative_layer_feeds_the_numbers(tmp_path):
    ws = stats_testdata.workspace()
    ws.metadata = {}  # a workspace of official data
    rep = stats_report.build(ws)
    assert not rep.illustrative
    assert "示例数据" not in stats_export.html(rep)
    stats_export.write_xlsx(rep, tmp_path / "s.xlsx")
    about = [c.value for r in openpyxl.load_workbook(tmp_path / "s.xlsx")["说明"].iter_rows()
             for c in r]
    assert "示例数据" not in about
    assert all("示例数据" not in p.basis.zh for p in rep.progress)
