"""The inventory's compliance re-check runs in a child process that reads the workspace
file (models/compliance_process.py): what the user sees after an edit is what the check
gives in-process, a child that dies is replaced, the window closing mid-check ends it, and
a workspace in a folder with Chinese characters works.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from models import outfall_edits as oe
from models.compliance import check_flag_bits
from models.outfall_table import FLAG_BITS
from models.workspace import Workspace
from tests.models import outfall_testdata as td
from tests.ui.conftest import main_window_for, spin_until

# every inventory "large", its table held until the test lets it finish
from tests.ui.outfalls.test_inventory_loading import large  # noqa: F401
from ui.outfalls import install_outfall_review

#: a child's first check pays its start and imports (seconds on a loaded machine)
WAIT_MS = 90_000


@pytest.fixture
def opened(qtbot, tmp_path):
    reviews = []

    def open_window(folder: str = "ws"):
        path = td.build(tmp_path / "ws.gpkg") if folder == "ws" else \
            _build_in(tmp_path / folder)
        ws = Workspace.open(path)
        win = main_window_for(qtbot, ws)
        win.show()
        review = install_outfall_review(win, ws, lang="zh", interactive=False, user="王五")
        reviews.append(review)
        return win, ws, review

    yield open_window
    for review in reviews:
        review.shutdown()


def _build_in(folder):
    folder.mkdir(parents=True)
    return td.build(folder / "排污口 工作空间.gpkg")


def _flag(review, code, check):
    return bool(review.table.flag_bits[review.table.row_of(code)] & FLAG_BITS[check])


def _move_next_to(review, code, other):
    x, y = td.POINTS[other]
    return review.do(oe.move(review.session.frame, code, x + 0.00005, y, "cgcs2000"))


def _recheck_done(review, started):
    return lambda: review.checker.started > started and review.settled()


@pytest.mark.parametrize("folder", ["ws", "测试 工作空间#1"])
def test_flags_after_an_edit_come_from_the_check_process_and_match_in_process(
        opened, folder):
    win, ws, review = opened(folder)
    assert not _flag(review, td.CODES[0], "possible_duplicate")
    started = review.checker.started
    assert _move_next_to(review, td.CODES[0], td.CODES[5]) is not None
    assert spin_until(_recheck_done(review, started), WAIT_MS)
    # the check ran in the child process, on the file the edit was saved to
    assert review.checker.process.starts == 1
    assert _flag(review, td.CODES[0], "possible_duplicate")
    assert review.table.cell(review.table.row_of(td.CODES[0]), "flags") != ""
    # every row's flags are those of the check run in this process on the window's frame
    assert np.array_equal(review.table.flag_bits, check_flag_bits(ws))
    # and the flags filter shows it among the possible duplicates
    combo = review.panel.combos["flags"]
    combo.setCurrentIndex(combo.findData("possible_duplicate"))
    review.panel.apply_filter()
    shown = {review.panel.model.code_at(r) for r in range(review.panel.model.rowCount())}
    assert td.CODES[0] in shown and td.CODES[5] in shown


def test_a_check_process_that_dies_is_replaced_by_the_next_check(opened):
    win, ws, review = opened()
    started = review.checker.started
    _move_next_to(review, td.CODES[0], td.CODES[5])
    assert spin_until(_recheck_done(review, started), WAIT_MS)
    process = review.checker.process
    os.kill(process.pid, 9)  # killed between checks (the system, out of memory …)
    started = review.checker.started
    review.do(oe.move(review.session.frame, td.CODES[7], *td.POINTS[td.CODES[2]],
                      "cgcs2000"))
    assert spin_until(_recheck_done(review, started), WAIT_MS)
    assert process.starts == 2
    assert _flag(review, td.CODES[7], "possible_duplicate")
    assert np.array_equal(review.table.flag_bits, check_flag_bits(ws))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a FIFO holds the child mid-check")
def test_a_check_process_killed_mid_check_keeps_the_old_flags_and_says_so(
        qtbot, tmp_path, caplog):
    """The child is held inside its read (the "workspace" is a FIFO nobody writes) and
    killed: the old flags stay, the log says why, and the next check starts a new child."""
    from types import SimpleNamespace

    from ui.background import Runner
    from ui.outfalls.flag_checker import FlagChecker

    runner = Runner()
    checker = FlagChecker(runner)
    old = np.array([1, 0, 2], np.int64)
    checker.bits = old
    fifo = tmp_path / "工作空间.gpkg"
    os.mkfifo(fifo)
    try:
        with caplog.at_level(logging.ERROR):
            checker.start(SimpleNamespace(path=fifo, fids={}, revision=0))
            assert spin_until(lambda: checker.process.pid is not None, WAIT_MS)
            os.kill(checker.process.pid, 9)
            assert spin_until(lambda: not checker.running, WAIT_MS)
        assert checker.bits is old
        assert any("compliance check failed" in r.getMessage() for r in caplog.records)
        ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
        checker.start(ws)
        assert spin_until(lambda: not checker.running, WAIT_MS)
        assert checker.process.starts == 2
        assert np.array_equal(checker.bits, check_flag_bits(ws))
    finally:
        checker.close()


def test_closing_the_window_mid_check_ends_the_check_process(opened):
    win, ws, review = opened()
    started = review.checker.started
    _move_next_to(review, td.CODES[0], td.CODES[5])
    review._flags_timer.stop()
    review._flags_timer.timeout.emit()
    assert spin_until(lambda: review.checker.process.pid is not None, WAIT_MS)
    proc = review.checker.process._proc
    assert review.checker.running and review.checker.started == started + 1
    review.shutdown()  # as the application does when its window closes (aboutToQuit)
    assert not proc.is_alive() and proc.exitcode is not None  # ended and reaped
    assert spin_until(lambda: not review.checker.running, WAIT_MS)  # the wait ends too
    win.close()


def test_flags_follow_a_new_code(opened):
    """赋正式编码 replaces the layer (keys changed): the check's answer still lands on the
    right rows, under the new code."""
    win, ws, review = opened()
    started = review.checker.started
    assert review.do(oe.set_code(review.session.frame, td.CODES[2], "PWK350582H0999"))
    assert spin_until(_recheck_done(review, started), WAIT_MS)
    assert _flag(review, "PWK350582H0999", "possible_duplicate")
    assert np.array_equal(review.table.flag_bits, check_flag_bits(ws))


@pytest.mark.parametrize("edit_while_loading", [False, True])
def test_a_large_inventory_checked_while_its_table_is_made_shows_the_flags_of_the_file(
        qtbot, tmp_path, large, edit_while_loading):  # noqa: F811 - the fixture
    """Above SYNC_LIMIT the first check begins in its process while the table is made; an
    edit made meanwhile is not lost to it (the table's own check then runs afresh)."""
    ws = Workspace.open(td.build(tmp_path / "ws.gpkg"))
    win = main_window_for(qtbot, ws)
    win.show()
    review = install_outfall_review(win, ws, lang="zh", interactive=False, user="王五")
    try:
        assert review.loading
        # the early check is done (its process answered) while the table still waits
        assert spin_until(lambda: not review.runner.busy("compliance_early"), WAIT_MS)
        assert review.loading
        if edit_while_loading:
            _move_next_to(review, td.CODES[7], td.CODES[5])
        large.set()  # the table may finish
        assert spin_until(review.settled, WAIT_MS)
        assert np.array_equal(review.table.flag_bits, check_flag_bits(ws))
        assert _flag(review, td.CODES[7], "possible_duplicate") == edit_while_loading
        assert _flag(review, td.CODES[2], "possible_duplicate")
    finally:
        large.set()
        review.shutdown()
