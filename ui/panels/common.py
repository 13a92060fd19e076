"""Small helpers shared by the side-panel tabs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)


def epoch_seconds(dates: Any) -> Any:
    """The POSIX seconds of a column of dates (text or datetimes; NaN where none), for a
    pyqtgraph ``DateAxisItem``.  Not ``astype("int64") // 10**9``: pandas 3 parses dates
    to microseconds, not nanoseconds, and the charts then put 2024 in January 1970."""
    import numpy as np
    import pandas as pd

    t = pd.to_datetime(pd.Series(dates), errors="coerce")
    return ((t - pd.Timestamp(0)) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64,
                                                                       na_value=np.nan)


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


def key_values(rows: list[tuple[str, Any]]) -> KeyValues:
    """Field/value pairs as word-wrapped labels in a scroll area (the 概况 tab)."""
    area = KeyValues()
    area.set_rows(rows)
    return area


class KeyValues(QScrollArea):
    """Field/value pairs as word-wrapped labels (the 概况 tab); ``rows`` are the pairs
    shown.  Labels rather than a table: long access-list texts wrap to their full height.

    :meth:`set_rows` with the same fields as before only sets the values' texts: a click
    from one outfall to the next rebuilt ~26 labels, their scroll area and its style, ~9 ms
    of the click's turn at 1M outfalls and more of the repaint after it."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # one style sheet for the area, not one per key label: a sheet of its own made each
        # label a style of its own to polish (~0.3 ms a label, ~4 ms of a click on an outfall)
        self.setStyleSheet("QScrollArea { background: white; } QWidget#keyValues { background: white; }"
                           " QLabel#kvKey { color: #455A64; font-weight: bold; }")
        self.rows: list[tuple[str, Any]] = []
        self._values: list[QLabel] = []

    def set_rows_in_steps(self, rows: list[tuple[str, Any]], per_step: int = 6,
                          polish: bool = False) -> Iterator[None]:
        """:meth:`set_rows` of new fields, made ``per_step`` rows at a time: the body is
        installed first, then each ``next()`` adds the next rows (a caller's idle turn
        each).  Made at once, a zone's ~26 rows and their polish were 11-16 ms of one turn
        on a slow machine, 23-26 ms while a 1M start-up's workers held the GIL
        (bench/README.md, issue 17, session 30).  Stopped half-way, the fields differ
        from the next rows set, which are then made anew.  ``polish``: each row's labels
        polished as they are made (in the steps, not all at once when first shown) --
        for an area already where it is shown, whose style they then take."""
        self.rows, self._values = [], []
        body, grid = self._new_body()
        self.setWidget(body)  # (the previous body is deleted by the area)
        yield
        for r, (k, v) in enumerate(rows):
            value = self._add_row(grid, r, k, v)
            if polish:
                for label in (grid.itemAtPosition(r, 0).widget(), value):
                    label.ensurePolished()
            self._values.append(value)
            if (r + 1) % per_step == 0 and r + 1 < len(rows):
                yield
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(rows), 1)
        self.rows = list(rows)

    @staticmethod
    def _new_body() -> tuple[QWidget, QGridLayout]:
        body = QWidget()
        body.setObjectName("keyValues")
        grid = QGridLayout(body)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(7)
        return body, grid

    @staticmethod
    def _add_row(grid: QGridLayout, r: int, k: str, v: Any) -> QLabel:
        key = QLabel(k)
        key.setObjectName("kvKey")  # styled by the area's one sheet
        key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        val = QLabel(text(v))
        val.setWordWrap(True)
        val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        val.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(key, r, 0)
        grid.addWidget(val, r, 1)
        return val

    def set_rows(self, rows: list[tuple[str, Any]]) -> None:
        if self._values and [k for k, _v in rows] == [k for k, _v in self.rows]:
            for label, (_k, v) in zip(self._values, rows, strict=True):
                label.setText(text(v))
            self.rows = list(rows)
            self.verticalScrollBar().setValue(0)
            return
        body, grid = self._new_body()
        values = [self._add_row(grid, r, k, v) for r, (k, v) in enumerate(rows)]
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(rows), 1)
        self.setWidget(body)  # the previous body is deleted by the area
        self.rows, self._values = list(rows), values
