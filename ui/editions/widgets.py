"""Small parts of the 版本对比 dialog: read-only tables and the worker thread that runs a
comparison off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from models.editions import EditionError, compare_editions
from ui.background import Runner


def table(headers: list[str], rows: list[list[Any]]) -> QTableWidget:
    w = QTableWidget(len(rows), len(headers))
    w.setHorizontalHeaderLabels(headers)
    w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    w.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    w.verticalHeader().setVisible(False)
    w.horizontalHeader().setStretchLastSection(True)
    fill(w, rows)
    return w


def fill(w: QTableWidget, rows: list[list[Any]]) -> None:
    w.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            item = QTableWidgetItem("" if v is None else str(v))
            if isinstance(v, (int, float)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            w.setItem(r, c, item)
    w.resizeColumnsToContents()


class CompareJob(QObject):
    """One comparison off the GUI thread through the window's one background mechanism
    (:mod:`ui.background`); ``done`` with the result or ``failed`` with the error, then
    ``finished``, on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, workspace: Path, new: str, old: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.args = (workspace, new, old)
        self._runner = Runner(self)

    def start(self) -> None:
        self._runner.submit(lambda _token: compare_editions(*self.args), self._done,
                            on_error=self._failed)

    def _done(self, result: Any) -> None:
        self.finished.emit()
        self.done.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.finished.emit()  # the dialog is usable again whatever happened
        if not isinstance(exc, EditionError):
            raise exc  # a bug: to the error dialog and the log
        self.failed.emit(exc)

    def isRunning(self) -> bool:  # noqa: N802 - the name the dialog used with QThread
        return self._runner.busy()

    def wait(self, msecs: int = 30_000) -> bool:
        return self._runner.wait(msecs)