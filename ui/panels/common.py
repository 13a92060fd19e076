"""Small helpers shared by the side-panel tabs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def tr(text: str) -> str:
    return QCoreApplication.translate("SidePanel", text)


def text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:
            return "—"
        return f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{int(value)}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]], stretch: int = -1,
          wrap: bool = True) -> QTableWidget:
    """A read-only table (word-wrapped, rows sized to content)."""
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(wrap)
    t.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            item = QTableWidgetItem(text(v))
            item.setToolTip(text(v))
            t.setItem(r, c, item)
    h = t.horizontalHeader()
    for c in range(len(headers)):
        h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    if stretch >= 0:
        h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if wrap:
        t.resizeRowsToContents()
    return t


def key_values(rows: list[tuple[str, Any]]) -> QTableWidget:
    """Two-column field/value table (the 概况 tab)."""
    t = table([tr("字段"), tr("内容")], [[k, v] for k, v in rows], stretch=1)
    t.horizontalHeader().setVisible(False)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    for r in range(t.rowCount()):
        item = t.item(r, 0)
        f = item.font()
        f.setBold(True)
        item.setFont(f)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    t.resizeRowsToContents()
    return t
