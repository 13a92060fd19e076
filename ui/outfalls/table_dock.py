"""The outfall inventory panel: filters, search, export, bulk actions, and the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from geodata.messages import Message
from models.compliance import CHECKS
from models.outfall_table import KEYS, OutfallTable, TableFilter, export_rows
from ui.outfalls.table_model import OutfallTableModel
from ui.painted_table import PaintedTableView

#: how long after a selection from the map its rows are shown (select_codes): after the
#: click's own repaint, soon enough to look immediate
REVEAL_LATER_MS = 40
#: tables of this many rows or more have their cells painted two turns after the one they
#: are shown in, their texts laid out in the turn between (set_table)
PAINT_NEXT_TURN_FROM = 100_000


class RowNumberHeader(QHeaderView):
    """The row numbers' header, sized by one question to the model.

    After every reset Qt works out a header's size hint from 200 of its sections, one
    ``headerData`` call into Python each even when the model answers the size at once:
    ~0.8 ms of the GUI thread on an idle machine, and 200 takes of the GIL while a worker
    holds it, twice in the turn a 1M inventory arrives in (the view lays out, then its
    geometry changes).  Every row's number gets the same size
    (``OutfallTableModel.row_header_size``), so that is the header's."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        model = self.model()
        size = model.row_header_size() if hasattr(model, "row_header_size") else None
        return size if isinstance(size, QSize) else super().sizeHint()


