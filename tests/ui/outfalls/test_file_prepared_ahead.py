"""A workspace file made elsewhere has no review tables (audit log, photos) nor the index
of outfall codes that saves look outfalls up by.  The first save used to make them, on
the GUI thread for a small edit: 20-27 ms at 10k outfalls, the one event-loop gap over a
frame in bench/run_benchmarks.py's small re-check.  The window now gives the file its
tables from the save worker once it has settled, so the first edit's save is an ordinary
one; an edit made while the worker is at it is saved behind it, in the worker."""

from __future__ import annotations

import os
import sqlite3

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from geodata import outfall_store
from geodata.outfall_store import SaveError
from models import outfall_edits as oe
from tests.models import outfall_testdata as td
from tests.ui.conftest import spin, spin_until
from tests.ui.outfalls.test_save_while_read import _reader
from tests.ui.outfalls.test_save_while_read import setup  # noqa: F401 - fixture


@pytest.fixture
def fast_preparation(monkeypatch):
    # (tests/conftest.py holds the preparation back for every other test)
    monkeypatch.setattr("ui.outfalls.review.PREPARE_AFTER_MS", 30)


@pytest.fixture
def window(fast_preparation, setup):  # noqa: F811 - the window made after the patch
    path, _ws, _review = setup
    assert not outfall_store.review_tables_ready(path)
    return setup


def test_a_settled_window_gives_the_file_its_review_tables(window):
    path, ws, review = window
    assert spin_until(lambda: outfall_store.review_tables_ready(path))
    assert spin_until(lambda: not review._preparing)
    assert outfall_store.read_audit(path) == []  # tables only: nothing was recorded
    # and the saves' connection opened there, not by the first edit's save
    opened = review.session.writer._con
    assert opened is not None
    code = str(ws.layer("outfalls")["code"].iloc[0])
    review.do(oe.confirm_location(review.session.frame, [code]))
    assert review.session.writer._con is opened
    # the first small edit is saved at once, as any later one
    assert not review.session.pending and td.stored_status(path, code) == "已核查"
    assert [r["new_value"] for r in outfall_store.read_audit(path, code)] == ["已核查"]
    assert review.messages == []


def test_an_edit_made_while_the_worker_prepares_is_saved_behind_it(window):
    path, ws, review = window
    reader = _reader(path)  # another program reading: the preparation's commit waits
    try:
        assert spin_until(lambda: review._preparing)
        code = str(ws.layer("outfalls")["code"].iloc[1])
        review.do(oe.confirm_location(review.session.frame, [code]))
        # shown at once, in the recovery journal, saved in the worker after the tables
        assert review.table.cell(review.table.row_of(code), "review_status") == "已核查"
        assert review.session.pending
        spin(100)
        assert review.session.pending and review.session.saving  # queued in the worker
        assert not outfall_store.review_tables_ready(path)
        assert td.stored_status(path, code) == "待核查"
    finally:
        reader.close()
    assert spin_until(lambda: not review.session.pending and not review.session.saving)
    assert td.stored_status(path, code) == "已核查" and outfall_store.review_tables_ready(path)
    assert [r["outfall_code"] for r in outfall_store.read_audit(path)] == [code]
    assert not review._preparing and review.messages == []


def test_a_file_that_cannot_be_prepared_gets_its_tables_from_the_first_save(window,
                                                                            monkeypatch):
    path, ws, review = window
    calls = []

    def refuse(p, timeout):
        calls.append(p)
        raise SaveError(outfall_store.Message("只读", "read-only"), "readonly")

    monkeypatch.setattr(outfall_store, "prepare_review_tables", refuse)
    assert spin_until(lambda: calls and not review._preparing)
    assert review.messages == []  # nothing to tell until a save fails itself
    code = str(ws.layer("outfalls")["code"].iloc[2])
    review.do(oe.confirm_location(review.session.frame, [code]))
    assert not review.session.pending and td.stored_status(path, code) == "已核查"
    assert outfall_store.review_tables_ready(path)


def test_a_prepared_file_is_only_looked_at(window):
    path, ws, review = window
    assert spin_until(lambda: review._unprepared is False)
    con = sqlite3.connect(path)
    try:
        changed = con.execute("SELECT last_change FROM gpkg_contents WHERE table_name = "
                              "'photos'").fetchone()
    finally:
        con.close()
    review._unprepared = None  # as a new window on this file would start
    review._prepare_file()
    assert spin_until(lambda: review._unprepared is False and not review._preparing)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT last_change FROM gpkg_contents WHERE table_name = "
                           "'photos'").fetchone() == changed
    finally:
        con.close()
