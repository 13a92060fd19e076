"""Outfall review edits: undo/redo round trips, the audit table, recovery, refused saves."""

from __future__ import annotations

import pytest

from geodata import gpkg_sql, outfall_store
from models import outfall_edits as oe
from models.outfall_session import EditSession
from models.workspace import Workspace
from tests.models import outfall_testdata as td


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(td.build(tmp_path / "ws.gpkg"))


def _state(ws):
    f = ws.layer("outfalls")
    return [(r.code, round(r.geometry.x, 8), round(r.geometry.y, 8), r.review_status,
             r.remediation, r.remediation_status) for r in f.itertuples()]


def _db_state(path):
    w = Workspace.open(path)
    return _state(w)


def test_move_undo_redo_round_trip_in_memory_and_on_disk(ws):
    s = EditSession(ws, user="张三")
    seen = []
    ws.features_changed.connect(lambda layer, keys: seen.append(keys))
    before = _state(ws)
    code = td.CODES[7]
    e = s.apply(oe.move(ws.layer("outfalls"), code, 118.61, 24.73, note="现场实测"))
    assert seen[-1] == [code]
    moved = _state(ws)
    assert moved != before and _db_state(ws.path) == moved
    s.undo(e)
    assert _state(ws) == before and _db_state(ws.path) == before
    s.redo(e)
    assert _state(ws) == moved and _db_state(ws.path) == moved

    audit = outfall_store.read_audit(ws.path, code)
    assert [(r["action"], r["field"], r["old_value"], r["new_value"]) for r in audit] == [
        ("move", "geometry", "118.6030000,24.7200000", "118.6100000,24.7300000"),
        ("undo", "geometry", "118.6100000,24.7300000", "118.6030000,24.7200000"),
        ("redo", "geometry", "118.6030000,24.7200000", "118.6100000,24.7300000"),
    ]
    assert {r["user"] for r in audit} == {"张三"}
    assert audit[0]["note"] == "现场实测" and audit[0]["at"]
    assert len({r["batch"] for r in audit}) == 3


def test_bulk_set_and_gcj02_move_audit(ws):
    s = EditSession(ws, user="inspector")
    f = ws.layer("outfalls")
    e = s.apply(oe.set_fields(f, td.CODES[:3], {"remediation": "merge",
                                                "remediation_status": "整治中"}, note="批量"))
    assert len(e.changes) == 6
    rows = outfall_store.read_audit(ws.path)
    assert {(r["outfall_code"], r["field"], r["new_value"]) for r in rows} >= {
        (td.CODES[0], "remediation", "合并"), (td.CODES[2], "remediation_status", "整治中")}
    s.undo(e)
    assert set(ws.layer("outfalls")["remediation"]) == {"规范"}
    m = s.apply(oe.move(f, td.CODES[0], 118.53, 24.83, crs="gcj02"))
    x, y = m.changes[0].new
    assert abs(x - 118.53) > 0.003  # converted from GCJ-02, ~500 m
    assert ws.layer("outfalls").set_index("code").loc[td.CODES[0], "coord_source"] == "GCJ-02转换"


def test_confirm_note_photo_and_their_undo(ws):
    s = EditSession(ws, user="u")
    f = ws.layer("outfalls")
    c = s.apply(oe.confirm_location(f, [td.CODES[1]]))
    n = s.apply(oe.add_note(f, [td.CODES[1]], "排口有异味"))
    p = s.apply(oe.add_photo(f, td.CODES[1], "a.jpg", b"jpegdata", "image/jpeg", b"th"))
    assert [x.filename for x in s.photos(td.CODES[1])] == ["a.jpg"]
    s.undo(p)
    assert s.photos(td.CODES[1]) == []
    s.undo(n)
    s.undo(c)
    hist = s.history(td.CODES[1])
    assert [(h["action"], h["field"]) for h in hist] == [
        ("confirm", "review_status"), ("note", "note"), ("photo", "photo"),
        ("undo", "photo"), ("undo", "note"), ("undo", "review_status")]
    assert hist[1]["new_value"] == "排口有异味"
    assert ws.layer("outfalls").set_index("code").loc[td.CODES[1], "review_status"] == "待核查"


def test_invalid_values_are_rejected_with_valid_values_listed(ws):
    f = ws.layer("outfalls")
    with pytest.raises(oe.EditRejected) as err:
        oe.set_fields(f, [td.CODES[0]], {"review_status": "ok"})
    assert "已核查" in err.value.message.zh and "valid values" in err.value.message.en
    with pytest.raises(oe.EditRejected):
        oe.set_fields(f, ["PWK000000H0000"], {"review_status": "已核查"})
    with pytest.raises(oe.EditRejected):
        oe.move(f, td.CODES[0], 118.5, 24.8, crs="mars")


def test_failed_save_keeps_edits_and_recovery_replays_them(ws, monkeypatch):
    real = gpkg_sql.connect
    monkeypatch.setattr(gpkg_sql, "connect", lambda p, readonly=False, **kw: real(p, readonly=True, **kw))
    s = EditSession(ws, user="u")
    failures = []
    s.save_failed.connect(failures.append)
    e1 = s.apply(oe.set_fields(ws.layer("outfalls"), [td.CODES[2]], {"review_status": "位置存疑"}))
    s.apply(oe.move(ws.layer("outfalls"), td.CODES[2], 118.605, 24.761))
    assert failures and failures[-1].kind == "readonly" and len(s.pending) == 2
    assert "未保存" in s.status().zh
    edited = _state(ws)
    assert outfall_store.read_audit(ws.path) == []  # nothing half-written

    # the process dies here; the next instance finds the journal and replays it
    monkeypatch.setattr(gpkg_sql, "connect", real)
    ws2 = Workspace.open(ws.path)
    s2 = EditSession(ws2, user="u")
    rec = s2.recoverable()
    assert [r.batch for r in rec][0] == e1.batch and len(rec) == 2
    s2.recover(rec)
    assert not s2.pending and _db_state(ws.path) == edited
    assert EditSession(Workspace.open(ws.path)).recoverable() == []


