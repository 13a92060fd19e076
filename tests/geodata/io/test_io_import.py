from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest

from cli.import_export import add_import_parser, cmd_import
from geodata.io.field_mapping import load_mapping, preview, save_mapping, suggest_mapping
from geodata.io.messages import ImportRefused
from geodata.io.readers import read_any
from geodata.io.workspace_import import import_file, undo_import
from geodata.store import read_layer

CSV = ("排污口编码,排污口名称,经度,纬度,受纳水体\n"
       "PWK350582H0001,深沪湾排口（改）,118.66,24.63,深沪湾\n"
       "PWK350582H0003,新排口,\"118°35'12.3\"\"\",\"24°54'30\"\"\",泉州湾\n"
       "PWK350582H0004,坏坐标,118 65 00,24.9,泉州湾\n"
       "PWK350582H0005,远处,121.5,31.2,黄浦江\n"
       ",无编码,118.6,24.9,x\n")


def _csv(tmp_path: Path, text: str = CSV, enc: str = "gbk") -> Path:
    p = tmp_path / "outfalls.csv"
    p.write_text(text, encoding=enc)
    return p


def test_suggest_mapping_national_and_chinese() -> None:
    m = suggest_mapping(["HJZHGKDYBM", "HJZHGKDYMC", "管控单元分", "XZQDM", "备注"], "control_units")
    assert m["code"].source == "HJZHGKDYBM" and m["code"].confidence == 1.0
    assert m["unit_class"].source == "管控单元分" and m["unit_class"].confidence < 1.0
    m = suggest_mapping(["排污口名称", "排污口编码", "经度", "纬度", "受纳水体", "X", "Y"], "outfalls")
    assert (m["code"].source, m["name_zh"].source, m["receiving_water"].source) == \
        ("排污口编码", "排污口名称", "受纳水体")
    rows = preview([{"排污口编码": "PWK350582H0009", "排污口名称": "甲"}], m, "outfalls")
    assert rows[0]["code"] == "PWK350582H0009" and rows[0]["name_zh"] == "甲"


def test_mapping_saved_and_reused(tmp_path: Path, workspace: Path) -> None:
    src = _csv(tmp_path, "编号X,名字,经度,纬度\nPWK350582H0007,甲,118.6,24.9\n", "utf-8")
    save_mapping(tmp_path / "m.json", {"code": "编号X", "name_zh": "名字"}, "outfalls")
    layer, mapping = load_mapping(tmp_path / "m.json")
    assert layer == "outfalls"
    rep = import_file(src, workspace, "outfalls", mapping=mapping)
    assert rep.new == ["PWK350582H0007"]


def test_dry_run_then_import_then_reimport_then_undo(tmp_path: Path, workspace: Path) -> None:
    src = _csv(tmp_path)
    before = read_layer(workspace, "outfalls")
    dry = import_file(src, workspace, "outfalls", dry_run=True)
    assert dry.updated == ["PWK350582H0001"]
    # issue 14: an outfall without a code is imported with a provisional code (the city's,
    # this workspace having no county boundaries), no longer refused
    assert dry.new == ["PWK350582H0003", "PWK350582H0005", "待编码-350500-0001"]
    assert {(r.row, r.field) for r in dry.rejected} == {(4, "经度")}
    assert [r.row for r in dry.flagged] == [5]  # Shanghai: outside Quanzhou
    assert len(read_layer(workspace, "outfalls")) == 2  # nothing written
    rep = import_file(src, workspace, "outfalls")
    after = read_layer(workspace, "outfalls").set_index("code")
    assert len(after) == 5 and after.loc["PWK350582H0001", "name_zh"] == "深沪湾排口（改）"
    assert after.loc["PWK350582H0003"].geometry.x == pytest.approx(118.58675)
    assert after.loc["待编码-350500-0001", "name_zh"] == "无编码"
    again = import_file(src, workspace, "outfalls")  # the uncoded row: matched, not added
    assert again.counts()["imported"] == 0 and len(again.unchanged) == 4
    with pytest.raises(ImportRefused):
        undo_import(workspace, rep.batch_id)  # a later batch must be undone first
    undo_import(workspace, again.batch_id)
    undo_import(workspace, rep.batch_id)
    restored = read_layer(workspace, "outfalls")
    assert sorted(restored["code"]) == sorted(before["code"])
    assert restored.set_index("code").loc["PWK350582H0001", "name_zh"] == "深沪湾排口"


