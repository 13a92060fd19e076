"""The main window: map canvas, layer panel, side panel, search, menus, status bar."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QWidget,
)

from geodata.messages import in_language
from layers.hit_test import Hit
from layers.map_model import MapModel
from layers.mercator import scale_denominator
from layers.search import SearchResult
from layers.viewport import Viewport
from models.info import layer_title
from models.memory import huge_pages, trim_arenas
from models.priority import prefer_quick_wakeups
from models.query import what_applies
from models.selection import Selection, SelectionModel
from ui import gui_collector, qt_warmup
from ui import settings as saved
from ui.language import format_dms, set_language
from ui.layer_panel import LayerPanel
from ui.map_canvas import MapCanvas
from ui.painter import FONT_FAMILIES
from ui.search_box import SearchBox
from ui.side_panel import SidePanel

MAX_BOOKMARKS = 30


class MainWindow(QMainWindow):
    """The map window.  The parts installed into it (outfall review, import, statistics,
    printing, sync) use it through :class:`ui.window_parts.MapWindow`; the one selection
    is :attr:`selection` (docs/ARCHITECTURE.md, "Selection")."""

    def __init__(self, ws: Any, lang: str = "zh", settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ws = ws
        self.lang = lang
        self.settings = settings
        self.model = MapModel.from_workspace(ws)
        self.canvas = MapCanvas(self.model)
        self.canvas.renderer.lang = lang
        # PySide6's types of Qt's classes, made in idle turns once the start is over: the
        # first chart's pyqtgraph import made them all at once (ui/qt_warmup.py)
        self.qt_warmer = qt_warmup.QtWarmer(self)
        self.canvas.after_first_paint(
            lambda: QTimer.singleShot(qt_warmup.WARM_AFTER_MS, self, self.qt_warmer.start))
        # a zone's tabs in the side panel, made ahead in idle turns (ui/side_panel.py)
        self.canvas.after_first_paint(
            lambda: QTimer.singleShot(PANEL_TABS_AFTER_MS, self, self._prepare_panel_tabs))
        # the window starts without numpy's huge pages (cli/window.run_window); once its
        # first map is painted they serve the workers again (models.memory.huge_pages)
        self.canvas.map_painted.connect(lambda: huge_pages(True),
                                        Qt.ConnectionType.SingleShotConnection)
        # a worker's malloc_trim stops the GUI thread's allocations (models.memory)
        trim_arenas(False)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.model, lang)
        self.side_panel = SidePanel(self.model, ws.tables, lang)
        self.layer_dock = self._dock("layerDock", self.layer_panel,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        # the panel in a scroll area of its own: a zone's click sets its title, badge and
        # tabs anew, and each such change went up as a layout request to the main window,
        # whose docks were laid out again three times per click (an animation object per
        # dock, every dock repainted); the scroll area takes them (and scrolls the panel in
        # a dock narrower than it)
        self.side_scroll = QScrollArea()
        self.side_scroll.setObjectName("sidePanelScroll")
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setWidget(self.side_panel)
        self.side_panel.paint_host = self.side_scroll
        self.side_dock = self._dock("sideDock", self.side_scroll,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.layer_dock, self.side_dock], [270, 470], Qt.Orientation.Horizontal)
        # a feature chosen while 要素详情 was behind the record card: made as it comes to front
        self.side_dock.visibilityChanged.connect(self.side_panel.dock_shown)
        self.search = SearchBox(self.model, lang)
        #: the one selection of the window, by feature key (models/selection.py): the map,
        #: the side panel, search, the outfall table and the statistics read and write it
        self.selection = SelectionModel()
        self.selection.changed.connect(self._on_selection_changed)
        self._docks_sized = False
        self._build_actions()
        self._build_status()
        self.canvas.cursor_moved.connect(self._on_cursor)
        self.canvas.view_changed.connect(self._on_view)
        self.canvas.clicked.connect(self._on_click)
        self.canvas.measure_changed.connect(self.measure_label.setText)
        self.canvas.hover_text_fn = self._hover_text
        self.layer_panel.zoom_to_layer.connect(self.canvas.zoom_to_layer)
        self.side_panel.select_requested.connect(lambda la, k: self.select(la, k, zoom=True))
        self.side_panel.pick_requested.connect(self._pick)
        self.search.chosen.connect(self._on_search)
        self.search.not_found.connect(lambda t: self.statusBar().showMessage(
            self.tr("未找到：") + t, 4000))
        self.resize(1500, 950)
        extent = saved.restore(settings, self, self.model) if settings is not None else None
        if extent is not None:
            self.canvas.mark_fitted()
            self.canvas.view = Viewport.fit(extent, 1200, 800, 0.0)  # refit on first resize
            self._saved_extent = extent
        else:
            self._saved_extent = None
        self.retranslate()
        # The workspace is loaded: move its hundreds of thousands of objects out of the
        # collector's reach, so a full collection never stalls a pan frame.  No collection
        # first: it would scan them all (1M outfall Points: ~0.27 s before the first paint)
        # to find the ~1 000 unreachable objects the imports left (no measurable memory).
        gc.freeze()
        # the start-up (cli/window.py) pauses the collector until here; from now on it
        # runs on this (the GUI) thread only, never in a worker (ui/gui_collector.py)
        gui_collector.install()

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    # -- actions and menus --------------------------------------------------------------
    def _act(self, slot: Any, shortcut: str | None = None, checkable: bool = False) -> QAction:
        a = QAction(self)
        a.triggered.connect(slot)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setCheckable(checkable)
        return a

    def _build_actions(self) -> None:
        c = self.canvas
        self.a_basemap = self._act(self._open_basemap)
        self.a_basemap_off = self._act(self._close_basemap)
        self.a_quit = self._act(self.close, "Ctrl+Q")
        self.a_full = self._act(c.full_extent, "Ctrl+Shift+F")
        self.a_zoom_in = self._act(lambda: c.set_view(c.view.zoomed(2.0)), "Ctrl+=")
        self.a_zoom_out = self._act(lambda: c.set_view(c.view.zoomed(0.5)), "Ctrl+-")
        self.a_zoom_sel = self._act(self._zoom_selection)
        self.a_reset = self._act(self._reset_layout)
        self.tool_group = QActionGroup(self)
        self.a_pan = self._act(lambda: c.set_tool("pan"), checkable=True)
        self.a_box = self._act(lambda: c.set_tool("zoom_box"), checkable=True)
        self.a_mline = self._act(lambda: c.set_tool("measure_line"), checkable=True)
        self.a_marea = self._act(lambda: c.set_tool("measure_area"), checkable=True)
        for a in (self.a_pan, self.a_box, self.a_mline, self.a_marea):
            self.tool_group.addAction(a)
        self.a_pan.setChecked(True)
        self.a_add_bm = self._act(self._add_bookmark, "Ctrl+B")
        self.a_clear_bm = self._act(self._clear_bookmarks)
        self.lang_group = QActionGroup(self)
        self.a_zh = self._act(lambda: self.set_language("zh"), checkable=True)
        self.a_en = self._act(lambda: self.set_language("en"), checkable=True)
        for a in (self.a_zh, self.a_en):
            self.lang_group.addAction(a)
        in_language(self.lang, self.a_zh, self.a_en).setChecked(True)
        self.a_about = self._act(self._about)
        mb = self.menuBar()
        self.m_file = mb.addMenu("")
        self.m_file.addActions([self.a_basemap, self.a_basemap_off])
        self.m_file.addSeparator()
        self.m_file.addAction(self.a_quit)
        self.m_edit = mb.addMenu("")  # undo/redo of the edits of installed parts
        self.m_view = mb.addMenu("")
        self.m_view.addActions([self.a_full, self.a_zoom_in, self.a_zoom_out, self.a_zoom_sel])
        self.m_view.addSeparator()
        self.m_view.addActions([self.layer_dock.toggleViewAction(),
                                self.side_dock.toggleViewAction()])
        self.m_view.addSeparator()
        self.m_view.addAction(self.a_reset)
        self.m_tools = mb.addMenu("")
        self.m_tools.addActions([self.a_pan, self.a_box, self.a_mline, self.a_marea])
        self.m_bookmarks = mb.addMenu("")
        self.m_bookmarks.aboutToShow.connect(self._fill_bookmarks)
        self.m_lang = mb.addMenu("")
        self.m_lang.addActions([self.a_zh, self.a_en])
        self.m_help = mb.addMenu("")
        self.m_help.addAction(self.a_about)
        tb = QToolBar(self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.addActions([self.a_pan, self.a_box, self.a_full, self.a_zoom_in, self.a_zoom_out])
        tb.addSeparator()
        tb.addActions([self.a_mline, self.a_marea])
        tb.addSeparator()
        tb.addWidget(self.search)
        self.addToolBar(tb)
        self.toolbar = tb

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.coord_label = QLabel()
        self.coord_label.setObjectName("coordLabel")
        self.scale_label = QLabel()
        self.scale_label.setObjectName("scaleLabel")
        self.measure_label = QLabel()
        self.notice_label = QLabel()
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setStyleSheet("color: #856404; background: #FFF3CD; padding: 0 6px;")
        sb.addWidget(self.notice_label, 1)
        sb.addPermanentWidget(self.measure_label)
        sb.addPermanentWidget(self.coord_label)
        sb.addPermanentWidget(self.scale_label)

    # -- language ------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        set_language(lang)  # posts LanguageChange → changeEvent → retranslate
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def notice(self) -> str:
        if not self.ws.illustrative_layers():
            return ""
        key = in_language(self.lang, "illustrative_notice_zh", "illustrative_notice_en")
        return self.ws.metadata.get(key) or self.tr("示例数据：管控单元、排污口并非官方成果")

    def retranslate(self) -> None:
        features = getattr(self, "features", None)
        if features is not None:
            features.retranslate()
        tr = self.tr
        title = tr("EcoZone 生态环境分区管控一张图")
        if self.ws.illustrative_layers():
            title += " — " + tr("示例数据")
        self.setWindowTitle(title)
        pairs = [
            (self.a_basemap, tr("打开本地瓦片底图…")), (self.a_basemap_off, tr("关闭瓦片底图")),
            (self.a_quit, tr("退出")), (self.a_full, tr("全图")), (self.a_zoom_in, tr("放大")),
            (self.a_zoom_out, tr("缩小")), (self.a_zoom_sel, tr("缩放至所选要素")),
            (self.a_reset, tr("重置界面布局")), (self.a_pan, tr("平移")),
            (self.a_box, tr("拉框放大")), (self.a_mline, tr("测量距离")),
            (self.a_marea, tr("测量面积")), (self.a_add_bm, tr("添加书签…")),
            (self.a_clear_bm, tr("清除全部书签")), (self.a_about, tr("关于")),
        ]
        for action, text in pairs:
            action.setText(text)
        self.a_zh.setText("中文")
        self.a_en.setText("English")
        for menu, text in ((self.m_file, tr("文件")), (self.m_edit, tr("编辑")),
                           (self.m_view, tr("视图")),
                           (self.m_tools, tr("工具")), (self.m_bookmarks, tr("书签")),
                           (self.m_lang, tr("语言")), (self.m_help, tr("帮助"))):
            menu.setTitle(text)
        self.layer_dock.setWindowTitle(tr("图层"))
        self.side_dock.setWindowTitle(tr("要素详情"))
        self.notice_label.setText(self.notice())
        self.canvas.notice = tr("示例数据") if self.ws.illustrative_layers() else ""
        self.layer_panel.retranslate(self.lang)
        self.side_panel.retranslate(self.lang)
        self.search.retranslate(self.lang)
        if self.canvas.renderer.lang != self.lang:
            self.canvas.renderer.lang = self.lang
            self.canvas.refresh()
        self._on_view(self.canvas.view)

    # -- map events ----------------------------------------------------------------------
    def _on_cursor(self, lon: float, lat: float) -> None:
        self.coord_label.setText(f"{lon:.6f}, {lat:.6f}  |  {format_dms(lon, 'lon')} "
                                 f"{format_dms(lat, 'lat')}  CGCS2000")

    def _on_view(self, view: Viewport) -> None:
        n = scale_denominator(view.res, view.cy)
        self.scale_label.setText(f"{self.tr('比例尺')} 1:{n:,.0f}")

    def _hover_text(self, hit: Hit) -> str:
        layer = self.model.get(hit.layer)
        if layer is None:
            return ""
        rec = layer.frame.iloc[hit.index]
        # English: the name_en column where the layer has one (empty or not), else Chinese
        name = in_language(self.lang, rec.get("name_zh"), rec.get("name_en", rec.get("name_zh")))
        code = rec.get("code")
        head = f"{code} " if isinstance(code, str) else ""
        return f"<b>{head}{name or ''}</b><br>{layer_title(hit.layer, self.lang)}"

    def _on_click(self, found: Sequence[Hit], lon: float, lat: float) -> None:
        if not found:
            self.selection.clear("map")
            self.side_panel.show_point(what_applies(self.ws, lon, lat))
            return
        top = found[0]
        self.select(top.layer, top.key)
        if top.layer == "outfalls":  # the hits as they are: made when the panel lists them
            if len(found) > 1:
                self.side_panel.show_overlaps(found)
            return
        # a zone's click: the outfalls near it are not listed with it
        others = [h for h in found[1:] if h.layer != "outfalls"]
        if others:
            self.side_panel.show_overlaps([top, *others])

    def select(self, layer: str, key: str, zoom: bool = False) -> None:
        """Select feature ``key`` (code or fid) of ``layer``; the views follow the
        selection model."""
        self.selection.select(layer, [str(key)], "map")
        self.side_dock.show()
        if zoom:
            self.canvas.zoom_to_feature(layer, str(key))

    def _pick(self, layer: str, key: str) -> None:
        """A feature picked in the panel's list of overlapping features: keep the list."""
        self.selection.select(layer, [key], "overlap")

    def _on_selection_changed(self, sel: Selection, source: str) -> None:
        self.canvas.set_selection([(sel.layer, k) for k in sel.keys])
        if sel.empty:
            return  # an empty-map click fills the panel with what applies there
        if len(sel.keys) == 1:
            self.side_panel.feature_selected(sel.layer, sel.keys[0],
                                             keep_choices=source == "overlap",
                                             later=source == "map")

    def zoom_to_lonlat(self, bbox: tuple[float, float, float, float]) -> None:
        """Zoom to a CGCS2000 lon/lat box."""
        from layers.mercator import to_mercator

        x0, y0 = to_mercator(bbox[0], bbox[1])
        x1, y1 = to_mercator(bbox[2], bbox[3])
        self.canvas.zoom_to_bbox((float(x0), float(y0), float(x1), float(y1)), 0.0)

    def _zoom_selection(self) -> None:
        sel = self.selection.current
        if not sel.empty:
            self.canvas.zoom_to_feature(sel.layer, sel.keys[0])

    def _on_search(self, r: SearchResult) -> None:
        if r.is_coordinate:
            self.canvas.center_on_lonlat(r.lon, r.lat, res=min(self.canvas.view.res, 15.0))
            found = self.canvas.identify(self.canvas.width() / 2, self.canvas.height() / 2)
            self._on_click(found, r.lon, r.lat)
            return
        self.selection.select(r.layer, [r.key], "search")
        self.side_dock.show()
        self.canvas.zoom_to_feature(r.layer, r.key)

    # -- basemap and bookmarks -----------------------------------------------------------
    def _open_basemap(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择 MBTiles 文件（取消则选择 XYZ 瓦片目录）"),
            "", "MBTiles (*.mbtiles)")
        if not path:
            path = QFileDialog.getExistingDirectory(self, self.tr("选择 XYZ 瓦片目录 {z}/{x}/{y}"))
        if path:
            self.set_basemap(path)

    def set_basemap(self, path: str) -> None:
        from ui.basemap_tiles import TileBasemap

        try:
            self.canvas.renderer.basemap = TileBasemap(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("底图"), str(exc))
            return
        self.canvas.renderer.invalidate()
        self.canvas.refresh()

    def _close_basemap(self) -> None:
        self.canvas.renderer.basemap = None
        self.canvas.refresh()

    def _bookmark_store(self) -> QSettings:
        return self.settings if self.settings is not None else saved.app_settings()

    def _add_bookmark(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("添加书签"), self.tr("书签名称："))
        if ok and name.strip():
            self.add_bookmark(name.strip())

    def add_bookmark(self, name: str) -> None:
        items = saved.bookmarks(self._bookmark_store())
        items = [b for b in items if b.get("name") != name][-MAX_BOOKMARKS + 1:]
        items.append({"name": name, "bbox": list(self.canvas.view.bbox)})
        saved.set_bookmarks(self._bookmark_store(), items)

    def _clear_bookmarks(self) -> None:
        saved.set_bookmarks(self._bookmark_store(), [])

    def _fill_bookmarks(self) -> None:
        m = self.m_bookmarks
        m.clear()
        m.addAction(self.a_add_bm)
        m.addSeparator()
        for b in saved.bookmarks(self._bookmark_store()):
            bbox = tuple(b["bbox"])
            m.addAction(str(b["name"]), lambda bb=bbox: self.canvas.zoom_to_bbox(bb, 0.0))
        m.addSeparator()
        m.addAction(self.a_clear_bm)

    # -- layout --------------------------------------------------------------------------
    def _reset_layout(self) -> None:
        saved.reset(self._bookmark_store())
        for layer in self.model.layers:
            self.model.set_visible(layer.name, layer.style.visible)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layer_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.side_dock)
        self.layer_dock.show()
        self.side_dock.show()
        self.layer_dock.setFloating(False)
        self.side_dock.setFloating(False)
        self.canvas.full_extent()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            if self.settings is None or self.settings.value("window/state") is None:
                w = self.width()
                self.resizeDocks([self.layer_dock, self.side_dock],
                                 [min(270, int(w * 0.2)), min(470, int(w * 0.3))],
                                 Qt.Orientation.Horizontal)
        if self._saved_extent is not None:
            self.canvas.zoom_to_bbox(self._saved_extent, 0.0, min_res=0.2)
            self._saved_extent = None

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.settings is not None:
            saved.save(self.settings, self, self.model, self.canvas.view, self.lang)
        self.canvas.renderer.wait(3000)
        super().closeEvent(event)

    def _prepare_panel_tabs(self, step: Any = None) -> None:
        """The side panel's steps of making a zone's tabs ahead, one idle turn each, each
        once the window is quiet (:meth:`_quiet`)."""
        if not self._quiet():
            QTimer.singleShot(PANEL_TABS_QUIET_MS, self, lambda: self._prepare_panel_tabs(step))
            return
        after = (step or self.side_panel.prepare_tabs)()
        if after is not None:
            QTimer.singleShot(50, self, lambda: self._prepare_panel_tabs(after))

    def _quiet(self) -> bool:
        """Nothing of the window's own under way that work ahead would compete with: no
        map being drawn, the outfall inventory's table and flags in, no check running
        (its workers hold the GIL, and each Qt call of a step waited for it)."""
        review = getattr(getattr(self, "features", None), "review", None)
        if review is not None and not review.settled():
            return False
        return not self.canvas.renderer.busy()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("关于"), "<b>EcoZone</b><br>" + self.tr("生态环境分区管控一张图（泉州市）") + "<br><br>" + self.notice())