def test_journal_entry_already_committed_is_not_replayed(ws):
    s = EditSession(ws, user="u", autosave=False)
    e = s.apply(oe.confirm_location(ws.layer("outfalls"), [td.CODES[0]]))
    # commit without clearing the journal: a crash right after COMMIT
    outfall_store.commit_batches(ws.path, [__import__("models.outfall_session",
                                                      fromlist=["to_batch"]).to_batch(e)])
    assert EditSession(Workspace.open(ws.path)).recoverable() == []


def test_readonly_session_refuses_edits(ws):
    s = EditSession(ws, readonly=True)
    with pytest.raises(oe.EditRejected):
        s.apply(oe.confirm_location(ws.layer("outfalls"), [td.CODES[0]]))


def test_positions_reused_only_while_the_rows_still_hold_the_codes(ws):
    f = ws.layer("outfalls")
    first = oe.positions(f, [td.CODES[2], td.CODES[5]])
    assert oe.positions(f, [td.CODES[2], td.CODES[5]]) == first  # asked again: same answer
    s = EditSession(ws, user="t")
    s.apply(oe.set_code(f, td.CODES[2], "PWK350582H0999"))  # renamed in place
    again = oe.positions(ws.layer("outfalls"), [td.CODES[2], td.CODES[5]])
    assert again == {td.CODES[5]: first[td.CODES[5]]}
    assert oe.positions(ws.layer("outfalls"), ["PWK350582H0999"]) == {
        "PWK350582H0999": first[td.CODES[2]]}


def test_positions_by_the_tables_index_are_those_of_a_scan(monkeypatch) -> None:
    """An edit's rows found by the inventory table's sorted code index (made over the
    frame's code column off the GUI thread) are those a pass over the column finds — a
    repeated code its last row — and after the column is written, found again."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from models.outfall_table import OutfallTable
    from models.text_columns import CodeIndex

    n = 20_000
    codes = [f"PWK350582H{i % 15_000:05d}" for i in range(n)]  # some repeated
    frame = gpd.GeoDataFrame({"code": pd.Series(codes, dtype="str"),
                              "review_status": ["待核查"] * n},
                             geometry=[shapely.Point(118, 24.8)] * n, crs="EPSG:4490")
    asked = [codes[i] for i in range(0, n, 37)] + ["PWK-none"]
    by_scan = oe.positions(frame, asked)
    table = OutfallTable.from_frame(frame)
    table.row_of("")  # its index, as the window makes it with the table
    monkeypatch.setattr(CodeIndex, "pays_for", lambda self, k: True)
    oe._last_positions = None
    assert oe.positions(frame, asked) == by_scan
    assert by_scan[codes[37]] == 15_000 + 37  # a repeated code: its last row
    frame.loc[[15_037], "code"] = "PWK-renamed"  # the column is written: new buffers
    assert CodeIndex.over(frame["code"]) is None
    again = oe.positions(frame, asked)
    assert again[codes[37]] == 37 and "PWK-renamed" not in again


def test_an_edits_lookup_by_the_index_tells_the_map_and_the_table_its_rows(monkeypatch):
    """At 1M the edit's codes are found once, by the inventory table's index; the map's
    patch and the table are told those rows (``key_lookup.remember``) rather than search
    the code column again — when each code is in one row alone."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from models import key_lookup
    from models.outfall_table import OutfallTable
    from models.text_columns import CodeIndex

    n = 20_000
    codes = [f"PWK350582H{i:05d}" for i in range(n)]
    frame = gpd.GeoDataFrame({"code": pd.Series(codes, dtype="str"),
                              "review_status": ["待核查"] * n},
                             geometry=[shapely.Point(118, 24.8)] * n, crs="EPSG:4490")
    table = OutfallTable.from_frame(frame)
    table.row_of("")
    monkeypatch.setattr(CodeIndex, "pays_for", lambda self, k: True)
    oe._last_positions = None
    asked = [codes[i] for i in range(0, n, 19)]
    edit = oe.confirm_location(frame, asked)
    rows = key_lookup.rows_known(frame["code"], list(edit.all_codes))
    assert rows is not None and rows.tolist() == list(range(0, n, 19))
    searched = []
    monkeypatch.setattr(CodeIndex, "_bounds",
                        lambda self, *a, **k: searched.append(1) or (_ for _ in ()).throw(
                            AssertionError("searched again")))
    assert table._rows_holding(list(edit.all_codes)).tolist() == list(range(0, n, 19))
    assert searched == []
    # a code in two rows: nothing told, the listeners look for themselves
    frame2 = frame.copy()
    frame2["code"] = pd.Series(codes[:-1] + [codes[0]], dtype="str")
    table2 = OutfallTable.from_frame(frame2)
    table2.row_of("")
    monkeypatch.undo()
    monkeypatch.setattr(CodeIndex, "pays_for", lambda self, k: True)
    told = []
    monkeypatch.setattr(key_lookup, "remember", lambda *a: told.append(a) or True)
    oe._last_positions = None
    assert CodeIndex.over(frame2["code"]) is table2._row_of
    edit2 = oe.confirm_location(frame2, [codes[i] for i in range(0, 1900, 19)])
    assert told == [] and edit2.changes[0].code == codes[0]
    assert oe._last_positions[2][codes[0]] == n - 1  # a repeated code: its last row
