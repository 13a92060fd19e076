"""Shared bits of the import dialog: translation context, colours, table helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ui.model_roles import answer_roles
from ui.painted_table import PaintedTableView

#: One translation context for every class of the dialog (``self.tr`` in PySide6 would use
#: the class name of each page); ``strings_en.EN`` holds the English of this context.
CONTEXT = "ImportDialog"


class Translated:
    """Mixin: ``self.tr`` translates in the fixed :data:`CONTEXT`."""

    def tr(self, source: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        return QCoreApplication.translate(CONTEXT, source, disambiguation, n)


#: background of the confidence cell in the mapping table
CONFIDENCE_COLOURS = {"high": QColor("#c8e6c9"), "medium": QColor("#fff3bf"),
                      "low": QColor("#ffd8a8"), "none": QColor("#eeeeee"),
                      "user": QColor("#d0ebff")}


def confidence_level(confidence: float | None) -> str:
    if confidence is None:
        return "none"
    if confidence >= 0.95:
        return "high"
    if confidence >= 0.75:
        return "medium"
    return "low"


def make_table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    _read_only_look(table)
    return table


def _read_only_look(table: QTableView) -> None:
    """How the dialog's tables look and answer: read-only, whole rows selected."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)


def _fit_columns(table: QTableView, columns: int) -> None:
    """Columns as wide as their contents need, at most 260 px."""
    table.resizeColumnsToContents()
    for c in range(columns):
        table.setColumnWidth(c, min(table.columnWidth(c), 260))


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[Any]],
               row_labels: list[str] | None = None) -> None:
    """Replace the content of ``table``; None shows as an empty cell."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem("" if v is None else str(v))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, c, item)
    table.verticalHeader().setVisible(row_labels is not None)
    if row_labels is not None:
        table.setVerticalHeaderLabels(row_labels)
    _fit_columns(table, table.columnCount())


class RowsModel(QAbstractTableModel):
    """A read-only table of ``n`` rows whose cells are asked for as they are shown
    (``cell(row, column)``): a dry run of 100 000 changes is a table of 100 000 rows
    without 200 000 items made on the GUI thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._n = 0
        self._cell: Callable[[int, int], Any] = lambda _r, _c: None

    def set_rows(self, headers: list[str], n: int, cell: Callable[[int, int], Any]) -> None:
        self.beginResetModel()
        self._headers, self._n, self._cell = list(headers), n, cell
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else self._n

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self._headers)

    def text(self, row: int, column: int) -> str:
        v = self._cell(row, column)
        return "" if v is None else str(v)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) \
                and index.isValid():
            return self.text(index.row(), index.column())
        return None

    def multiData(self, index: QModelIndex | QPersistentModelIndex,  # noqa: N802 - Qt's
                  span: Any) -> None:
        """A painted cell's roles in one call, not seven of :meth:`data`: the preview is
        painted while the import's worker holds the GIL (ui/model_roles.py)."""
        if not index.isValid():
            answer_roles(span, lambda: None)
            return
        row, column = index.row(), index.column()
        answer_roles(span, lambda: self.text(row, column))

    def painted_cells(self, first: int, last: int, column: int) -> tuple[list[str], None]:
        """The texts of rows ``first``..``last`` of ``column``, for the view's own paint
        of plain cells (``ui.painted_table``): one call into Python per column shown, not
        one per cell, while the import's worker holds the GIL."""
        return [self.text(row, column) for row in range(first, last + 1)], None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)


class RowsTable(PaintedTableView):
    """A read-only table (:class:`RowsModel`) looking like :func:`make_table`'s."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = RowsModel(self)
        self.setModel(self.rows)
        _read_only_look(self)
        self.verticalHeader().setVisible(False)

    def set_rows(self, headers: list[str], n: int, cell: Callable[[int, int], Any]) -> None:
        """``n`` rows of ``cell(row, column)`` (None shows as an empty cell), the columns
        as wide as the rows Qt measures (its first thousand) need, at most 260 px."""
        self.rows.set_rows(headers, n, cell)
        _fit_columns(self, self.rows.columnCount())

    def rowCount(self) -> int:  # noqa: N802 - as QTableWidget's
        return self.rows.rowCount()

    def columnCount(self) -> int:  # noqa: N802 - as QTableWidget's
        return self.rows.columnCount()

    def text(self, row: int, column: int) -> str:
        """What the cell shows."""
        return self.rows.text(row, column)
