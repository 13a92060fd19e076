"""The 统计 dock in the main window: :func:`install_statistics` adds it and its menu entries.

Installed with one line from :class:`ui.features.Features`.  The dock follows the map view
(``canvas.view_changed``), the window's selection (``win.selection``) and the workspace's
change signals; it computes only while it is visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QToolButton, QWidget

from ui.statistics.size import PANEL_SIZE

CONTEXT = "StatisticsPanel"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class _NotYetMade(QWidget):
    """What the dock holds until its panel is made: the panel's size hint, so that the
    dock is laid out as wide when it is first shown as it was with the panel in it."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(*PANEL_SIZE)


class StatisticsDock(QDockWidget):
    """The dock holding a :class:`~ui.statistics.panel.StatisticsPanel`, made when it is
    first wanted (:attr:`panel`): the dock starts hidden, and the panel's three charts
    (pyqtgraph plots) took ~0.15 s of the window's start on the GUI thread, before the
    first map (issue 17)."""

    def __init__(self, win: Any) -> None:
        super().__init__(win)
        self.win = win
        self.setObjectName("statsDock")
        self._panel: Any = None
        self.setWidget(_NotYetMade())
        self._view = win.canvas.view
        self.export_button = QToolButton()
        self.export_button.setObjectName("statsExport")
        self.export_button.clicked.connect(self.export_dialog)
        win.canvas.view_changed.connect(self._on_view)
        self.visibilityChanged.connect(self._on_visible)
        self._retranslate()

    @property
    def panel(self) -> Any:
        """The statistics panel (made now if it was not yet)."""
        if self._panel is None:
            from ui.language import current_language
            from ui.statistics.panel import StatisticsPanel

            panel = StatisticsPanel(self.win.ws, self.win.selection, current_language())
            panel.layout().itemAt(0).layout().addWidget(self.export_button)
            panel.view = self._view
            self._panel = panel
            self.setWidget(panel)
            panel.retranslate(current_language())
        return self._panel

    def _on_view(self, view: Any) -> None:
        self._view = view
        if self._panel is not None:
            self._panel.view = view
            if self.isVisible():
                self._panel.set_view(view)

    def _on_visible(self, visible: bool) -> None:
        if visible:
            self.panel.schedule(0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        from ui.language import current_language

        self.setWindowTitle(tr("统计"))
        self.export_button.setText(tr("导出…"))
        if self._panel is not None:
            self._panel.retranslate(current_language())

    def export_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("导出统计"), "statistics.xlsx",
            "Excel (*.xlsx);;HTML (*.html);;PDF (*.pdf)")
        if not path:
            return None
        try:
            return self.export(Path(path))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, tr("导出统计"), tr("导出失败：") + str(exc))
            return None

    def export(self, out: Path) -> Path:
        """Write the shown report to ``out`` (.xlsx, .html or .pdf)."""
        from models.stats_export import write_html, write_xlsx

        if self.panel.report is None:
            self.panel.recompute()
        rep, lang = self.panel.report, self.win.lang
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            write_xlsx(rep, out, lang)
        elif suffix in (".html", ".htm"):
            write_html(rep, out, lang)
        elif suffix == ".pdf":
            from ui.statistics.pdf import write_pdf

            write_pdf(rep, out, lang)
        else:
            raise ValueError(out.name)
        self.win.statusBar().showMessage(tr("已导出：") + str(out), 6000)
        return out


def install_statistics(win: Any) -> StatisticsDock:
    """Add the 统计 dock (hidden until asked for) and its entry under 视图."""
    dock = StatisticsDock(win)
    win.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    action: QAction = dock.toggleViewAction()
    action.setShortcut("Ctrl+Shift+T")
    win.m_view.addAction(action)
    return dock
