"""Qt table model over :class:`models.outfall_table.OutfallTable` (numpy sort and filter).

No QSortFilterProxyModel: ``sort()`` and ``set_filter()`` recompute the view index array in
numpy (a few ms at 100k rows) and reset the model; ``data()`` is one array lookup.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from models.outfall_table import COLUMNS, KEYS, SEARCHED, OutfallTable, TableFilter

_FLAG_BRUSH = QBrush(QColor(200, 40, 40))

Index = QModelIndex | QPersistentModelIndex


class OutfallTableModel(QAbstractTableModel):
    def __init__(self, table: OutfallTable, lang: str = "zh", parent: Any = None,
                 rows: np.ndarray | None = None) -> None:
        """``rows``: the unfiltered view in code order, when the caller made it already
        (off the GUI thread: sorting 1M rows takes ~0.5 s)."""
        super().__init__(parent)
        self.table = table
        self.lang = lang
        self.filter = TableFilter()
        self.sort_key: str | None = "code" if rows is not None else None
        self.descending = False
        self.rows = rows if rows is not None else np.arange(len(table))

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = int(self.rows[index.row()])
        key = KEYS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.table.cell(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "flags":
            return _FLAG_BRUSH
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].label(self.lang)
        return section + 1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = KEYS[column] if 0 <= column < len(KEYS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and key is not None \
                and self.table.has_rank(key):
            return  # already in that order (the panel asks again as it is built)
        self.sort_key, self.descending = key, descending
        self.refresh()

    # -- ours -----------------------------------------------------------------------------
    def set_filter(self, flt: TableFilter) -> None:
        if flt == self.filter == TableFilter() and len(self.rows) == len(self.table) \
                and (self.sort_key is None or self.table.has_rank(self.sort_key)):
            return  # nothing filtered before or now, and the order stands
        self.filter = flt
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = self.table.view(self.filter, self.sort_key, self.descending)
        self.endResetModel()

    def rows_changed(self, table_rows: list[int], fields: Any = None) -> None:
        """Repaint rows after an edit (re-sorting only if the sort column is affected).
        ``fields``: the frame columns the edit wrote ("geometry": the coordinates), None
        for any; only the columns showing them are repainted, and a filter that looks at
        none of them stands."""
        if self._filter_depends_on(fields) or (
                self.sort_key is not None and not self.table.has_rank(self.sort_key)):
            # the edit may have moved rows in or out, or changed the sort column (its
            # ranks were dropped); sorted by an unchanged column (the code) the order
            # stands, and re-sorting 1M rows took ~0.5 s of the GUI thread per edit
            self.refresh()
            return
        if table_rows and len(self.rows):
            # view rows are sorted table rows: repaint the whole range (Qt draws only
            # the visible cells), rather than finding each row in the view; only the
            # columns written (Qt repaints less: 确认位置 writes one column)
            cols = [i for i, k in enumerate(KEYS) if fields is None or k in fields]
            if cols:
                self.dataChanged.emit(self.index(0, cols[0]),
                                      self.index(len(self.rows) - 1, cols[-1]))

    def _filter_depends_on(self, fields: Any) -> bool:
        """Whether the filter may keep other rows after a change of ``fields``."""
        flt = self.filter
        if flt == TableFilter():
            return False
        if fields is None:
            return True
        fields = set(fields) | ({"county"} if "county_code" in fields else set())
        if any(wanted and key in fields for key, wanted in flt.categorical().items()):
            return True
        if flt.text.strip() and any(k in fields for k in SEARCHED):
            return True
        if (flt.bbox is not None or flt.zone is not None) and "geometry" in fields:
            return True
        # the flags filter follows the re-check (column_changed); codes never change here
        return False

    def column_changed(self, key: str) -> None:
        """The values of one column changed (new flags): repaint it, or re-sort and
        re-filter when the view depends on it."""
        if self.sort_key == key or (key == "flags" and (
                self.filter.flags or self.filter.any_flag or self.filter.text.strip())):
            self.refresh()
        elif len(self.rows):
            col = KEYS.index(key)
            self.dataChanged.emit(self.index(0, col), self.index(len(self.rows) - 1, col))

    def code_at(self, view_row: int) -> str:
        return str(self.table.codes[int(self.rows[view_row])])

    def codes_at(self, view_rows: list[int]) -> list[str]:
        """:meth:`code_at` of many rows, in one Arrow take (a thousand selected rows)."""
        if not view_rows:
            return []
        at = self.rows[np.asarray(view_rows, dtype=np.int64)]
        return [str(c) for c in self.table.codes.strings(at).tolist()]

    def view_row_of(self, code: str) -> int | None:
        r = self.table.row_of(code)
        if r is None:
            return None
        hit = np.flatnonzero(self.rows == r)
        return int(hit[0]) if len(hit) else None
