"""A large edit is saved in a worker (``ui.outfalls.review.SAVE_IN_WORKER_FROM``): what the
user sees after the edit, its undo and the saved file are those of a save on the GUI
thread; the edit is in the recovery journal when the command returns, so a crash before
the worker's save loses nothing; edits made while a save runs reach the file once each, in
order.  (Here every edit goes to the worker: the limit is lowered to one change.)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from geodata import outfall_store
from models import outfall_edits as oe
from models.outfall_session import EditSession, SaveJob
from models.outfall_table import KEYS, OutfallTable
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import spin_until
from tests.ui.outfalls.test_save_while_read import setup as window  # noqa: F401 - fixture


@pytest.fixture
def setup(window, tmp_path, monkeypatch):  # noqa: F811 - the fixture
    """The window of tests/ui/outfalls/test_save_while_read.py, every edit saved in the
    worker; the workspace as it was before any edit beside it."""
    monkeypatch.setattr("ui.outfalls.review.SAVE_IN_WORKER_FROM", 1)
    path, ws, review = window
    shutil.copyfile(path, tmp_path / "pristine.gpkg")
    return path, ws, review


def _stored(path, field="review_status"):
    con = sqlite3.connect(str(path))
    try:
        return dict(con.execute(f'SELECT code, "{field}" FROM "outfalls"').fetchall())
    finally:
        con.close()


def _audit(path):
    return [(r["outfall_code"], r["action"], r["field"], r["old_value"], r["new_value"],
             r["user"], r["batch"]) for r in outfall_store.read_audit(path)]


def _same_edits_saved_at_once(tmp_path, edits):
    """The file a save on the calling thread makes of the same edits (same batch ids)."""
    other = tmp_path / "at_once.gpkg"
    shutil.copyfile(tmp_path / "pristine.gpkg", other)
    outfall_store.commit_batches(other, [_batch(e) for e in edits])
    return other


def _batch(edit):
    from models.outfall_session import to_batch

    return to_batch(edit)


def _table_cells(review):
    t = review.table
    return {t.codes[r]: tuple(t.cell(r, k) for k in KEYS if k != "flags")
            for r in range(len(t))}


def _fresh_cells(review):
    t = OutfallTable.from_frame(review.session.frame, review.table.county_names, None,
                                review.lang)
    return {t.codes[r]: tuple(t.cell(r, k) for k in KEYS if k != "flags")
            for r in range(len(t))}


def test_a_confirm_and_its_undo_show_and_save_as_at_once(setup, tmp_path):
    path, ws, review = setup
    applied = []
    review.session.edited.connect(applied.append)
    codes = td.CODES[:6]
    review.card.setCurrentWidget(review.card.history)  # the user watches its 核查记录
    review.panel.select_codes(codes)
    review.request("confirm")
    # shown at once: the table (as a table made afresh from the frame), the record card
    assert _table_cells(review) == _fresh_cells(review)
    assert all(review.table.cell(review.table.row_of(c), "review_status") == "已核查"
               for c in codes)
    review.card.show_outfall(codes[0])
    assert review.card.history.rowCount() == 1
    # in the journal before the file: pending until the worker's save ends
    assert review.session.journal.exists()
    assert spin_until(lambda: not review.session.pending, 5000)
    assert not review.session.journal.exists()
    assert {c: _stored(path)[c] for c in codes} == dict.fromkeys(codes, "已核查")
    review.stack.undo()
    assert _table_cells(review) == _fresh_cells(review)
    assert spin_until(lambda: not review.session.pending, 5000)
    # the file is the one a save on the GUI thread makes of the same edit and its undo
    other = _same_edits_saved_at_once(tmp_path, applied)
    assert _stored(path) == _stored(other) == _stored(tmp_path / "pristine.gpkg")
    assert _audit(path) == _audit(other)
    review.card.show_outfall(codes[0])
    assert [review.card.history.item(i, 2).text() for i in range(2)] == ["undo", "confirm"]


def test_the_saved_file_equals_a_save_on_the_gui_thread(setup, tmp_path):
    path, ws, review = setup
    codes = td.CODES[1:7]
    edit = review.do(oe.set_fields(review.session.frame, codes, {"remediation_status": "已完成"}))
    assert edit is not None
    assert spin_until(lambda: not review.session.pending, 5000)
    other = _same_edits_saved_at_once(tmp_path, [edit])
    for field in ("review_status", "remediation_status"):
        assert _stored(path, field) == _stored(other, field)
    assert _audit(path) == _audit(other)


def test_a_crash_between_the_journal_and_the_save_loses_nothing(setup, tmp_path, monkeypatch):
    path, ws, review = setup
    # the process dies after the edit was journaled, before the worker committed it
    monkeypatch.setattr(SaveJob, "run", lambda self: None)
    codes = td.CODES[:5]
    review.panel.select_codes(codes)
    review.request("confirm")
    edit = review.stack.command(0).edit
    assert _stored(path) == _stored(tmp_path / "pristine.gpkg")  # nothing in the file yet
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    shutil.copyfile(path, crashed / "ws.gpkg")
    shutil.copyfile(review.session.journal.path, crashed / "ws.gpkg.recovery.jsonl")
    # the next start: the journal offers the edit, and replaying it saves what a save on
    # the GUI thread would have
    again = EditSession(Workspace.open(crashed / "ws.gpkg"), user="王五")
    found = again.recoverable()
    assert [e.batch for e in found] == [edit.batch]
    again.recover(found)
    other = _same_edits_saved_at_once(tmp_path, [edit])
    assert _stored(crashed / "ws.gpkg") == _stored(other)
    assert _audit(crashed / "ws.gpkg") == _audit(other)
    assert not again.pending and not again.journal.exists()


def test_edits_made_while_a_save_runs_are_saved_after_it_in_order(setup, tmp_path,
                                                                    monkeypatch):
    path, ws, review = setup
    go = threading.Event()
    real = outfall_store.commit_batches

    def slow(*args, **kwargs):
        go.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(outfall_store, "commit_batches", slow)
    codes = td.CODES[:4]
    review.panel.select_codes(codes)
    review.request("confirm")
    assert spin_until(lambda: review.session.saving, 2000)
    review.stack.undo()  # while the confirm is being saved
    review.stack.redo()
    assert len(review.session.pending) == 3
    go.set()
    assert spin_until(lambda: not review.session.pending, 5000)
    actions = [a[1] for a in _audit(path)]
    assert actions == ["confirm"] * 4 + ["undo"] * 4 + ["redo"] * 4
    assert {c: _stored(path)[c] for c in codes} == dict.fromkeys(codes, "已核查")
    assert not review.session.journal.exists()


def test_a_save_asked_for_while_the_worker_saves_waits_for_it(setup, monkeypatch):
    path, ws, review = setup
    go, committed = threading.Event(), threading.Event()
    real = outfall_store.commit_batches

    def slow(*args, **kwargs):
        go.wait(5)
        real(*args, **kwargs)
        committed.set()

    monkeypatch.setattr(outfall_store, "commit_batches", slow)
    review.card.setCurrentWidget(review.card.history)  # the user watches its 核查记录
    review.panel.select_codes(td.CODES[:3])
    review.request("confirm")
    assert spin_until(lambda: review.session.saving, 2000)
    review.card.show_outfall(td.CODES[0])
    assert review.card.history.rowCount() == 1  # pending, not yet in the file
    go.set()
    assert committed.wait(5)
    # in the file, not yet told to the GUI thread (its event loop has not run): the
    # history shows the change once
    assert review.session.saving and review.session.pending
    review.card.show_outfall(td.CODES[1])
    review.card.show_outfall(td.CODES[0])
    assert review.card.history.rowCount() == 1
    # e.g. 同步 or closing the window: takes the worker's outcome, nothing saved twice
    assert review.session.save()
    assert not review.session.pending and not review.session.saving
    assert [a[1] for a in _audit(path)] == ["confirm"] * 3
    assert spin_until(lambda: review.save_runner.pool.active == 0, 2000)
    assert [a[1] for a in _audit(path)] == ["confirm"] * 3
    assert not review.session.journal.exists()


def test_a_sync_save_takes_back_a_save_no_worker_began(tmp_path):
    path = td.build(tmp_path / "ws.gpkg")
    session = EditSession(Workspace.open(path), user="王五")
    session.saver = lambda: None  # the window's would start the worker
    session.apply(oe.confirm_location(session.frame, td.CODES[:2]))
    job = session.start_save()
    assert job is not None and session.saving
    assert session.save()  # the job is taken back and the edits saved here
    job.run()  # a worker that gets to it afterwards does nothing
    session.finish_save(job)  # and its end changes nothing
    assert not session.pending and not session.saving and not session.journal.exists()
    assert [a[1] for a in _audit(path)] == ["confirm"] * 2
