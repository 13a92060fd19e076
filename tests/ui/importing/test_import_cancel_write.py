"""Cancel while an import writes: truthful either way.

A write in the dialog's worker thread cannot stop half way.  Before, its Cancel was taken
anyway: the result was dropped and the page said nothing was written, while the batch was
in the file and the window never showed it.  Now such a write's Cancel does nothing and the
progress dialog says so.  An import in a child process (a big file, models/import_process.py)
does stop: the child is killed and the file looked at.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from geodata.io.workspace_import import list_batches
from models import import_process
from tests.ui.importing.test_import_dialog import go_next, make_dialog, outfall_codes


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _at_summary(qtbot, workspace: Path, src: Path):
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(src)
    go_next(qtbot, dlg, 1)
    go_next(qtbot, dlg, 2)
    go_next(qtbot, dlg, 3)  # the dry run
    return dlg


@pytest.fixture
def in_thread(monkeypatch):
    monkeypatch.setattr(import_process, "PROCESS_ROWS", 10 ** 9)


@pytest.fixture
def in_child(monkeypatch):
    monkeypatch.delenv("ECOZONE_IMPORT_PROCESS", raising=False)
    monkeypatch.setattr(import_process, "PROCESS_ROWS", 1)


def test_a_write_in_the_thread_says_it_cannot_be_cancelled_and_is_shown(
        qtbot, workspace, gbk_csv, in_thread):
    before = outfall_codes(workspace)
    dlg = _at_summary(qtbot, workspace, gbk_csv)
    dlg.summary_page.start_work()  # 导入
    assert dlg.busy()
    cancel = dlg.progress.findChild(QPushButton)
    assert cancel is not None and not cancel.isEnabled()
    assert "写入工作区的过程不能中途取消" in dlg.progress.labelText()
    dlg.cancel_job()  # Esc, or a click that got through: nothing to stop
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=20_000)
    assert dlg.state.final_report is not None  # the result page, as without the Cancel
    batches = list_batches(workspace)
    assert [b["batch_id"] for b in batches] == [dlg.state.final_report.batch_id]
    assert len(outfall_codes(workspace)) == len(before) + \
        dlg.state.final_report.counts()["imported"]
    assert "已取消" not in dlg.summary_page.status.text()
    # the undo cannot be cancelled either
    dlg.result_page.undo()
    assert not dlg.progress.findChild(QPushButton).isEnabled()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=20_000)
    assert outfall_codes(workspace) == before
    dlg.close()


def test_an_import_in_a_child_stops_on_cancel_and_writes_nothing(
        qtbot, workspace, gbk_csv, in_child):
    before = _digest(workspace)
    dlg = _at_summary(qtbot, workspace, gbk_csv)
    dlg.summary_page.start_work()
    cancel = dlg.progress.findChild(QPushButton)
    assert cancel is not None and cancel.isEnabled()
    assert "不能中途取消" not in dlg.progress.labelText()
    cancel.click()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=30_000)
    assert "已取消，工作区未作任何改动" in dlg.summary_page.status.text()
    assert dlg.state.final_report is None and dlg.currentId() == 3
    assert list_batches(workspace) == [] and _digest(workspace) == before
    # the user may press 导入 again: it goes through
    dlg.summary_page.start_work()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=30_000)
    assert dlg.state.final_report is not None
    assert [b["batch_id"] for b in list_batches(workspace)] == [
        dlg.state.final_report.batch_id]
    dlg.close()


def test_a_cancel_that_came_after_the_commit_shows_the_batch_and_says_so(
        qtbot, workspace, gbk_csv, in_child, monkeypatch):
    real = import_process._in_child

    def committed_then_stopped(job, died, stop=None):
        real(job, died)
        raise import_process._Stopped()

    monkeypatch.setattr(import_process, "_in_child", committed_then_stopped)
    before = outfall_codes(workspace)
    dlg = _at_summary(qtbot, workspace, gbk_csv)
    dlg.summary_page.start_work()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=30_000)
    report = dlg.state.final_report
    assert report is not None and dlg.currentId() == 4  # the result page, with 撤销
    assert dlg.result_page.status.text().startswith(
        f"取消时导入已完整写入工作区（批次 {report.batch_id}），无法取消")
    assert f"新增 {report.counts()['imported']}" in dlg.result_page.summary.text()
    assert len(outfall_codes(workspace)) == len(before) + report.counts()["imported"]
    monkeypatch.setattr(import_process, "_in_child", real)
    dlg.result_page.undo()
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=30_000)
    assert outfall_codes(workspace) == before
    dlg.close()