#: This long after the first paint the side panel makes a zone's tabs, hidden, and paints
#: them once offscreen (two idle turns): the first zone clicked made them in its turn
#: (20-31 ms at 10k outfalls, against 5-12 ms for the next zones).  After the start's own
#: work (at 1M the table arrives ~0.7 s, the hit index follows it) and after Qt's classes
#: are made (qt_warmup.WARM_AFTER_MS): before them the steps made those they touch.
PANEL_TABS_AFTER_MS = 5000
#: ... and each step waits this long again while the window is not quiet: at 1M, in slow
#: minutes, the steps met the start-up's workers (the check, the table's index) and were
#: turns of 23-33 ms (bench/README.md, issue 17, sessions 30 and 31)
PANEL_TABS_QUIET_MS = 300


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    # Render workers are Python threads and PySide6 keeps the GIL inside Qt calls: a short
    # switch interval hands the GIL back to the GUI thread sooner (default is 5 ms).
    sys.setswitchinterval(0.001)
    # and, on Linux, a short time slice: woken, the GUI thread takes a core from the
    # window's busy workers instead of waiting out theirs (models/priority.py)
    prefer_quick_wakeups()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setOrganizationName("EcoZone")
        app.setApplicationName("EcoZone")
        font = app.font()
        font.setFamilies(FONT_FAMILIES)
        font.setPointSizeF(9.5)
        app.setFont(font)
    # cycles (and the Qt objects they hold) freed on this thread only, never in a worker
    gui_collector.install(app)
    return app  # type: ignore[return-value]


def run_window(ws: Any, lang: str | None = None, created: bool = False) -> int:
    """Open the window; ``lang`` None means the saved choice (default Chinese)."""
    app = make_app()
    settings = saved.app_settings()
    if lang is None:
        lang = in_language(settings.value("lang"), "zh", "en")
    set_language(lang)
    win = MainWindow(ws, lang, settings)
    from ui.features import install_features

    # shown first: the parts' heavy data (the outfall inventory, its flags) is made on
    # workers after the map's first paint (MapCanvas.after_first_paint); their docks are
    # laid out with the window before anything is drawn
    win.show()
    install_features(win)
    from ui.error_dialog import install_excepthook
    from ui.first_run import maybe_show_welcome

    install_excepthook()  # now that the QApplication exists: errors in threads get a dialog
    maybe_show_welcome(win, created)
    return int(app.exec())
