"""Wiring of outfall review into the main window: docks, undo stack, map link, saving.

The main window and map canvas are used through a small duck-typed interface (each item is
optional; without it the matching feature is off):

main window
    ``select_outfalls(codes)``   highlight outfalls on the map (else ``canvas.set_selection``)
    ``zoom_to(bounds)``          zoom to a lon/lat box (else ``canvas.zoom_to_bbox`` in Mercator)
    ``feature_selected(layer, key)`` signal: a feature was picked on the map (else
                                 ``canvas.clicked(hits, lon, lat)`` is used)
    ``selection``                ``(layer, index)`` of the selected feature: a polygon there is
                                 the zone of the "only selected zone" filter
    ``m_view`` / ``m_edit``      menus to add dock toggles / undo-redo to
    ``m_tools`` / ``tool_group`` / ``toolbar``  where the "drag outfalls" map tool goes
canvas
    ``view_changed(viewport)``   for the "only current view" filter (``viewport.bbox()`` Mercator)
    ``feature_dragged(layer, index, lon, lat)`` signal + ``set_draggable(layer, on)`` +
    ``set_tool("move_point")``:  with the move tool chosen, dragging an outfall point
                                 moves it (an undoable, audited edit)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMessageBox

from geodata import schema
from geodata.io.messages import Message
from models import outfall_edits as oe
from models.outfall_session import open_session
from models.outfall_table import OutfallTable, county_names
from ui.outfalls.actions import CoordinateDialog, FieldDialog, NoteDialog, exec_dialog
from ui.outfalls.flag_checker import SYNC_LIMIT, FlagChecker
from ui.outfalls.record_card import RecordCard, make_thumbnail
from ui.outfalls.table_dock import OutfallTablePanel
from ui.outfalls.undo import push_edit

AUTOSAVE_MS = 30_000
_MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
         ".heic": "image/heic", ".webp": "image/webp"}


class OutfallReview(QObject):
    def __init__(self, main_window: Any, ws: Any, lang: str = "zh", interactive: bool = True,
                 user: str | None = None) -> None:
        super().__init__(main_window)
        self.win, self.ws, self.lang, self.interactive = main_window, ws, lang, interactive
        self.messages: list[Message] = []  # what was told to the user (tests read it)
        self.session, self.lock = open_session(ws, user=user)
        self.stack = QUndoStack(self)
        frame = ws.layer("outfalls")
        self.table = OutfallTable.from_frame(frame, county_names(ws.layers.get("counties"), lang),
                                             None, lang)
        self._initial_flags(frame)
        self.panel = OutfallTablePanel(self.table, lang)
        self.card = RecordCard(self.session, lang)
        self.table_dock = self._dock("outfallTableDock", self.tr("排污口清单"), self.panel,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.card_dock = self._dock("outfallCardDock", self.tr("一口一档"), self.card,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        side = getattr(self.win, "side_dock", None)
        if side is not None:  # one full-height column: feature details | outfall record
            self.win.tabifyDockWidget(side, self.card_dock)
            side.raise_()
        self._build_actions()
        self._connect()
        self._flags_timer = QTimer(self, singleShot=True, interval=400)
        self._flags_timer.timeout.connect(self._recheck)
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self._retry_save)
        self._autosave.start()
        if self.session.readonly and self.session.readonly_reason is not None:
            self.notify(self.session.readonly_reason, warn=True)
        else:
            self._offer_recovery()

    # -- construction ---------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: Any, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.win)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.win.addDockWidget(area, dock)
        m_view = getattr(self.win, "m_view", None)
        if m_view is not None:
            m_view.addAction(dock.toggleViewAction())
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
        menu = getattr(self.win, "m_edit", None)
        self._own_edit_menu = None
        if menu is None and hasattr(self.win, "menuBar"):
            menu = self._own_edit_menu = self.win.menuBar().addMenu(self.tr("编辑"))
            m_view = getattr(self.win, "m_view", None)
            if m_view is not None:  # keep 文件 编辑 视图 order
                self.win.menuBar().insertMenu(m_view.menuAction(), menu)
        if menu is not None:
            menu.addActions([self.undo_action, self.redo_action])
        self.win.addAction(self.undo_action)
        self.win.addAction(self.redo_action)
        self._build_move_tool()

    def _update_undo_texts(self, *_: Any) -> None:
        def text(i: int) -> str:  # the edit's description in the current language
            cmd = self.stack.command(i) if 0 <= i < self.stack.count() else None
            edit = getattr(cmd, "edit", None)
            return edit.description().text(self.lang) if edit is not None else ""

        i = self.stack.index()
        for action, can, what, word in (
                (self.undo_action, self.stack.canUndo(), text(i - 1), self.tr("撤销")),
                (self.redo_action, self.stack.canRedo(), text(i), self.tr("重做"))):
            action.setEnabled(can)
            action.setText(f"{word} {what}" if can and what else word)

    def _build_move_tool(self) -> None:
        """A map tool (beside pan/zoom/measure) that moves outfalls by dragging them."""
        canvas = getattr(self.win, "canvas", None)
        self.move_tool_action: QAction | None = None
        if canvas is None or not hasattr(canvas, "feature_dragged"):
            return
        a = QAction(self.tr("拖动移动排污口"), self.win)
        a.setCheckable(True)
        a.setToolTip(self.tr("在地图上按住排污口拖到新位置（Esc 取消，可撤销）"))
        a.setStatusTip(a.toolTip())
        a.setEnabled(not self.session.readonly)
        a.toggled.connect(lambda on: on and canvas.set_tool("move_point"))
        group = getattr(self.win, "tool_group", None)
        if group is not None:
            group.addAction(a)
        for holder in ("m_tools", "toolbar"):
            target = getattr(self.win, holder, None)
            if target is None:
                continue
            # beside the measure tools (before the search box), not after everything
            anchor = getattr(self.win, "a_marea", None)
            acts = target.actions()
            if anchor in acts and acts.index(anchor) + 1 < len(acts):
                target.insertAction(acts[acts.index(anchor) + 1], a)
            else:
                target.addAction(a)
        self.move_tool_action = a

    def _connect(self) -> None:
        self.ws.features_changed.connect(
            lambda layer, keys: layer == "outfalls" and self._on_outfalls_changed(keys))
        self.session.save_failed.connect(lambda err: self.notify(err.message, warn=True,
                                                                 once=err.kind))
        self.session.saved.connect(lambda n: self._status(Message(f"已保存 {n} 项修改",
                                                                  f"saved {n} edits")))
        self._connect_views()
        canvas = getattr(self.win, "canvas", None)
        sig = getattr(self.win, "feature_selected", None)
        if sig is not None:
            sig.connect(self._map_selected)
        elif canvas is not None and hasattr(canvas, "clicked"):
            canvas.clicked.connect(self._map_clicked)
        if canvas is not None and hasattr(canvas, "view_changed"):
            canvas.view_changed.connect(self._view_changed)
        if canvas is not None and hasattr(canvas, "feature_dragged"):
            canvas.feature_dragged.connect(self._dragged)
            if hasattr(canvas, "set_draggable"):
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
        self.lang = lang
        old_panel, old_card = self.panel, self.card
        selected, code = old_panel.selected_codes(), old_card.code
        checks = (old_panel.in_extent.isChecked(), old_panel.in_zone.isChecked())
        combos = {k: c.currentData() for k, c in old_panel.combos.items()}
        self.table = OutfallTable.from_frame(
            self.session.frame, county_names(self.ws.layers.get("counties"), lang), None, lang)
        if self.checker.bits is not None and len(self.checker.bits) == len(self.table):
            self.table.set_flag_bits(self.checker.bits)
        self.panel = OutfallTablePanel(self.table, lang)
        self.card = RecordCard(self.session, lang)
        self.panel.extent, self.panel.zone = old_panel.extent, old_panel.zone
        for key, value in combos.items():
            combo = self.panel.combos[key]
            combo.setCurrentIndex(max(0, combo.findData(_translated(key, value, old_panel,
                                                                    self.table, lang))))
        self.panel.in_extent.setChecked(checks[0])
        self.panel.in_zone.setChecked(checks[1])
        self.panel.search.setText(old_panel.search.text())
        self.panel.apply_filter()
        self._connect_views()
        self.table_dock.setWidget(self.panel)
        self.card_dock.setWidget(self.card)
        old_panel.deleteLater()
        old_card.deleteLater()
        if selected:
            self.panel.select_codes(selected)
        if code:
            self.card.show_outfall(code)
        self._retitle()

    def _retitle(self) -> None:
        self.table_dock.setWindowTitle(self.tr("排污口清单"))
        self.card_dock.setWindowTitle(self.tr("一口一档"))
        self._update_undo_texts()
        if self._own_edit_menu is not None:
            self._own_edit_menu.setTitle(self.tr("编辑"))
        if self.move_tool_action is not None:
            a = self.move_tool_action
            a.setText(self.tr("拖动移动排污口"))
            a.setToolTip(self.tr("在地图上按住排污口拖到新位置（Esc 取消，可撤销）"))
            a.setStatusTip(a.toolTip())

    # -- messages -------------------------------------------------------------------------
    def _status(self, m: Message) -> None:
        if hasattr(self.win, "statusBar"):
            self.win.statusBar().showMessage(m.text(self.lang), 6000)

    def notify(self, m: Message, warn: bool = False, once: str | None = None) -> None:
        seen = getattr(self, "_told", set())
        self._told = seen
        self.messages.append(m)
        self._status(m)
        if self.interactive and warn and (once is None or once not in seen):
            if once:
                seen.add(once)
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
                self.do(oe.confirm_location(frame, codes))
            elif action == "move":
                self._move_dialog(codes[0])
            elif action == "set":
                labels = {f.name: (f.label_en if self.lang == "en" else f.label_zh)
                          for f in schema.OUTFALL_FIELDS}
                dlg = FieldDialog(len(codes), labels, self.win)
                if exec_dialog(dlg):
                    fld, value, note = dlg.result_value()
                    self.do(oe.set_fields(frame, codes, {fld: value}, note=note))
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

    def _move_dialog(self, code: str) -> None:
        g = self.session.frame.set_index("code").geometry.loc[code]
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

    def _dragged(self, layer: str, index: int, lon: float, lat: float) -> None:
        if layer != "outfalls":
            return
        code = str(self.session.frame["code"].iloc[int(index)])
        try:
            done = self.do(oe.move(self.session.frame, code, lon, lat, "cgcs2000"))
        except oe.EditRejected as exc:
            self.notify(exc.message, warn=True)
            return
        if done is not None:
            self._map_selected("outfalls", code)
            self._status(Message(f"已移动 {code} 至 {lon:.6f}, {lat:.6f}（Ctrl+Z 撤销）",
                                 f"moved {code} to {lon:.6f}, {lat:.6f} (Ctrl+Z to undo)"))

    # -- keeping views in step ------------------------------------------------------------
    def _on_outfalls_changed(self, codes: list[str]) -> None:
        rows = self.table.update_rows(self.session.frame, codes)
        self.panel.model.rows_changed(rows)
        self.card.refresh(codes)
        self._flags_timer.start()

    def _initial_flags(self, frame: Any) -> None:
        self.checker = FlagChecker(self)
        if len(frame) <= SYNC_LIMIT:
            self.table.set_flag_bits(self.checker.check_now(self.ws))
        else:
            self.checker.start(self.ws)  # large inventory: the table shows, flags follow
        self.checker.done.connect(self._flags_ready)

    def _recheck(self) -> None:
        if len(self.session.frame) <= SYNC_LIMIT:
            self._flags_ready(self.checker.check_now(self.ws))
        else:
            self.checker.start(self.ws)

    def _flags_ready(self, bits: Any) -> None:
        if len(bits) != len(self.table):  # the layer changed under the check: again
            self.checker.start(self.ws)
            return
        self.table.set_flag_bits(bits)
        self.panel.model.refresh()

    def _retry_save(self) -> None:
        if self.session.pending:
            self.session.save()

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

    # -- map link -------------------------------------------------------------------------
    def _table_selected(self, codes: list[str]) -> None:
        if len(codes) == 1:
            self.card.show_outfall(codes[0])
        if hasattr(self.win, "select_outfalls"):
            self.win.select_outfalls(codes)
            return
        canvas = getattr(self.win, "canvas", None)
        if canvas is not None and hasattr(canvas, "set_selection"):
            rows = [self.table.row_of(c) for c in codes]
            canvas.set_selection([("outfalls", int(r)) for r in rows if r is not None])

    def open_card(self, code: str) -> None:
        self.card.show_outfall(code)
        self.card_dock.show()
        self.card_dock.raise_()
        r = self.table.row_of(code)
        if r is None:
            return
        x, y, pad = float(self.table.x[r]), float(self.table.y[r]), 0.01
        if hasattr(self.win, "zoom_to"):
            self.win.zoom_to((x - pad, y - pad, x + pad, y + pad))
        elif getattr(self.win, "canvas", None) is not None and hasattr(self.win.canvas,
                                                                       "zoom_to_feature"):
            self.win.canvas.zoom_to_feature("outfalls", r)

    def _map_selected(self, layer: str, key: Any) -> None:
        side = getattr(self.win, "side_dock", None)
        if layer != "outfalls":
            self._update_zone()
            if layer and side is not None:
                side.raise_()  # a zone: its access list, tasks and indicators
            return
        code = key if isinstance(key, str) else str(self.session.frame["code"].iloc[int(key)])
        self.panel.select_codes([code])
        self.card.show_outfall(code)
        if side is not None:
            self.card_dock.raise_()  # an outfall: its record (一口一档)

    def _map_clicked(self, hits: list[Any], _lon: float, _lat: float) -> None:
        outfall = [h for h in hits if getattr(h, "layer", None) == "outfalls"]
        if outfall:
            self._map_selected("outfalls", int(outfall[0].index))
        else:
            self._update_zone()

    def _view_changed(self, view: Any) -> None:
        from layers.mercator import to_lonlat

        bbox = view.bbox() if callable(view.bbox) else view.bbox
        x0, y0, x1, y1 = bbox
        lon0, lat0 = to_lonlat(x0, y0)
        lon1, lat1 = to_lonlat(x1, y1)
        self.panel.extent = (float(lon0), float(lat0), float(lon1), float(lat1))
        if self.panel.in_extent.isChecked():
            self.panel._schedule()

    def _update_zone(self) -> None:
        sel = getattr(self.win, "selection", None)
        zone = None
        if sel and sel[0] != "outfalls" and sel[0] in self.ws.layers:
            g = self.ws.layers[sel[0]].geometry.iloc[int(sel[1])]
            if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
                zone = g
        self.panel.zone = zone
        if self.panel.in_zone.isChecked():
            self.panel._schedule()

    # -- closing --------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Final save and release the workspace lock (unsaved edits stay in the journal)."""
        if self.session.pending:
            self.session.save()
        self.lock.release()


def _translated(key: str, value: Any, old_panel: Any, table: OutfallTable, lang: str) -> Any:
    """A filter value of the old language in the new one (so a language switch keeps it)."""
    if not isinstance(value, str) or key == "flags":
        return value
    if key == "county":
        old = {name: code for code, name in old_panel.model.table.county_names.items()}
        return table.county_names.get(old.get(value, ""), value)
    vocab = schema.VOCABULARY_EN.get(key, {})
    if lang == "en":
        return vocab.get(value, value)
    return {en: zh for zh, en in vocab.items()}.get(value, value)


def install_outfall_review(main_window: Any, workspace: Any, lang: str | None = None,
                           interactive: bool = True, user: str | None = None) -> OutfallReview:
    """Add the outfall inventory and record-card docks, Edit ▸ Undo/Redo, and the map link."""
    if not workspace.has_layer("outfalls"):
        raise ValueError("the workspace has no outfalls layer")
    return OutfallReview(main_window, workspace, lang or getattr(main_window, "lang", "zh"),
                         interactive, user)
