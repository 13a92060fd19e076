"""The outfall store: one transaction per save, audit rows with their changes, QGIS-ready tables."""

from __future__ import annotations

import os
import sqlite3

import pytest
import shapely

from geodata import gpkg_sql, outfall_store
from geodata.outfall_store import AuditRow, Batch, Photo, SaveError, StoredChange
from geodata.workspace_lock import LockInfo, WorkspaceLock, read_lock
from tests.models import outfall_testdata as td


@pytest.fixture
def gpkg(tmp_path):
    return td.build(tmp_path / "ws.gpkg")


def _audit(code, field, old, new, batch="b1"):
    return AuditRow("2024-05-01T10:00:00+08:00", "tester", code, "move", field, old, new, "", batch)


def test_point_blob_matches_gpkg_sql_encoding():
    assert outfall_store.point_blob(118.5, 24.9) == gpkg_sql.geom_to_blob(shapely.Point(118.5, 24.9))


def test_commit_moves_point_updates_rtree_and_writes_audit(gpkg):
    code = td.CODES[7]
    outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(code, "geometry", (118.7, 24.9)),
                                                     StoredChange(code, "review_status", "已核查")],
                                              [_audit(code, "geometry", "x", "y")])])
    assert outfall_store.read_positions(gpkg)[code] == (118.7, 24.9)
    con = sqlite3.connect(gpkg)
    fid, status = con.execute("select fid, review_status from outfalls where code=?", (code,)).fetchone()
    assert status == "已核查"
    minx, maxx, miny, maxy = con.execute(
        "select minx, maxx, miny, maxy from rtree_outfalls_geom where id=?", (fid,)).fetchone()
    assert minx == pytest.approx(118.7, abs=1e-5) and miny == pytest.approx(24.9, abs=1e-5)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    # the audit table is migrated (batch column) and stays a plain attribute table for QGIS
    assert con.execute("select data_type from gpkg_contents where table_name='inspections'"
                       ).fetchone() == ("attributes",)
    assert con.execute("select data_type from gpkg_contents where table_name='photos'"
                       ).fetchone() == ("attributes",)
    rows = outfall_store.read_audit(gpkg, code)
    assert [(r["id"], r["field"], r["batch"]) for r in rows] == [(1, "geometry", "b1")]


def test_a_save_makes_the_code_index_a_file_with_the_review_tables_lacks(gpkg):
    """A file whose review tables exist but whose outfalls have no code index (made before
    the index, or by another tool) gets it at the next save, as a fresh file does."""
    code = td.CODES[3]
    outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(code, "review_status", "已核查")],
                                              [_audit(code, "review_status", "x", "y")])])
    con = sqlite3.connect(gpkg)
    con.execute("DROP INDEX idx_outfalls_code")
    con.commit()
    con.close()
    outfall_store.commit_batches(gpkg, [Batch("b2", [StoredChange(code, "review_status", "待核查")],
                                              [_audit(code, "review_status", "y", "x", "b2")])])
    con = sqlite3.connect(gpkg)
    try:
        assert con.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND "
                           "name='idx_outfalls_code'").fetchone() == (1,)
        plan = " ".join(r[-1] for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT fid FROM outfalls WHERE code = ?", (code,)))
        assert "idx_outfalls_code" in plan
    finally:
        con.close()


def test_prepare_makes_the_review_tables_once_and_a_save_then_finds_them(gpkg):
    assert not outfall_store.review_tables_ready(gpkg)
    assert outfall_store.prepare_review_tables(gpkg) is True
    assert outfall_store.review_tables_ready(gpkg)
    assert outfall_store.prepare_review_tables(gpkg) is False  # nothing to do now
    con = sqlite3.connect(gpkg)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert con.execute("select data_type from gpkg_contents where table_name='photos'"
                           ).fetchone() == ("attributes",)
    finally:
        con.close()
    assert outfall_store.read_audit(gpkg) == []
    code = td.CODES[2]
    outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(code, "review_status", "已核查")],
                                              [_audit(code, "review_status", "待核查", "已核查")])])
    assert [r["batch"] for r in outfall_store.read_audit(gpkg, code)] == ["b1"]


def test_prepare_of_a_file_held_by_a_reader_fails_with_busy_and_changes_nothing(gpkg):
    reader = sqlite3.connect(gpkg)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM outfalls").fetchall()
    try:
        with pytest.raises(SaveError) as err:
            outfall_store.prepare_review_tables(gpkg, busy_timeout=0.05)
        assert err.value.kind == "busy"
    finally:
        reader.close()
    assert not outfall_store.review_tables_ready(gpkg)