def test_all_or_nothing(tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geodata.io import workspace_import as wi

    real = wi.gpkg_sql.insert_features

    def failing(con, table, columns, rows, geoms):  # type: ignore[no-untyped-def]
        real(con, table, columns, rows, geoms)  # the rows are in, then the disk fills up
        raise RuntimeError("disk full")

    monkeypatch.setattr(wi.gpkg_sql, "insert_features", failing)
    with pytest.raises(RuntimeError):
        import_file(_csv(tmp_path), workspace, "outfalls")
    assert sorted(read_layer(workspace, "outfalls")["code"]) == ["PWK350582H0001",
                                                                  "PWK350582H0002"]
    con = sqlite3.connect(workspace)
    assert con.execute("select count(*) from import_batches").fetchone() == (0,) if \
        con.execute("select 1 from sqlite_master where name='import_batches'").fetchone() \
        else True
    assert con.execute("select count(*) from rtree_outfalls_geom").fetchone() == (2,)
    assert con.execute("select count(*) from sqlite_master where type='trigger' and "
                       "name='rtree_outfalls_geom_insert'").fetchone() == (1,)


def test_new_layer_as_is_and_undo(tmp_path: Path, workspace: Path) -> None:
    src = tmp_path / "采样点.csv"
    src.write_text("名称,经度,纬度,备注\n甲,118.6,24.9,\"含,逗号\"\n", encoding="utf-8-sig")
    rep = import_file(src, workspace, "any")
    got = read_layer(workspace, "采样点")
    assert got["名称"].tolist() == ["甲"] and got["备注"].tolist() == ["含,逗号"]
    undo_import(workspace, rep.batch_id)
    assert "采样点" not in [r[0] for r in sqlite3.connect(workspace).execute(
        "select table_name from gpkg_contents")]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd")
    add_import_parser(sub)
    rc = cmd_import(parser.parse_args(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_command_json_and_exit_codes(tmp_path: Path, workspace: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = _csv(tmp_path)
    rc, out, _ = _run(["import", str(src), "--into", str(workspace), "--as", "outfalls",
                       "--json", "--dry-run"], capsys)
    doc = json.loads(out)
    # issue 14: the row without a code is imported with a provisional code
    assert rc == 0 and doc["imported"] == 3 and doc["updated"] == 1 and doc["rejected"] == 1
    assert doc["provisional_codes"] == ["待编码-350500-0001"]
    assert doc["rejections"][0]["row"] == 4
    bad = tmp_path / "empty.csv"
    bad.write_text("名称,经度,纬度\n甲,,\n", encoding="utf-8")
    rc, _, err = _run(["import", str(bad), "--into", str(workspace), "--as", "outfalls"], capsys)
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    rc, _, err = _run(["import", str(tmp_path / "missing.shp"), "--into", str(workspace)], capsys)
    assert rc == 2


def test_swapped_columns_and_xy_northing(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("name,经度,纬度\na,24.91,118.59\n", encoding="utf-8")
    g = read_any(p).frame.geometry.iat[0]
    assert (g.x, g.y) == pytest.approx((118.59, 24.91))
    from pyproj import Transformer
    e, n = Transformer.from_crs(4490, 4528, always_xy=True).transform(118.59, 24.91)
    p.write_text(f"name,X,Y\na,{n},{e}\n", encoding="utf-8")  # surveyors' X = northing
    g = read_any(p, crs="EPSG:4528").frame.geometry.iat[0]
    assert (g.x, g.y) == pytest.approx((118.59, 24.91))
