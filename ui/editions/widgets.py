"""Small parts of the 版本对比 dialog: read-only tables and the worker thread that runs a
comparison off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from models.editions import EditionError, compare_editions


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


class CompareJob(QThread):
    """One comparison off the GUI thread (shapely and pyproj release the GIL in their
    loops); the result or the error comes back by signal."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, workspace: Path, new: str, old: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.args = (workspace, new, old)

    def run(self) -> None:  # noqa: D102 - QThread entry point
        try:
            self.done.emit(compare_editions(*self.args))
        except EditionError as exc:
            self.failed.emit(exc)