def _confirm(code, batch):
    return [Batch(batch, [StoredChange(code, "review_status", "已核查")],
                  [_audit(code, "review_status", "待核查", "已核查", batch)])]


def test_a_writer_keeps_its_connection_and_sees_what_others_wrote(gpkg):
    """The session's saves share one connection (opening one parses the file's schema,
    ~2 ms of a ~5 ms save); what other connections do between saves, a schema change
    included, is seen, and nothing is held between saves."""
    writer = outfall_store.Writer(gpkg)
    outfall_store.commit_batches(gpkg, _confirm(td.CODES[0], "b1"), writer=writer)
    con = writer.connection(1.0)
    other = gpkg_sql.connect(gpkg, timeout=0.05)  # no lock was held between saves
    other.execute('ALTER TABLE outfalls ADD COLUMN "remark2" TEXT')
    other.execute("UPDATE outfalls SET review_status='已取缔' WHERE code=?", (td.CODES[1],))
    other.close()
    outfall_store.commit_batches(gpkg, [Batch("b2", [StoredChange(td.CODES[1], "remark2", "x")],
                                              [_audit(td.CODES[1], "remark2", "", "x", "b2")])],
                                 writer=writer)
    assert writer.connection(1.0) is con
    assert td.stored_status(gpkg, td.CODES[0]) == "已核查"
    assert td.stored_status(gpkg, td.CODES[1]) == "已取缔"
    assert [r["batch"] for r in outfall_store.read_audit(gpkg)] == ["b1", "b2"]
    writer.close()


def test_a_writer_opens_a_replaced_file_afresh_and_refuses_a_missing_one(gpkg, tmp_path):
    writer = outfall_store.Writer(gpkg)
    outfall_store.commit_batches(gpkg, _confirm(td.CODES[0], "b1"), writer=writer)
    fresh = td.build(tmp_path / "fresh.gpkg")
    os.replace(fresh, gpkg)  # another copy put in its place (a new file, not an edit)
    outfall_store.commit_batches(gpkg, _confirm(td.CODES[2], "b2"), writer=writer)
    assert td.stored_status(gpkg, td.CODES[2]) == "已核查"
    assert [r["batch"] for r in outfall_store.read_audit(gpkg)] == ["b2"]  # the new file's
    os.remove(gpkg)
    with pytest.raises(SaveError) as err:
        outfall_store.commit_batches(gpkg, _confirm(td.CODES[3], "b3"), writer=writer)
    assert err.value.kind == "missing"
    writer.close()


def test_a_writer_after_a_busy_file_saves_once_the_reader_lets_go(gpkg):
    writer = outfall_store.Writer(gpkg)
    outfall_store.commit_batches(gpkg, _confirm(td.CODES[0], "b1"), writer=writer)
    reader = sqlite3.connect(gpkg)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM outfalls").fetchall()
    with pytest.raises(SaveError) as err:
        outfall_store.commit_batches(gpkg, _confirm(td.CODES[1], "b2"), 0.05, writer)
    assert err.value.kind == "busy"
    con = writer.connection(0.05)  # kept: a busy file is no fault of the connection
    reader.close()
    assert td.stored_status(gpkg, td.CODES[1]) != "已核查"
    outfall_store.commit_batches(gpkg, _confirm(td.CODES[1], "b2"), 0.05, writer)
    assert writer.connection(0.05) is con
    assert td.stored_status(gpkg, td.CODES[1]) == "已核查"
    assert [r["batch"] for r in outfall_store.read_audit(gpkg)] == ["b1", "b2"]
    writer.close()


def test_failed_batch_writes_nothing(gpkg):
    good = Batch("b1", [StoredChange(td.CODES[0], "review_status", "已核查")],
                 [_audit(td.CODES[0], "review_status", "待核查", "已核查")])
    bad = Batch("b2", [StoredChange("PWK350582H9999", "review_status", "已核查")],
                [_audit("PWK350582H9999", "review_status", "", "已核查", "b2")])
    with pytest.raises(SaveError):
        outfall_store.commit_batches(gpkg, [good, bad])
    assert outfall_store.read_audit(gpkg) == []
    con = sqlite3.connect(gpkg)
    assert con.execute("select review_status from outfalls where code=?",
                       (td.CODES[0],)).fetchone() == ("待核查",)


