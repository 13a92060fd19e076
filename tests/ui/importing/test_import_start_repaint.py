"""Pressing 导入 disables the wizard's buttons without repainting the page: QWizard's own
update of its buttons (the page's completeChanged) switches the wizard's updates off and
on and hides and shows its page area, and the whole summary page -- the dry run's tables,
tabs and counts -- was painted again in the import's first turn (12-34 ms; bench/README.md,
issue 17, session 32)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWizard

from models import import_process
from tests.ui.conftest import spin, spin_until
from tests.ui.importing.test_import_dialog import go_next, make_dialog

W = QWizard.WizardButton


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[QObject] = []

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.seen.append(obj)
        return False


def _on_summary(qtbot, workspace, gbk_csv):
    dlg = make_dialog(qtbot, workspace)
    dlg.file_page.set_file(gbk_csv)
    for page in (1, 2, 3):
        go_next(qtbot, dlg, page)
    spin(100)  # (painted)
    return dlg


def _held(monkeypatch, fail: bool = False) -> threading.Event:
    """The import's work held until the event is set (then done, or failing)."""
    go = threading.Event()
    real = import_process.run_import

    def held(*args, **kw):
        go.wait(10)
        if fail:
            raise OSError("磁盘已满")
        return real(*args, **kw)

    monkeypatch.setattr(import_process, "run_import", held)
    return go


def test_pressing_import_repaints_the_buttons_not_the_page(qtbot, workspace, gbk_csv,
                                                            monkeypatch):
    dlg = _on_summary(qtbot, workspace, gbk_csv)
    go = _held(monkeypatch)
    sp = dlg.summary_page
    watch = _Paints()
    page_parts = [sp.changes.viewport(), sp.counts["imported"], sp]
    for w in page_parts:
        w.installEventFilter(watch)
    try:
        dlg.button(W.CommitButton).click()
        assert dlg.busy()
        spin(100)
        # while it runs: nothing to press but the progress dialog's cancel
        assert not any(dlg.button(b).isEnabled()
                       for b in (W.CommitButton, W.BackButton, W.CancelButton))
        assert not any(w in watch.seen for w in page_parts)
    finally:
        go.set()
        for w in page_parts:
            w.removeEventFilter(watch)
    assert spin_until(lambda: dlg.currentId() == 4 and not dlg.busy(), 15_000)
    assert dlg.button(W.FinishButton).isEnabled()
    assert dlg.result_page.undo_button.isEnabled()


def test_an_import_that_fails_gives_the_buttons_back(qtbot, workspace, gbk_csv, monkeypatch):
    dlg = _on_summary(qtbot, workspace, gbk_csv)
    go = _held(monkeypatch, fail=True)
    dlg.button(W.CommitButton).click()
    assert dlg.busy() and not dlg.button(W.CommitButton).isEnabled()
    go.set()
    assert spin_until(lambda: not dlg.busy(), 15_000)
    assert dlg.currentId() == 3
    assert all(dlg.button(b).isEnabled() for b in (W.CommitButton, W.BackButton, W.CancelButton))
    assert "磁盘已满" in dlg.summary_page.status.text()
