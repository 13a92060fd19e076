"""版本对比: list the editions of the control units, compare two, see what changed.

The dialog lists the workspace's editions (name, date, source, units), takes an old and a new
one (or a file compared without importing it), runs :func:`models.editions.compare_editions`
and shows the summary, the class matrix (whole area or one county), the list of changes,
the requirement differences (marked) and the affected outfalls.  Buttons put the changed
areas, or a chosen edition's units, on the map as temporary layers (the window's MapModel,
:mod:`layers.edition_layers`) and save the report (.html/.pdf), the XLSX or the GeoPackage
of changed areas — the same files as ``python app.py compare``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from geodata.messages import Message, localized
from models import edition_output as edition_commands
from models.class_matrix import CLASSES
from models.edition_report import class_name, summary_rows
from models.editions import (
    Edition,
    EditionComparison,
    EditionError,
    compare_editions,
    list_editions,
)
from models.report_style import t
from models.text_diff import as_html
from ui.editions import map_actions
from ui.editions.widgets import CompareJob, fill, table

FILE_FILTER = "Control units (*.gpkg *.shp *.zip *.geojson *.json *.kml *.kmz *.fgb *.csv *.xlsx)"
FILE_ITEM = "__file__"


class EditionsDialog(QDialog):
    """The 版本对比 window; ``win`` (the main window) gives the map, may be None in tests."""

    #: a comparison finished (EditionComparison)
    compared = Signal(object)

    def __init__(self, workspace: Path, lang: str = "zh", win: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.lang, self.win = Path(workspace), lang, win
        self.result: EditionComparison | None = None
        self.file: Path | None = None
        self.job: CompareJob | None = None
        tr = self.tr_ = partial(t, lang)
        self.setWindowTitle(tr("版本对比", "Compare editions"))
        self.resize(980, 720)
        self.editions = table([tr("版本", "Edition"), tr("日期", "Date"), tr("来源", "Source"),
                                tr("单元数", "Units"), tr("当前", "Current")], [])
        self.editions.setMaximumHeight(150)
        self.old_box, self.new_box = QComboBox(), QComboBox()
        self.file_button = QPushButton(tr("选择文件…", "Choose file…"))
        self.file_button.setToolTip(tr("与未导入的文件对比",
                                       "Compare with a file without importing it"))
        self.compare_button = QPushButton(tr("对比", "Compare"))
        self.compare_button.setDefault(True)
        pick = QGridLayout()
        pick.addWidget(QLabel(tr("原版本", "Old edition")), 0, 0)
        pick.addWidget(self.old_box, 0, 1)
        pick.addWidget(QLabel(tr("新版本", "New edition")), 1, 0)
        pick.addWidget(self.new_box, 1, 1)
        pick.addWidget(self.file_button, 1, 2)
        pick.addWidget(self.compare_button, 0, 2)
        pick.setColumnStretch(1, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.summary = table([tr("变化", "Change"), tr("数量", "Count")], [])
        self.county_box = QComboBox()
        self.matrix = table([tr("从 ＼ 到（km²）", "from \\ to (km²)")]
                             + [class_name(c, lang) for c in CLASSES] + [tr("合计", "Total")], [])
        matrix_page = QWidget()
        ml = QVBoxLayout(matrix_page)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("行政区", "County")))
        row.addWidget(self.county_box, 1)
        ml.addLayout(row)
        ml.addWidget(self.matrix)
        self.changes = table([tr("变化", "Change"), tr("原编码", "Code before"),
                               tr("新编码", "Code after"), tr("原分类", "Class before"),
                               tr("新分类", "Class after"), tr("面积 km²", "Area km²")], [])
        self.requirements = QTextBrowser()
        self.outfalls = table([tr("排污口", "Outfall"), tr("名称", "Name"),
                                tr("原所在单元", "Unit before"), tr("原分类", "Class before"),
                                tr("现所在单元", "Unit after"), tr("新分类", "Class after")], [])
        # split view: the old and the new edition side by side around the chosen change
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.old_view, self.new_view = QSvgWidget(), QSvgWidget()
        self.split.addWidget(self.old_view)
        self.split.addWidget(self.new_view)
        for page, title in ((self.summary, tr("概况", "Summary")),
                            (self.split, tr("新旧对照", "Side by side")),
                            (matrix_page, tr("分类矩阵", "Class matrix")),
                            (self.changes, tr("变化区域", "Changed areas")),
                            (self.requirements, tr("准入要求变化", "Requirements")),
                            (self.outfalls, tr("受影响排污口", "Affected outfalls"))):
            self.tabs.addTab(page, title)

        self.show_changes_button = QPushButton(tr("在地图上显示变化区域", "Show changes on map"))
        self.show_edition_button = QPushButton(tr("在地图上显示所选原版本",
                                                  "Show old edition on map"))
        self.clear_button = QPushButton(tr("移除临时图层", "Remove temporary layers"))
        self.save_button = QPushButton(tr("保存报告或导出…", "Save report or export…"))
        buttons = QHBoxLayout()
        for b in (self.show_changes_button, self.show_edition_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        lay = QVBoxLayout(self)
        lay.addWidget(self.editions)
        lay.addLayout(pick)
        lay.addWidget(self.status)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(buttons)

        self.file_button.clicked.connect(self.choose_file)
        self.compare_button.clicked.connect(self.start_compare)
        self.county_box.currentIndexChanged.connect(self._show_matrix)
        self.show_changes_button.clicked.connect(self.show_changes)
        self.show_edition_button.clicked.connect(self.show_edition)
        self.clear_button.clicked.connect(self.clear_map)
        self.save_button.clicked.connect(self.save)
        self.changes.cellDoubleClicked.connect(lambda row, _c: self.zoom_to_change(row))
        self.changes.currentCellChanged.connect(lambda row, *_: self.show_side_by_side(row))
        self.outfalls.cellDoubleClicked.connect(lambda row, _c: self.zoom_to_outfall(row))
        self.changes.setToolTip(tr("双击：在地图上定位", "Double-click: show on the map"))
        self.outfalls.setToolTip(tr("双击：在地图上定位", "Double-click: show on the map"))
        self.refresh()

    # -- editions ----------------------------------------------------------------------
    def refresh(self) -> None:
        tr = self.tr_
        self.items = list_editions(self.workspace)
        fill(self.editions, [[e.title(self.lang), e.date or "—", e.source or "—",
                              e.feature_count or 0, "✓" if e.is_current else ""]
                             for e in self.items])
        self.old_box.clear()
        self.new_box.clear()
        for e in self.items:
            self.old_box.addItem(e.label(self.lang), e.name)
            self.new_box.addItem(e.label(self.lang), e.name)
        if self.file is not None:
            self.new_box.addItem(tr("文件：", "File: ") + self.file.name, FILE_ITEM)
        current = next((k for k, e in enumerate(self.items) if e.is_current), 0)
        self.new_box.setCurrentIndex(self.new_box.count() - 1 if self.file else current)
        self.old_box.setCurrentIndex(max(0, current - 1) if self.file is None else current)
        self._buttons()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr_("选择管控单元文件", "Control units file"), "", FILE_FILTER)
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path) -> None:
        """Compare with a file (not imported): it becomes the new edition."""
        self.file = Path(path)
        self.refresh()

    def _spec(self, box: QComboBox) -> str:
        data = box.currentData()
        return str(self.file) if data == FILE_ITEM and self.file else str(data)

    def _buttons(self) -> None:
        done = self.result is not None
        self.show_changes_button.setEnabled(done and self.win is not None)
        self.save_button.setEnabled(done)
        self.show_edition_button.setEnabled(self.win is not None and self.old_box.count() > 0)

    # -- comparing ---------------------------------------------------------------------
    def run_compare(self) -> EditionComparison | None:
        """Compare the chosen editions now (blocking) and show the result."""
        try:
            ec = compare_editions(self.workspace, self._spec(self.new_box),
                                  self._spec(self.old_box))
        except EditionError as exc:
            self._failed(exc)
            return None
        self._finished(ec)
        return ec

    def start_compare(self) -> None:
        """The 对比 button: compare in a worker thread, so the window keeps painting."""
        if self.job is not None and self.job.isRunning():
            return
        self.compare_button.setEnabled(False)
        self.status.setText(self.tr_("正在对比…", "Comparing…"))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.job = CompareJob(self.workspace, self._spec(self.new_box),
                               self._spec(self.old_box), self)
        self.job.done.connect(self._finished)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._job_over)
        self.job.start()

    def _job_over(self) -> None:
        QApplication.restoreOverrideCursor()
        self.compare_button.setEnabled(True)

    def _failed(self, exc: EditionError) -> None:
        self.result = None
        self.status.setText(f"<font color='#b71c1c'>{exc.text(self.lang)}</font>")
        self._buttons()

    def _finished(self, ec: EditionComparison) -> None:
        tr = self.tr_
        self.result = ec
        note = tr("　示例数据：管控单元为演示生成，非官方成果。",
                  "  Illustrative data (示例数据): units not official.") if ec.illustrative else ""
        self.status.setText(f"<b>{ec.old.title(self.lang)} → {ec.new.title(self.lang)}</b>"
                            + tr("：", ": ")
                            + tr(f"分类变化面积 {ec.result.matrix.moved() / 1e6:,.2f} km²",
                                 f"area reclassified {ec.result.matrix.moved() / 1e6:,.2f} km²")
                            + f"<font color='#7a5b00'>{note}</font>")
        self._show(ec)
        self._buttons()
        self.compared.emit(ec)

    def _show(self, ec: EditionComparison) -> None:
        r, lang = ec.result, self.lang
        fill(self.summary, [[k, v] for k, v in summary_rows(r, lang)])
        self.county_box.blockSignals(True)
        self.county_box.clear()
        self.county_box.addItem(self.tr_("全部", "All"), None)
        for code in sorted(r.matrix.by_county):
            self.county_box.addItem(Message(*r.county_names.get(code, (code, code))).text(lang),
                                    code)
        self.county_box.blockSignals(False)
        self._show_matrix()
        ch = r.changes
        fill(self.changes, [] if ch is None else [
            [Message(row.kind_zh, row.kind_en).text(lang), row.code_before, row.code_after,
             class_name(row.class_before, lang) if row.class_before else "—",
             class_name(row.class_after, lang) if row.class_after else "—", row.area_km2]
            for row in ch.itertuples()])
        html = []
        for q in r.requirements_changed:
            dim = localized(q, "dimension", lang, fallback=False)
            html.append(f"<p><b>{q['code']}</b> · {dim}<br/>{as_html(q['segments'])}</p>")
        self.requirements.setHtml("".join(html) or self.tr_("无", "None"))
        fill(self.outfalls, [[o["code"], o["name_zh"], o["unit_before"],
                              class_name(o["class_before"], lang), o["unit_after"],
                              class_name(o["class_after"], lang)]
                             for o in r.affected_outfalls])
        self.old_units = ec.base.get("old_units")
        self.show_side_by_side(-1)

    def show_side_by_side(self, row: int) -> None:
        """Old and new edition side by side around change ``row`` (all changes if -1)."""
        import shapely

        from models.edition_map_svg import render_units_svg

        ec = self.result
        ch = ec.result.changes if ec is not None else None
        if ec is None or ch is None or not len(ch):
            return
        if 0 <= row < len(ch):
            outline = ch.geometry.iloc[row]
            x0, y0, x1, y1 = outline.bounds
            pad = max(x1 - x0, y1 - y0, 0.01) * 0.6  # some neighbours for context
            bounds = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        else:
            outline = shapely.union_all(list(ch.geometry))
            bounds = tuple(shapely.total_bounds(list(ch.geometry)))
        for view, units, edition in ((self.old_view, self.old_units, ec.old),
                                     (self.new_view, ec.base.get("units"), ec.new)):
            svg = render_units_svg(units, ec.base, bounds, edition.title(self.lang),
                                   self.lang, outline=outline)
            view.load(QByteArray(svg.encode("utf-8")))
            view.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)

    def _show_matrix(self) -> None:
        if self.result is None:
            return
        m = self.result.result.matrix
        county = self.county_box.currentData()
        mat = m.total() if county is None else m.by_county[county]
        rows = [[class_name(k, self.lang)] + [round(float(v) / 1e6, 2) for v in mat[i]]
                + [round(float(mat[i].sum()) / 1e6, 2)] for i, k in enumerate(CLASSES)]
        rows.append([self.tr_("合计", "Total")]
                    + [round(float(mat[:, c].sum()) / 1e6, 2) for c in range(len(CLASSES))]
                    + [round(float(mat.sum()) / 1e6, 2)])
        fill(self.matrix, rows)

    # -- map (ui/editions/map_actions.py) --------------------------------------------
    def show_changes(self) -> None:
        """The changed areas on the map as a temporary, hatched layer; zoom to them."""
        if self.win is not None and self.result is not None:
            map_actions.show_changes(self.win, self.result)

    def show_edition(self) -> None:
        """The old edition's units on the map as a temporary layer."""
        name = self.old_box.currentData()
        edition = next((e for e in self.items if e.name == name), None)
        if self.win is not None and edition is not None:
            map_actions.show_edition(self.win, self.workspace, edition, self.lang,
                                     self.result.illustrative if self.result else True)

    def zoom_to_change(self, row: int) -> None:
        """Show the changes on the map and zoom to the change in ``row``."""
        if self.win is not None and self.result is not None:
            map_actions.zoom_to_change(self.win, self.result, row)

    def zoom_to_outfall(self, row: int) -> None:
        if self.win is not None and self.result is not None:
            map_actions.zoom_to_outfall(self.win, self.result, row)

    def clear_map(self) -> None:
        if self.win is not None:
            map_actions.clear(self.win)

    # -- saving ------------------------------------------------------------------------
    def save(self) -> Path | None:
        if self.result is None:
            return None
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr_("保存报告或导出", "Save report or export"), "版本对比.html",
            "HTML (*.html);;PDF (*.pdf);;Excel (*.xlsx);;GeoPackage (*.gpkg)")
        return self.save_to(Path(path)) if path else None

    def save_to(self, out: Path) -> Path | None:
        """Write ``out`` (.html, .pdf, .xlsx or .gpkg) for the current comparison."""
        ec = self.result
        if ec is None:
            return None
        try:
            if out.suffix.lower() == ".pdf":
                from ui.reports.edition_pdf import write_pdf

                write_pdf(ec, edition_commands.map_svg(ec, self.lang), out, self.lang,
                          edition_commands.generated(),
                          edition_commands.detail_svgs(ec, self.lang))
            else:
                edition_commands.check_out(out)
                edition_commands.write(ec, out, self.lang)
        except (OSError, edition_commands.CompareUserError) as exc:
            text = exc.message.text(self.lang) if isinstance(
                exc, edition_commands.CompareUserError) else str(exc)
            QMessageBox.warning(self, self.tr_("保存失败", "Saving failed"), text)
            return None
        self.status.setText(self.tr_("已保存：", "Saved: ") + str(out))
        return out

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        # temporary layers stay until removed: the user may still be looking at them; a
        # comparison still running is waited for (its result has nowhere to go)
        if self.job is not None and self.job.isRunning():
            self.job.wait()
        super().closeEvent(event)


def open_editions_dialog(win: Any) -> EditionsDialog:
    dlg = EditionsDialog(win.ws.path, win.lang, win, win)
    dlg.setModal(False)
    dlg.show()
    return dlg


__all__ = ["Edition", "EditionsDialog", "open_editions_dialog"]
