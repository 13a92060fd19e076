"""Shared bits of the import dialog: translation context, colours, small table helpers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

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
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


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
    table.resizeColumnsToContents()
    for c in range(table.columnCount()):
        table.setColumnWidth(c, min(table.columnWidth(c), 260))
