"""The first save of a large workspace whose file has no review tables yet (a GeoPackage
made elsewhere) runs in the save worker: it makes the tables and the index over every
outfall's code, which at 1M outfalls held the GUI thread 145-170 ms in the first
确认位置 after opening.  (Here "large" is lowered to the test workspace's size.)"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from geodata import outfall_store
from models import outfall_edits as oe
from tests.models import outfall_testdata as td
from tests.ui.conftest import spin_until
from tests.ui.outfalls.test_save_while_read import setup as window  # noqa: F401 - fixture


def _codes(ws, n):
    return [str(c) for c in ws.layer("outfalls")["code"].tolist()[:n]]


def test_a_large_unprepared_workspace_is_first_saved_in_the_worker(window,  # noqa: F811
                                                                    monkeypatch):
    path, ws, review = window
    monkeypatch.setattr("ui.outfalls.review.UNPREPARED_IN_WORKER_FROM", len(ws.layer("outfalls")))
    assert not outfall_store.review_tables_ready(path)
    first, second = _codes(ws, 2)
    was = td.stored_status(path, first)

    review.do(oe.confirm_location(review.session.frame, [first]))
    # the user sees the edit at once; the file gets it from the worker
    assert review.table.cell(review.table.row_of(first), "review_status") == "已核查"
    assert td.stored_status(path, first) == was and review.session.pending
    assert spin_until(lambda: not review.session.pending and not review.session.saving)
    assert td.stored_status(path, first) == "已核查"
    assert outfall_store.review_tables_ready(path)
    assert [r["outfall_code"] for r in outfall_store.read_audit(path)] == [first]

    # prepared now: the next small edit is saved at once, as before
    review.do(oe.confirm_location(review.session.frame, [second]))
    assert td.stored_status(path, second) == "已核查" and not review.session.pending


def test_a_small_unprepared_workspace_is_saved_at_once(window):  # noqa: F811
    path, ws, review = window
    assert not outfall_store.review_tables_ready(path)
    (code,) = _codes(ws, 1)
    review.do(oe.confirm_location(review.session.frame, [code]))
    assert td.stored_status(path, code) == "已核查" and not review.session.pending
    assert outfall_store.review_tables_ready(path)
