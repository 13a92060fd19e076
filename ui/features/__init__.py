"""Wires the feature parts (outfall review, import, screening, exports, welcome) into the
main window's menus, so ui/main.py stays the map workspace and each feature stays in its
own package.  Called once by :func:`ui.main.run_window` after the window is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ui.printing import open_atlas_dialog, open_print_dialog
from ui.statistics import install_statistics

CONTEXT = "Features"

#: the paper choices of 导出地图: (label, paper size, landscape?) — the choice is data, not
#: read back out of the label's text
MAP_PAPERS = (("A4 横向", "A4", True), ("A4 纵向", "A4", False),
              ("A3 横向", "A3", True), ("A3 纵向", "A3", False))


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class Features:
    """The menu actions of the feature parts, re-labelled on language change."""

    def __init__(self, win: Any, interactive: bool = True) -> None:
        self.win = win
        self.review = None
        if win.ws.has_layer("outfalls"):
            from ui.outfalls import install_outfall_review

            try:
                self.review = install_outfall_review(win, win.ws, win.lang, interactive)
            except (OSError, ValueError) as exc:  # e.g. a locked or unreadable workspace
                win.statusBar().showMessage(tr("排污口核查不可用：") + str(exc), 8000)
        self.a_import = self._action(win.m_file, self.open_import, 0)
        self.a_export_map = self._action(win.m_file, self.export_map, 1)
        self.a_export_web = self._action(win.m_file, self.export_webmap, 2)
        self.a_print = self._action(win.m_file, lambda *_: open_print_dialog(win), 3)
        self.a_atlas = self._action(win.m_file, lambda *_: open_atlas_dialog(win), 4)
        self.a_draw_site = self._action(win.m_tools, self.draw_site)
        self.a_screen = self._action(win.m_tools, self.open_screening)
        self.a_editions = self._action(win.m_tools, self.open_editions)
        self.a_welcome = self._action(win.m_help, self.show_welcome)
        self.stats_dock = install_statistics(win)
        from ui.sync import install_sync  # 同步 menu and status (issue 13)

        self.sync = install_sync(win, self.review, interactive)
        self.retranslate()

    def _action(self, menu: Any, slot: Any, position: int | None = None) -> QAction:
        a = QAction(self.win)
        a.triggered.connect(slot)
        actions = menu.actions()
        if position is not None and position < len(actions):
            menu.insertAction(actions[position], a)
        else:
            menu.addAction(a)
        return a

    def retranslate(self) -> None:
        if self.review is not None:
            self.review.set_language(self.win.lang)
        if getattr(self, "sync", None) is not None:
            self.sync.retranslate()
        for a, text in ((self.a_import, "导入数据…"), (self.a_export_map, "导出地图…"),
                        (self.a_export_web, "导出离线网页地图…"), (self.a_screen, "选址初筛…"),
                        (self.a_draw_site, "在地图上绘制选址范围"),
                        (self.a_editions, "版本对比…"),
                        (self.a_welcome, "欢迎与数据说明"), (self.a_print, "打印布局…"),
                        (self.a_atlas, "图集…")):
            a.setText(tr(text))

    # -- import ------------------------------------------------------------------------
    def open_import(self) -> Any:
        """文件 ▸ 导入数据…: the wizard; what it imports (or undoes) reaches the window
        through the workspace's change flow."""
        from ui.importing import open_import_dialog

        dlg = open_import_dialog(self.win, self.win.ws.path, self.win.lang, self.win.ws)
        # the dialog's job has read the changed layer in its worker: the GUI swaps it in
        dlg.imported.connect(lambda _b, layer: self.reload_layer(layer,
                                                                 dlg.take_layer_read(layer)))
        dlg.undone.connect(lambda _b, layer: self.reload_layer(layer, dlg.take_layer_read(layer)))
        return dlg

    def reload_layer(self, layer: str, read: Any = None) -> None:
        """After an import or its undo: the workspace re-reads the layer (or takes ``read``,
        the layer as the import job read it in the background) and announces it
        (``layer_replaced``); the map, the inventory and the panels follow from that.
        Outfall edits made meanwhile and not yet saved (the import's transaction kept the
        file busy) are saved first or, failing that, put back into the new frame."""
        if self.review is not None and self.review.save_before_reload(layer):
            read = None  # the file now holds edits the job's read did not: read it again
        self.win.ws.reload_layer(layer, read)
        if self.review is not None:
            self.review.keep_unsaved(layer)
        self.win.statusBar().showMessage(tr("已导入，图层已刷新：") + layer, 6000)

    # -- screening and exports ---------------------------------------------------------
    def draw_site(self) -> None:
        """Draw the site with the area tool: click the vertices, double-click to finish,
        then 选址初筛 takes the drawn polygon."""
        self.win.canvas.set_tool("measure_area")
        self.win.statusBar().showMessage(
            tr("单击添加顶点，双击结束，然后选择“选址初筛…”"), 10000)

    def drawn_site(self) -> Any:
        """The polygon last drawn with the area tool, or None."""
        import shapely

        m = self.win.canvas.measurement
        if m is None or not m.area or len(m.points) < 3:
            return None
        poly = shapely.Polygon(m.points)
        return poly if poly.is_valid and poly.area > 0 else shapely.make_valid(poly)

    def open_screening(self) -> Any:
        from ui.reports.screening_dialog import ScreeningDialog

        dlg = ScreeningDialog(self.win.ws, self.win.lang, self.win)
        site = self.drawn_site()
        if site is not None and site.geom_type == "Polygon":
            dlg.set_polygon(site)
        dlg.setModal(False)
        dlg.show()
        return dlg

    def open_editions(self) -> Any:
        from ui.editions.dialog import open_editions_dialog

        return open_editions_dialog(self.win)

    def export_map(self) -> None:
        from ui.reports.map_export import export_view

        path, _ = QFileDialog.getSaveFileName(self.win, tr("导出地图"), "map.pdf",
                                              "PDF (*.pdf);;PNG (*.png)")
        if not path:
            return
        labels = [tr(text) for text, _paper, _landscape in MAP_PAPERS]
        paper, ok = QInputDialog.getItem(self.win, tr("导出地图"), tr("纸张"), labels, 0, False)
        if not ok:
            return
        _text, size, landscape = MAP_PAPERS[labels.index(paper)]
        dpi, ok = QInputDialog.getInt(self.win, tr("导出地图"), tr("分辨率（DPI）"), 300, 72, 600)
        if not ok:
            return
        canvas = self.win.canvas
        try:
            out = export_view(canvas.grab().toImage(), canvas.view, Path(path), dpi=dpi,
                              paper=size, landscape=landscape,
                              title=self.win.windowTitle(), lang=self.win.lang,
                              notice=self.win.notice())
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.win, tr("导出地图"), tr("导出失败：") + str(exc))
            return
        self.win.statusBar().showMessage(tr("已导出：") + str(out), 6000)

    def export_webmap(self) -> None:
        from models.webmap import WebMapError, export_webmap

        path, _ = QFileDialog.getSaveFileName(self.win, tr("导出离线网页地图"), "map.html",
                                              "HTML (*.html)")
        if not path:
            return
        try:
            export_webmap(self.win.ws, Path(path), None, lang=self.win.lang)
        except (OSError, WebMapError) as exc:
            QMessageBox.warning(self.win, tr("导出离线网页地图"), tr("导出失败：") + str(exc))
            return
        self.win.statusBar().showMessage(tr("已导出：") + path, 6000)

    def show_welcome(self) -> None:
        from ui.first_run import show_welcome

        show_welcome(self.win, self.win.lang, self.win.ws.path, self.win.settings)


def install_features(win: Any, interactive: bool = True) -> Features:
    """Add the feature parts; ``interactive=False`` (screenshots, tests) asks nothing."""
    features = Features(win, interactive)
    win.features = features
    return features
