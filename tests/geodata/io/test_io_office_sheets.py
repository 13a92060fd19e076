"""Ledgers as county offices make them (issue 14), in .xlsx, .xls and .ods alike.

Title rows above a two-row header with merged cells (排污口 over 编码 | 名称, 坐标 over
经度 | 纬度), blank spacer rows, a section row, a 合计 row and 备注 / 填表说明 lines below,
and a cover sheet before the data: the rows import with their positions and Chinese text,
every row number is the one Excel or WPS shows, and what cannot be read is named by row,
field and code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from cli.import_export import add_import_parser, cmd_import
from geodata.io.messages import ImportRefused
from geodata.io.point_tables import read_point_table
from geodata.io.readers import read_any
from geodata.io.workspace_import import import_file
from geodata.store import read_layer
from tests.geodata.io.office_files import WRITERS, Sheet

TITLE = "泉州市入海排污口排查整治清单（石狮市）"
LEDGER = Sheet("排污口清单", [
    [TITLE] + [None] * 7,                                                          # row 1
    ["填报单位：石狮市生态环境局", None, None, None, "填报日期：2024年5月", None, None, None],   # 2
    ["序号", "排污口", None, "坐标", None, "受纳水体", "行政区代码", "备注"],                 # 3
    [None, "编码", "名称", "经度", "纬度", None, None, None],                            # 4
    [1, "PWK350581H0001", "石狮排口一", "118°38′12.5″", "24°44′30.2″", "深沪湾", "350581",
     None],                                                                          # 5
    [None] * 8,                                                                      # 6
    [2, "PWK350581H0002", "石狮排口二", 118.6512, 24.7012, "深沪湾", "350581", "汛期"],    # 7
    ["一、新发现排口", None, None, None, None, None, None, None],                          # 8
    [3, None, "祥芝无名排口", 118.7301, 24.7905, "泉州湾", None, "巡查发现"],              # 9
    [4, "PWK350581H0004", "坏坐标排口", "118°75′", 24.70, "深沪湾", "350581", None],     # 10
    ["合计", None, None, None, None, None, None, "4 个"],                               # 11
    ["备注：1. 坐标系为 CGCS2000。", None, None, None, None, None, None, None],           # 12
    ["2. 无编码的排口待统一编码。", None, None, None, None, None, None, None],              # 13
    ["填表说明：经纬度可填度分秒。", None, None, None, None, None, None, None],              # 14
], merges=[(0, 0, 0, 7), (1, 0, 1, 3), (1, 4, 1, 7), (2, 0, 3, 0), (2, 1, 2, 2),
           (2, 3, 2, 4), (2, 5, 3, 5), (2, 6, 3, 6), (2, 7, 3, 7)])
COVER = Sheet("封面", [["石狮市入海排污口排查整治工作台账"], [None], ["2024年5月"]])
NOTES = Sheet("说明", [["字段", "含义"], ["编码", "PWK+县区代码+H/R+序号"]])


def _book(tmp_path: Path, suffix: str, sheets: list[Sheet] | None = None) -> Path:
    path = tmp_path / f"石狮市排污口台账{suffix}"
    return WRITERS[suffix](path, sheets or [COVER, LEDGER, NOTES])


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_ledger_as_offices_make_it(tmp_path: Path, suffix: str) -> None:
    r = read_any(_book(tmp_path, suffix))
    assert r.layer == "排污口清单"  # the sheet with coordinates, not the cover
    assert list(r.frame.columns[:7]) == ["序号", "排污口编码", "排污口名称", "经度", "纬度",
                                         "受纳水体", "行政区代码"]
    assert r.row_numbers.tolist() == [5, 7, 9]  # the rows as Excel and WPS number them
    assert r.frame["排污口名称"].tolist() == ["石狮排口一", "石狮排口二", "祥芝无名排口"]
    pts = [(round(g.x, 6), round(g.y, 6)) for g in r.frame.geometry]
    assert pts == [(118.636806, 24.741722), (118.6512, 24.7012), (118.7301, 24.7905)]
    assert [(row, f) for row, f, _ in r.parse_errors] == [(10, "经度")]
    notes = " ".join(n.text("en") for n in r.notes.items)
    assert "'排污口清单', was used" in notes and "header in rows 3–4" in notes
    assert "(rows 1, 2)" in notes  # the title rows
    assert "(rows 11, 12, 13, 14)" in notes and "(row 8)" in notes  # footer, section rows


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_ledger_imports_with_codes_rows_and_provisional_code(tmp_path: Path, workspace: Path,
                                                            suffix: str) -> None:
    rep = import_file(_book(tmp_path, suffix), workspace, "outfalls")
    assert rep.new == ["PWK350581H0001", "PWK350581H0002", "待编码-350500-0001"]
    assert rep.mapping["code"] == "排污口编码" and rep.mapping["name_zh"] == "排污口名称"
    (bad,) = rep.rejected
    assert (bad.row, bad.field, bad.code) == (10, "经度", "PWK350581H0004")
    assert rep.counts()["rejected"] == 1
    got = read_layer(workspace, "outfalls").set_index("code")
    assert got.loc["待编码-350500-0001", "name_zh"] == "祥芝无名排口"
    assert got.loc["PWK350581H0002", "receiving_water"] == "深沪湾"
    assert got.loc["PWK350581H0001"].geometry.x == pytest.approx(118.6368056, abs=1e-6)


def test_sheet_option_and_refusals_are_one_line(tmp_path: Path, workspace: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    book = _book(tmp_path, ".xlsx")
    parser = argparse.ArgumentParser()
    add_import_parser(parser.add_subparsers(dest="cmd"))

    def run(*argv: str) -> tuple[int, str, str]:
        rc = cmd_import(parser.parse_args(["import", str(book), "--into", str(workspace),
                                           "--as", "outfalls", *argv]))
        out = capsys.readouterr()
        return rc, out.out, out.err

    rc, out, _ = run("--sheet", "排污口清单", "--dry-run", "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["imported"] == 3 and doc["rejected"] == 1
    assert doc["rejections"][0]["code"] == "PWK350581H0004"
    rc, out, _ = run("--sheet", "排污口清单", "--dry-run")
    assert "✗ 石狮市排污口台账.xlsx:10 PWK350581H0004 [经度]" in out
    rc, _, err = run("--sheet", "封面")
    assert rc == 2 and err.count("\n") == 1 and "找不到坐标列" in err
    assert "工作表：封面, 排污口清单, 说明" in err
    rc, _, err = run("--sheet", "没有这张表", "--lang", "en")
    assert rc == 2 and err.count("\n") == 1
    assert "no sheet '没有这张表'; choose one of: 封面, 排污口清单, 说明" in err


def test_title_row_above_a_csv_header(tmp_path: Path) -> None:
    """A CSV saved from such a workbook: the title alone on line 1 (ragged lines)."""
    p = tmp_path / "清单.csv"
    p.write_text(f"{TITLE}\n序号,排污口编码,排污口名称,经度,纬度\n1,PWK350581H0001,甲,118.6,24.7\n"
                 "\n2,PWK350581H0002,乙,118.61,24.71\n合计,2,,,\n", encoding="gbk")
    r = read_point_table(p)
    assert r.row_numbers.tolist() == [3, 5] and r.frame["排污口名称"].tolist() == ["甲", "乙"]
    assert r.parse_errors == []


def test_no_coordinates_anywhere_names_columns_and_sheets(tmp_path: Path) -> None:
    book = _book(tmp_path, ".xlsx", [COVER, NOTES])
    with pytest.raises(ImportRefused) as exc:
        read_any(book)
    text = exc.value.text("en")
    assert "\n" not in text and "Unnamed" not in text
    assert "sheets: 封面, 说明" in text


def test_rejected_counts_rows_and_names_codes(tmp_path: Path, workspace: Path) -> None:
    p = tmp_path / "两处错误.csv"
    p.write_text("排污口编码,排污口名称,经度,纬度\nPWK350582H0031,甲,118.6,24.7\n"
                 "PWK350582H0032,乙,abc,xyz\n", encoding="utf-8")
    rep = import_file(p, workspace, "outfalls", dry_run=True)
    assert rep.counts()["rejected"] == 1  # one row, two bad fields
    assert [(r.row, r.field, r.code) for r in rep.rejected] == [
        (3, "经度", "PWK350582H0032"), (3, "纬度", "PWK350582H0032")]
    doc = rep.to_json("en")
    assert doc["rejected"] == 1 and len(doc["rejections"]) == 2
