"""The site-screening dialog: a site from the map, a file or typed coordinates -> report.

The map canvas's polygon tool hands its polygon over with :meth:`ScreeningDialog.set_polygon`
(CGCS2000 lon/lat); the dialog emits :attr:`ScreeningDialog.screened` with the report so
the canvas can outline the site.  Saving writes the same HTML/PDF as ``app.py screen``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import shapely
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.report_html import report_body_html, write_html_report
from models.report_map_svg import render_map_svg, with_font
from models.report_style import t
from models.screening import ScreeningReport, SiteError, screen_site
from models.site_input import SiteInputError, read_site
from models.workspace import Workspace
from ui.reports.pdf import write_pdf
from ui.reports.qt_app import cjk_family

SITE_FILTER = ("Site (*.shp *.zip *.kml *.kmz *.geojson *.json *.gpkg *.dxf *.txt *.csv)")


class ScreeningDialog(QDialog):
    screened = Signal(object)  # ScreeningReport

    def __init__(self, ws: Workspace, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.lang = ws, lang
        self.polygon: shapely.Geometry | None = None
        self.source = ""
        self._drawn_text = ""
        self.report: ScreeningReport | None = None
        tr = partial(t, lang)
        self.setWindowTitle(tr("选址初筛", "Site screening"))
        self.coords = QPlainTextEdit()
        self.coords.setPlaceholderText(tr(
            "每行一个顶点（经度, 纬度），支持十进制与度分秒，例如\n118.59, 24.89\n"
            "118°36'36\"E 24°53'24\"N", "One vertex per line (lon, lat), decimal or DMS, e.g.\n"
            "118.59, 24.89\n118°36'36\"E 24°53'24\"N"))
        self.coords.setMaximumHeight(110)
        self.file_button = QPushButton(tr("从文件…", "From file…"))
        self.buffer = QDoubleSpinBox()
        self.buffer.setRange(0, 50_000)
        self.buffer.setDecimals(0)
        self.buffer.setSingleStep(500)
        self.buffer.setValue(1000)
        self.buffer.setSuffix(" m")
        self.run_button = QPushButton(tr("筛查", "Screen"))
        self.status = QLabel("")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.save_html_button = QPushButton(tr("保存 HTML…", "Save HTML…"))
        self.save_pdf_button = QPushButton(tr("保存 PDF…", "Save PDF…"))
        for b in (self.save_html_button, self.save_pdf_button):
            b.setEnabled(False)

        row = QHBoxLayout()
        row.addWidget(self.file_button)
        row.addWidget(QLabel(tr("缓冲距离", "Buffer")))
        row.addWidget(self.buffer)
        row.addStretch(1)
        row.addWidget(self.run_button)
        out = QHBoxLayout()
        out.addWidget(self.status, 1)
        out.addWidget(self.save_html_button)
        out.addWidget(self.save_pdf_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.coords)
        lay.addLayout(row)
        lay.addWidget(self.browser, 1)
        lay.addLayout(out)
        self.resize(760, 720)

        self.file_button.clicked.connect(self._choose_file)
        self.run_button.clicked.connect(self.run)
        self.save_html_button.clicked.connect(lambda: self._save("html"))
        self.save_pdf_button.clicked.connect(lambda: self._save("pdf"))

    # -- input -------------------------------------------------------------------------
    def set_polygon(self, polygon: shapely.Geometry, source: str = "") -> None:
        """A site drawn on the map (CGCS2000 lon/lat)."""
        self.polygon = polygon
        self.source = source or t(self.lang, "地图绘制", "drawn on the map")
        self._drawn_text = "\n".join(f"{x:.6f}, {y:.6f}" for x, y in
                                     polygon.exterior.coords[:-1]) \
            if polygon.geom_type == "Polygon" else ""
        self.coords.setPlainText(self._drawn_text)

    def load_file(self, path: str | Path) -> bool:
        try:
            site = read_site(path)
        except SiteInputError as exc:
            self._error(exc.text(self.lang))
            return False
        self.polygon, self.source = site.polygon, site.source
        self.coords.setPlainText("")
        self.status.setText(self.source)
        return True

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.windowTitle(), "", SITE_FILTER)
        if path:
            self.load_file(path)

    # -- run and save ------------------------------------------------------------------
    def run(self) -> ScreeningReport | None:
        text = self.coords.toPlainText().strip()
        try:
            if text and text != self._drawn_text.strip():  # typed or edited by the user
                site = read_site(text)
                self.polygon, self.source = site.polygon, site.source
            if self.polygon is None:
                raise SiteInputError("请先绘制、导入或输入选址范围",
                                     "draw, load or type a site first")
            self.report = screen_site(self.ws, self.polygon, self.buffer.value(), self.source)
        except SiteInputError as exc:
            self._error(exc.text(self.lang))
            return None
        except SiteError as exc:
            self._error(str(exc))
            return None
        self.browser.setHtml(report_body_html(self.report, self.lang))
        self.status.setText(t(self.lang, f"选址面积 {self.report.site_area_mu:,.2f} 亩",
                              f"Site area {self.report.site_area_m2:,.0f} m²"))
        for b in (self.save_html_button, self.save_pdf_button):
            b.setEnabled(True)
        self.screened.emit(self.report)
        return self.report

    def save(self, path: str | Path) -> Path:
        """Write the report to ``path`` (.html or .pdf)."""
        if self.report is None:
            raise RuntimeError("run the screening first")
        path = Path(path)
        if path.suffix.lower() == ".pdf":
            svg = render_map_svg(self.ws, self.report.site, self.report.buffer_m, lang=self.lang)
            write_pdf(self.report, with_font(svg, cjk_family()), path, self.lang)
        else:
            write_html_report(self.ws, self.report, path, self.lang)
        return path

    def _save(self, kind: str) -> None:
        filt = "PDF (*.pdf)" if kind == "pdf" else "HTML (*.html)"
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), f"screening.{kind}",
                                              filt)
        if path:
            try:
                self.save(path)
            except OSError as exc:
                self._error(str(exc))

    def _error(self, text: str) -> None:
        self.status.setText(text)
        if self.isVisible():
            QMessageBox.warning(self, self.windowTitle(), text)
