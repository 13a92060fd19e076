"""Qt table model over :class:`models.outfall_table.OutfallTable` (numpy sort and filter).

No QSortFilterProxyModel: ``sort()`` and ``set_filter()`` recompute the view index array in
numpy (a few ms at 100k rows) and reset the model; ``data()`` is one array lookup.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from models.outfall_table import COLUMNS, KEYS, SEARCHED, OutfallTable, TableFilter
from ui.background import Runner
from ui.model_roles import answer_roles

_FLAG_BRUSH = QBrush(QColor(200, 40, 40))
# the roles as plain ints, compared in data() (an enum member's lookup per call is not free)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_SIZE_HINT = int(Qt.ItemDataRole.SizeHintRole.value)
_FLAGS_COLUMN = KEYS.index("flags")
#: views of more rows than this get an index of their positions (table row -> view row),
#: made in a worker thread after the view changes (numpy lets go of the GIL while it
#: scatters: 4-9 ms at 1M rows, which on the GUI thread made a re-import's turn longer,
#: bench/bench_gaps.py): a map click finds its outfall's row in the view by it, where a
#: search of a million rows was ~1.5 ms of the click's turn (bench/bench_clicks.py);
#: below it the search is a fraction of a millisecond
POSITIONS_FROM = 50_000

Index = QModelIndex | QPersistentModelIndex


def view_positions(rows: np.ndarray, size: int) -> np.ndarray:
    """The view position of each table row (-1: not in the view) of a view of ``rows``
    over a table of ``size`` rows."""
    size = max(size, int(rows.max()) + 1 if len(rows) else 0)
    pos = np.full(size, -1, dtype=np.int32 if len(rows) < 2**31 else np.int64)
    pos[rows] = np.arange(len(rows), dtype=pos.dtype)
    return pos


#: the positions of a view made with its rows in the worker that made them: (rows,
#: positions), taken by the model that is given those very rows (:func:`positions_ahead`)
_ahead: tuple[np.ndarray, np.ndarray] | None = None
_ahead_lock = threading.Lock()


def positions_ahead(rows: np.ndarray, size: int) -> None:
    """(any thread) Make the :func:`view_positions` of ``rows`` now, for the model they
    will be shown in.  The inventory's table is made with its rows in a worker; made after
    the rows reached the model, in another worker, the positions' fill (the GIL held,
    fresh pages faulted in: ~4-9 ms at 1M rows) fell on the turns in which the table
    arrived and was first laid out and painted (bench/README.md, issue 17, session 28)."""
    global _ahead
    if len(rows) > POSITIONS_FROM:
        made = (rows, view_positions(rows, size))
        with _ahead_lock:
            _ahead = made


def _take_ahead(rows: np.ndarray) -> np.ndarray | None:
    """The positions made ahead for these very rows, else None.  Either way they are
    forgotten: made for rows that went elsewhere (edits while the table was made: its
    rows made again), they would only hold ~12 MB at 1M rows until the next table."""
    global _ahead
    with _ahead_lock:
        got, _ahead = _ahead, None
    if got is None or got[0] is not rows:
        return None
    return got[1]


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
        #: (the view's rows, :func:`view_positions` of them)
        self._positions: tuple[np.ndarray, np.ndarray] | None = None
        self._positions_runner: Runner | None = None
        self.rows = rows if rows is not None else np.arange(len(table))
        #: (font metrics, row height, padding) of the view's row header, set by the view's
        #: panel: the row numbers' header size is then answered here (row_header_size)
        self.row_header_metrics: tuple[Any, int, int] | None = None
        self._row_header_sizes: dict[int, QSize] = {}
        #: rows on their way (a large inventory loading): the row numbers' header is sized
        #: for them already, so their arrival does not widen it and resize the view
        self.expected_rows = 0

    @property
    def rows(self) -> np.ndarray:
        """The table rows in view order (sorted and filtered)."""
        return self._rows

    @rows.setter
    def rows(self, rows: np.ndarray) -> None:
        self._rows = rows
        self._positions = None  # the old view's (until the new one's are made)
        ahead = _take_ahead(rows)
        if ahead is not None and len(ahead) >= len(self.table):
            self._positions = (rows, ahead)
        elif len(rows) > POSITIONS_FROM:
            if self._positions_runner is None:
                self._positions_runner = Runner(self)
            size = len(self.table)
            self._positions_runner.submit(lambda _token: view_positions(rows, size),
                                          lambda pos: self._positions_made(rows, pos),
                                          channel="positions")

    def _positions_made(self, rows: np.ndarray, pos: np.ndarray) -> None:
        if rows is self._rows:  # (a newer view's are on their way)
            self._positions = (rows, pos)

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # the role first: Qt asks each painted cell for seven roles, of which two have an
        # answer (two paints of the visible cells after an edit: ~1 100 calls)
        if role == _DISPLAY or role == _TOOLTIP:
            if not index.isValid():
                return None
            return self.table.cell(int(self._rows[index.row()]), KEYS[index.column()])
        if role == _FOREGROUND and index.column() == _FLAGS_COLUMN and index.isValid():
            return _FLAG_BRUSH
        return None

    def multiData(self, index: Index, span: Any) -> None:  # noqa: N802 - Qt's name
        """A painted cell's roles in one call, not seven of :meth:`data` (each a take of
        the GIL from whichever worker holds it: ui/model_roles.py)."""
        if not index.isValid():
            answer_roles(span, lambda: None)
            return
        row, column = index.row(), index.column()
        answer_roles(span, lambda: self.table.cell(int(self._rows[row]), KEYS[column]),
                     _FLAG_BRUSH if column == _FLAGS_COLUMN else None)

    def painted_cells(self, first: int, last: int, column: int) -> tuple[list[str], Any]:
        """The texts of view rows ``first``..``last`` of ``column`` and its foreground, for
        ``ui.painted_table.PaintedTableView`` (which paints plain cells without
        :meth:`multiData`): one lookup per column on screen."""
        texts = self.table.cells(self._rows[first:last + 1], KEYS[column])
        return texts, (_FLAG_BRUSH if column == _FLAGS_COLUMN else None)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _SIZE_HINT and orientation == Qt.Orientation.Vertical:
            return self.row_header_size()
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].label(self.lang)
        return section + 1

    def row_header_size(self) -> QSize | None:
        """The row numbers' header size, the same for every row: wide enough for the
        largest number (of the rows shown, or of those on their way).  The panel's header
        asks it once per layout (``table_dock.RowNumberHeader``); a plain header would ask
        it through ``headerData`` for each of 200 sections, one call each instead of ~6
        and a text measure."""
        if self.row_header_metrics is None:
            return None
        digits = len(str(max(1, len(self.rows), self.expected_rows)))
        size = self._row_header_sizes.get(digits)
        if size is None:
            fm, height, pad = self.row_header_metrics
            size = self._row_header_sizes[digits] = QSize(
                fm.horizontalAdvance("0" * digits) + pad, height)
        return size

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = KEYS[column] if 0 <= column < len(KEYS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and key is not None \
                and self.table.has_rank(key):
            return  # already in that order (the panel asks again as it is built)
        self.sort_key, self.descending = key, descending
        self.refresh()

    # -- ours -----------------------------------------------------------------------------
    def set_table(self, table: OutfallTable, rows: np.ndarray | None = None,
                  order: tuple[str | None, bool] | None = None) -> None:
        """Show ``table`` instead (a replaced layer's, or the inventory once loaded), in
        the current filter and sort order.  ``rows``: its unfiltered view in the sort
        ``order`` (key, descending), made off the GUI thread with the table (a sort of 1M
        rows takes ~0.5 s), used while the model still sorts so."""
        self.beginResetModel()
        self.table = table
        if rows is not None and order == (self.sort_key, self.descending) \
                and self.filter == TableFilter():
            self.rows = rows
        else:
            self.rows = table.view(self.filter, self.sort_key, self.descending)
        self.endResetModel()

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

    def rows_changed(self, table_rows: list[int], fields: Any = None,
                     shown: tuple[int, int] | None = None) -> None:
        """Repaint rows after an edit (re-sorting only if the sort column is affected).
        ``fields``: the frame columns the edit wrote ("geometry": the coordinates), None
        for any; only the columns showing them are repainted, and a filter that looks at
        none of them stands.  ``shown``: the first and last view rows on screen (the
        panel's), else every row."""
        if self._filter_depends_on(fields) or (
                self.sort_key is not None and not self.table.has_rank(self.sort_key)):
            # the edit may have moved rows in or out, or changed the sort column (its
            # ranks were dropped); sorted by an unchanged column (the code) the order
            # stands, and re-sorting 1M rows took ~0.5 s of the GUI thread per edit
            self.refresh()
            return
        if table_rows and len(self.rows):
            # view rows are sorted table rows: repaint the rows on screen (the view asks
            # data() for the others when they are scrolled to), rather than finding each
            # edited row in the view; only the columns written (确认位置 writes one)
            cols = [i for i, k in enumerate(KEYS) if fields is None or k in fields]
            if cols:
                self._repaint(cols[0], cols[-1], shown)

    def _repaint(self, first_col: int, last_col: int, shown: tuple[int, int] | None) -> None:
        """``dataChanged`` for those columns over the rows on screen: a range past the
        screen made Qt repaint the whole table (every column, ~560 data() calls), the
        rows on screen only those columns' cells."""
        top, bottom = (0, len(self.rows) - 1) if shown is None else shown
        top, bottom = max(0, top), min(len(self.rows) - 1, bottom)
        if top <= bottom:
            self.dataChanged.emit(self.index(top, first_col), self.index(bottom, last_col))

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

    def column_changed(self, key: str, shown: tuple[int, int] | None = None) -> None:
        """The values of one column changed (new flags): repaint it (``shown``: the view
        rows on screen, as :meth:`rows_changed`), or re-sort and re-filter when the view
        depends on it."""
        if self.sort_key == key or (key == "flags" and (
                self.filter.flags or self.filter.any_flag or self.filter.text.strip())):
            self.refresh()
        elif len(self.rows):
            col = KEYS.index(key)
            self._repaint(col, col, shown)

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
        positions = self._positions
        if positions is not None and positions[0] is self._rows and r < len(positions[1]):
            at = int(positions[1][r])
            return at if at >= 0 else None
        hit = np.flatnonzero(self._rows == r)  # the index not made yet (or a small view)
        return int(hit[0]) if len(hit) else None
