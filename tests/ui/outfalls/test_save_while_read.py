"""An edit saved while another reader holds the workspace file (the compliance check
process reads it for ~1 s at 1M outfalls; another program may too): the window does not
wait for the reader — the edit stays in the recovery journal, is saved as soon as the
reader lets go, and the user is warned only when the file stays busy.
"""

from __future__ import annotations

import os
import sqlite3

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from geodata import outfall_store
from models import outfall_edits as oe
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import main_window_for, spin_until
from ui.outfalls import install_outfall_review


@pytest.fixture
def setup(qtbot, tmp_path):
    path = td.build(tmp_path / "ws.gpkg")
    ws = Workspace.open(path)
    win = main_window_for(qtbot, ws)
    review = install_outfall_review(win, ws, lang="zh", interactive=False, user="王五")
    win.show()
    yield path, ws, review
    review.shutdown()


def _reader(path):
    """A reader in the middle of a read: SQLite's shared lock, which a commit waits for."""
    con = sqlite3.connect(str(path))
    con.execute("BEGIN")
    con.execute('SELECT count(*) FROM "outfalls"').fetchall()
    return con


def _busy_told(review):
    return any("正被其他程序写入" in m.zh for m in review.messages)


def test_an_edit_during_a_read_is_saved_when_the_reader_lets_go(setup):
    path, ws, review = setup
    code = str(ws.layer("outfalls")["code"].iloc[0])
    before = td.stored_status(path, code)
    reader = _reader(path)
    try:
        review.do(oe.confirm_location(review.session.frame, [code]))
        # shown at once, kept in the journal, not yet in the file — and no warning
        assert review.table.cell(review.table.row_of(code), "review_status") == "已核查"
        assert review.session.pending
        assert review.session.journal.path.exists()
        assert td.stored_status(path, code) == before
        assert not _busy_told(review)
    finally:
        reader.rollback()
        reader.close()
    assert spin_until(lambda: not review.session.pending, 5000)
    assert td.stored_status(path, code) == "已核查"
    assert not _busy_told(review)
    audit = outfall_store.read_audit(path, code)
    assert [a["action"] for a in audit][-1:] == ["confirm"]


def test_a_file_that_stays_busy_is_told_and_the_edit_kept(setup, monkeypatch):
    path, ws, review = setup
    monkeypatch.setattr("ui.outfalls.review.BUSY_TELL_AFTER_S", 0.3)
    code = str(ws.layer("outfalls")["code"].iloc[1])
    reader = _reader(path)
    try:
        review.do(oe.confirm_location(review.session.frame, [code]))
        assert spin_until(lambda: _busy_told(review), 5000)
        assert review.session.pending  # still waiting, still in the recovery journal
    finally:
        reader.rollback()
        reader.close()
    assert spin_until(lambda: not review.session.pending, 5000)
    assert td.stored_status(path, code) == "已核查"