def test_photos_round_trip_as_blobs(gpkg):
    p = Photo("p1", td.CODES[0], "2024-05-01", "tester", "a.jpg", "image/jpeg", "排口近景",
              b"\xff\xd8data", b"thumb")
    outfall_store.commit_batches(gpkg, [Batch("b1", photos_add=[p],
                                              audit=[_audit(td.CODES[0], "photo", "", "a.jpg")])])
    got = outfall_store.read_photos(gpkg, td.CODES[0])
    assert [(g.filename, g.thumb, g.data) for g in got] == [("a.jpg", b"thumb", b"")]
    assert outfall_store.read_photo_data(gpkg, "p1") == b"\xff\xd8data"


def test_readonly_and_full_disk_give_clear_reasons(gpkg, monkeypatch):
    batch = Batch("b1", [StoredChange(td.CODES[0], "review_status", "已核查")],
                  [_audit(td.CODES[0], "review_status", "待核查", "已核查")])
    real = gpkg_sql.connect
    monkeypatch.setattr(gpkg_sql, "connect", lambda p, readonly=False, **kw: real(p, readonly=True, **kw))
    with pytest.raises(SaveError) as ro:
        outfall_store.commit_batches(gpkg, [batch])
    assert ro.value.kind == "readonly" and "只读" in ro.value.message.zh

    def full(p, readonly=False, **kw):
        con = real(p, **kw)
        pages = con.execute("pragma page_count").fetchone()[0]
        con.execute(f"pragma max_page_count={pages}")
        return con

    monkeypatch.setattr(gpkg_sql, "connect", full)
    big = Batch("b2", photos_add=[Photo("p", td.CODES[0], "", "", "big.jpg", "image/jpeg", "",
                                        os.urandom(200_000))],
                audit=[_audit(td.CODES[0], "photo", "", "big.jpg", "b2")])
    with pytest.raises(SaveError) as fullerr:
        outfall_store.commit_batches(gpkg, [big])
    assert fullerr.value.kind == "disk_full" and "磁盘已满" in fullerr.value.message.zh


def test_second_instance_is_refused_the_lock(tmp_path):
    ws = tmp_path / "ws.gpkg"
    ws.write_bytes(b"")
    lock = WorkspaceLock(ws)
    assert lock.acquire() is None and lock.held
    # another live process holds it: pretend by rewriting the pid to our parent's
    lock.path.write_text(f'{{"pid": {os.getppid()}, "host": "{read_lock(lock.path).host}", '
                         '"user": "other", "at": "now"}', encoding="utf-8")
    holder = WorkspaceLock(ws).acquire()
    assert isinstance(holder, LockInfo) and holder.user == "other"
    assert "只读" in holder.message(ws).zh
    # a dead process's lock is taken over
    lock.path.write_text(f'{{"pid": 999999999, "host": "{holder.host}", "user": "x", "at": "t"}}',
                         encoding="utf-8")
    again = WorkspaceLock(ws)
    assert again.acquire() is None
    again.release()
    assert not lock.path.exists()


def test_reads_inside_reading_share_one_connection_and_see_each_save(gpkg, monkeypatch):
    """A record card's reads (history, photos) go through one connection, and each still
    sees what was saved before it, as reads on connections of their own do."""
    code = td.CODES[4]
    opened = []
    real = outfall_store._ro
    monkeypatch.setattr(outfall_store, "_ro", lambda p: opened.append(p) or real(p))
    with outfall_store.reading(gpkg):
        assert outfall_store.read_audit(gpkg, code) == []
        assert outfall_store.read_photos(gpkg, code) == []
        outfall_store.commit_batches(gpkg, [Batch("b1", [StoredChange(code, "review_status",
                                                                      "已核查")],
                                                  [_audit(code, "review_status", "x", "y")])])
        assert [r["batch"] for r in outfall_store.read_audit(gpkg, code)] == ["b1"]
    assert len(opened) == 1
    # outside it, a connection per read again; a missing file fails as it did
    outfall_store.read_photos(gpkg, code)
    assert len(opened) == 2
    with outfall_store.reading(gpkg.parent / "gone.gpkg"):
        with pytest.raises(sqlite3.Error):
            outfall_store.read_audit(gpkg.parent / "gone.gpkg", code)
