"""Wiring of outfall review into the main window: docks, undo stack, map link, saving.

The review uses the window through its declared interface (:class:`ui.window_parts.MapWindow`)
and follows the one change flow and the one selection (docs/ARCHITECTURE.md):

- edits go through the :class:`~models.outfall_session.EditSession` (and the undo stack);
  the workspace announces them (``features_changed``), and the table, the record card and
  the compliance check update from that announcement — as they do for an import
  (``layer_replaced``), its undo, a recovery replay or a sync pull;
- outfalls are named by code everywhere: the table selection, a map pick, a drag, the card
  all read and write ``win.selection``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMessageBox,
)

from geodata import outfall_store, schema
from geodata.io.messages import Message
from geodata.messages import in_language
from models import collation, key_lookup
from models import outfall_edits as oe
from models.memory import release_memory
from models.outfall_session import open_session
from models.outfall_table import OutfallTable, county_names
from models.selection import Selection
from models.text_columns import row_of_code
from ui.background import Runner
from ui.outfalls.actions import CoordinateDialog, FieldDialog, NoteDialog, exec_dialog
from ui.outfalls.flag_checker import SYNC_LIMIT, FlagChecker
from ui.outfalls.record_card import RecordCard, make_thumbnail
from ui.outfalls.table_dock import OutfallTablePanel
from ui.outfalls.table_model import positions_ahead
from ui.outfalls.undo import EditCommand, push_edit
from ui.turns import next_turn
from ui.window_parts import MapWindow

#: up to this many outfalls a replaced layer's table (an import, its undo, a pull) is
#: rebuilt at once (a few ms); above, in the background like a large inventory's first
#: table (bench/bench_gaps.py: ~1 s of GUI thread at 100k)
TABLE_SYNC_ROWS = 5_000
TABLE_CHANNEL = "outfall_table"

AUTOSAVE_MS = 30_000
#: How long a save on the GUI thread waits for readers of the workspace file (seconds):
#: not at all.  The compliance check process reads the file (~1 s at 1M outfalls) and
#: SQLite's commit waits for its readers: with the 5 s of the command line an edit froze
#: the window ~0.8 s, and with 15 ms each edit made during the check's read took 28-33 ms
#: at 1M instead of ~15.  A save held up is kept in the recovery journal and saved again
#: BUSY_RETRY_MS later in the save worker, which waits WORKER_BUSY_WAIT_S.
SAVE_BUSY_WAIT_S = 0.0
#: How long the save worker's save waits for readers.  Not longer: while a commit waits
#: for the readers to let go, SQLite keeps new readers out, the window's own included.
WORKER_BUSY_WAIT_S = 0.015
#: The last save as the window closes may wait this long (the check process ends after).
CLOSING_BUSY_WAIT_S = 2.0
BUSY_RETRY_MS = 250
#: An edit (with the edits still waiting) of this many changes or more is saved in a
#: worker: its transaction held the GUI thread 15-20 ms for 1 000 outfalls
#: (bench/bench_gaps.py).  It is in the recovery journal (fsync'd) when the command
#: returns, and pending — as the status bar says — until the save ends.  Smaller edits
#: are saved at once, as before (a few ms).
SAVE_IN_WORKER_FROM = 100
#: A workspace of this many outfalls or more whose file lacks the review tables and the
#: code index saves find outfalls by (a GeoPackage made elsewhere, never edited here) has
#: its first save in the worker too: that save makes them, and the index over 1M codes
#: held the GUI thread 145-170 ms in the first 确认位置 of one outfall after opening
#: (bench/bench_recheck.py).  Smaller ones take a few ms and are saved at once, as before.
UNPREPARED_IN_WORKER_FROM = 50_000
#: Once the window has settled (first map painted, table and flags there, no edit
#: waiting), a file without the review tables gets them from the save worker, this long
#: after the first paint (and again each time until it has settled): else the first
#: small edit's save made them on the GUI thread, 20-27 ms at 10k outfalls
#: (bench/run_benchmarks.py's re-check) against ~12 ms for a later edit.
PREPARE_AFTER_MS = 1000
#: This long after the first paint the pinyin table that sorts Chinese columns is read in
#: the table's worker (~50-100 ms): else the first sort of a small inventory by a name
#: read it on the GUI thread (bench/README.md, issue 17, session 26).  A small inventory's
#: table, made on the GUI thread as the window opens, gets its code -> row index there
#: too: the first click on an outfall made it (a sort of the codes, ~1-5 ms at 10k).
WARM_SORT_AFTER_MS = 1500
#: This long after the first paint, once the window has settled, the record card makes its
#: 属性 rows, hidden, and this long after paints them once offscreen, each in an idle turn
#: of its own (~2 and ~7 ms): else the first click on an outfall did both in its turns
CARD_ROWS_AFTER_MS = 300
#: An edit of this window on this many outfalls or more is done over several turns of
#: the event loop, each its own: the edit built (its outfalls found, their old values
#: read); applied (the frame written, the journal fsync'd); announced (the map layer's
#: patch, the other listeners); then shown in the inventory table and the record card
#: (both at once, never one without the other); then saved in the worker.  At 1M outfalls
#: the first three in one turn took 15-21 ms of the GUI thread for 1 000 outfalls, and
#: the table's refresh and repaint as much again (bench/bench_gaps.py), over the 16 ms of
#: a frame.  Smaller edits, and changes from elsewhere (a pull's pieces, a recovery), are
#: done and shown in one turn.
VIEWS_NEXT_TURN_FROM = 100
#: The user is told the file is busy only when it stays so this long (a save used to wait
#: this long before it failed).
BUSY_TELL_AFTER_S = 5.0
_MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
         ".heic": "image/heic", ".webp": "image/webp"}


class OutfallReview(QObject):
    def __init__(self, main_window: MapWindow, ws: Any, lang: str = "zh",
                 interactive: bool = True, user: str | None = None) -> None:
        super().__init__(main_window)  # type: ignore[arg-type]
        self.win, self.ws, self.lang, self.interactive = main_window, ws, lang, interactive
        self.messages: list[Message] = []  # what was told to the user (tests read it)
        self._told: set[str] = set()
        self.session, self.lock = open_session(ws, user=user)
        self.stack = QUndoStack(self)
        self.runner = Runner(self)
        self.table_runner = Runner(self)  # tables do not queue behind a check of seconds
        frame = ws.layer("outfalls")
        self.checker = FlagChecker(self.runner, self)
        self.checker.done.connect(self._flags_ready)
        # the check process starts with the first edit of the outfalls, so its start
        # overlaps the re-check's debounce (a large inventory's starts at once, below)
        ws.features_changed.connect(self._warm_checker)
        #: outfalls edited while the table was being made off the GUI thread (None: the
        #: table is not loading); they are updated in it when it arrives
        self._edited_while_loading: set[str] | None = None
        #: a check was asked for while the table was loading: run it when it is there
        self._check_when_loaded = False
        names = county_names(ws.layers.get("counties"), lang)
        large = len(frame) > SYNC_LIMIT
        # a large inventory: a stand-in (no rows, "loading") until the table is made on
        # the worker after the map's first paint; the flags follow the table
        self.table = OutfallTable.from_frame(frame.iloc[0:0] if large else frame, names,
                                             None, lang)
        if not large:
            self.table.set_flag_bits(self.checker.check_now(ws))
        self.panel = OutfallTablePanel(self.table, lang, loading=large,
                                       expected_rows=len(frame))
        self.card = RecordCard(self.session, lang)
        self.table_dock = self._dock("outfallTableDock", self.tr("排污口清单"), self.panel,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.card_dock = self._dock("outfallCardDock", self.tr("一口一档"), self.card,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        # one full-height column: feature details | outfall record
        self.win.tabifyDockWidget(self.win.side_dock, self.card_dock)
        self.win.side_dock.raise_()
        self.win.side_panel.covered_for = self._card_covers_details
        self._build_actions()
        self._connect()
        self._flags_timer = QTimer(self, singleShot=True, interval=400)
        self._flags_timer.timeout.connect(self._recheck)
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self._retry_save)
        self._autosave.start()
        self.session.busy_timeout = SAVE_BUSY_WAIT_S
        self.session.worker_busy_timeout = WORKER_BUSY_WAIT_S
        # a large edit is saved in a worker (SAVE_IN_WORKER_FROM); its own worker: a
        # save never waits behind a check or a table
        self.save_runner = Runner(self)
        # begun from the next event-loop turn, so that the worker's share of the GIL does
        # not lengthen the turn of the edit and its listeners
        self._save_soon = QTimer(self, singleShot=True, interval=0)
        self._save_soon.timeout.connect(self._save_after_views)
        #: a save waits for the views' refresh of the edit (_save_after_views)
        self._save_waits = False
        #: whether the next save makes a large workspace's review tables (None: not looked)
        self._unprepared: bool | None = None
        #: the save worker is making the file's review tables (saves wait behind it there)
        self._preparing = False
        self._prepare_timer = QTimer(self, singleShot=True, interval=PREPARE_AFTER_MS)
        self._prepare_timer.timeout.connect(self._prepare_file)
        self.session.saver = self._save_edit
        self._views_due: list[tuple[list[str], Any]] = []
        self._views_timer = QTimer(self, singleShot=True, interval=0)
        self._views_timer.timeout.connect(self._refresh_due_views)
        # a large edit applied from the turn after the one that built it, and announced
        # from the turn after that (timers, not posted calls: Qt delivers a call posted
        # while it delivers posted calls in the same pass, with no other event between)
        self._applies_due: list[Callable[[], None]] = []
        self._apply_timer = QTimer(self, singleShot=True, interval=0)
        self._apply_timer.timeout.connect(self._apply_due)
        self._announces_due: list[Callable[[], None]] = []
        self._announce_timer = QTimer(self, singleShot=True, interval=0)
        self._announce_timer.timeout.connect(self._announce_due)
        self.session.announce_later = self._announce_later
        self._busy_retry = QTimer(self, singleShot=True, interval=BUSY_RETRY_MS)
        self._busy_retry.timeout.connect(self._retry_save)
        self._busy_since: float | None = None
        if self.session.readonly and self.session.readonly_reason is not None:
            self.notify(self.session.readonly_reason, warn=True)
        else:
            self._offer_recovery()
        if not self.session.readonly:
            self.win.canvas.after_first_paint(self._prepare_timer.start)
        self.win.canvas.after_first_paint(
            lambda: QTimer.singleShot(WARM_SORT_AFTER_MS, self, self._warm_sorting))
        self.win.canvas.after_first_paint(
            lambda: QTimer.singleShot(CARD_ROWS_AFTER_MS, self, self._prepare_card))
        if large:
            self._edited_while_loading = set()
            self._check_when_loaded = True
            # the map's hit index after the table: both at once, the table's turns waited
            self.win.canvas.renderer.hit_index_waits.append(lambda: self.loading)
            self.win.canvas.after_first_paint(lambda: self._load_table(self.lang))
            # the first check begins in its process while the table is made (the table
            # then takes its answer): the flags follow the table in a moment, not seconds.
            # The process starts now: its imports (~1-2 s, at a lower priority than the
            # window) are done by then
            self.checker.warm_up()
            self.win.canvas.after_first_paint(self._check_early)

    # -- construction ---------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: Any, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.win)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.win.addDockWidget(area, dock)
        self.win.m_view.addAction(dock.toggleViewAction())
        return dock

    def _build_actions(self) -> None:
        # own actions rather than QUndoStack.createUndoAction: its prefix ("撤销") is fixed
        # at creation, and the language can change while the window is open
        self.undo_action = QAction(self.win)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.triggered.connect(self.stack.undo)
        self.redo_action = QAction(self.win)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.triggered.connect(self.stack.redo)
        for sig in (self.stack.indexChanged, self.stack.cleanChanged):
            sig.connect(self._update_undo_texts)
        self._update_undo_texts()
        self.win.m_edit.addActions([self.undo_action, self.redo_action])
        self.win.addAction(self.undo_action)
        self.win.addAction(self.redo_action)
        self._build_move_tool()

    def _update_undo_texts(self, *_: Any) -> None:
        def text(i: int) -> str:  # the edit's description in the current language
            cmd = self.stack.command(i) if 0 <= i < self.stack.count() else None
            return cmd.edit.description().text(self.lang) if isinstance(cmd, EditCommand) \
                else ""

        i = self.stack.index()
        for action, can, what, word in (
                (self.undo_action, self.stack.canUndo(), text(i - 1), self.tr("撤销")),
                (self.redo_action, self.stack.canRedo(), text(i), self.tr("重做"))):
            action.setEnabled(can)
            action.setText(f"{word} {what}" if can and what else word)

    def _build_move_tool(self) -> None:
        """A map tool (beside pan/zoom/measure) that moves outfalls by dragging them."""
        canvas = self.win.canvas
        a = QAction(self.tr("拖动移动排污口"), self.win)  # type: ignore[arg-type]
        a.setCheckable(True)
        a.setToolTip(self.tr("在地图上按住排污口拖到新位置（Esc 取消，可撤销）"))
        a.setStatusTip(a.toolTip())
        a.setEnabled(not self.session.readonly)
        a.toggled.connect(lambda on: on and canvas.set_tool("move_point"))
        self.win.tool_group.addAction(a)
        for target in (self.win.m_tools, self.win.toolbar):
            # beside the measure tools (before the search box), not after everything
            acts = target.actions()
            anchor = self.win.a_marea
            if anchor in acts and acts.index(anchor) + 1 < len(acts):
                target.insertAction(acts[acts.index(anchor) + 1], a)
            else:
                target.addAction(a)
        self.move_tool_action = a

    def _connect(self) -> None:
        # the one change flow: whoever changed the outfalls, the workspace says so
        self.ws.features_changed.connect(self._on_features_changed)
        self.ws.layer_replaced.connect(self._on_layer_replaced)
        # which selected outfalls a replaced layer still holds: looked up where it is read
        self.ws.add_read_preparer("review", self._prepare_alive)
        self.session.save_failed.connect(self._save_failed)
        self.session.journal_failed.connect(lambda m: self.notify(m, warn=True,
                                                                  once="journal"))
        self.session.saved.connect(self._saved)
        self._connect_views()
        self.win.selection.changed.connect(self._on_selection)
        canvas = self.win.canvas
        canvas.view_changed.connect(self._view_changed)
        canvas.feature_dragged.connect(self._dragged)
        canvas.set_draggable("outfalls", not self.session.readonly)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _connect_views(self) -> None:
        self.panel.selection_changed.connect(self._table_selected)
        self.panel.activated.connect(self.open_card)
        self.panel.bulk_requested.connect(self.request)
        self.panel.extent_filter_toggled.connect(self._update_zone)
        self.card.action_requested.connect(self.request)

    # -- language -------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        """Show the docks in ``lang`` (the translator is already installed by the window).

        The table and card hold only views of the session, so they are rebuilt in the new
        language; the filters, the selection and the open record are carried over."""
        if lang == self.lang:
            return
        self._rebuild(lang)

    def _rebuild(self, lang: str, background_above: int | None = None) -> None:
        """New table, panel and card over the session's frame, in ``lang``, keeping the
        filters, the selection and the open record (a language switch, a replaced layer).
        A large inventory is made on the worker; the old table shows until it arrives."""
        self.lang = lang
        frame = self.session.frame
        limit = SYNC_LIMIT if background_above is None else background_above
        if len(frame) > limit:
            if self.loading:  # the stand-in says "loading" in the new language
                self._install_table(OutfallTable.from_frame(
                    frame.iloc[0:0], county_names(self.ws.layers.get("counties"), lang),
                    None, lang), None, loading=True)
            self._load_table(lang)
            return
        table = OutfallTable.from_frame(
            frame, county_names(self.ws.layers.get("counties"), lang), None, lang)
        if self.checker.bits is not None:
            table.set_flag_bits_for(self.checker.bits, self.checker.codes)
        if self.loading:
            # a table still being made in the worker, of the rows as they were, would come
            # after this one and show them over it: it is dropped (the edits made while it
            # was made are in this frame); the check it held back runs now
            self.table_runner.cancel(TABLE_CHANNEL)
            self._edited_while_loading = None
            if self._check_when_loaded:
                self._check_when_loaded = False
                self._flags_timer.start()
        self._install_table(table, None)

    def settled(self) -> bool:
        """The table is there and no compliance check is due or running."""
        return not self.loading and not self._check_when_loaded \
            and not self.checker.running and not self._flags_timer.isActive()

    @property
    def loading(self) -> bool:
        """The inventory table is being made (the docks say so; the card works)."""
        return self._edited_while_loading is not None

    def _load_table(self, lang: str) -> None:
        """Make the table (display strings, code order, flags of the last check) on the
        worker, from a snapshot of the outfalls; :meth:`_table_loaded` installs it."""
        if self._edited_while_loading is None:
            self._edited_while_loading = set()
        # a snapshot: its columns shared, copy-on-write keeps it as it is when the frame is
        # written (a deep copy held the GUI thread ~10-35 ms at 1M outfalls)
        frame = self.session.frame.copy(deep=False)
        names = county_names(self.ws.layers.get("counties"), lang)
        bits, codes = self.checker.bits, self.checker.codes
        # the rows in the panel's sort order (a new panel's: the code's)
        model = self.panel.model
        order = (model.sort_key, model.descending) if self.panel.lang == lang else ("code", False)

        def work(_token: Any) -> tuple[OutfallTable, Any]:
            table = _table_of(frame, names, lang, bits, codes)
            rows = table.view(None, order[0], order[1])
            positions_ahead(rows, len(table))  # (here, not in the turns it arrives in)
            # the build's and the code sort's temporaries stay in this worker thread's
            # malloc arena and Arrow's pool unless given back
            release_memory()
            return table, rows

        # its own worker: a table must not wait behind a compliance check of seconds
        self.table_runner.submit(work, lambda res: self._table_loaded(res, lang, bits, order),
                                 channel=TABLE_CHANNEL, on_error=self._table_failed)

    def _table_loaded(self, result: tuple[OutfallTable, Any], lang: str, bits: Any,
                      order: tuple[str | None, bool]) -> None:
        """The table made on the worker: shown in the panel there is, in this turn (a
        replaced layer, the inventory once loaded); in a new panel and card after a
        language switch — made in this event-loop turn and put in the docks in the next
        (:meth:`_table_arrived`; at once the two were ~20 ms of the GUI thread)."""
        table, rows = result
        if lang != self.lang:  # the language changed meanwhile: make it again
            self._load_table(self.lang)
            return
        if self.panel.lang == lang:
            self._table_arrived(table, rows, lang, bits, order, None)
            return
        made = (OutfallTablePanel(table, lang, rows=rows), RecordCard(self.session, lang))
        next_turn(self, lambda: self._table_arrived(table, rows, lang, bits, order, made))

    def _table_arrived(self, table: OutfallTable, rows: Any, lang: str, bits: Any,
                       order: tuple[str | None, bool],
                       made: tuple[OutfallTablePanel, RecordCard] | None) -> None:
        if lang != self.lang:  # the language changed in between: make it again
            for widget in made or ():
                widget.deleteLater()
            self._load_table(self.lang)
            return
        edited, self._edited_while_loading = self._edited_while_loading or set(), None
        if edited:  # edits made while it was being made
            table.update_rows(self.session.frame, sorted(edited))
            rows = None
        if self.checker.bits is not None and self.checker.bits is not bits:
            table.set_flag_bits_for(self.checker.bits, self.checker.codes)
            rows = None
        if rows is None and made is not None:  # made for the rows as they were: not so
            for widget in made:
                widget.deleteLater()
            made = None
        self._install_table(table, rows, made=made, order=order)
        if self._check_when_loaded:
            self._check_when_loaded = False
            self._recheck()

    def _table_failed(self, exc: BaseException) -> None:
        import logging

        logging.getLogger(__name__).error("outfall table failed", exc_info=exc)
        self._edited_while_loading = None
        self._check_when_loaded = False  # no table to flag
        self.notify(Message("排污口清单加载失败：" + str(exc),
                            "the outfall inventory could not be loaded: " + str(exc)), warn=True)

    def _install_table(self, table: OutfallTable, rows: Any, loading: bool = False,
                       made: tuple[OutfallTablePanel, RecordCard] | None = None,
                       order: tuple[str | None, bool] | None = ("code", False)) -> None:
        """Show ``table``, keeping the panel's filters, the selection and the open record
        (``loading``: a stand-in while the table is made; ``rows``: its view in
        ``order``): in the panel and card there are, unless the language changed — then
        in a new panel and card (``made``: already made for ``table`` and ``rows``)."""
        if made is None and self.panel.lang == self.lang:
            self._show_table(table, rows, order, loading)
            return
        lang = self.lang
        old_panel, old_card = self.panel, self.card
        selected, code = old_panel.selected_codes(), old_card.code
        sel = self.win.selection.current
        if not selected and sel.layer == "outfalls":  # chosen on the map while loading
            selected = list(sel.keys)
        checks = (old_panel.in_extent.isChecked(), old_panel.in_zone.isChecked(),
                  old_panel.in_selection.isChecked())
        combos = {k: c.currentData() for k, c in old_panel.combos.items()}
        self.table = table
        self.panel, self.card = made if made is not None else (
            OutfallTablePanel(self.table, lang, rows=rows, loading=loading,
                              expected_rows=old_panel.model.expected_rows),
            RecordCard(self.session, lang))
        self.panel.selected = old_panel.selected
        self.panel.in_selection.setEnabled(old_panel.selected is not None)
        self.panel.extent, self.panel.zone = old_panel.extent, old_panel.zone
        for key, value in combos.items():
            combo = self.panel.combos[key]
            combo.setCurrentIndex(max(0, combo.findData(_translated(key, value, old_panel,
                                                                    self.table, lang))))
        self.panel.in_extent.setChecked(checks[0])
        self.panel.in_zone.setChecked(checks[1])
        self.panel.in_selection.setChecked(checks[2])
        self.panel.search.setText(old_panel.search.text())
        self.panel.apply_filter()
        self._connect_views()
        self.table_dock.setWidget(self.panel)
        self.card_dock.setWidget(self.card)
        old_panel.deleteLater()
        old_card.deleteLater()
        if selected:
            self.panel.select_codes(selected)
        if code and (loading or self.table.row_of(code) is not None):
            self.card.show_outfall(code)
        self._retitle()

    def _show_table(self, table: OutfallTable, rows: Any, order: tuple[str | None, bool] | None,
                    loading: bool) -> None:
        """``table`` in the panel and card there are (:meth:`_install_table`): the view's
        selection and the open record are made again of what the table still holds."""
        selected, code = self.panel.selected_codes(), self.card.code
        sel = self.win.selection.current
        if not selected and sel.layer == "outfalls":  # chosen on the map while loading
            selected = list(sel.keys)
        self.table = table
        self.panel.set_table(table, rows, order, loading)
        if selected:
            self.panel.select_codes(selected)
        if code and (loading or self.table.row_of(code) is not None):
            self.card.show_outfall(code)  # the import may have changed its record

    def _retitle(self) -> None:
        self.table_dock.setWindowTitle(self.tr("排污口清单"))
        self.card_dock.setWindowTitle(self.tr("一口一档"))
        self._update_undo_texts()
        a = self.move_tool_action
        a.setText(self.tr("拖动移动排污口"))
        a.setToolTip(self.tr("在地图上按住排污口拖到新位置（Esc 取消，可撤销）"))
        a.setStatusTip(a.toolTip())

    # -- messages -------------------------------------------------------------------------
    def _status(self, m: Message) -> None:
        self.win.statusBar().showMessage(m.text(self.lang), 6000)

    def notify(self, m: Message, warn: bool = False, once: str | None = None) -> None:
        """Tell the user: the status bar, and a dialog for a warning (``once``: a kind of
        warning shown in a dialog only the first time)."""
        self.messages.append(m)
        self._status(m)
        if self.interactive and warn and (once is None or once not in self._told):
            if once:
                self._told.add(once)
            QMessageBox.warning(self.win, self.tr("排污口核查"), m.text(self.lang))

    # -- editing --------------------------------------------------------------------------
    def do(self, edit: oe.Edit) -> oe.Edit | None:
        """Apply an edit through the session and the undo stack; None if it was refused."""
        try:
            return push_edit(self.stack, self.session, edit, self.lang,
                             lambda m: self.notify(m, warn=True))
        except oe.EditRejected as exc:
            self.notify(exc.message, warn=True)
            return None

    def targets(self) -> list[str]:
        sel = self.panel.selected_codes()
        if sel:
            return sel
        return [self.card.code] if self.card.code else []

    def request(self, action: str) -> None:
        codes = self.targets()
        if not codes:
            self.notify(Message("请先在清单或地图上选择排污口。", "select outfalls first."), warn=True)
            return
        frame = self.session.frame
        try:
            if action == "confirm":
                self._build_and_do(lambda f: oe.confirm_location(f, codes), len(codes))
            elif action == "move":
                self._move_dialog(codes[0])
            elif action == "set":
                labels = {f.name: Message(f.label_zh, f.label_en).text(self.lang)
                          for f in schema.OUTFALL_FIELDS}
                dlg = FieldDialog(len(codes), labels, self.win)
                if exec_dialog(dlg):
                    fld, value, note = dlg.result_value()
                    self._build_and_do(lambda f: oe.set_fields(f, codes, {fld: value}, note=note),
                                       len(codes))
            elif action == "code":
                self._code_dialog(codes[0])
            elif action == "note":
                dlg = NoteDialog(len(codes), self.win)
                if exec_dialog(dlg) and dlg.result_value():
                    self.do(oe.add_note(frame, codes, dlg.result_value()))
            elif action == "photo":
                paths, _ = QFileDialog.getOpenFileNames(
                    self.win, self.tr("添加照片"), "", self.tr("图片 (*.jpg *.jpeg *.png *.webp)"))
                for p in paths:
                    self.add_photo(codes[0], Path(p))
        except oe.EditRejected as exc:
            self.notify(exc.message, warn=True)

    def _build_and_do(self, build: Callable[[Any], oe.Edit], n: int) -> None:
        """``self.do(build(frame))``; for an edit of ``VIEWS_NEXT_TURN_FROM`` outfalls or
        more, built in this turn and applied from the next (see there).  It is applied as
        built unless the workspace was written meanwhile (an edit, a pull, an undo): then
        it is built again from the frame as it is, so its old values (what undo puts back)
        are the ones it replaces.  A refusal (EditRejected) is raised here, as before."""
        edit = build(self.session.frame)
        if n < VIEWS_NEXT_TURN_FROM:
            self.do(edit)
            return
        ws = self.session.ws
        revision = ws.revision

        def apply() -> None:
            try:
                self.do(edit if ws.revision == revision else build(self.session.frame))
            except oe.EditRejected as exc:
                self.notify(exc.message, warn=True)

        self._applies_due.append(apply)
        self._apply_timer.start()

    def _apply_due(self) -> None:
        due, self._applies_due = self._applies_due, []
        for apply in due:
            apply()

    def _announce_later(self, edit: oe.Edit, announce: Callable[[], None]) -> bool:
        """The session's ``announce_later``: a large edit of this window (not a rename,
        which replaces the layer) is announced from the next event-loop turn."""
        if edit.renames or len(edit.all_codes) < VIEWS_NEXT_TURN_FROM:
            return False
        self._announces_due.append(announce)
        self._announce_timer.start()
        return True

    def _announce_due(self) -> None:
        due, self._announces_due = self._announces_due, []
        try:
            for announce in due:
                announce()
        finally:  # no views queued by them: the save that waited begins
            if self._save_waits and not self._views_due:
                self._save_waits = False
                self._save_soon.start()

    def _code_dialog(self, code: str) -> None:
        """赋正式编码: an outfall found on patrol (待编码-…) gets its real code; an
        undoable edit whose audit row names the old code.  The selection follows it."""
        new, ok = QInputDialog.getText(
            self.win, self.tr("赋正式编码"),
            self.tr("%1 的正式编码（如 PWK350582H0123）：").replace("%1", code))  # type: ignore[arg-type]
        if not ok or not new.strip():
            return
        done = self.do(oe.set_code(self.session.frame, code, new.strip()))
        if done is not None:
            self.win.selection.select("outfalls", [new.strip()], "table")
            self.panel.select_codes([new.strip()])

    def _move_dialog(self, code: str) -> None:
        frame = self.session.frame
        row = row_of_code(frame, code)  # (re-indexing a million rows by code: ~0.1 s)
        if row is None:
            self.notify(Message(f"未知排污口编码：{code}", f"unknown outfall code: {code}"),
                        warn=True)
            return
        g = frame.geometry.iloc[row]
        dlg = CoordinateDialog(code, g.x, g.y, self.win)
        if exec_dialog(dlg) and dlg.value is not None:
            lon, lat, crs, note = dlg.value
            self.do(oe.move(self.session.frame, code, lon, lat, crs, note))

    def add_photo(self, code: str, path: Path, note: str = "") -> oe.Edit | None:
        """Copy a photo into the workspace (BLOB, with a thumbnail) as an undoable edit."""
        data = path.read_bytes()
        edit = oe.add_photo(self.session.frame, code, path.name, data,
                            _MIME.get(path.suffix.lower(), "application/octet-stream"),
                            make_thumbnail(data), note, self.session.user)
        return self.do(edit)

    def _dragged(self, layer: str, code: str, lon: float, lat: float) -> None:
        """An outfall dragged on the map: the canvas names it by its code."""
        if layer != "outfalls":
            return
        try:
            done = self.do(oe.move(self.session.frame, code, lon, lat, "cgcs2000"))
        except oe.EditRejected as exc:
            self.notify(exc.message, warn=True)
            return
        if done is not None:
            self.win.selection.select("outfalls", [code], "map")
            self._status(Message(f"已移动 {code} 至 {lon:.6f}, {lat:.6f}（Ctrl+Z 撤销）",
                                 f"moved {code} to {lon:.6f}, {lat:.6f} (Ctrl+Z to undo)"))

    # -- keeping views in step ------------------------------------------------------------
    def _on_features_changed(self, layer: str, codes: list[str], fields: Any = None) -> None:
        if layer != "outfalls":
            return
        if self._edited_while_loading is not None:
            self._edited_while_loading.update(str(c) for c in codes)
        self._flags_timer.start()
        if self.session.announcing is not None and len(codes) >= VIEWS_NEXT_TURN_FROM:
            # a large edit of this window: the table and the card, together, in the next
            # event-loop turn (the map is re-rendered from then too)
            self._views_due.append((list(codes), fields))
            self._views_timer.start()
            return
        self._refresh_views(codes, fields)

    def _refresh_views(self, codes: list[str], fields: Any) -> None:
        # only the columns showing the fields written (确认位置: 核查状态 alone)
        rows = self.table.update_rows(self.session.frame, codes, fields)
        self.panel.rows_changed(rows, fields)
        self.card.refresh(codes)

    def _refresh_due_views(self) -> None:
        due, self._views_due = self._views_due, []
        try:
            for codes, fields in due:
                self._refresh_views(codes, fields)
        finally:  # (a view that fails to refresh must not hold the save back)
            if self._save_waits:  # from the next turn: after Qt's repaint, posted meanwhile
                self._save_waits = False
                self._save_soon.start()

    def save_before_reload(self, layer: str) -> bool:
        """Before the window reads ``layer`` again from the file (an import, its undo):
        save the edits a busy file held up (the import's own transaction), so the file
        holds them — True when it saved some: a read made before lacks them.
        :meth:`keep_unsaved` puts back what still could not be saved."""
        if layer != "outfalls" or not self.session.pending:
            return False
        n = len(self.session.pending)
        self.session.save()
        return len(self.session.pending) < n

    def keep_unsaved(self, layer: str) -> None:
        """After ``layer`` was read again: edits still unsaved are written into the new
        frame again (the file lacks them) and announced; their save is retried as usual."""
        if layer == "outfalls" and self.session.pending:
            self.session.reapply_pending()

    def _on_layer_replaced(self, layer: str) -> None:
        """An import, its undo or a pull added or removed outfalls: rebuild the table from
        the workspace's frame, keep filters and what is still there of the selection."""
        if layer != "outfalls":
            return
        # which of the selected outfalls and the open record are still there: found where
        # the layer was read (an import, its undo), else one pass over the codes for those
        # few here (6-12 ms at 1M outfalls; a list of every key was 0.1 s)
        sel = self.win.selection.current
        asked = self._asked_codes()
        known = self.ws.take_prepared("outfalls", "review")
        if known is not None and known[0] >= set(asked):
            alive = known[1] & set(asked)
        else:
            alive = _codes_alive(self.ws.layer("outfalls"), asked)
        self.win.selection.forget("outfalls", [k for k in sel.keys if k in alive])
        if self.card.code is not None and self.card.code not in alive:
            self.card.show_outfall(None)
        # above TABLE_SYNC_ROWS on the worker, from a snapshot; the old table shows until
        # then and edits made meanwhile are applied to the new one when it arrives
        self._rebuild(self.lang, background_above=TABLE_SYNC_ROWS)
        self._flags_timer.start()

    def _asked_codes(self) -> list[str]:
        """The selected outfalls' codes and the open record's: what a replaced layer must
        still hold for them to stay (read on the GUI thread, or by a preparer as it was a
        moment ago: the GUI thread checks it asks no more than that)."""
        sel, code = self.win.selection.current, self.card.code
        asked = list(sel.keys) if sel.layer == "outfalls" else []
        return asked + [code] if code is not None else asked

    def _prepare_alive(self, layer: str, frame: Any, _keys: Any) -> Any:
        """In the worker that read a replaced layer (``Workspace.add_read_preparer``): the
        codes asked for then, and those of them the new frame holds."""
        if layer != "outfalls":
            return None
        asked = self._asked_codes()
        return frozenset(asked), _codes_alive(frame, asked)

    def _recheck(self) -> None:
        if self.loading:
            self._check_when_loaded = True  # the table, once made, starts the check
            return
        # after a change always in the background, even a small inventory's (10k outfalls
        # held the GUI thread ~0.3 s: bench/bench_gaps.py); the flags' column is made on
        # the worker too, for the table as it is now.  Only the first check may run at once.
        # In the check process, which reads the file, unless edits wait unsaved there.
        # An edit held up by a busy file is about to be saved: check once it is
        if self.session.pending and (self._busy_retry.isActive() or self.session.saving):
            self._flags_timer.start()  # (or being saved in the worker: in a moment)
            return
        self.checker.start(self.ws, prepare_for=self.table,
                           from_file=not self.session.pending)

    def _check_early(self) -> None:
        if not self.session.pending:  # else the file is behind: the table's check then
            self.checker.start_early(self.ws)

    def _warm_checker(self, layer: str, _keys: Any) -> None:
        if layer == "outfalls":
            self.checker.warm_up()

    def _flags_ready(self, bits: Any, codes: Any) -> None:
        # the newest check only (older ones are dropped by the runner); aligned by code,
        # so a check that saw the inventory a moment ago never restarts itself
        if self.loading:
            return  # the table being made takes the checker's bits when it arrives
        prepared = self.checker.prepared
        # made for this table: its rows never move (an edit changes values, update_rows),
        # so the columns fit even if edits were applied since (the next check follows)
        if prepared is not None and prepared[0] is self.table:
            self.table.set_flag_columns(prepared[2], prepared[3])
        elif len(self.table) > TABLE_SYNC_ROWS:
            self.checker.align(self.table)  # a table made since: aligned on the worker
            return
        else:
            self.table.set_flag_bits_for(bits, codes)
        self.panel.column_changed("flags")

    def _save_failed(self, err: Any) -> None:
        # a file busy with a reader (the check process, another program): the edit waits
        # in the recovery journal and is saved again shortly; the user hears of it only
        # when the file stays busy
        if err.kind == "busy":
            now = time.monotonic()
            if self._busy_since is None:
                self._busy_since = now
            self._busy_retry.start()
            if now - self._busy_since < BUSY_TELL_AFTER_S:
                return
        self.notify(err.message, warn=True, once=err.kind)

    def _saved(self, n: int) -> None:
        self._busy_since = None
        self._status(Message(f"已保存 {n} 项修改", f"saved {n} edits"))

    def _retry_save(self) -> None:
        if self.session.pending:
            self._save_in_background()

    def _save_edit(self) -> None:
        """An edit was applied and journaled: save it — a small one at once, as before (a
        few ms; the file holds it when the command returns), a large one, any while a
        save runs in the worker (after it, in order), or the first one that makes a large
        workspace's review tables (:data:`UNPREPARED_IN_WORKER_FROM`), in the worker."""
        if self.session.saving or sum(len(e.changes) for e in self.session.pending) \
                >= SAVE_IN_WORKER_FROM or self._saving_prepares():
            self._save_soon.start()
        else:
            self.session.save()

    def _saving_prepares(self) -> bool:
        """Whether the next save makes the review tables and code index of a workspace of
        :data:`UNPREPARED_IN_WORKER_FROM` outfalls or more (looked at once, ~1 ms; until a
        save ends well, which made them), or the worker is making them now (the save then
        waits behind it there rather than for the file's lock on the GUI thread)."""
        if self._preparing:
            return True
        if self._unprepared is None:
            self._unprepared = len(self.session.frame) >= UNPREPARED_IN_WORKER_FROM \
                and not outfall_store.review_tables_ready(self.ws.path)
        return self._unprepared

    def _save_after_views(self) -> None:
        """The worker's save of an edit begins once the table and card show the edit and
        Qt has repainted them: the save's Python part (the batches, the journal's trim)
        held the GIL against that refresh and repaint, whose 3-5 ms of the GUI thread's
        CPU then took 10-25 ms (bench/bench_gaps.py; each call into Qt hands the GIL over
        and waits to get it back).  The edit is in the journal already."""
        if self._views_due or self._announces_due:
            self._save_waits = True  # _refresh_due_views (_announce_due) starts it again
            return
        self._save_in_background()

    def _save_in_background(self) -> None:
        """Save the pending edits in the save worker (one save at a time, in order: edits
        made meanwhile are saved when it ends)."""
        job = self.session.start_save()
        if job is None:
            return  # nothing to save, or a save under way (its end starts the next)
        self.save_runner.submit(lambda _token: job.run(), lambda _r: self._save_ended(job),
                                on_error=lambda _exc: self._save_ended(job))

    def _prepare_card(self) -> None:
        """The record card's 属性 rows made, then (in a turn of its own) laid out and
        painted once offscreen: the first click on an outfall finds them ready."""
        # once the window has settled: while a big inventory's table is made, the worker
        # holds the GIL often, and the ~30 Qt calls of each step waited for it (a 30-45 ms
        # turn at 1M outfalls where the same steps take ~2 and ~7 ms)
        if not self.settled():
            QTimer.singleShot(CARD_ROWS_AFTER_MS, self, self._prepare_card)
            return
        self.card.prepare_rows()
        QTimer.singleShot(CARD_ROWS_AFTER_MS, self, self._warm_card)

    def _warm_card(self) -> None:
        if not self.settled():
            QTimer.singleShot(CARD_ROWS_AFTER_MS, self, self._warm_card)
            return
        self.card.warm_rows()

    def _warm_sorting(self) -> None:
        # behind the table's own build at 1M (one worker, in order); a table made in the
        # worker has its code index already (_table_of), one made here is given it
        table = self.table

        def warm(_token: Any) -> None:
            collation.warm()
            table.row_of("")

        self.table_runner.submit(warm)

    def _prepare_file(self) -> None:
        """Give the file its review tables in the save worker once the window has
        settled (:data:`PREPARE_AFTER_MS`); a file that has them is only looked at."""
        if self._unprepared is False or self._preparing:
            return
        if not self.settled() or self.session.pending or self.session.saving:
            self._prepare_timer.start()  # start-up, or an edit, still under way
            return
        self._preparing = True
        path = self.ws.path  # (a reader of the file, another program's: waited for here)
        writer = None if self.session.readonly else self.session.writer

        def prepare(_token: Any) -> None:
            outfall_store.prepare_review_tables(path, 2.0)
            if writer is not None:
                # the saves' connection opened here too: opened by the first edit's save
                # it was ~2 ms of that edit's turn on the GUI thread at 1M outfalls (no
                # save runs meanwhile: they wait in this worker while it prepares)
                writer.connection(2.0)

        self.save_runner.submit(prepare, lambda _made: self._file_prepared(True),
                                on_error=lambda _exc: self._file_prepared(False))

    def _file_prepared(self, ok: bool) -> None:
        # a file that could not be prepared (read-only, busy): its first save makes the
        # tables, as before, and says why it failed if it does
        self._preparing = False
        if ok:
            self._unprepared = False

    def _save_ended(self, job: Any) -> None:
        ok = self.session.finish_save(job)
        if ok:
            self._unprepared = False  # the save made the review tables
        # edits made while it ran; after a failure the busy retry (or the next edit) saves
        if ok and self.session.pending and not self.session.saving:
            self._save_in_background()

    def _offer_recovery(self) -> None:
        edits = self.session.recoverable()
        if not edits:
            return
        text = Message(f"发现 {len(edits)} 项上次未保存的修改（程序异常退出或保存失败）。是否恢复？",
                       f"{len(edits)} edits from last time were not saved (crash or failed "
                       "save). Recover them?")
        self.messages.append(text)
        if not self.interactive:
            return
        answer = QMessageBox.question(self.win, self.tr("恢复未保存的修改"), text.text(self.lang))
        if answer == QMessageBox.StandardButton.Yes:
            self.session.recover(edits)
        else:
            self.session.discard_recovery()

    # -- the one selection ----------------------------------------------------------------
    def _table_selected(self, codes: list[str]) -> None:
        if len(codes) == 1:
            self.card.show_outfall(codes[0])
        if codes:
            self.win.selection.select("outfalls", codes, "table")

    def _on_selection(self, sel: Selection, source: str) -> None:
        if sel.layer != "outfalls":
            self._update_zone()
            if sel.layer:
                if source == "map" and self.win.side_panel.behind():
                    # the map's ring in this turn; the zone's details made and painted next
                    self.win.side_panel.come_forward_next_turn()
                self.win.side_dock.raise_()  # a zone: its access list, tasks and indicators
            return
        if source == "stats" or len(sel.keys) > 1 and source != "table":
            # a set of outfalls chosen elsewhere (a statistics bar): filter the table to it
            self.panel.show_only(frozenset(sel.keys))
        if source != "table":
            # one outfall picked on the map: its row shown a moment later, in a repaint
            # of its own (OutfallTablePanel.select_codes); the selection itself now
            self.panel.select_codes(list(sel.keys),
                                    reveal_later=source == "map" and len(sel.keys) == 1)
        if len(sel.keys) == 1:
            if source == "map" and self._card_behind():
                # the map's ring in this turn; the card's texts and paint in the next ones
                self.card.show_outfall_in_turns(sel.keys[0])
            else:
                self.card.show_outfall(sel.keys[0])
            self.card_dock.raise_()  # an outfall: its record (一口一档)

    def _card_behind(self) -> bool:
        """Whether the record card is open but off screen, behind another dock's tab."""
        return not self.card_dock.isHidden() and self.card.visibleRegion().isEmpty()

    def _card_covers_details(self, layer: str) -> bool:
        """Whether one outfall's selection brings the record card over 要素详情 (as
        :meth:`_on_selection` raises it): only while the card is open in the same column
        of tabs, not closed or floated away."""
        dock = self.card_dock
        return layer == "outfalls" and not dock.isHidden() and not dock.isFloating() \
            and dock in self.win.tabifiedDockWidgets(self.win.side_dock)

    def open_card(self, code: str) -> None:
        self.card.show_outfall(code)
        self.card_dock.show()
        self.card_dock.raise_()
        r = self.table.row_of(code)
        if r is None:
            return
        x, y, pad = float(self.table.x[r]), float(self.table.y[r]), 0.01
        if x == x and y == y:  # an outfall without coordinates cannot be zoomed to
            self.win.zoom_to_lonlat((x - pad, y - pad, x + pad, y + pad))
        self.win.selection.select("outfalls", [code], "table")

    def _view_changed(self, view: Any) -> None:
        from layers.mercator import to_lonlat

        x0, y0, x1, y1 = view.bbox
        lon0, lat0 = to_lonlat(x0, y0)
        lon1, lat1 = to_lonlat(x1, y1)
        self.panel.extent = (float(lon0), float(lat0), float(lon1), float(lat1))
        if self.panel.in_extent.isChecked():
            self.panel.schedule()

    def _update_zone(self) -> None:
        """The selected zone (a polygon of any layer) for the "only selected zone" filter."""
        sel = self.win.selection.current
        zone = None
        if sel.layer and sel.layer != "outfalls" and sel.layer in self.ws.layers \
                and len(sel.keys) == 1:
            row = self.ws.row_of(sel.layer, sel.keys[0])
            g = self.ws.layers[sel.layer].geometry.iloc[row] if row is not None else None
            if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
                zone = g
        self.panel.zone = zone
        if self.panel.in_zone.isChecked():
            self.panel.schedule()

    # -- closing --------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Final save and release the workspace lock (unsaved edits stay in the journal).
        An edit built but not applied yet (the window closed in the turn after a click)
        is applied first, then saved with the others."""
        self._apply_timer.stop()
        self._apply_due()
        self._announce_timer.stop()
        self._announce_due()
        if self.session.pending:
            self.session.busy_timeout = CLOSING_BUSY_WAIT_S
            self.session.save()
        self.session.close()
        self.checker.close()  # the check process ends, even mid-check
        self.lock.release()


def _codes_alive(frame: Any, asked: list[str]) -> frozenset[str]:
    """Which of the codes ``asked`` rows of the outfalls' ``frame`` hold (one Arrow pass)."""
    if not asked:
        return frozenset()
    codes = frame["code"]
    return frozenset(codes.take(key_lookup.rows_holding(codes, asked)).astype(str).tolist())


def _translated(key: str, value: Any, old_panel: Any, table: OutfallTable, lang: str) -> Any:
    """A filter value of the old language in the new one (so a language switch keeps it)."""
    if not isinstance(value, str) or key == "flags":
        return value
    if key == "county":
        old = {name: code for code, name in old_panel.model.table.county_names.items()}
        return table.county_names.get(old.get(value, ""), value)
    vocab = schema.VOCABULARY_EN.get(key, {})
    to_new = in_language(lang, {en: zh for zh, en in vocab.items()}, vocab)
    return to_new.get(value, value)


def install_outfall_review(main_window: MapWindow, workspace: Any, lang: str | None = None,
                           interactive: bool = True, user: str | None = None) -> OutfallReview:
    """Add the outfall inventory and record-card docks, Edit ▸ Undo/Redo, and the map link."""
    if not workspace.has_layer("outfalls"):
        raise ValueError("the workspace has no outfalls layer")
    return OutfallReview(main_window, workspace, lang or main_window.lang, interactive, user)


def _table_of(frame: Any, counties: dict[str, str], lang: str, bits: Any,
              codes: Any) -> OutfallTable:
    """The table of ``frame`` with the flags ``bits`` (of ``codes``), its code lookup and
    filter menus made: no Qt and nothing shared, so it runs in a worker."""
    table = OutfallTable.from_frame(frame, counties, None, lang)
    if bits is not None:
        table.set_flag_bits_for(bits, codes)
    table.row_of("")  # the code -> row lookup (the first click)
    for key in OutfallTablePanel.CHOICE_KEYS:
        table.choices(key)  # the panel's filter menus
    return table