class OutfallTablePanel(QWidget):
    #: Codes selected in the table (map should highlight them): a list, passed as an
    #: ``object`` (a ``list`` signal copies it on emit, ~0.5 us a code: ~50 ms for 100k
    #: rows selected)
    selection_changed = Signal(object)
    #: A row was double-clicked: open its record card and zoom to it.
    activated = Signal(str)
    #: A bulk action on the selection: confirm, set, note.
    bulk_requested = Signal(str)
    #: The extent/zone filters need the current map state (the owner fills it in).
    extent_filter_toggled = Signal()

    #: the columns whose values the filter menus list (OutfallTable.choices)
    CHOICE_KEYS = ("county", "outfall_type", "review_status", "remediation_status")
    #: what the count label says while the table is not there yet
    LOADING = Message("正在加载排污口清单…", "Loading the outfall inventory…")

    def __init__(self, table: OutfallTable, lang: str = "zh", parent: QWidget | None = None,
                 rows: Any = None, loading: bool = False, expected_rows: int = 0) -> None:
        """``rows``: the view in code order, made off the GUI thread with the table;
        ``loading``: the table is a stand-in until the inventory is read — the panel
        says so and its filters and actions wait; ``expected_rows``: how many rows the
        inventory on its way has (the row numbers' header is sized for them)."""
        super().__init__(parent)
        self.setObjectName("outfallTablePanel")
        self.lang = lang
        self.loading = loading
        self.model = OutfallTableModel(table, lang, self, rows=rows)
        self.model.expected_rows = expected_rows if loading else 0
        self.extent: tuple[float, float, float, float] | None = None  # set by the owner
        self.zone: Any = None
        #: the outfalls of the "only these" filter (a set chosen in the statistics view)
        self.selected: frozenset[str] | None = None
        self.search = QLineEdit()
        self.search.setObjectName("outfallSearch")
        self.search.setPlaceholderText(self.tr("搜索编码、名称、受纳水体…"))
        self.search.setClearButtonEnabled(True)
        self.combos: dict[str, QComboBox] = {}
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for key, label in (("county", self.tr("全部县区")), ("outfall_type", self.tr("全部类型")),
                           ("review_status", self.tr("全部核查状态")),
                           ("remediation_status", self.tr("全部整治状态")),
                           ("flags", self.tr("全部提示"))):
            combo = QComboBox()
            combo.setObjectName(f"filter_{key}")
            combo.addItem(label, None)
            if key == "flags":
                combo.addItem(self.tr("有任何提示"), "__any__")
                for cid, (zh, en, _sev) in CHECKS.items():
                    combo.addItem(Message(zh, en).text(lang), cid)
            else:
                for v in table.choices(key):
                    combo.addItem(v, v)
            combo.currentIndexChanged.connect(self._schedule)
            self.combos[key] = combo
            filters.addWidget(combo, 1)
        self.in_extent = QCheckBox(self.tr("仅当前视图"))
        self.in_zone = QCheckBox(self.tr("仅所选区域"))
        self.in_selection = QCheckBox(self.tr("仅所选排污口"))
        self.in_selection.setObjectName("onlySelected")
        self.in_selection.setEnabled(False)  # until a set of outfalls is chosen
        for cb in (self.in_extent, self.in_zone, self.in_selection):
            cb.toggled.connect(lambda _=False: self.extent_filter_toggled.emit())
            cb.toggled.connect(self._schedule)
        actions = QHBoxLayout()
        actions.addWidget(self.in_extent)
        actions.addWidget(self.in_zone)
        actions.addWidget(self.in_selection)
        actions.addStretch(1)
        self.count = QLabel()
        actions.addWidget(self.count)
        for key, text in (("confirm", self.tr("确认位置")), ("set", self.tr("修改属性…")),
                          ("note", self.tr("添加备注…"))):
            b = QPushButton(text)
            b.setObjectName(f"bulk_{key}")
            b.clicked.connect(lambda _=False, k=key: self.bulk_requested.emit(k))
            actions.addWidget(b)
        self.export_btn = QPushButton(self.tr("导出…"))
        self.export_btn.clicked.connect(self._export_dialog)
        actions.addWidget(self.export_btn)
        # plain cells painted in one pass: Qt's delegate per cell was 7-11 ms a paint
        self.view = PaintedTableView()
        self.view.setObjectName("outfallTable")
        self.view.setVerticalHeader(RowNumberHeader(Qt.Orientation.Vertical, self.view))
        # the scroll bar always there: appearing as a large inventory arrives, it narrowed
        # the view in that turn and had the table painted twice
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.setModel(self.model)
        # the first ``viewport()`` in a process costs 16-30 ms: PySide6 works out the
        # Python class of the widget it returns and, doing so, makes the enums of every
        # QtWidgets class that nothing had touched yet (~36-70 of them).  Asked here, as
        # the window is built, rather than in the first click's reveal or the first edit
        # (bench/README.md, issue 17, session 26)
        self.view.viewport()
        # Qt's header starts with a *descending* indicator: open in inventory code order
        # (set before sorting is enabled, which sorts by the indicator at once)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self._size_row_header()
        # fixed starting widths (measuring 100k rows to fit contents would take seconds);
        # codes and names whole, the flags column takes what is left
        header = self.view.horizontalHeader()
        fm = header.fontMetrics()
        for col, width in enumerate((130, 300, 120, 150, 75, 110, 80, 90, 110)):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            header.resizeSection(col, max(width, fm.horizontalAdvance(title) + 28))
        header.setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.doubleClicked.connect(lambda ix: self.activated.emit(self.model.code_at(ix.row())))
        self.model.modelReset.connect(self._reconnect)
        # the selected codes, kept from the selection's last change (see selected_codes);
        # forgotten when the view's rows change under the selection (Qt resets the
        # selection without a selectionChanged then)
        self._selected: list[str] | None = None
        for sig in (self.model.modelAboutToBeReset, self.model.modelReset,
                    self.model.layoutChanged, self.model.rowsInserted, self.model.rowsRemoved):
            sig.connect(self._forget_selected)
        # and when a repaint takes in the code column (codes are not edited in place
        # today, but a kept code must never outlive the row's code)
        self.model.dataChanged.connect(self._forget_if_codes)
        # the panel's parts in a body of their own that the panel sizes (resizeEvent):
        # a change inside (the count's text, the row numbers' width, the filter menus'
        # items as a table arrives) lays out the body and stops there.  With the layout on
        # the panel, each went up to the dock and the main window, which laid out every
        # dock again (their word-wrapped labels measured anew, a geometry animation made
        # for the map): 16-24 ms of the turn a 1M inventory arrived in (bench/README.md,
        # issue 17, session 27)
        self.body = QWidget(self)
        lay = QVBoxLayout(self.body)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(filters)
        lay.addLayout(actions)
        lay.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # type-ahead: filter when typing pauses
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._schedule)
        # the rows a selection from the map shows, a moment after it (select_codes)
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.setInterval(REVEAL_LATER_MS)
        self._reveal_timer.timeout.connect(self._reveal_in_turns)
        self._reveal_code: str | None = None
        self._reveal_row: int | None = None
        self.apply_filter()
        if loading:
            self._enable(False)

    # -- the body: sized by the panel, its size hints the panel's ------------------------
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.body.setGeometry(self.rect())
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.body.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.body.minimumSizeHint()

    def _enable(self, on: bool) -> None:
        """The filters and actions work (the table is there) or wait (loading)."""
        for w in [self.search, self.export_btn, self.in_extent, self.in_zone,
                  *self.combos.values(), *self.findChildren(QPushButton)]:
            w.setEnabled(on)

    def set_table(self, table: OutfallTable, rows: Any = None,
                  order: tuple[str | None, bool] | None = None, loading: bool = False) -> None:
        """Show ``table`` in this panel (a replaced layer's, or the inventory once loaded):
        its filters, search, extent and sort order stand; the filter menus take the new
        values.  ``rows`` in ``order``: :meth:`OutfallTableModel.set_table`.  The view's
        selection is gone with the old rows: the owner selects again what is still there.
        Rather than a new panel (its widgets made, styled and laid out: ~10-25 ms of the
        GUI thread's turn at 1M outfalls, bench/bench_gaps.py)."""
        was_loading, self.loading = self.loading, loading
        if len(table) >= PAINT_NEXT_TURN_FROM:
            # the cells painted two turns later, their texts laid out in the turn between:
            # the turn a 1M inventory arrives in repaints the panel's filters, count and
            # scroll bar too, and with the table's cells (their texts laid out for the
            # first time) it was ~15-20 ms of the GUI thread (bench/README.md, issue 17,
            # sessions 30 and 31)
            self.view.paint_later()
        top = self.view.rowAt(0)
        top_code = self.model.code_at(top) if top >= 0 else None
        # from the top: a view scrolled past the end of the new rows made Qt walk its
        # rows for seconds (1.1M -> 1M rows, the undo of a large import: ~9 s)
        self.view.scrollToTop()
        if not loading:
            self.model.expected_rows = 0  # (the rows are here: sized for what they are)
        self.model.set_table(table, rows, order)
        if self._refill_choices(table):  # a value chosen is gone: the filter changed
            self.apply_filter()
        if was_loading != loading:
            self._enable(not loading)
        self._update_count()
        at = self.model.view_row_of(top_code) if top_code is not None and top > 0 else None
        if at is not None:  # the row that was at the top, there again
            self.view.scrollTo(self.model.index(at, 0),
                               QAbstractItemView.ScrollHint.PositionAtTop)

    def _refill_choices(self, table: OutfallTable) -> bool:
        """The filter menus' values from ``table`` (only menus whose values changed);
        True when a menu's chosen value is gone and it shows everything again."""
        lost = False
        for key in self.CHOICE_KEYS:
            combo = self.combos[key]
            values = table.choices(key)
            if [combo.itemData(i) for i in range(1, combo.count())] == values:
                continue
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for v in values:
                combo.addItem(v, v)
            at = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(0, at))
            combo.blockSignals(False)
            lost = lost or (chosen is not None and at < 0)
        return lost

    # -- filtering ------------------------------------------------------------------------
    def _schedule(self, *_: Any) -> None:
        self._timer.start()

    def schedule(self) -> None:
        """Re-filter soon (the owner changed the extent or the zone)."""
        self._timer.start()

    def show_only(self, codes: frozenset[str]) -> None:
        """Filter the table to these outfalls (the "仅所选排污口" box, checked)."""
        self.selected = codes
        self.in_selection.setEnabled(True)
        self.in_selection.setToolTip(self.tr("%1 个排污口").replace("%1", str(len(codes))))
        if self.in_selection.isChecked():
            self.apply_filter()
        else:
            self.in_selection.setChecked(True)

    def current_filter(self) -> TableFilter:
        def one(key: str) -> frozenset[str] | None:
            v = self.combos[key].currentData()
            return None if v is None else frozenset({v})

        flag = self.combos["flags"].currentData()
        return TableFilter(
            counties=one("county"), types=one("outfall_type"),
            review_status=one("review_status"), remediation_status=one("remediation_status"),
            flags=None if flag in (None, "__any__") else frozenset({flag}),
            any_flag=flag == "__any__", text=self.search.text(),
            bbox=self.extent if self.in_extent.isChecked() else None,
            zone=self.zone if self.in_zone.isChecked() else None,
            codes=self.selected if self.in_selection.isChecked() else None)

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._update_count()

    def _update_count(self) -> None:
        if self.loading:
            self.count.setText(self.LOADING.text(self.lang))
            return
        self.count.setText(self.tr("%1 / %2 个排污口").replace("%1", str(self.model.rowCount()))
                           .replace("%2", str(len(self.model.table))))

    def _reconnect(self) -> None:
        self._update_count()

    def _size_row_header(self) -> None:
        """Let the model answer the row numbers' header size (one call a section instead
        of Qt measuring each of 200 numbers after every reset), as wide as Qt makes it:
        the widest number and four header margins."""
        header = self.view.verticalHeader()
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        self.model.row_header_metrics = (header.fontMetrics(), header.defaultSectionSize(),
                                         4 * margin)

    # -- keeping up with edits ------------------------------------------------------------
    def shown_rows(self) -> tuple[int, int] | None:
        """The first and last view rows on screen (None: no row is)."""
        top = self.view.rowAt(0)
        if top < 0:
            return None
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        return top, (bottom if bottom >= 0 else self.model.rowCount() - 1)

    def rows_changed(self, table_rows: list[int], fields: Any = None) -> None:
        """An edit changed ``table_rows`` (:meth:`OutfallTableModel.rows_changed`): the
        cells on screen of the columns written are repainted, the others are read when
        scrolled to."""
        self.model.rows_changed(table_rows, fields, self.shown_rows())

    def column_changed(self, key: str) -> None:
        """New values of a whole column (the flags), as :meth:`rows_changed`."""
        self.model.column_changed(key, self.shown_rows())

    # -- selection ------------------------------------------------------------------------
    def selected_codes(self) -> list[str]:
        """The selected outfalls' codes, in view order.  Worked out when the selection
        changes (the user's click, :meth:`select_codes`) and kept: an edit of the 1 000
        selected outfalls then does not walk the selection's ranges again in its own
        event-loop turn (~2–3 ms of it on this machine)."""
        if self._selected is None:
            self._selected = self._codes_of_selection()
        return list(self._selected)

    def _codes_of_selection(self) -> list[str]:
        # by the selection's ranges: selectedRows() makes a QModelIndex per row (1 000
        # selected rows held the GUI thread ~22 ms before an edit, bench/bench_gaps.py)
        rows: set[int] = set()
        for rng in self.view.selectionModel().selection():
            rows.update(range(rng.top(), rng.bottom() + 1))
        return self.model.codes_at(sorted(rows))

    def _forget_selected(self, *_: Any) -> None:
        self._selected = None

    def _forget_if_codes(self, top_left: Any, bottom_right: Any, *_: Any) -> None:
        if top_left.column() <= KEYS.index("code") <= bottom_right.column():
            self._selected = None

    def _on_selection(self, *_: Any) -> None:
        self._reveal_timer.stop()  # the user's own choice in the table: no jump back
        self._selected = self._codes_of_selection()
        self.selection_changed.emit(list(self._selected))

    def select_codes(self, codes: list[str], reveal_later: bool = False) -> None:
        """Select (and scroll to) these outfalls without re-emitting to the map.

        ``reveal_later``: the selection is made now (the actions act on it at once), and
        shown -- the table repainted and scrolled to the first row -- :data:`REVEAL_LATER_MS`
        later, in a turn of its own.  A click on the map selects an outfall whose row is
        almost never in view: the table then paints every visible cell (~5-6 ms at 1M,
        bench/bench_clicks.py), which in the click's own repaint made it one interval of
        ~12 ms with the map and the record card."""
        sm = self.view.selectionModel()
        self.view.blockSignals(True)
        sm.blockSignals(True)
        sm.clearSelection()
        first, first_code = None, None
        from PySide6.QtCore import QItemSelectionModel

        picked: set[int] = set()
        for code in codes:
            r = self.model.view_row_of(code)
            if r is None:
                continue
            if first is None:
                first, first_code = r, code
            picked.add(r)
            sm.select(self.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                      | QItemSelectionModel.SelectionFlag.Rows)
        # no selectionChanged while blocked: the selection is exactly the rows selected
        self._selected = self.model.codes_at(sorted(picked))
        sm.blockSignals(False)
        self.view.blockSignals(False)
        self._reveal_code, self._reveal_row = first_code, first
        if reveal_later:
            self._reveal_timer.start()
        else:
            self._reveal_timer.stop()
            self._reveal()

    def _reveal(self) -> None:
        """Repaint the table for the selection made, and scroll to its first row: the row
        found at the selection if it still holds the code, else found again (a sort or a
        filter may have moved it before a late reveal; a search of the view's million rows
        is ~1 ms)."""
        self.view.viewport().update()
        code, row = self._reveal_code, self._reveal_row
        if code is not None and not (row is not None and row < self.model.rowCount()
                                     and self.model.code_at(row) == code):
            row = self.model.view_row_of(code)
        if row is not None:
            self.view.scrollTo(self.model.index(row, 0))

    def _reveal_in_turns(self) -> None:
        """:meth:`_reveal` for a selection made on the map: scrolled and the texts of the
        rows then shown laid out in this turn, painted in the next (a row far away: all
        new texts, a paint of ~7-8 ms where laid out before it is ~5)."""
        self.view.paint_later(measure_first=False)  # (before the scroll asks for a paint)
        self._reveal()
        self.view.measure_shown()

    # -- export ---------------------------------------------------------------------------
    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出排污口清单"), "排污口清单.xlsx",
                                              self.tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"))
        if path:
            self.export(path)

    def export(self, path: str) -> str:
        return str(export_rows(self.model.table, self.model.rows, path, self.lang))
