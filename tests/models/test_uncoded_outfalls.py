"""A patrol's KML of newly found outfalls (names, no codes), as issue 14 describes it.

Imported, not refused: provisional codes by county (待编码-350582-0001), the source kept in
the audit log, a 缺少编码 finding until each gets its real code; re-importing the same file
adds nothing; giving one its real code is an undoable edit whose audit row (on the new code,
naming the old) keeps the record's history whole.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geodata import outfall_store
from geodata.io.workspace_import import import_file, undo_import
from geodata.store import read_layer
from models import outfall_edits as oe
from models.compliance import check_outfalls
from models.outfall_session import EditSession
from models.workspace import Workspace
from tests.models import outfall_testdata as td

FOUND = [("祥芝渔港北侧排口", 118.6105, 24.7702), ("蚶江无名涵管", 118.6211, 24.7813),
         ("围头外海排口", 118.9000, 24.7600)]


def _kml(path: Path, moved_m: float = 0.0) -> Path:
    dy = moved_m / 110_574.0
    frame = gpd.GeoDataFrame({"Name": [n for n, _, _ in FOUND],
                              "Description": ["2024年5月巡查发现"] * len(FOUND)},
                             geometry=[shapely.Point(x, y + dy) for _, x, y in FOUND],
                             crs="EPSG:4326")
    pyogrio.write_dataframe(frame, path, driver="KML")
    return path


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return td.build(tmp_path / "ws.gpkg")


PROVISIONAL = ["待编码-350582-0001", "待编码-350582-0002", "待编码-350500-0001"]


def test_patrol_kml_is_imported_with_provisional_codes(tmp_path: Path, ws_path: Path) -> None:
    src = _kml(tmp_path / "5月巡查新发现排口.kml")
    rep = import_file(src, ws_path, "outfalls")
    assert rep.new == PROVISIONAL and rep.provisional == PROVISIONAL and not rep.rejected
    got = read_layer(ws_path, "outfalls").set_index("code")
    assert got.loc["待编码-350582-0002", "name_zh"] == "蚶江无名涵管"
    assert got.loc["待编码-350500-0001"].geometry.x == pytest.approx(118.9)
    audit = outfall_store.read_audit(ws_path, "待编码-350582-0001")
    assert [(a["action"], a["field"], a["new_value"]) for a in audit] == \
        [("import", "code", "待编码-350582-0001")]
    assert "5月巡查新发现排口.kml 第 1 行" in audit[0]["note"]  # its source, kept
    # the compliance column flags each until it gets its real code
    flagged = {f.code for f in check_outfalls(Workspace.open(ws_path)) if f.check == "missing_code"}
    assert flagged == set(PROVISIONAL)

    again = import_file(src, ws_path, "outfalls")  # the same file: nothing added
    assert again.new == [] and sorted(again.unchanged) == sorted(PROVISIONAL)
    nudged = import_file(_kml(tmp_path / "复核.kml", moved_m=3.0), ws_path, "outfalls")
    assert nudged.new == [] and len(nudged.unchanged) == 3  # within 5 m: the same outfalls
    far = import_file(_kml(tmp_path / "另一批.kml", moved_m=50.0), ws_path, "outfalls")
    assert far.new == ["待编码-350582-0003", "待编码-350582-0004", "待编码-350500-0002"]
    undo_import(ws_path, far.batch_id)
    gone = outfall_store.read_audit(ws_path, "待编码-350582-0003")
    assert [a["action"] for a in gone] == ["import", "undo"]  # the log stays append-only


def test_real_code_is_an_undoable_edit_with_history(tmp_path: Path, ws_path: Path) -> None:
    src = _kml(tmp_path / "巡查.kml")
    import_file(src, ws_path, "outfalls")
    ws = Workspace.open(ws_path)
    session = EditSession(ws, user="张工")
    replaced: list[str] = []
    ws.layer_replaced.connect(replaced.append)
    old, new = "待编码-350582-0001", "PWK350582H0101"
    with pytest.raises(oe.EditRejected):
        oe.set_code(ws.layer("outfalls"), old, "PWK12")  # not a code
    with pytest.raises(oe.EditRejected):
        oe.set_code(ws.layer("outfalls"), old, td.CODES[0])  # another outfall's
    edit = session.apply(oe.set_code(ws.layer("outfalls"), old, new, note="县局编码"))
    assert not session.pending and replaced == ["outfalls"]  # saved; keys changed
    assert new in set(read_layer(ws_path, "outfalls")["code"])
    rows = outfall_store.read_audit(ws_path, new)
    assert [(r["action"], r["field"], r["old_value"], r["new_value"]) for r in rows] == \
        [("code", "code", old, new)]
    history = session.history(new)  # the import row under the old code is part of it
    assert [(h["action"], h["outfall_code"]) for h in history] == [("import", old),
                                                                  ("code", new)]
    flagged = {f.code for f in check_outfalls(ws) if f.check == "missing_code"}
    assert new not in flagged and old not in flagged
    assert import_file(src, ws_path, "outfalls").new == []  # matched by name and place

    session.undo(edit)
    assert old in set(read_layer(ws_path, "outfalls")["code"])
    assert old in set(ws.layer("outfalls")["code"])
    history = session.history(old)
    assert [(h["action"], h["old_value"], h["new_value"]) for h in history] == [
        ("import", "", old), ("code", old, new), ("undo", new, old)]
    session.redo(edit)
    assert [h["action"] for h in session.history(new)] == ["import", "code", "undo", "redo"]
