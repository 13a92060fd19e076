"""An import and its undo leave the window and the file as they were; an outfall edit
whose save a busy file held up (the import's own transaction, a reader)
is not lost when the import or its undo brings the layer read again from the file.

The window reads the layer again after an import; an edit not yet saved is not in the file,
so that read lacked it and the frame, the map and the table lost it (the edit was still
saved later: it showed again only after a restart).  Now the window saves held-up edits
before it swaps the layer in, and puts back those it still cannot save.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from models.workspace import Workspace
from tests.ui import test_change_flow_background as flow
from tests.ui.conftest import spin, spin_until
from tests.ui.test_change_flow import _table_codes, _window
from tests.ui.test_change_flow_background import NEW, _csv, _shows_all, _wizard_at_import

workspace, in_pieces = flow.workspace, flow.in_pieces  # the fixtures of the import tests


def _status(win, review, code: str) -> tuple[str, str]:
    f = win.ws.layer("outfalls")
    in_frame = f.loc[f["code"] == code, "review_status"].astype(str).tolist()
    return in_frame[0], review.table.cell(review.table.row_of(code), "review_status")


@pytest.fixture(params=["thread", "process"])
def written_in(request, monkeypatch):
    """The import's check and write in the wizard's worker thread, or in a child process
    as a big file's are (models/import_process.py)."""
    from models import import_process

    monkeypatch.delenv("ECOZONE_IMPORT_PROCESS", raising=False)
    monkeypatch.setattr(import_process, "PROCESS_ROWS",
                        1 if request.param == "process" else 10 ** 9)
    children: list[str] = []
    real = import_process._in_child
    monkeypatch.setattr(import_process, "_in_child",
                        lambda job, died, stop=None: children.append(job[0])
                        or real(job, died, stop))
    started: list[int] = []
    real_start = import_process._start
    monkeypatch.setattr(import_process, "_start",
                        lambda: started.append(1) or real_start())
    yield request.param
    assert children == (["import", "undo"] if request.param == "process" else [])
    # one child started at the dry run (it did the import), one for the undo
    assert len(started) == (2 if request.param == "process" else 0)
    # the child started at the dry run did the import; none is left once the dialog closed
    assert import_process._warm is None
    assert not [c for c in multiprocessing.active_children() if c.name == "ecozone-import"]


@pytest.fixture
def no_retry(monkeypatch):
    """The held-up save is not retried by the timer meanwhile (it would save it first)."""
    monkeypatch.setattr("ui.outfalls.review.BUSY_RETRY_MS", 600_000)


def _held_up_edit(win, review, workspace: Path) -> str:
    """Confirm one outfall while another connection holds the file's write lock."""
    frame = win.ws.layer("outfalls")
    code = next(c for c, s in zip(frame["code"].astype(str),
                                  frame["review_status"].astype(str), strict=True)
                if s != "已核查")
    lock = sqlite3.connect(workspace)
    lock.execute("begin immediate")
    try:
        review.panel.select_codes([code])
        review.request("confirm")
    finally:
        lock.rollback()
        lock.close()
    assert review.session.pending, "the save should have been held up"
    return code


@pytest.mark.parametrize("saved_at_reload", [True, False])
def test_an_edit_held_up_before_an_import_is_in_the_new_layer(
        qtbot, workspace, tmp_path, in_pieces, no_retry, monkeypatch, saved_at_reload,
        written_in):
    win = _window(qtbot, workspace)
    review = win.features.review
    code = _held_up_edit(win, review, workspace)
    if not saved_at_reload:  # the file still busy when the layer is swapped in
        monkeypatch.setattr(review.session, "save", lambda: False)
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    spin(200)
    assert _status(win, review, code) == ("已核查", "已核查")
    assert bool(review.session.pending) is not saved_at_reload
    assert dlg.currentPage() is dlg.result_page and not dlg.busy()  # 撤销 can be pressed
    dlg.result_page.undo()  # and after the undo too
    assert spin_until(lambda: not (set(NEW) & set(win.ws.keys("outfalls"))))
    spin(200)
    assert _status(win, review, code) == ("已核查", "已核查")
    if saved_at_reload:
        review.shutdown()
        dlg.close()
        on_disk = Workspace.open(workspace).layer("outfalls")
        assert on_disk.loc[on_disk["code"] == code, "review_status"].astype(str).tolist() \
            == ["已核查"]
        assert not set(NEW) & set(on_disk["code"].astype(str))
    else:
        dlg.close()
        review.shutdown()


def test_an_import_and_its_undo_leave_map_table_and_file_as_before(
        qtbot, workspace, tmp_path, in_pieces, written_in):
    """Through the wizard's 导入 and 撤销本次导入 (the sliced write and read in their
    worker, the table in pieces): afterwards the map draws the same outfalls, the table
    lists the same ones with the same values, and the file holds the same rows."""
    from tests.geodata.io.test_import_slices import _dump

    win = _window(qtbot, workspace)
    review = win.features.review

    def shown() -> tuple[list[str], list[tuple[str, str]], list[tuple[float, float]]]:
        layer = win.model.get("outfalls")
        table = review.table
        rows = [(c, str(table.cell(table.row_of(c), "review_status")))
                for c in sorted(_table_codes(review))]
        xy = [(round(g.x, 9), round(g.y, 9)) for g in layer.frame.geometry]
        return list(layer.keys.tolist()), rows, xy

    before, file_before = shown(), _dump(workspace)
    dlg = _wizard_at_import(win, _csv(tmp_path))
    dlg.summary_page.start_work()
    assert spin_until(lambda: _shows_all(win, review, NEW))
    assert _dump(workspace) != file_before
    assert dlg.currentPage() is dlg.result_page and not dlg.busy()  # 撤销 can be pressed
    dlg.result_page.undo()
    assert spin_until(lambda: dlg.result_page.is_undone
                      and not (set(NEW) & _table_codes(review))
                      and win.model.get("outfalls").row_of(NEW[0]) is None)
    spin(200)
    assert shown() == before
    assert _dump(workspace) == file_before
    dlg.close()
    review.shutdown()
